// LiquidityAmounts (Uniswap v3-periphery libraries/LiquidityAmounts.sol) and the v3-sdk's
// maxLiquidityForAmounts: token amounts ↔ liquidity for a range [√A, √B] at the current √P.
import { fail, MAX_UINT160, MAX_UINT256 } from "./input-guards.ts";
import { getAmount0Delta, getAmount1Delta } from "./sqrt-price-math.ts";

const Q96 = 1n << 96n;

function assertSqrtRatio(field: string, x: bigint): void {
  if (typeof x !== "bigint" || x <= 0n || x > MAX_UINT160) fail(field, "must be a uint160 > 0", x);
}

/**
 * Token amounts a position of `liquidity` in [√A, √B] is worth at √P, rounded down
 * (LiquidityAmounts.getAmountsForLiquidity; whitepaper §6.3, eqs. 6.29–6.30).
 */
export function getAmountsForLiquidity(
  sqrtRatioX96: bigint,
  sqrtRatioAX96: bigint,
  sqrtRatioBX96: bigint,
  liquidity: bigint,
): { amount0: bigint; amount1: bigint } {
  assertSqrtRatio("sqrtRatioAX96", sqrtRatioAX96);
  assertSqrtRatio("sqrtRatioBX96", sqrtRatioBX96);
  const a = sqrtRatioAX96 < sqrtRatioBX96 ? sqrtRatioAX96 : sqrtRatioBX96;
  const b = sqrtRatioAX96 < sqrtRatioBX96 ? sqrtRatioBX96 : sqrtRatioAX96;
  if (typeof sqrtRatioX96 !== "bigint" || sqrtRatioX96 <= 0n || sqrtRatioX96 > MAX_UINT160) {
    fail("sqrtRatioX96", "must be a uint160 > 0", sqrtRatioX96);
  }
  if (sqrtRatioX96 <= a) return { amount0: getAmount0Delta(a, b, liquidity, false), amount1: 0n };
  if (sqrtRatioX96 < b) {
    return {
      amount0: getAmount0Delta(sqrtRatioX96, b, liquidity, false),
      amount1: getAmount1Delta(a, sqrtRatioX96, liquidity, false),
    };
  }
  return { amount0: 0n, amount1: getAmount1Delta(a, b, liquidity, false) };
}

/** The router's (periphery's) liquidity for amount0: loses bits by dividing by Q96 first. */
function maxLiquidityForAmount0Imprecise(a: bigint, b: bigint, amount0: bigint): bigint {
  const intermediate = (a * b) >> 96n;
  return (amount0 * intermediate) / (b - a);
}

/** What core can actually support for amount0: x·√A·√B / (2^96·(√B − √A)). */
function maxLiquidityForAmount0Precise(a: bigint, b: bigint, amount0: bigint): bigint {
  return (amount0 * a * b) / (Q96 * (b - a));
}

function maxLiquidityForAmount1(a: bigint, b: bigint, amount1: bigint): bigint {
  return (amount1 << 96n) / (b - a);
}

/**
 * The greatest liquidity that amount0 and amount1 can fund in [√A, √B] at √P, with the v3-sdk's semantics:
 * `useFullPrecision = false` gives what NonfungiblePositionManager.mint computes, `true` what core supports.
 */
export function maxLiquidityForAmounts(
  sqrtRatioCurrentX96: bigint,
  sqrtRatioAX96: bigint,
  sqrtRatioBX96: bigint,
  amount0: bigint,
  amount1: bigint,
  useFullPrecision: boolean,
): bigint {
  assertSqrtRatio("sqrtRatioAX96", sqrtRatioAX96);
  assertSqrtRatio("sqrtRatioBX96", sqrtRatioBX96);
  const a = sqrtRatioAX96 < sqrtRatioBX96 ? sqrtRatioAX96 : sqrtRatioBX96;
  const b = sqrtRatioAX96 < sqrtRatioBX96 ? sqrtRatioBX96 : sqrtRatioAX96;
  if (a === b) fail("sqrtRatioBX96", "range is empty (√A = √B)", b);
  if (typeof amount0 !== "bigint" || amount0 < 0n || amount0 > MAX_UINT256)
    fail("amount0", "must be a uint256", amount0);
  if (typeof amount1 !== "bigint" || amount1 < 0n || amount1 > MAX_UINT256)
    fail("amount1", "must be a uint256", amount1);
  const forAmount0 = useFullPrecision ? maxLiquidityForAmount0Precise : maxLiquidityForAmount0Imprecise;
  if (sqrtRatioCurrentX96 <= a) return forAmount0(a, b, amount0);
  if (sqrtRatioCurrentX96 < b) {
    const liquidity0 = forAmount0(sqrtRatioCurrentX96, b, amount0);
    const liquidity1 = maxLiquidityForAmount1(a, sqrtRatioCurrentX96, amount1);
    // biome-ignore lint/complexity/useMathMinMax: bigint operands; Math.min takes numbers only
    return liquidity0 < liquidity1 ? liquidity0 : liquidity1;
  }
  return maxLiquidityForAmount1(a, b, amount1);
}
