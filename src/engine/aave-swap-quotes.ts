// The quotes of an Aave plan's swap legs (borrowed asset ↔ collateral through the Uniswap v3 router), so the mined
// plan's realized slippage and fees are measured (execution/realized-execution.ts) as a de-peg swap's are: the
// pool's spot price net of its fee tier, before price impact. The router's pool is the one of the swap's token pair
// and fee tier; it is quoted when the book reads it (its LP pool, or `positions.uniswapV3.pools`). A swap whose
// pool the book does not read has no quote: its cost stays gas only, as before.
import { toFloat } from "./input-guards.ts";
import type { PlanAction, SwapExactInputSingleAction, SwapTradeQuote } from "./plan.ts";
import type { AaveAccountSnapshot, BookSnapshot, V3PoolSnapshot } from "./snapshot.ts";
import { quoteSwap } from "./swap-math.ts";

export function aaveSwapQuotes(
  book: Pick<BookSnapshot, "pools">,
  account: AaveAccountSnapshot,
  actions: readonly PlanAction[],
): SwapTradeQuote[] {
  const baseUnit = toFloat(account.baseCurrencyUnit, 0);
  const usdOf = (token: string) => {
    const reserve = account.reserves.find((r) => r.asset.address.toLowerCase() === token.toLowerCase());
    return reserve === undefined ? undefined : Number(reserve.priceBase) / baseUnit;
  };
  const quotes: SwapTradeQuote[] = [];
  for (const [actionIndex, action] of actions.entries()) {
    if (action.kind !== "swap.exactInputSingle") continue;
    const tokenIn = action.tokenIn.toLowerCase();
    const tokenOut = action.tokenOut.toLowerCase();
    const pool = swapPoolOf(book, action);
    const tokenInPriceUsd = usdOf(tokenIn);
    const tokenOutPriceUsd = usdOf(tokenOut);
    if (pool === undefined || tokenInPriceUsd === undefined || tokenOutPriceUsd === undefined) continue;
    const zeroForOne = pool.token0.address.toLowerCase() === tokenIn;
    const [decimalsIn, decimalsOut] = zeroForOne
      ? [pool.token0.decimals, pool.token1.decimals]
      : [pool.token1.decimals, pool.token0.decimals];
    const quote = quoteSwap(pool, zeroForOne, action.amountIn);
    if (quote === null) continue;
    quotes.push({
      kind: "swap",
      actionIndex,
      pool: pool.address,
      // Spot out per unit in, less the fee tier (as the de-peg swap legs quote: depeg-plan.ts).
      priceNetOfFee:
        (toFloat(quote.spotOut, decimalsOut) / toFloat(action.amountIn, decimalsIn)) *
        (1 - pool.fee / 1_000_000),
      tokenInPriceUsd,
      tokenOutPriceUsd,
      tokenInDecimals: decimalsIn,
      tokenOutDecimals: decimalsOut,
    });
  }
  return quotes;
}

/** The v3 pool of a swap's token pair and fee tier (the router's pool), when the book reads it. */
export function swapPoolOf(
  book: Pick<BookSnapshot, "pools">,
  swap: Pick<SwapExactInputSingleAction, "tokenIn" | "tokenOut" | "fee">,
): V3PoolSnapshot | undefined {
  const tokenIn = swap.tokenIn.toLowerCase();
  const tokenOut = swap.tokenOut.toLowerCase();
  return book.pools.find(
    (p): p is V3PoolSnapshot =>
      p.kind === "uniswap-v3" &&
      p.fee === swap.fee &&
      ((p.token0.address.toLowerCase() === tokenIn && p.token1.address.toLowerCase() === tokenOut) ||
        (p.token1.address.toLowerCase() === tokenIn && p.token0.address.toLowerCase() === tokenOut)),
  );
}
