import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { feesOwed, getFeeGrowthInside, subIn256 } from "./fee-growth.ts";
import { MAX_UINT128, MAX_UINT256 } from "./input-guards.ts";
import { MAX_TICK, MIN_TICK } from "./tick-math.ts";
import { b, j, sdk } from "./uniswap-sdk.test-support.ts";

const growth = fc.oneof(fc.bigInt({ min: 0n, max: MAX_UINT256 }), fc.bigInt({ min: 0n, max: 1n << 140n }));
const tick = fc.integer({ min: MIN_TICK, max: MAX_TICK });

describe("fee growth and fees owed", () => {
  it("getFeeGrowthInside equals the v3-sdk's TickLibrary, wrapping modulo 2^256", () => {
    fc.assert(
      fc.property(
        tick,
        tick,
        tick,
        growth,
        growth,
        growth,
        growth,
        growth,
        growth,
        (t1, t2, tc, g0, g1, lo0, lo1, up0, up1) => {
          fc.pre(t1 !== t2);
          const [tickLower, tickUpper] = t1 < t2 ? [t1, t2] : [t2, t1];
          const mine = getFeeGrowthInside({
            tickLower,
            tickUpper,
            tickCurrent: tc,
            feeGrowthGlobal0X128: g0,
            feeGrowthGlobal1X128: g1,
            lowerFeeGrowthOutside0X128: lo0,
            lowerFeeGrowthOutside1X128: lo1,
            upperFeeGrowthOutside0X128: up0,
            upperFeeGrowthOutside1X128: up1,
          });
          const [s0, s1] = sdk.TickLibrary.getFeeGrowthInside(
            { feeGrowthOutside0X128: j(lo0), feeGrowthOutside1X128: j(lo1) },
            { feeGrowthOutside0X128: j(up0), feeGrowthOutside1X128: j(up1) },
            tickLower,
            tickUpper,
            tc,
            j(g0),
            j(g1),
          );
          return mine.feeGrowthInside0X128 === b(s0) && mine.feeGrowthInside1X128 === b(s1);
        },
      ),
      { numRuns: 3_000 },
    );
  });

  it("feesOwed adds tokensOwed to the SDK's PositionLibrary.getTokensOwed", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: MAX_UINT128 }),
        fc.bigInt({ min: 0n, max: 1n << 160n }),
        fc.bigInt({ min: 0n, max: 1n << 160n }),
        growth,
        growth,
        fc.bigInt({ min: 0n, max: MAX_UINT128 }),
        (l, inside0, inside1, last0, last1, owed) => {
          const mine = feesOwed({
            liquidity: l,
            feeGrowthInside0X128: inside0,
            feeGrowthInside1X128: inside1,
            feeGrowthInside0LastX128: last0,
            feeGrowthInside1LastX128: last1,
            tokensOwed0: owed,
            tokensOwed1: 0n,
          });
          const [s0, s1] = sdk.PositionLibrary.getTokensOwed(
            j(last0),
            j(last1),
            j(l),
            j(inside0),
            j(inside1),
          );
          // The contract casts each new amount to uint128 (Position.sol); the SDK does not.
          return mine.fees0 === owed + (b(s0) & MAX_UINT128) && mine.fees1 === (b(s1) & MAX_UINT128);
        },
      ),
      { numRuns: 3_000 },
    );
  });

  it("a counter that wrapped past 2^256 still yields the fees earned since", () => {
    const last = MAX_UINT256 - 10n * (1n << 128n) + 1n;
    const now = 5n * (1n << 128n); // grew by 15 × 2^128 across the wrap
    expect(subIn256(now, last)).toBe(15n * (1n << 128n));
    const fees = feesOwed({
      liquidity: 2n,
      feeGrowthInside0X128: now,
      feeGrowthInside1X128: 0n,
      feeGrowthInside0LastX128: last,
      feeGrowthInside1LastX128: 0n,
      tokensOwed0: 0n,
      tokensOwed1: 7n,
    });
    expect(fees).toEqual({ fees0: 30n, fees1: 7n });
  });
});
