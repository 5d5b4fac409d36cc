// Price ↔ tick ↔ sqrt price, with token decimals (whitepaper §6.1: p(i) = 1.0001^i is the raw price of
// token0 in token1; a human price scales it by 10^(decimals0 − decimals1)). Exact where the SDK is exact.
import { sqrtFloor } from "./full-math.ts";
import { fail, MAX_UINT160 } from "./input-guards.ts";
import { getSqrtRatioAtTick, getTickAtSqrtRatio, MAX_SQRT_RATIO, MIN_SQRT_RATIO } from "./tick-math.ts";

const Q96_FLOAT = 2 ** 96;

/** sqrt(amount1 / amount0) × 2^96, floored (v3-sdk encodeSqrtRatioX96). */
export function encodeSqrtRatioX96(
  amount1: bigint | number | string,
  amount0: bigint | number | string,
): bigint {
  const a1 = BigInt(amount1);
  const a0 = BigInt(amount0);
  if (a1 < 0n) fail("amount1", "must be >= 0", a1);
  if (a0 <= 0n) fail("amount0", "must be > 0", a0);
  return sqrtFloor((a1 << 192n) / a0);
}

function assertDecimals(field: string, decimals: number): void {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 77)
    fail(field, "must be an integer in [0, 77]", decimals);
}

/** Human price of token0 in token1 from a Q64.96 sqrt price (float, ~1e-15 relative). */
export function sqrtPriceX96ToPrice(sqrtPriceX96: bigint, decimals0: number, decimals1: number): number {
  if (typeof sqrtPriceX96 !== "bigint" || sqrtPriceX96 <= 0n || sqrtPriceX96 > MAX_UINT160) {
    fail("sqrtPriceX96", "must be a uint160 > 0", sqrtPriceX96);
  }
  assertDecimals("decimals0", decimals0);
  assertDecimals("decimals1", decimals1);
  const sqrtRaw = Number(sqrtPriceX96) / Q96_FLOAT;
  return sqrtRaw * sqrtRaw * 10 ** (decimals0 - decimals1);
}

/** Human price of token0 in token1 at a tick. */
export function tickToPrice(tick: number, decimals0: number, decimals1: number): number {
  return sqrtPriceX96ToPrice(getSqrtRatioAtTick(tick), decimals0, decimals1);
}

/** A finite double as an exact fraction num/den (every double is m × 2^e). */
function floatToFraction(x: number): { num: bigint; den: bigint } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const exponentBits = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exponent = exponentBits - 1075;
  if (exponentBits === 0) exponent = -1074;
  else mantissa |= 1n << 52n;
  return exponent >= 0
    ? { num: mantissa << BigInt(exponent), den: 1n }
    : { num: mantissa, den: 1n << BigInt(-exponent) };
}

/**
 * The tick closest to a raw price amount1/amount0 of token0 in token1, with the v3-sdk's rule
 * (priceToClosestTick for a sorted pair: the greatest tick whose price is <= the given price, or the next
 * one when the price reaches it).
 */
export function priceToClosestTick(amount1: bigint, amount0: bigint): number {
  const sqrtRatioX96 = encodeSqrtRatioX96(amount1, amount0);
  if (sqrtRatioX96 < MIN_SQRT_RATIO || sqrtRatioX96 >= MAX_SQRT_RATIO) {
    fail("price", "outside the price range of ticks", `${amount1}/${amount0}`);
  }
  let tick = getTickAtSqrtRatio(sqrtRatioX96);
  const next = getSqrtRatioAtTick(tick + 1);
  // price >= p(tick + 1)  ⇔  amount1 · 2^192 >= √p(tick+1)² · amount0
  if (amount1 << 192n >= next * next * amount0) tick++;
  return tick;
}

/** The tick closest to a human price of token0 in token1 (exact in the float's own value). */
export function priceToTick(price: number, decimals0: number, decimals1: number): number {
  if (typeof price !== "number" || !Number.isFinite(price) || price <= 0)
    fail("price", "must be finite and > 0", price);
  assertDecimals("decimals0", decimals0);
  assertDecimals("decimals1", decimals1);
  const { num, den } = floatToFraction(price);
  // raw = human × 10^(decimals1 − decimals0)
  const scale1 = 10n ** BigInt(decimals1);
  const scale0 = 10n ** BigInt(decimals0);
  return priceToClosestTick(num * scale1, den * scale0);
}
