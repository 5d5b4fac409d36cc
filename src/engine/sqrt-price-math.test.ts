import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EngineInputError } from "./errors.ts";
import { MAX_UINT128, MAX_UINT160, MAX_UINT256 } from "./input-guards.ts";
import {
  getAmount0Delta,
  getAmount1Delta,
  getNextSqrtPriceFromInput,
  getNextSqrtPriceFromOutput,
} from "./sqrt-price-math.ts";
import { MAX_SQRT_RATIO, MIN_SQRT_RATIO } from "./tick-math.ts";
import { b, j, outcome, sdk } from "./uniswap-sdk.test-support.ts";

const RUNS = 3_000;
const sqrtPrice = fc.oneof(
  fc.bigInt({ min: MIN_SQRT_RATIO, max: MAX_SQRT_RATIO - 1n }),
  fc.bigInt({ min: 1n << 80n, max: 1n << 112n }),
);
const liquidity = fc.oneof(fc.bigInt({ min: 1n, max: MAX_UINT128 }), fc.bigInt({ min: 1n, max: 10n ** 24n }));
const amount = fc.oneof(
  fc.bigInt({ min: 0n, max: 10n ** 30n }),
  fc.bigInt({ min: 0n, max: MAX_UINT160 }),
  fc.bigInt({ min: 0n, max: MAX_UINT256 }),
);

/**
 * The engine must agree with the SDK wherever the contract would not revert. Where the engine throws, the
 * SDK either throws too, returns a value the contract could not (above uint160), or skips a check the
 * contract makes: `(numerator1 / sqrtP).add(amount)` is a checked add in SqrtPriceMath.sol, the SDK wraps.
 */
function agrees(mine: () => bigint, theirs: () => unknown): boolean {
  const m = outcome(mine);
  const t = outcome(() => b(theirs()));
  if (m.ok) return t.ok && t.value === m.value;
  let contractReverts = false;
  try {
    mine();
  } catch (error) {
    contractReverts = error instanceof EngineInputError && error.reason.includes("overflows uint256");
  }
  return contractReverts || !t.ok || t.value > MAX_UINT160 || t.value <= 0n;
}

describe("SqrtPriceMath", () => {
  it("getAmount0Delta equals the v3-sdk, rounding down and up", () => {
    fc.assert(
      fc.property(
        sqrtPrice,
        sqrtPrice,
        liquidity,
        fc.boolean(),
        (a, c, l, up) =>
          getAmount0Delta(a, c, l, up) === b(sdk.SqrtPriceMath.getAmount0Delta(j(a), j(c), j(l), up)),
      ),
      { numRuns: RUNS },
    );
  });

  it("getAmount1Delta equals the v3-sdk, rounding down and up", () => {
    fc.assert(
      fc.property(
        sqrtPrice,
        sqrtPrice,
        liquidity,
        fc.boolean(),
        (a, c, l, up) =>
          getAmount1Delta(a, c, l, up) === b(sdk.SqrtPriceMath.getAmount1Delta(j(a), j(c), j(l), up)),
      ),
      { numRuns: RUNS },
    );
  });

  it("rounding up never gives less than rounding down, and by at most one unit", () => {
    fc.assert(
      fc.property(sqrtPrice, sqrtPrice, liquidity, (a, c, l) => {
        const d0 = getAmount0Delta(a, c, l, true) - getAmount0Delta(a, c, l, false);
        const d1 = getAmount1Delta(a, c, l, true) - getAmount1Delta(a, c, l, false);
        return d0 >= 0n && d0 <= 1n && d1 >= 0n && d1 <= 1n;
      }),
      { numRuns: 1_000 },
    );
  });

  it("getNextSqrtPriceFromInput equals the v3-sdk", () => {
    fc.assert(
      fc.property(sqrtPrice, liquidity, amount, fc.boolean(), (p, l, a, zeroForOne) =>
        agrees(
          () => getNextSqrtPriceFromInput(p, l, a, zeroForOne),
          () => sdk.SqrtPriceMath.getNextSqrtPriceFromInput(j(p), j(l), j(a), zeroForOne),
        ),
      ),
      { numRuns: RUNS },
    );
  });

  it("getNextSqrtPriceFromOutput equals the v3-sdk", () => {
    fc.assert(
      fc.property(sqrtPrice, liquidity, amount, fc.boolean(), (p, l, a, zeroForOne) =>
        agrees(
          () => getNextSqrtPriceFromOutput(p, l, a, zeroForOne),
          () => sdk.SqrtPriceMath.getNextSqrtPriceFromOutput(j(p), j(l), j(a), zeroForOne),
        ),
      ),
      { numRuns: RUNS },
    );
  });

  it("moves the price the right way: selling token0 lowers it, selling token1 raises it", () => {
    fc.assert(
      fc.property(sqrtPrice, liquidity, fc.bigInt({ min: 1n, max: 10n ** 24n }), (p, l, a) => {
        const down = outcome(() => getNextSqrtPriceFromInput(p, l, a, true));
        const up = outcome(() => getNextSqrtPriceFromInput(p, l, a, false));
        return (!down.ok || down.value <= p) && (!up.ok || up.value >= p);
      }),
      { numRuns: 1_000 },
    );
  });

  it("rejects zero liquidity for a price move and non-positive sqrt prices", () => {
    expect(() => getNextSqrtPriceFromInput(1n << 96n, 0n, 1n, true)).toThrow(EngineInputError);
    expect(() => getAmount0Delta(0n, 1n << 96n, 1n, false)).toThrow(/sqrtRatioAX96/);
    expect(() => getAmount1Delta(1n << 96n, 1n << 96n, -1n, false)).toThrow(/liquidity/);
  });
});
