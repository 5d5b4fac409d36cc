// What a policy did over a replayed path: the report a steward reads for a recorded period
// (src/performance/performance-report.ts: attribution, hedged against unhedged, effectiveness, rebalances), built
// from the replay's points and plans, and the two numbers a grid weighs policies by:
//   residual risk   σ of the book's daily P&L with the hedge (the report's hedged volatility)
//   total cost      gas + venue fees + slippage + carry paid (funding received counts against the cost)
import { type PerformanceReport, performanceReport } from "../performance/performance-report.ts";
import type { ReplayResult } from "./replay.ts";

export interface PolicyOutcome {
  report: PerformanceReport;
  /** Null when the path is too short for daily statistics (fewer than 2 days). */
  residualRiskUsd: number | null;
  totalCostUsd: number;
  trades: number;
  evaluatedSteps: number;
}

export function policyOutcome(bookId: string, result: ReplayResult): PolicyOutcome {
  const report = performanceReport({
    bookId,
    points: result.points,
    depegEvents: [],
    plans: result.executed.map((e) => ({
      planId: e.plan.planId,
      atSec: e.timestampSec,
      lane: e.plan.lane,
      status: "replayed",
      reason: e.plan.reason,
    })),
    alerts: [],
  });
  const t = report.attribution.total;
  return {
    report,
    residualRiskUsd: report.risk.hedged.volatilityUsd,
    totalCostUsd: t.gasUsd + t.venueFeesUsd + t.slippageUsd - t.carryUsd,
    trades: result.executed.length,
    evaluatedSteps: result.evaluatedSteps,
  };
}

/**
 * The Pareto frontier of residual risk against total cost: the points no other point beats on both (at most the
 * risk and the cost, less of one), sorted by cost. Indexes into `outcomes`.
 */
export function paretoFrontier(
  outcomes: readonly { residualRiskUsd: number; totalCostUsd: number }[],
): number[] {
  const frontier: number[] = [];
  outcomes.forEach((o, i) => {
    const dominated = outcomes.some(
      (other, j) =>
        j !== i &&
        other.residualRiskUsd <= o.residualRiskUsd &&
        other.totalCostUsd <= o.totalCostUsd &&
        (other.residualRiskUsd < o.residualRiskUsd || other.totalCostUsd < o.totalCostUsd),
    );
    if (!dominated) frontier.push(i);
  });
  return frontier.sort((a, b) => outcomes[a]!.totalCostUsd - outcomes[b]!.totalCostUsd);
}
