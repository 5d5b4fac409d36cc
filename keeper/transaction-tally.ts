// Transactions that failed or were replaced since the alert conditions were last evaluated, per lane: what the
// tx-failed and tx-replaced alerts count. The keeper's events feed it (as /metrics sees them, metrics-health.ts);
// each evaluation of the alerts takes the counts and starts again from zero.
import type { AlertInputs } from "../src/alerts/alert-conditions.ts";
import type { TransactionEvent } from "../src/metrics/metrics.ts";

type LaneTally = NonNullable<AlertInputs["transactions"]>[number];

export function createTransactionTally() {
  let byLane = new Map<string, LaneTally>();
  return {
    record(tx: { lane: string; event: TransactionEvent }): void {
      if (tx.event !== "failed" && tx.event !== "replaced") return;
      const tally = byLane.get(tx.lane) ?? { lane: tx.lane, failed: 0, replaced: 0 };
      byLane.set(tx.lane, { ...tally, [tx.event]: tally[tx.event] + 1 });
    },
    /** The counts since the last take; the next take counts from here. */
    take(): LaneTally[] {
      const taken = [...byLane.values()];
      byLane = new Map();
      return taken;
    },
  };
}
