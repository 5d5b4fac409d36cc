// Reference vectors: v4 position amounts and fees from valueV4Position against @uniswap/v4-sdk (Position.amount0 and
// amount1; fees from the v3-sdk PositionLibrary the v4-sdk builds on, as it has no fee function of its own) on a
// fixed table that reaches the edges random cases rarely do: ticks at the bounds of each tick spacing, prices on a
// range's bounds and one wei below them, native ETH as currency0, hooked dynamic-fee pools, the largest liquidity a
// tick can hold and uint128's maximum, fee growth that wraps around 2^256, fees on both sides of int128's limit.
// Every vector must agree exactly (to the wei), or be refused where the PoolManager would revert.
import { describe, expect, it } from "vitest";
import { MAX_UINT128, MAX_UINT256 } from "./input-guards.ts";
import type { Address } from "./plan.ts";
import type { V4PoolKey } from "./snapshot.ts";
import { getSqrtRatioAtTick, MAX_SQRT_RATIO, MAX_TICK, MIN_SQRT_RATIO, MIN_TICK } from "./tick-math.ts";
import {
  engineV4Inputs,
  sdkV4Pool,
  sdkV4Valuation,
  type V4ValuationCase,
} from "./uniswap-v4-sdk.test-support.ts";
import { DYNAMIC_FEE_FLAG, NO_HOOK } from "./v4-hook-flags.ts";
import { NATIVE_CURRENCY, v4FeesOwed, valueV4Position } from "./v4-position.ts";

const USDC: Address = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48";
const USDT: Address = "0xdAC17F958D2ee523a2206206994597C13D831ec7";
const WBTC: Address = "0x2260FAC5E5542a773Aa44fBCfeDf7C193bc2C599";
const WETH: Address = "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2";
/** Hook addresses: permission bits in the low 14 bits (afterInitialize only; before/after swap and donate). */
const AFTER_INITIALIZE_HOOK: Address = "0xCf48309CE5a3231D8964b49D5544c7229d3f5000";
const SWAP_HOOK: Address = "0x00000000000000000000000000000000000000f0";

const KEYS: readonly { name: string; key: V4PoolKey; decimals: readonly [number, number] }[] = [
  {
    name: "native ETH/USDC 0.05%, spacing 10",
    key: { currency0: NATIVE_CURRENCY, currency1: USDC, fee: 500, tickSpacing: 10, hooks: NO_HOOK },
    decimals: [18, 6],
  },
  {
    name: "USDC/USDT 0.001%, spacing 1",
    key: { currency0: USDC, currency1: USDT, fee: 10, tickSpacing: 1, hooks: NO_HOOK },
    decimals: [6, 6],
  },
  {
    name: "native ETH/USDC dynamic fee, hooked, spacing 60",
    key: {
      currency0: NATIVE_CURRENCY,
      currency1: USDC,
      fee: DYNAMIC_FEE_FLAG,
      tickSpacing: 60,
      hooks: AFTER_INITIALIZE_HOOK,
    },
    decimals: [18, 6],
  },
  {
    name: "WBTC/WETH 0.30%, spacing 60",
    key: { currency0: WBTC, currency1: WETH, fee: 3_000, tickSpacing: 60, hooks: NO_HOOK },
    decimals: [8, 18],
  },
  {
    name: "USDC/WETH 1%, spacing 200, swap hook",
    key: { currency0: USDC, currency1: WETH, fee: 10_000, tickSpacing: 200, hooks: SWAP_HOOK },
    decimals: [6, 18],
  },
  {
    name: "native ETH/WBTC 0.01%, spacing 1",
    key: { currency0: NATIVE_CURRENCY, currency1: WBTC, fee: 100, tickSpacing: 1, hooks: NO_HOOK },
    decimals: [18, 8],
  },
];

/** TickMath.minUsableTick / maxUsableTick: Solidity's division truncates toward zero. */
const minUsableTick = (spacing: number) => Math.trunc(MIN_TICK / spacing) * spacing;
const maxUsableTick = (spacing: number) => Math.trunc(MAX_TICK / spacing) * spacing;

/** v4-core Pool.tickSpacingToMaxLiquidityPerTick: the most liquidity one tick may reference. */
function maxLiquidityPerTick(spacing: number): bigint {
  const ticks = (maxUsableTick(spacing) - minUsableTick(spacing)) / spacing + 1;
  return MAX_UINT128 / BigInt(ticks);
}

