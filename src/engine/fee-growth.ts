// Fee accounting (Uniswap v3-core libraries/Tick.sol getFeeGrowthInside and Position.sol update;
// whitepaper §6.3–6.4): fee growth per unit of liquidity, in Q128.128, with uint256 wrap-around arithmetic.
import { fail, MAX_UINT128, MAX_UINT256 } from "./input-guards.ts";
import type { V3PoolSnapshot, V3PositionSnapshot } from "./snapshot.ts";
import { assertTick } from "./tick-math.ts";

/** a − b modulo 2^256: the contracts rely on overflow here (fee growth counters wrap). */
export function subIn256(a: bigint, b: bigint): bigint {
  const d = a - b;
  return d < 0n ? d + Q256 : d;
}

const Q256 = 1n << 256n;

export interface FeeGrowthInsideInput {
  tickLower: number;
  tickUpper: number;
  tickCurrent: number;
  feeGrowthGlobal0X128: bigint;
  feeGrowthGlobal1X128: bigint;
  /** ticks(tickLower).feeGrowthOutside0X128 / 1X128 */
  lowerFeeGrowthOutside0X128: bigint;
  lowerFeeGrowthOutside1X128: bigint;
  upperFeeGrowthOutside0X128: bigint;
  upperFeeGrowthOutside1X128: bigint;
}

function uint256(field: string, x: bigint): bigint {
  if (typeof x !== "bigint" || x < 0n || x > MAX_UINT256) fail(field, "must be a uint256", x);
  return x;
}

/** Fee growth inside [tickLower, tickUpper) per unit of liquidity (Tick.getFeeGrowthInside). */
export function getFeeGrowthInside(input: FeeGrowthInsideInput): {
  feeGrowthInside0X128: bigint;
  feeGrowthInside1X128: bigint;
} {
  assertTick("tickLower", input.tickLower);
  assertTick("tickUpper", input.tickUpper);
  assertTick("tickCurrent", input.tickCurrent);
  if (input.tickLower >= input.tickUpper) fail("tickLower", "must be below tickUpper", input.tickLower);
  const g0 = uint256("feeGrowthGlobal0X128", input.feeGrowthGlobal0X128);
  const g1 = uint256("feeGrowthGlobal1X128", input.feeGrowthGlobal1X128);
  const lo0 = uint256("lowerFeeGrowthOutside0X128", input.lowerFeeGrowthOutside0X128);
  const lo1 = uint256("lowerFeeGrowthOutside1X128", input.lowerFeeGrowthOutside1X128);
  const up0 = uint256("upperFeeGrowthOutside0X128", input.upperFeeGrowthOutside0X128);
  const up1 = uint256("upperFeeGrowthOutside1X128", input.upperFeeGrowthOutside1X128);
  const below0 = input.tickCurrent >= input.tickLower ? lo0 : subIn256(g0, lo0);
  const below1 = input.tickCurrent >= input.tickLower ? lo1 : subIn256(g1, lo1);
  const above0 = input.tickCurrent < input.tickUpper ? up0 : subIn256(g0, up0);
  const above1 = input.tickCurrent < input.tickUpper ? up1 : subIn256(g1, up1);
  return {
    feeGrowthInside0X128: subIn256(subIn256(g0, below0), above0),
    feeGrowthInside1X128: subIn256(subIn256(g1, below1), above1),
  };
}

export interface FeesOwedInput {
  liquidity: bigint;
  feeGrowthInside0X128: bigint;
  feeGrowthInside1X128: bigint;
  feeGrowthInside0LastX128: bigint;
  feeGrowthInside1LastX128: bigint;
  /** Fees already credited to the position (positions(tokenId).tokensOwed0 / 1). */
  tokensOwed0: bigint;
  tokensOwed1: bigint;
}

/**
 * Uncollected fees of a position: tokensOwed + (inside − insideLast) × L / 2^128 (Position.update), each
 * new amount truncated to uint128 as the contract's cast does. What `collect` would pay after a poke.
 */
export function feesOwed(input: FeesOwedInput): { fees0: bigint; fees1: bigint } {
  if (typeof input.liquidity !== "bigint" || input.liquidity < 0n || input.liquidity > MAX_UINT128) {
    fail("liquidity", "must be a uint128", input.liquidity);
  }
  const d0 = subIn256(
    uint256("feeGrowthInside0X128", input.feeGrowthInside0X128),
    uint256("feeGrowthInside0LastX128", input.feeGrowthInside0LastX128),
  );
  const d1 = subIn256(
    uint256("feeGrowthInside1X128", input.feeGrowthInside1X128),
    uint256("feeGrowthInside1LastX128", input.feeGrowthInside1LastX128),
  );
  // FullMath.mulDiv(Δ, L, 2^128): the result is < 2^256 (Δ < 2^256, L < 2^128), a shift for non-negatives.
  let new0 = (d0 * input.liquidity) >> 128n;
  let new1 = (d1 * input.liquidity) >> 128n;
  if (new0 > MAX_UINT128) new0 &= MAX_UINT128; // the uint128 cast truncates
  if (new1 > MAX_UINT128) new1 &= MAX_UINT128;
  return {
    fees0: uint256("tokensOwed0", input.tokensOwed0) + new0,
    fees1: uint256("tokensOwed1", input.tokensOwed1) + new1,
  };
}

/** Fee growth outside one initialized tick (Tick.Info.feeGrowthOutside0X128 / 1X128). */
export interface TickFeeGrowthOutside {
  feeGrowthOutside0X128: bigint;
  feeGrowthOutside1X128: bigint;
}

/**
 * What `collect` would pay a v3 position from an indexed snapshot: fee growth inside its range now (from the
 * pool and the fee growth outside its two ticks, by tick index in `ticks`), then `feesOwed`.
 */
export function positionFeesOwed(
  position: V3PositionSnapshot,
  pool: V3PoolSnapshot,
  ticks: ReadonlyMap<number, TickFeeGrowthOutside>,
): { fees0: bigint; fees1: bigint } {
  const lower = ticks.get(position.tickLower);
  const upper = ticks.get(position.tickUpper);
  if (!lower) fail(`pool(${pool.address}).ticks`, `missing feeGrowthOutside for tick ${position.tickLower}`);
  if (!upper) fail(`pool(${pool.address}).ticks`, `missing feeGrowthOutside for tick ${position.tickUpper}`);
  const inside = getFeeGrowthInside({
    tickLower: position.tickLower,
    tickUpper: position.tickUpper,
    tickCurrent: pool.tick,
    feeGrowthGlobal0X128: pool.feeGrowthGlobal0X128,
    feeGrowthGlobal1X128: pool.feeGrowthGlobal1X128,
    lowerFeeGrowthOutside0X128: lower.feeGrowthOutside0X128,
    lowerFeeGrowthOutside1X128: lower.feeGrowthOutside1X128,
    upperFeeGrowthOutside0X128: upper.feeGrowthOutside0X128,
    upperFeeGrowthOutside1X128: upper.feeGrowthOutside1X128,
  });
  return feesOwed({
    liquidity: position.liquidity,
    ...inside,
    feeGrowthInside0LastX128: position.feeGrowthInside0LastX128,
    feeGrowthInside1LastX128: position.feeGrowthInside1LastX128,
    tokensOwed0: position.tokensOwed0,
    tokensOwed1: position.tokensOwed1,
  });
}
