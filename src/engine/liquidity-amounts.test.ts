import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_UINT128 } from "./input-guards.ts";
import { getAmountsForLiquidity, maxLiquidityForAmounts } from "./liquidity-amounts.ts";
import { getAmount0Delta, getAmount1Delta } from "./sqrt-price-math.ts";
import { MAX_SQRT_RATIO, MIN_SQRT_RATIO } from "./tick-math.ts";
import { b, j, sdk } from "./uniswap-sdk.test-support.ts";

const RUNS = 3_000;
const sqrtPrice = fc.oneof(
  fc.bigInt({ min: MIN_SQRT_RATIO, max: MAX_SQRT_RATIO - 1n }),
  fc.bigInt({ min: 1n << 80n, max: 1n << 112n }),
);
const amount = fc.oneof(fc.bigInt({ min: 0n, max: 10n ** 30n }), fc.bigInt({ min: 0n, max: 1n << 200n }));

describe("LiquidityAmounts", () => {
  it("maxLiquidityForAmounts equals the v3-sdk, with and without full precision", () => {
    fc.assert(
      fc.property(sqrtPrice, sqrtPrice, sqrtPrice, amount, amount, fc.boolean(), (p, a, c, x, y, precise) => {
        fc.pre(a !== c);
        return (
          maxLiquidityForAmounts(p, a, c, x, y, precise) ===
          b(sdk.maxLiquidityForAmounts(j(p), j(a), j(c), j(x), j(y), precise))
        );
      }),
      { numRuns: RUNS },
    );
  });

  it("getAmountsForLiquidity is the rounded-down amount on each side of the price", () => {
    fc.assert(
      fc.property(sqrtPrice, sqrtPrice, sqrtPrice, fc.bigInt({ min: 0n, max: MAX_UINT128 }), (p, a, c, l) => {
        const [lo, hi] = a < c ? [a, c] : [c, a];
        const { amount0, amount1 } = getAmountsForLiquidity(p, a, c, l);
        // biome-ignore lint/complexity/useMathMinMax: bigint operands; Math.min takes numbers only
        const clamped = p < lo ? lo : p > hi ? hi : p;
        return (
          amount0 === b(sdk.SqrtPriceMath.getAmount0Delta(j(clamped), j(hi), j(l), false)) &&
          amount1 === b(sdk.SqrtPriceMath.getAmount1Delta(j(lo), j(clamped), j(l), false))
        );
      }),
      { numRuns: RUNS },
    );
  });

  it("the liquidity bought with some amounts never costs more than those amounts", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n << 90n, max: 1n << 100n }),
        fc.bigInt({ min: 1n << 90n, max: 1n << 100n }),
        fc.bigInt({ min: 1n << 90n, max: 1n << 100n }),
        fc.bigInt({ min: 0n, max: 10n ** 24n }),
        fc.bigInt({ min: 0n, max: 10n ** 24n }),
        (p, a, c, x, y) => {
          fc.pre(a !== c);
          const [lo, hi] = a < c ? [a, c] : [c, a];
          const l = maxLiquidityForAmounts(p, a, c, x, y, true);
          fc.pre(l <= MAX_UINT128); // more than a pool can hold
          // biome-ignore lint/complexity/useMathMinMax: bigint operands; Math.min takes numbers only
          const clamped = p < lo ? lo : p > hi ? hi : p;
          return (
            getAmount0Delta(clamped, hi, l, true) <= x + 1n && getAmount1Delta(lo, clamped, l, true) <= y + 1n
          );
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it("refuses an empty range", () => {
    expect(() => maxLiquidityForAmounts(1n << 96n, 1n << 96n, 1n << 96n, 1n, 1n, true)).toThrow(/empty/);
  });
});
