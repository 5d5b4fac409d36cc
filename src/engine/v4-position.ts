// A Uniswap v4 position, valued with the v3 math. v4's Pool library keeps v3's concentrated-liquidity
// accounting: Pool.modifyLiquidity takes amounts from SqrtPriceMath on the branch of slot0's tick (rounded
// down when liquidity leaves), and Position.update pays mulDiv(insideNow − insideLast, L, 2^128) per token in
// Q128 fee growth, as v3 does. Two differences matter here: fees are paid out on every modification (there is
// no tokensOwed), and each amount is cast with toInt128, which reverts instead of truncating.
import { subIn256 } from "./fee-growth.ts";
import { fail, MAX_UINT128, uint } from "./input-guards.ts";
import type { Address, Hex32 } from "./plan.ts";
import { positionAmounts } from "./position-amounts.ts";
import type { V4PoolSnapshot, V4PositionSnapshot, V4RangeFeeGrowth } from "./snapshot.ts";
import {
  decodeHookPermissions,
  type HookPermissions,
  hasHook,
  isDynamicFee,
  NO_HOOK,
} from "./v4-hook-flags.ts";

/** A position as read from the chain: valuation needs no entry (that is the HODL benchmark's). */
export type V4PositionReading = Omit<V4PositionSnapshot, "entry">;

/** Currency address(0): native ETH in v4 (no WETH wrapping). */
export const NATIVE_CURRENCY: Address = NO_HOOK;

const MAX_INT128 = (1n << 127n) - 1n;

export interface V4PositionValue {
  tokenId: bigint;
  poolId: Hex32;
  /** slot0's tick is in [tickLower, tickUpper): the position earns fees and holds both currencies. */
  inRange: boolean;
  /** What DECREASE_LIQUIDITY of all its liquidity pays now, without fees: rounded down, as the PoolManager. */
  amount0: bigint;
  amount1: bigint;
  /** The fees that same withdrawal pays with it (fee growth inside since the position's last change). */
  fees0: bigint;
  fees1: bigint;
  /** The asset each currency counts as when valued: native ETH counts as the book's base asset. */
  asset0: Address;
  asset1: Address;
  /** Units of the base asset the position holds, fees included (the delta a hedge offsets). */
  baseUnits: bigint;
  /** The LP fee swaps pay now (slot0), hundredths of a bip: for a dynamic-fee pool, whatever its hook set. */
  lpFee: number;
  dynamicFee: boolean;
  /** The pool's hook and what its address allows it to do, or null for a hookless pool. */
  hook: { address: Address; permissions: HookPermissions } | null;
}

export interface V4ValuationOptions {
  /** The book's base asset (e.g. WETH): native ETH is valued as this asset. */
  base: Address;
}

/** The fee growth inside the position's range, from the pool snapshot's ranges. */
export function rangeFeeGrowth(position: V4PositionReading, pool: V4PoolSnapshot): V4RangeFeeGrowth {
  const range = pool.ranges.find(
    (r) => r.tickLower === position.tickLower && r.tickUpper === position.tickUpper,
  );
  if (!range) {
    fail(
      `pool(${pool.poolId}).ranges`,
      `missing fee growth inside [${position.tickLower}, ${position.tickUpper})`,
    );
  }
  return range;
}

/**
 * Fees a v4 position collects on its next modification: Position.update's mulDiv(inside − last, L, 2^128) per
 * token (uint256 wrap-around differences, as `unchecked` there), kept whole: v4 has no uint128 truncation but
 * casts with toInt128, so an amount past int128 makes the PoolManager revert. That is refused here rather than
 * reported as an amount no withdrawal can pay.
 */
export function v4FeesOwed(
  position: V4PositionReading,
  range: V4RangeFeeGrowth,
): { fees0: bigint; fees1: bigint } {
  uint("liquidity", position.liquidity, MAX_UINT128);
  const owed = (field: string, inside: bigint, last: bigint): bigint => {
    const delta = subIn256(
      uint(`${field}.feeGrowthInside`, inside),
      uint(`${field}.feeGrowthInsideLast`, last),
    );
    // FullMath.mulDiv(Δ, L, 2^128): non-negative operands, an exact floor.
    const fees = (delta * position.liquidity) >> 128n;
    if (fees > MAX_INT128)
      fail(field, "exceeds int128: the PoolManager would revert on this withdrawal", fees);
    return fees;
  };
  return {
    fees0: owed("fees0", range.feeGrowthInside0X128, position.feeGrowthInside0LastX128),
    fees1: owed("fees1", range.feeGrowthInside1X128, position.feeGrowthInside1LastX128),
  };
}

/** The asset a v4 currency counts as: native ETH is the base asset, any ERC-20 is itself. */
export function v4CurrencyAsset(currency: Address, base: Address): Address {
  return currency.toLowerCase() === NATIVE_CURRENCY ? base : currency;
}

/**
 * A v4 position's exact amounts and fees (bigint, as the PoolManager pays them), with what the pool adds to
 * the picture: native ETH mapped to the base asset, the current LP fee from slot0, and the hook's permissions.
 */
export function valueV4Position(
  position: V4PositionReading,
  pool: V4PoolSnapshot,
  options: V4ValuationOptions,
): V4PositionValue {
  if (position.poolId !== pool.poolId) {
    fail("pool.poolId", `is not the position's pool ${position.poolId}`, pool.poolId);
  }
  const { amount0, amount1 } = positionAmounts({
    sqrtPriceX96: pool.sqrtPriceX96,
    tickCurrent: pool.tick,
    tickLower: position.tickLower,
    tickUpper: position.tickUpper,
    liquidity: position.liquidity,
  });
  const { fees0, fees1 } = v4FeesOwed(position, rangeFeeGrowth(position, pool));
  const asset0 = v4CurrencyAsset(pool.key.currency0, options.base);
  const asset1 = v4CurrencyAsset(pool.key.currency1, options.base);
  const base = options.base.toLowerCase();
  const baseUnits =
    (asset0.toLowerCase() === base ? amount0 + fees0 : 0n) +
    (asset1.toLowerCase() === base ? amount1 + fees1 : 0n);
  return {
    tokenId: position.tokenId,
    poolId: position.poolId,
    inRange: pool.tick >= position.tickLower && pool.tick < position.tickUpper,
    amount0,
    amount1,
    fees0,
    fees1,
    asset0,
    asset1,
    baseUnits,
    lpFee: pool.lpFee,
    dynamicFee: isDynamicFee(pool.key.fee),
    hook: hasHook(pool.key.hooks)
      ? { address: pool.key.hooks, permissions: decodeHookPermissions(pool.key.hooks) }
      : null,
  };
}