/** Ranges for a spacing: full, one spacing at either end, narrow and wide around price 1, a realistic ETH/USD one. */
function rangesFor(spacing: number): [number, number][] {
  const lo = minUsableTick(spacing);
  const hi = maxUsableTick(spacing);
  const align = (t: number) => Math.floor(t / spacing) * spacing;
  return [
    [lo, hi],
    [lo, lo + spacing],
    [hi - spacing, hi],
    [-spacing, spacing],
    [0, spacing],
    [-100 * spacing, 37 * spacing],
    [align(-199_000), align(-195_000)],
  ];
}

/** Pool states as (tick, sqrt price), the SDK's condition p(tick) <= sqrtPrice <= p(tick + 1) holding for each. */
function statesFor(range: [number, number]): { tickCurrent: number; sqrtPriceX96: bigint }[] {
  const at = (tick: number) => ({ tickCurrent: tick, sqrtPriceX96: getSqrtRatioAtTick(tick) });
  const [lower, upper] = range;
  const states = [
    { tickCurrent: MIN_TICK, sqrtPriceX96: MIN_SQRT_RATIO },
    { tickCurrent: MAX_TICK - 1, sqrtPriceX96: MAX_SQRT_RATIO - 1n },
    at(0),
    { tickCurrent: -1, sqrtPriceX96: getSqrtRatioAtTick(0) - 1n },
    at(-197_000),
    // On the lower bound (in range), one wei below it (below the range), on the upper bound (above the range, as
    // v4 has it: tick >= tickUpper) and one wei below the upper bound (in range, nearly all currency1).
    at(lower),
    ...(lower > MIN_TICK ? [{ tickCurrent: lower - 1, sqrtPriceX96: getSqrtRatioAtTick(lower) - 1n }] : []),
    ...(upper < MAX_TICK ? [at(upper)] : []),
    { tickCurrent: upper - 1, sqrtPriceX96: getSqrtRatioAtTick(upper) - 1n },
  ];
  return states.filter((s) => s.tickCurrent >= MIN_TICK && s.tickCurrent < MAX_TICK);
}

/**
 * Fee growth inside now and at the last modification: none, plain, wrapped around 2^256, large (Δ = 2^126, whose fees
 * fit int128 for any uint128 liquidity), and a whole 2^256 − 1 (fees past int128 for any liquidity above 0).
 */
const FEE_GROWTH: readonly { inside: [bigint, bigint]; last: [bigint, bigint] }[] = [
  { inside: [0n, 0n], last: [0n, 0n] },
  { inside: [5n << 100n, 3n << 100n], last: [2n << 100n, 1n << 100n] },
  { inside: [3n << 100n, 11n], last: [MAX_UINT256 + 1n - (7n << 100n), MAX_UINT256 - 4n] },
  { inside: [(1n << 126n) + 12_345n, 1n << 120n], last: [12_345n, 0n] },
  { inside: [MAX_UINT256, 1n], last: [0n, MAX_UINT256] },
];

function vectors(): { name: string; c: V4ValuationCase }[] {
  const out: { name: string; c: V4ValuationCase }[] = [];
  for (const { name, key, decimals } of KEYS) {
    const liquidities = [0n, 1n, 10n ** 18n, maxLiquidityPerTick(key.tickSpacing), MAX_UINT128];
    for (const range of rangesFor(key.tickSpacing)) {
      for (const state of statesFor(range)) {
        for (const liquidity of liquidities) {
          const fees = FEE_GROWTH[out.length % FEE_GROWTH.length]!;
          out.push({
            name: `${name}, range [${range[0]}, ${range[1]}), tick ${state.tickCurrent} sqrtPrice ${state.sqrtPriceX96}, L ${liquidity}`,
            c: {
              key,
              decimals,
              ...state,
              tickLower: range[0],
              tickUpper: range[1],
              liquidity,
              feeGrowthInside0X128: fees.inside[0],
              feeGrowthInside1X128: fees.inside[1],
              feeGrowthInside0LastX128: fees.last[0],
              feeGrowthInside1LastX128: fees.last[1],
            },
          });
        }
      }
    }
  }
  return out;
}

const INT128_LIMIT = 1n << 127n;

