import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EngineInputError } from "./errors.ts";
import { getFeeGrowthInside } from "./fee-growth.ts";
import { MAX_UINT128, MAX_UINT256 } from "./input-guards.ts";
import type { Address } from "./plan.ts";
import type { V4PoolKey, V4PoolSnapshot, V4PositionSnapshot } from "./snapshot.ts";
import { getSqrtRatioAtTick, MAX_TICK, MIN_TICK } from "./tick-math.ts";
import { b, j, sdk, sdkCore } from "./uniswap-sdk.test-support.ts";
import { v4Sdk } from "./uniswap-v4-sdk.test-support.ts";
import { DYNAMIC_FEE_FLAG, NO_HOOK } from "./v4-hook-flags.ts";
import { NATIVE_CURRENCY, v4FeesOwed, valueV4Position } from "./v4-position.ts";

const USDC: Address = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48";
const USDT: Address = "0xdAC17F958D2ee523a2206206994597C13D831ec7";
const WETH: Address = "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2";
const HOOK: Address = "0xCf48309CE5a3231D8964b49D5544c7229d3f5000"; // afterInitialize only
const POOL_ID = "0x21c67e77068de97969ba93d4aab21826d33ca12bb9f565d8496e8fda8a82ca27";

/** The SDK's currencies for a key: address(0) is sdk-core's native Ether. */
function sdkCurrency(address: Address, decimals: number) {
  return address === NATIVE_CURRENCY
    ? sdkCore.Ether.onChain(1)
    : new sdkCore.Token(1, address, decimals, address.slice(0, 6));
}

const KEYS: readonly { key: V4PoolKey; decimals: [number, number] }[] = [
  {
    key: { currency0: NATIVE_CURRENCY, currency1: USDC, fee: 500, tickSpacing: 10, hooks: NO_HOOK },
    decimals: [18, 6],
  },
  { key: { currency0: USDC, currency1: USDT, fee: 10, tickSpacing: 1, hooks: NO_HOOK }, decimals: [6, 6] },
  {
    key: { currency0: NATIVE_CURRENCY, currency1: USDC, fee: DYNAMIC_FEE_FLAG, tickSpacing: 60, hooks: HOOK },
    decimals: [18, 6],
  },
];

/** A pool state the SDK accepts: a tick and a sqrt price inside [p(tick), p(tick + 1)). */
const poolState = fc.integer({ min: MIN_TICK, max: MAX_TICK - 1 }).chain((tickCurrent) =>
  fc.record({
    tickCurrent: fc.constant(tickCurrent),
    sqrtPriceX96: fc.bigInt({
      min: getSqrtRatioAtTick(tickCurrent),
      max: getSqrtRatioAtTick(tickCurrent + 1) - 1n,
    }),
  }),
);
const growth = fc.oneof(fc.bigInt({ min: 0n, max: MAX_UINT256 }), fc.bigInt({ min: 0n, max: 1n << 140n }));

function pool(
  key: V4PoolKey,
  state: { sqrtPriceX96: bigint; tickCurrent: number },
  lpFee = key.fee,
): V4PoolSnapshot {
  return {
    kind: "uniswap-v4",
    poolId: POOL_ID,
    key,
    currency0: { address: key.currency0, symbol: "C0", decimals: 18 },
    currency1: { address: key.currency1, symbol: "C1", decimals: 6 },
    sqrtPriceX96: state.sqrtPriceX96,
    tick: state.tickCurrent,
    lpFee,
    protocolFee: 0,
    liquidity: 0n,
    feeGrowthGlobal0X128: 0n,
    feeGrowthGlobal1X128: 0n,
    ranges: [],
  };
}

function position(tickLower: number, tickUpper: number, liquidity: bigint): V4PositionSnapshot {
  return {
    kind: "uniswap-v4",
    tokenId: 1n,
    poolId: POOL_ID,
    owner: "0x0837e5255938D5651D463Ce2Bd0e5d060c566655",
    tickLower,
    tickUpper,
    liquidity,
    feeGrowthInside0LastX128: 0n,
    feeGrowthInside1LastX128: 0n,
    hasSubscriber: false,
    entry: { kind: "amounts", amount0: 0n, amount1: 0n },
  };
}

