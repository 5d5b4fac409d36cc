// The keeper's memory after a decision: the hysteresis state the decision leaves (a noop carries it; a plan
// arms unless it says it leaves the book inside the re-arm band) and the time of the last plan (cooldown).
// One rule for the live keeper (keeper/evaluate-job.ts) and the backtester (src/backtest/replay.ts).
import type { Decision } from "./plan.ts";
import type { KeeperState } from "./snapshot.ts";

/** The recent samples a decision reads (σ): the keeper's window, the backtester's too. */
export const DECISION_SAMPLE_WINDOW = 240;

export function keeperStateAfter(state: KeeperState, decision: Decision, nowSec: number): KeeperState {
  if (decision.kind === "noop")
    return { ...state, hedgeTriggered: decision.hedgeTriggered ?? state.hedgeTriggered };
  return { hedgeTriggered: decision.plan.hedgeTriggered ?? true, lastPlanAtSec: nowSec };
}
