// TickMath (Uniswap v3-core libraries/TickMath.sol; whitepaper §6.1: p(i) = 1.0001^i, sqrt prices in Q64.96).
// Bit-for-bit port: the same magic constants, the same rounding, the same domain checks.
import { fail, MAX_UINT256 } from "./input-guards.ts";

export const MIN_TICK = -887272;
export const MAX_TICK = 887272;
/** getSqrtRatioAtTick(MIN_TICK). */
export const MIN_SQRT_RATIO = 4295128739n;
/** getSqrtRatioAtTick(MAX_TICK). */
export const MAX_SQRT_RATIO = 1461446703485210103287273052203988822378723970342n;

// 2^128 / sqrt(1.0001)^(2^k) for k = 0..19, in Q128.128: the contract's table (k = 0 is its starting value).
const RATIO_FACTORS_X128: readonly bigint[] = [
  0xfffcb933bd6fad37aa2d162d1a594001n,
  0xfff97272373d413259a46990580e213an,
  0xfff2e50f5f656932ef12357cf3c7fdccn,
  0xffe5caca7e10e4e61c3624eaa0941cd0n,
  0xffcb9843d60f6159c9db58835c926644n,
  0xff973b41fa98c081472e6896dfb254c0n,
  0xff2ea16466c96a3843ec78b326b52861n,
  0xfe5dee046a99a2a811c461f1969c3053n,
  0xfcbe86c7900a88aedcffc83b479aa3a4n,
  0xf987a7253ac413176f2b074cf7815e54n,
  0xf3392b0822b70005940c7a398e4b70f3n,
  0xe7159475a2c29b7443b29c7fa6e889d9n,
  0xd097f3bdfd2022b8845ad8f792aa5825n,
  0xa9f746462d870fdf8a65dc1f90e061e5n,
  0x70d869a156d2a1b890bb3df62baf32f7n,
  0x31be135f97d08fd981231505542fcfa6n,
  0x9aa508b5b7a84e1c677de54f3e99bc9n,
  0x5d6af8dedb81196699c329225ee604n,
  0x2216e584f5fa1ea926041bedfe98n,
  0x48a170391f7dc42444e8fa2n,
];

export function assertTick(field: string, tick: number): number {
  if (!Number.isInteger(tick) || tick < MIN_TICK || tick > MAX_TICK) {
    fail(field, `must be an integer tick in [${MIN_TICK}, ${MAX_TICK}]`, tick);
  }
  return tick;
}

/** sqrt(1.0001^tick) × 2^96, rounded up to the next Q96 unit as the contract does. */
export function getSqrtRatioAtTick(tick: number): bigint {
  assertTick("tick", tick);
  return sqrtRatioAtValidTick(tick);
}

const LOW_BITS = 10;

/**
 * The contract's running ratio after its first LOW_BITS steps, for every pattern of the tick's low bits. Each
 * entry is computed by the contract's own sequence (start value, then multiply-and-truncate per set bit, in bit
 * order), so continuing from it with the remaining bits is the same computation step for step: bit-for-bit the
 * contract's result, with at most 10 of its 20 multiplications left per call.
 */
const LOW_BIT_RATIOS_X128: readonly bigint[] = Array.from({ length: 1 << LOW_BITS }, (_, lowBits) => {
  let ratio = (lowBits & 1) !== 0 ? RATIO_FACTORS_X128[0]! : 0x100000000000000000000000000000000n;
  for (let k = 1; k < LOW_BITS; k++) {
    if ((lowBits & (1 << k)) !== 0) ratio = (ratio * RATIO_FACTORS_X128[k]!) >> 128n;
  }
  return ratio;
});

/** getSqrtRatioAtTick for a tick already checked with assertTick. */
export function sqrtRatioAtValidTick(tick: number): bigint {
  const absTick = tick < 0 ? -tick : tick;
  let ratio = LOW_BIT_RATIOS_X128[absTick & ((1 << LOW_BITS) - 1)]!;
  for (let k = LOW_BITS; k < 20; k++) {
    if ((absTick & (1 << k)) !== 0) ratio = (ratio * RATIO_FACTORS_X128[k]!) >> 128n;
  }
  if (tick > 0) ratio = MAX_UINT256 / ratio;
  // Q128.128 → Q64.96, rounding up so that getTickAtSqrtRatio(getSqrtRatioAtTick(t)) == t.
  // (ratio >> 32) + (ratio % 2^32 == 0 ? 0 : 1) is ⌈ratio / 2^32⌉
  return (ratio + 0xffffffffn) >> 32n;
}

const LOG_SQRT_10001 = Math.log(Math.sqrt(1.0001));
const Q96_FLOAT = 2 ** 96;

/** Distance (in ticks) from a tick boundary within which the float estimate is not trusted. */
const BOUNDARY_MARGIN_TICKS = 1e-4;

/**
 * The greatest tick whose sqrt ratio is <= sqrtRatioX96: the contract's definition of
 * TickMath.getTickAtSqrtRatio ("the greatest tick for which the ratio is less than or equal to the input").
 * The contract finds it with a fixed-point log2 and one correction. Here, t = log(√P) / log(√1.0001) in
 * doubles: the error of that estimate is below 1e-9 ticks (Number() and Math.log round to 2^-53 relative,
 * |log √P| < 45, |t| < 2^20), and the contract's own table and Q96 rounding put each boundary within 5e-6
 * ticks of the ideal one. So when t is more than 1e-4 ticks away from an integer, floor(t) is the answer;
 * nearer a boundary, exact getSqrtRatioAtTick comparisons settle it. Same integer as the contract, property-
 * tested against the v3-sdk over the whole domain and at every kind of boundary.
 */
export function getTickAtSqrtRatio(sqrtRatioX96: bigint): number {
  if (typeof sqrtRatioX96 !== "bigint" || sqrtRatioX96 < MIN_SQRT_RATIO || sqrtRatioX96 >= MAX_SQRT_RATIO) {
    fail("sqrtRatioX96", "must be in [MIN_SQRT_RATIO, MAX_SQRT_RATIO)", sqrtRatioX96);
  }
  const estimate = Math.log(Number(sqrtRatioX96) / Q96_FLOAT) / LOG_SQRT_10001;
  let tick = Math.floor(estimate);
  const frac = estimate - tick;
  if (
    frac > BOUNDARY_MARGIN_TICKS &&
    frac < 1 - BOUNDARY_MARGIN_TICKS &&
    tick >= MIN_TICK &&
    tick < MAX_TICK
  ) {
    return tick;
  }
  if (tick < MIN_TICK) tick = MIN_TICK;
  if (tick > MAX_TICK - 1) tick = MAX_TICK - 1;
  while (tick > MIN_TICK && sqrtRatioAtValidTick(tick) > sqrtRatioX96) tick--;
  while (tick < MAX_TICK - 1 && sqrtRatioAtValidTick(tick + 1) <= sqrtRatioX96) tick++;
  return tick;
}

/** The usable tick (a multiple of tickSpacing, inside the tick bounds) nearest to tick; as the v3-sdk. */
export function nearestUsableTick(tick: number, tickSpacing: number): number {
  assertTick("tick", tick);
  if (!Number.isInteger(tickSpacing) || tickSpacing <= 0)
    fail("tickSpacing", "must be an integer > 0", tickSpacing);
  // Math.round rounds halves up, as the SDK does.
  const rounded = Math.round(tick / tickSpacing) * tickSpacing;
  if (rounded < MIN_TICK) return rounded + tickSpacing;
  if (rounded > MAX_TICK) return rounded - tickSpacing;
  return rounded;
}