describe("valueV4Position", () => {
  it("pays what the v4-sdk's Position says a full withdrawal returns, for native-ETH, stable and hooked pools", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...KEYS),
        poolState,
        fc.integer({ min: MIN_TICK, max: MAX_TICK }),
        fc.integer({ min: MIN_TICK, max: MAX_TICK }),
        fc.oneof(fc.bigInt({ min: 0n, max: 10n ** 24n }), fc.bigInt({ min: 0n, max: MAX_UINT128 })),
        ({ key, decimals }, state, t1, t2, liquidity) => {
          const spacing = key.tickSpacing;
          const [lo, hi] = [Math.min(t1, t2), Math.max(t1, t2)].map(
            (t) => Math.trunc(t / spacing) * spacing,
          ) as [number, number];
          fc.pre(lo < hi);
          const sdkPool = new v4Sdk.Pool(
            sdkCurrency(key.currency0, decimals[0]),
            sdkCurrency(key.currency1, decimals[1]),
            key.fee,
            key.tickSpacing,
            key.hooks,
            j(state.sqrtPriceX96),
            j(0n),
            state.tickCurrent,
          );
          const sdkPosition = new v4Sdk.Position({
            pool: sdkPool,
            liquidity: j(liquidity),
            tickLower: lo,
            tickUpper: hi,
          });
          const p = { ...position(lo, hi, liquidity) };
          const snapshot = {
            ...pool(key, state),
            ranges: [{ tickLower: lo, tickUpper: hi, feeGrowthInside0X128: 0n, feeGrowthInside1X128: 0n }],
          };
          const value = valueV4Position(p, snapshot, { base: WETH });
          return (
            value.amount0 === b(sdkPosition.amount0.quotient) &&
            value.amount1 === b(sdkPosition.amount1.quotient)
          );
        },
      ),
      { numRuns: 1_500 },
    );
  });

  it("owes the fees the v3-sdk's PositionLibrary computes from fee growth inside, or refuses what v4 cannot pay", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: MAX_UINT128 }),
        growth,
        growth,
        growth,
        growth,
        (liquidity, inside0, inside1, last0, last1) => {
          const p = {
            ...position(-60, 60, liquidity),
            feeGrowthInside0LastX128: last0,
            feeGrowthInside1LastX128: last1,
          };
          const range = {
            tickLower: -60,
            tickUpper: 60,
            feeGrowthInside0X128: inside0,
            feeGrowthInside1X128: inside1,
          };
          const [s0, s1] = sdk.PositionLibrary.getTokensOwed(
            j(last0),
            j(last1),
            j(liquidity),
            j(inside0),
            j(inside1),
          );
          const expected = { fees0: b(s0), fees1: b(s1) };
          if (expected.fees0 >= 1n << 127n || expected.fees1 >= 1n << 127n) {
            expect(() => v4FeesOwed(p, range)).toThrow(/int128/);
            return true;
          }
          expect(v4FeesOwed(p, range)).toEqual(expected);
          return true;
        },
      ),
      { numRuns: 1_500 },
    );
  });

  it("takes the range's fee growth inside as the v3 formula gives it from the ticks' outside growth", () => {
    // StateView.getFeeGrowthInside and v3's Tick.getFeeGrowthInside agree; check one crossing case by hand.
    const inside = getFeeGrowthInside({
      tickLower: -60,
      tickUpper: 60,
      tickCurrent: 0,
      feeGrowthGlobal0X128: 10n << 128n,
      feeGrowthGlobal1X128: 4n << 128n,
      lowerFeeGrowthOutside0X128: 3n << 128n,
      lowerFeeGrowthOutside1X128: 1n << 128n,
      upperFeeGrowthOutside0X128: 2n << 128n,
      upperFeeGrowthOutside1X128: 1n << 128n,
    });
    const p = position(-60, 60, 1_000n);
    expect(v4FeesOwed(p, { tickLower: -60, tickUpper: 60, ...inside })).toEqual({
      fees0: 5_000n,
      fees1: 2_000n,
    });
  });

  it("counts native ETH as the base asset, fees included", () => {
    const { key } = KEYS[0]!;
    const tick = -197_000;
    const state = { tickCurrent: tick, sqrtPriceX96: getSqrtRatioAtTick(tick) };
    const p = position(-198_000, -196_000, 10n ** 15n);
    const snapshot = {
      ...pool(key, state),
      ranges: [
        {
          tickLower: -198_000,
          tickUpper: -196_000,
          feeGrowthInside0X128: 7n << 128n,
          feeGrowthInside1X128: 0n,
        },
      ],
    };
    const value = valueV4Position(p, snapshot, { base: WETH });
    expect(value.asset0).toBe(WETH);
    expect(value.asset1).toBe(USDC);
    expect(value.fees0).toBe(7n * 10n ** 15n);
    expect(value.baseUnits).toBe(value.amount0 + value.fees0);
    expect(value.inRange).toBe(true);
    expect(value.hook).toBeNull();
  });

  it("flags a hooked dynamic-fee pool with its hook's permissions and reports the LP fee slot0 holds", () => {
    const { key } = KEYS[2]!;
    const state = { tickCurrent: 0, sqrtPriceX96: getSqrtRatioAtTick(0) };
    const snapshot = {
      ...pool(key, state, 3_000),
      ranges: [{ tickLower: -60, tickUpper: 60, feeGrowthInside0X128: 0n, feeGrowthInside1X128: 0n }],
    };
    const value = valueV4Position(position(-60, 60, 1n), snapshot, { base: WETH });
    expect(value.dynamicFee).toBe(true);
    expect(value.lpFee).toBe(3_000);
    expect(value.hook?.address).toBe(HOOK);
    expect(value.hook?.permissions.afterInitialize).toBe(true);
    expect(Object.values(value.hook?.permissions ?? {}).filter(Boolean)).toHaveLength(1);
  });

  it("values an ERC-20 pair without any base asset at zero base units", () => {
    const { key } = KEYS[1]!;
    const state = { tickCurrent: 0, sqrtPriceX96: getSqrtRatioAtTick(0) };
    const snapshot = {
      ...pool(key, state),
      ranges: [{ tickLower: -5, tickUpper: 5, feeGrowthInside0X128: 0n, feeGrowthInside1X128: 0n }],
    };
    const value = valueV4Position(position(-5, 5, 10n ** 12n), snapshot, { base: WETH });
    expect([value.asset0, value.asset1]).toEqual([USDC, USDT]);
    expect(value.baseUnits).toBe(0n);
  });

  it("refuses a position without its range's fee growth, or valued against another pool", () => {
    const { key } = KEYS[0]!;
    const snapshot = pool(key, { tickCurrent: 0, sqrtPriceX96: getSqrtRatioAtTick(0) });
    expect(() => valueV4Position(position(-10, 10, 1n), snapshot, { base: WETH })).toThrow(EngineInputError);
    const other = { ...position(-10, 10, 1n), poolId: `0x${"11".repeat(32)}` as const };
    expect(() =>
      valueV4Position(
        other,
        {
          ...snapshot,
          ranges: [{ tickLower: -10, tickUpper: 10, feeGrowthInside0X128: 0n, feeGrowthInside1X128: 0n }],
        },
        { base: WETH },
      ),
    ).toThrow(/poolId/);
  });
});
