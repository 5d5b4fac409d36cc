import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EngineInputError } from "./errors.ts";
import { MAX_UINT128 } from "./input-guards.ts";
import { mintAmounts, positionAmounts } from "./position-amounts.ts";
import { getSqrtRatioAtTick, MAX_TICK, MIN_TICK } from "./tick-math.ts";
import { b, j, sdk, sdkCore } from "./uniswap-sdk.test-support.ts";

const token0 = new sdkCore.Token(1, "0x0000000000000000000000000000000000000001", 18, "T0");
const token1 = new sdkCore.Token(1, "0x0000000000000000000000000000000000000002", 6, "T1");
const SPACING = 10; // FeeAmount.LOW (500)

/** A pool state the SDK accepts: a tick and a sqrt price inside [p(tick), p(tick + 1)]. */
const poolState = fc.integer({ min: MIN_TICK, max: MAX_TICK - 1 }).chain((tickCurrent) => {
  const lo = getSqrtRatioAtTick(tickCurrent);
  const hi = getSqrtRatioAtTick(tickCurrent + 1);
  return fc.record({
    tickCurrent: fc.constant(tickCurrent),
    sqrtPriceX96: fc.bigInt({ min: lo, max: hi - 1n }),
  });
});
const usableTick = fc
  .integer({ min: Math.ceil(MIN_TICK / SPACING), max: Math.floor(MAX_TICK / SPACING) })
  .map((i) => i * SPACING);
const liquidity = fc.oneof(fc.bigInt({ min: 0n, max: 10n ** 24n }), fc.bigInt({ min: 0n, max: MAX_UINT128 }));

describe("positionAmounts / mintAmounts", () => {
  it("equal the v3-sdk's Position.amount0/amount1 and mintAmounts, in and out of range", () => {
    fc.assert(
      fc.property(poolState, usableTick, usableTick, liquidity, (pool, t1, t2, l) => {
        fc.pre(t1 !== t2);
        const [tickLower, tickUpper] = t1 < t2 ? [t1, t2] : [t2, t1];
        const sdkPool = new sdk.Pool(token0, token1, 500, j(pool.sqrtPriceX96), j(0n), pool.tickCurrent);
        const sdkPosition = new sdk.Position({ pool: sdkPool, liquidity: j(l), tickLower, tickUpper });
        const input = { ...pool, tickLower, tickUpper, liquidity: l };
        const burn = positionAmounts(input);
        const mint = mintAmounts(input);
        const sdkMint = sdkPosition.mintAmounts;
        return (
          burn.amount0 === b(sdkPosition.amount0.quotient) &&
          burn.amount1 === b(sdkPosition.amount1.quotient) &&
          mint.amount0 === b(sdkMint.amount0) &&
          mint.amount1 === b(sdkMint.amount1)
        );
      }),
      { numRuns: 2_000 },
    );
  });

  it("a range entirely above the price holds only token0; entirely below, only token1", () => {
    const base = { sqrtPriceX96: getSqrtRatioAtTick(0), tickCurrent: 0, liquidity: 10n ** 18n };
    expect(positionAmounts({ ...base, tickLower: 10, tickUpper: 20 }).amount1).toBe(0n);
    expect(positionAmounts({ ...base, tickLower: -20, tickUpper: -10 }).amount0).toBe(0n);
  });

  it("rejects inverted ranges and ticks out of bounds", () => {
    const base = { sqrtPriceX96: getSqrtRatioAtTick(0), tickCurrent: 0, liquidity: 1n };
    expect(() => positionAmounts({ ...base, tickLower: 20, tickUpper: 10 })).toThrow(EngineInputError);
    expect(() => positionAmounts({ ...base, tickLower: MIN_TICK - 1, tickUpper: 10 })).toThrow(/tickLower/);
  });
});
