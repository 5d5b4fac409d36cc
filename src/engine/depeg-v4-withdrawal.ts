// The de-peg lane's Uniswap v4 leg: a v4 position between two configured stablecoins, one of which is at its
// act tier, is withdrawn whole (DECREASE_LIQUIDITY of all its liquidity, TAKE_PAIR to the treasury), so the
// de-pegging stable it holds becomes spot the swap leg can sell. Its minimums are the exact amounts the
// PoolManager would pay at the snapshot (v4-position.ts) less the stable's maxSlippageBps: the pool may move
// between the plan and its block, never by more than that.
import type { BookMetrics } from "./book-metrics.ts";
import { toFloat } from "./input-guards.ts";
import type { BookParams } from "./params.ts";
import type { Address, V4DecreaseLiquidityAction } from "./plan.ts";
import { bpsOf } from "./plan-assembly.ts";
import type { BookSnapshot, V4PoolSnapshot } from "./snapshot.ts";
import { valueV4Position } from "./v4-position.ts";

export interface DepegV4Withdrawal {
  action: V4DecreaseLiquidityAction;
  /** Value of the stable at its act tier held by the position, USD (its de-peg exposure). */
  exposedUsd: number;
  riskReductionUsd: number;
  symbol: string;
  deviationBps: number;
}

/** Every stable-pair v4 position holding a stable at its act tier, withdrawn whole. */
export function depegV4Withdrawals(
  book: BookSnapshot,
  params: BookParams,
  m: BookMetrics,
): DepegV4Withdrawal[] {
  const stables = new Map(params.depeg.stablecoins.map((s) => [s.token.toLowerCase(), s]));
  const reports = new Map(m.depeg.map((r) => [r.token, r]));
  const pools = new Map(
    book.pools
      .filter((p): p is V4PoolSnapshot => p.kind === "uniswap-v4")
      .map((p) => [p.poolId.toLowerCase(), p]),
  );
  const withdrawals: DepegV4Withdrawal[] = [];
  for (const position of book.lpPositions) {
    if (position.kind !== "uniswap-v4" || position.liquidity === 0n) continue;
    const pool = pools.get(position.poolId.toLowerCase());
    if (pool === undefined) continue;
    const currencies = [pool.currency0, pool.currency1];
    const pair = currencies.map((c) => stables.get(c.address.toLowerCase()));
    if (pair.some((s) => s === undefined)) continue;
    const acting = currencies
      .map((c) => reports.get(c.address.toLowerCase()))
      .find((r) => r?.tier === "act" && r.priceUsd !== null && r.deviationBps !== null);
    if (acting === undefined) continue;
    const value = valueV4Position(position, pool, { base: book.base.address });
    const isCurrency0 = pool.currency0.address.toLowerCase() === acting.token;
    const heldUnits = isCurrency0 ? value.amount0 + value.fees0 : value.amount1 + value.fees1;
    const decimals = isCurrency0 ? pool.currency0.decimals : pool.currency1.decimals;
    const exposedUsd = toFloat(heldUnits, decimals) * (acting.priceUsd as number);
    if (exposedUsd < params.minTradeUsd) continue;
    const keep = 10_000n - bpsOf(stables.get(acting.token)!.maxSlippageBps);
    withdrawals.push({
      action: {
        kind: "uniswapV4.decreaseLiquidity",
        venue: "uniswap-v4",
        tokenId: position.tokenId,
        liquidity: position.liquidity,
        amount0Min: (value.amount0 * keep) / 10_000n,
        amount1Min: (value.amount1 * keep) / 10_000n,
        currency0: pool.key.currency0 as Address,
        currency1: pool.key.currency1 as Address,
      },
      exposedUsd,
      // As for a swap: the further loss avoided if the de-peg doubles.
      riskReductionUsd: exposedUsd * (Math.abs(acting.deviationBps as number) / 10_000),
      symbol: acting.symbol,
      deviationBps: acting.deviationBps as number,
    });
  }
  return withdrawals;
}