describe("v4 position reference vectors against @uniswap/v4-sdk", () => {
  const table = vectors();

  it("covers the edges it claims: every spacing, native ETH, hooks, below, in and above range, bound ticks", () => {
    const kinds = (c: V4ValuationCase) =>
      c.tickCurrent < c.tickLower ? "below" : c.tickCurrent < c.tickUpper ? "in" : "above";
    const count = (f: (c: V4ValuationCase) => boolean) => table.filter(({ c }) => f(c)).length;
    expect(table.length).toBeGreaterThan(1_500);
    for (const kind of ["below", "in", "above"]) expect(count((c) => kinds(c) === kind)).toBeGreaterThan(200);
    expect(new Set(table.map(({ c }) => c.key.tickSpacing))).toEqual(new Set([1, 10, 60, 200]));
    expect(count((c) => c.key.currency0 === NATIVE_CURRENCY)).toBeGreaterThan(500);
    expect(count((c) => c.key.fee === DYNAMIC_FEE_FLAG)).toBeGreaterThan(200);
    expect(count((c) => c.tickLower === minUsableTick(c.key.tickSpacing))).toBeGreaterThan(100);
    expect(count((c) => c.tickUpper === maxUsableTick(c.key.tickSpacing))).toBeGreaterThan(100);
    const onBound = (c: V4ValuationCase, tick: number) => c.sqrtPriceX96 === getSqrtRatioAtTick(tick);
    expect(count((c) => c.tickCurrent === c.tickLower && onBound(c, c.tickLower))).toBeGreaterThan(100);
    expect(count((c) => c.tickCurrent === c.tickUpper && onBound(c, c.tickUpper))).toBeGreaterThan(100);
    expect(count((c) => c.sqrtPriceX96 === getSqrtRatioAtTick(c.tickUpper) - 1n)).toBeGreaterThan(100);
    expect(count((c) => c.liquidity === MAX_UINT128)).toBeGreaterThan(300);
    expect(count((c) => c.feeGrowthInside0X128 < c.feeGrowthInside0LastX128)).toBeGreaterThan(300);
  });

  it("pays exactly the v4-sdk's amounts and fees for every vector, or refuses fees the PoolManager cannot pay", () => {
    let compared = 0;
    let refused = 0;
    for (const { name, c } of table) {
      const expected = sdkV4Valuation(c, sdkV4Pool(c));
      const { position, pool } = engineV4Inputs(c);
      if (expected.fees0 >= INT128_LIMIT || expected.fees1 >= INT128_LIMIT) {
        // toInt128 in Position.update's caller reverts: the engine must not report an amount no withdrawal pays.
        expect(() => valueV4Position(position, pool, { base: WETH }), name).toThrow(/int128/);
        refused += 1;
        continue;
      }
      const value = valueV4Position(position, pool, { base: WETH });
      expect(
        { amount0: value.amount0, amount1: value.amount1, fees0: value.fees0, fees1: value.fees1 },
        name,
      ).toEqual(expected);
      compared += 1;
    }
    // Both branches are exercised, and most vectors are compared to the wei.
    expect(compared).toBeGreaterThan(table.length * 0.75);
    expect(refused).toBeGreaterThan(0);
  });

  it("pays fees up to int128's maximum and refuses one wei more, where the SDK's numbers cross it", () => {
    const base = table[0]!.c;
    const at = (liquidity: bigint): V4ValuationCase => ({
      ...base,
      liquidity,
      // Δ = 2^128: fees = Δ · L / 2^128 = L, in currency0 only.
      feeGrowthInside0X128: 1n << 128n,
      feeGrowthInside1X128: 0n,
      feeGrowthInside0LastX128: 0n,
      feeGrowthInside1LastX128: 0n,
    });
    const largest = at(INT128_LIMIT - 1n);
    const { position, pool } = engineV4Inputs(largest);
    expect(v4FeesOwed(position, pool.ranges[0]!)).toEqual({ fees0: INT128_LIMIT - 1n, fees1: 0n });
    expect(sdkV4Valuation(largest, sdkV4Pool(largest)).fees0).toBe(INT128_LIMIT - 1n);

    const over = at(INT128_LIMIT);
    const overInputs = engineV4Inputs(over);
    expect(sdkV4Valuation(over, sdkV4Pool(over)).fees0).toBe(INT128_LIMIT);
    expect(() => v4FeesOwed(overInputs.position, overInputs.pool.ranges[0]!)).toThrow(/fees0.*int128/);
  });
});
