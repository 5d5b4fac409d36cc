// The book's P&L with and without the hedge, per bucket (a day by default): how much of the risk the hedge took
// away. Unhedged P&L is the hedged item's value change alone; hedged P&L is the book's (item + hedge − gas).
//   volatility      σ of the bucket P&L (population: the period is the whole sample)
//   Ederington      1 − Var(hedged) / Var(unhedged) (Ederington 1979, J. Finance 34(1)), on the same buckets
//   max drawdown    the largest fall of cumulative P&L from its running peak
//   VaR / ES        historical, at `confidence`: VaR = −q_{1−c}(P&L), ES = −mean(P&L | P&L ≤ q_{1−c})
//                   (Acerbi & Tasche 2002, "On the coherence of expected shortfall"), both as positive losses
import { fail } from "../engine/input-guards.ts";
import { quantile, variance } from "../engine/statistics.ts";
import type { PnlBucket } from "./attribution.ts";

export interface PnlRisk {
  totalUsd: number;
  volatilityUsd: number | null;
  maxDrawdownUsd: number;
  valueAtRiskUsd: number | null;
  expectedShortfallUsd: number | null;
}

export interface RiskComparison {
  buckets: number;
  confidence: number;
  hedged: PnlRisk;
  unhedged: PnlRisk;
  /** Null with fewer than 2 buckets or an unhedged P&L that never varied. */
  varianceReduction: number | null;
  /** Why the bucket statistics are blank, or null when they are measured. */
  reason: string | null;
}

/** The largest peak-to-trough fall of the running sum of `pnl` (starting at 0), as a positive number. */
export function maxDrawdown(pnl: readonly number[]): number {
  let cumulative = 0;
  let peak = 0;
  let worst = 0;
  for (const x of pnl) {
    cumulative += x;
    if (cumulative > peak) peak = cumulative;
    if (peak - cumulative > worst) worst = peak - cumulative;
  }
  return worst;
}

/** Historical VaR and ES of a P&L sample at `confidence`, as positive losses. */
export function historicalVarEs(
  pnl: readonly number[],
  confidence: number,
): { varUsd: number; esUsd: number } {
  const sorted = [...pnl].sort((a, b) => a - b);
  const cut = quantile(sorted, 1 - confidence);
  let tail = 0;
  let n = 0;
  for (const x of sorted) {
    if (x > cut) break;
    tail += x;
    n++;
  }
  return { varUsd: -cut, esUsd: -(tail / n) };
}

function riskOf(pnl: readonly number[], confidence: number, measured: boolean): PnlRisk {
  const tails = measured ? historicalVarEs(pnl, confidence) : null;
  return {
    totalUsd: pnl.reduce((s, x) => s + x, 0),
    volatilityUsd: measured ? Math.sqrt(variance(pnl)) : null,
    maxDrawdownUsd: maxDrawdown(pnl),
    valueAtRiskUsd: tails?.varUsd ?? null,
    expectedShortfallUsd: tails?.esUsd ?? null,
  };
}

export function compareRisk(
  buckets: readonly PnlBucket[],
  options: { confidence?: number } = {},
): RiskComparison {
  const confidence = options.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) fail("confidence", "must be in (0, 1)", confidence);
  const hedged = buckets.map((b) => b.bookValueChangeUsd);
  // The hedged item's P&L: what LP withdrawals paid the Safe left its value without being lost (attribution.ts).
  const unhedged = buckets.map((b) => b.hedgedItemChangeUsd + b.lpWithdrawnUsd + b.lpFeesCollectedUsd);
  const measured = buckets.length >= 2;
  const varU = measured ? variance(unhedged) : 0;
  return {
    buckets: buckets.length,
    confidence,
    hedged: riskOf(hedged, confidence, measured),
    unhedged: riskOf(unhedged, confidence, measured),
    varianceReduction: varU > 0 ? 1 - variance(hedged) / varU : null,
    reason: !measured
      ? `${buckets.length} bucket(s): volatility, variance reduction and VaR need at least 2`
      : varU > 0
        ? null
        : "the unhedged P&L never varied: no variance to reduce",
  };
}
