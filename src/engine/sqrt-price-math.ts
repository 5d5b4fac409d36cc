// SqrtPriceMath (Uniswap v3-core libraries/SqrtPriceMath.sol; whitepaper §6.2.3, eqs. 6.13–6.16):
// Δx = L (1/√Pa − 1/√Pb), Δy = L (√Pb − √Pa), rounding in the pool's favour when the pool is owed.
import { divRoundingUp, mulDiv, mulDivRoundingUp } from "./full-math.ts";
import { fail, MAX_UINT128, MAX_UINT160, MAX_UINT256 } from "./input-guards.ts";

const Q96 = 1n << 96n;
const Q96_MINUS_1 = Q96 - 1n;

function assertSqrtPrice(field: string, sqrtPX96: bigint): void {
  if (typeof sqrtPX96 !== "bigint" || sqrtPX96 <= 0n || sqrtPX96 > MAX_UINT160) {
    fail(field, "must be a uint160 > 0", sqrtPX96);
  }
}

function assertLiquidity(field: string, liquidity: bigint, allowZero: boolean): void {
  if (typeof liquidity !== "bigint" || liquidity < (allowZero ? 0n : 1n) || liquidity > MAX_UINT128) {
    fail(field, allowZero ? "must be a uint128" : "must be a uint128 > 0", liquidity);
  }
}

function assertAmount(field: string, amount: bigint): void {
  if (typeof amount !== "bigint" || amount < 0n || amount > MAX_UINT256)
    fail(field, "must be a uint256", amount);
}

/** Amount of token0 between two sqrt prices for a liquidity: L·2^96·(√B − √A) / (√B·√A). */
export function getAmount0Delta(
  sqrtRatioAX96: bigint,
  sqrtRatioBX96: bigint,
  liquidity: bigint,
  roundUp: boolean,
): bigint {
  assertSqrtPrice("sqrtRatioAX96", sqrtRatioAX96);
  assertSqrtPrice("sqrtRatioBX96", sqrtRatioBX96);
  assertLiquidity("liquidity", liquidity, true);
  return sqrtRatioAX96 < sqrtRatioBX96
    ? amount0DeltaOrdered(sqrtRatioAX96, sqrtRatioBX96, liquidity, roundUp)
    : amount0DeltaOrdered(sqrtRatioBX96, sqrtRatioAX96, liquidity, roundUp);
}

/**
 * getAmount0Delta for already-validated inputs with 0 < a <= b (callers that validated once:
 * positionAmounts). numerator1 · numerator2 / b < numerator1 < 2^224 (as numerator2 < b): FullMath's
 * overflow check cannot fire, so the products are written out; ⌈x/y⌉ = ⌊(x + y − 1)/y⌋ for x >= 0, y > 0.
 */
export function amount0DeltaOrdered(a: bigint, b: bigint, liquidity: bigint, roundUp: boolean): bigint {
  const product = (liquidity << 96n) * (b - a);
  // For positive integers ⌊⌊x/b⌋/a⌋ = ⌊x/(a·b)⌋ and ⌈⌈x/b⌉/a⌉ = ⌈x/(a·b)⌉: the contract's two divisions
  // give the same integer as one division by a·b.
  const ab = a * b;
  return roundUp ? (product + ab - 1n) / ab : product / ab;
}

/** Amount of token1 between two sqrt prices for a liquidity: L·(√B − √A) / 2^96. */
export function getAmount1Delta(
  sqrtRatioAX96: bigint,
  sqrtRatioBX96: bigint,
  liquidity: bigint,
  roundUp: boolean,
): bigint {
  assertSqrtPrice("sqrtRatioAX96", sqrtRatioAX96);
  assertSqrtPrice("sqrtRatioBX96", sqrtRatioBX96);
  assertLiquidity("liquidity", liquidity, true);
  return sqrtRatioAX96 < sqrtRatioBX96
    ? amount1DeltaOrdered(sqrtRatioAX96, sqrtRatioBX96, liquidity, roundUp)
    : amount1DeltaOrdered(sqrtRatioBX96, sqrtRatioAX96, liquidity, roundUp);
}

