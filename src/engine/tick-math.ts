// TickMath (Uniswap v3-core libraries/TickMath.sol; whitepaper §6.1: p(i) = 1.0001^i, sqrt prices in Q64.96).
// Bit-for-bit port: the same magic constants, the same rounding, the same domain checks.
import { fail, MAX_UINT256 } from "./input-guards.ts";

export const MIN_TICK = -887272;
export const MAX_TICK = 887272;
/** getSqrtRatioAtTick(MIN_TICK). */
export const MIN_SQRT_RATIO = 4295128739n;
/** getSqrtRatioAtTick(MAX_TICK). */
export const MAX_SQRT_RATIO = 1461446703485210103287273052203988822378723970342n;

// 2^128 / sqrt(1.0001)^(2^k) for k = 1..19, in Q128.128: the contract's table.
const RATIO_FACTORS_X128: readonly bigint[] = [
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
  const absTick = tick < 0 ? -tick : tick;
  let ratio =
    (absTick & 1) !== 0 ? 0xfffcb933bd6fad37aa2d162d1a594001n : 0x100000000000000000000000000000000n;
  for (let bit = 1, k = 0; k < 19; k++) {
    bit <<= 1;
    if ((absTick & bit) !== 0) ratio = (ratio * RATIO_FACTORS_X128[k]!) >> 128n;
  }
  if (tick > 0) ratio = MAX_UINT256 / ratio;
  // Q128.128 → Q64.96, rounding up so that getTickAtSqrtRatio(getSqrtRatioAtTick(t)) == t.
  return (ratio >> 32n) + ((ratio & 0xffffffffn) === 0n ? 0n : 1n);
}

/** Most significant bit of x > 0 (BitMath.mostSignificantBit), by halving as the contract does. */
function mostSignificantBit(x: bigint): number {
  let msb = 0;
  for (const shift of [128, 64, 32, 16, 8, 4, 2, 1]) {
    const s = BigInt(shift);
    if (x >= 1n << s) {
      x >>= s;
      msb += shift;
    }
  }
  return msb;
}

/** The greatest tick whose sqrt ratio is <= sqrtRatioX96 (TickMath.getTickAtSqrtRatio). */
export function getTickAtSqrtRatio(sqrtRatioX96: bigint): number {
  if (typeof sqrtRatioX96 !== "bigint" || sqrtRatioX96 < MIN_SQRT_RATIO || sqrtRatioX96 >= MAX_SQRT_RATIO) {
    fail("sqrtRatioX96", `must be in [MIN_SQRT_RATIO, MAX_SQRT_RATIO)`, sqrtRatioX96);
  }
  const ratioX128 = sqrtRatioX96 << 32n;
  const msb = mostSignificantBit(ratioX128);
  let r = msb >= 128 ? ratioX128 >> BigInt(msb - 127) : ratioX128 << BigInt(127 - msb);
  // log2 in Q64.64 by repeated squaring: 14 fractional bits are enough for tick precision.
  let log2 = BigInt(msb - 128) << 64n;
  for (let i = 0; i < 14; i++) {
    r = (r * r) >> 127n;
    const f = r >> 128n;
    log2 |= f << BigInt(63 - i);
    r >>= f;
  }
  const logSqrt10001 = log2 * 255738958999603826347141n; // 128.128 number
  const tickLow = Number((logSqrt10001 - 3402992956809132418596140100660247210n) >> 128n);
  const tickHigh = Number((logSqrt10001 + 291339464771989622907027621153398088495n) >> 128n);
  if (tickLow === tickHigh) return tickLow;
  return getSqrtRatioAtTick(tickHigh) <= sqrtRatioX96 ? tickHigh : tickLow;
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
