// Quoting a Uniswap v3 exact-input swap inside the pool's current tick range, as v3-core's SwapMath does for one
// step (liquidity constant), and sizing a swap to what the pool pays at a minimum. A trade that would cross ticks
// is beyond this estimate: the swap's minimum out still binds on chain.
import { EngineInputError } from "./errors.ts";
import type { V3PoolSnapshot } from "./snapshot.ts";
import { getAmount0Delta, getAmount1Delta, getNextSqrtPriceFromInput } from "./sqrt-price-math.ts";

export interface SwapQuote {
  /** What the pool pays, in the output token's units (rounded down, as the pool pays). */
  amountOut: bigint;
  /** What the input is worth at the pool's price before the swap (no fee, no price impact). */
  spotOut: bigint;
  /** The pool's price after the swap (v3-core SwapMath.computeSwapStep: the fee comes off the input first). */
  sqrtPriceX96After: bigint;
}

/** An exact-input swap of `amountIn` through `pool`; null when the pool has no liquidity or cannot absorb it. */
export function quoteSwap(pool: V3PoolSnapshot, zeroForOne: boolean, amountIn: bigint): SwapQuote | null {
  if (pool.liquidity <= 0n || amountIn <= 0n) return null;
  const amountLessFee = (amountIn * BigInt(1_000_000 - pool.fee)) / 1_000_000n;
  const sqrtP = pool.sqrtPriceX96;
  let next: bigint;
  try {
    next = getNextSqrtPriceFromInput(sqrtP, pool.liquidity, amountLessFee, zeroForOne);
  } catch (error) {
    // The range cannot absorb it (the price update overflows): no quote, no trade. Anything else is a bug.
    if (!(error instanceof EngineInputError)) throw error;
    return null;
  }
  const amountOut = zeroForOne
    ? getAmount1Delta(next, sqrtP, pool.liquidity, false)
    : getAmount0Delta(sqrtP, next, pool.liquidity, false);
  const q192 = 1n << 192n;
  const spotOut = zeroForOne ? (amountIn * sqrtP * sqrtP) / q192 : (amountIn * q192) / (sqrtP * sqrtP);
  return { amountOut, spotOut, sqrtPriceX96After: next };
}

/**
 * The largest input up to `wanted` the pool pays at least `minOut(input)` for, by bisection (the pool's quote
 * is concave in the input, the minimum linear: above dust, what pays for an amount pays for any smaller one);
 * 0 when the pool pays less even at the margin.
 */
export function largestSwapPaying(
  pool: V3PoolSnapshot,
  zeroForOne: boolean,
  wanted: bigint,
  minOut: (amountIn: bigint) => bigint,
): bigint {
  const pays = (amountIn: bigint) => {
    const quote = quoteSwap(pool, zeroForOne, amountIn);
    return quote !== null && quote.amountOut >= minOut(amountIn);
  };
  if (pays(wanted)) return wanted;
  let low = 0n; // pays (trivially)
  let high = wanted; // does not
  while (high - low > 1n) {
    const mid = (low + high) / 2n;
    if (pays(mid)) low = mid;
    else high = mid;
  }
  return low;
}