/** getAmount1Delta for already-validated inputs with a <= b. L·Δ√P < 2^288, the quotient < 2^192: a shift. */
export function amount1DeltaOrdered(a: bigint, b: bigint, liquidity: bigint, roundUp: boolean): bigint {
  const product = liquidity * (b - a);
  return roundUp ? (product + Q96_MINUS_1) >> 96n : product >> 96n;
}

function toUint160(field: string, x: bigint): bigint {
  if (x > MAX_UINT160) fail(field, "next sqrt price overflows uint160", x);
  return x;
}

/** √P' after adding (or removing) token0, rounded up: L·√P / (L ± x·√P). */
function nextSqrtPriceFromAmount0RoundingUp(
  sqrtPX96: bigint,
  liquidity: bigint,
  amount: bigint,
  add: boolean,
) {
  if (amount === 0n) return sqrtPX96;
  const numerator1 = liquidity << 96n;
  const product = amount * sqrtPX96;
  if (add) {
    // The contract takes the precise path when the product and the denominator fit in 256 bits.
    if (product <= MAX_UINT256) {
      const denominator = numerator1 + product;
      if (denominator <= MAX_UINT256) return mulDivRoundingUp(numerator1, sqrtPX96, denominator);
    }
    const denominator = numerator1 / sqrtPX96 + amount;
    if (denominator > MAX_UINT256) fail("amount", "overflows uint256 in the price update", amount);
    return divRoundingUp(numerator1, denominator);
  }
  if (product > MAX_UINT256 || numerator1 <= product)
    fail("amount", "output exceeds the token0 reserve", amount);
  return toUint160("sqrtPX96", mulDivRoundingUp(numerator1, sqrtPX96, numerator1 - product));
}

/** √P' after adding (or removing) token1, rounded down: √P ± y / L. */
function nextSqrtPriceFromAmount1RoundingDown(
  sqrtPX96: bigint,
  liquidity: bigint,
  amount: bigint,
  add: boolean,
) {
  if (add) {
    const quotient = amount <= MAX_UINT160 ? (amount << 96n) / liquidity : mulDiv(amount, Q96, liquidity);
    return toUint160("sqrtPX96", sqrtPX96 + quotient);
  }
  const quotient =
    amount <= MAX_UINT160
      ? divRoundingUp(amount << 96n, liquidity)
      : mulDivRoundingUp(amount, Q96, liquidity);
  if (sqrtPX96 <= quotient) fail("amount", "output exceeds the token1 reserve", amount);
  return sqrtPX96 - quotient;
}

/** The sqrt price after swapping amountIn in (SqrtPriceMath.getNextSqrtPriceFromInput). */
export function getNextSqrtPriceFromInput(
  sqrtPX96: bigint,
  liquidity: bigint,
  amountIn: bigint,
  zeroForOne: boolean,
): bigint {
  assertSqrtPrice("sqrtPX96", sqrtPX96);
  assertLiquidity("liquidity", liquidity, false);
  assertAmount("amountIn", amountIn);
  return zeroForOne
    ? nextSqrtPriceFromAmount0RoundingUp(sqrtPX96, liquidity, amountIn, true)
    : nextSqrtPriceFromAmount1RoundingDown(sqrtPX96, liquidity, amountIn, true);
}

/** The sqrt price after swapping amountOut out (SqrtPriceMath.getNextSqrtPriceFromOutput). */
export function getNextSqrtPriceFromOutput(
  sqrtPX96: bigint,
  liquidity: bigint,
  amountOut: bigint,
  zeroForOne: boolean,
): bigint {
  assertSqrtPrice("sqrtPX96", sqrtPX96);
  assertLiquidity("liquidity", liquidity, false);
  assertAmount("amountOut", amountOut);
  return zeroForOne
    ? nextSqrtPriceFromAmount1RoundingDown(sqrtPX96, liquidity, amountOut, false)
    : nextSqrtPriceFromAmount0RoundingUp(sqrtPX96, liquidity, amountOut, false);
}
