// The keeper's self-monitoring (health.ts) in the shape the Prometheus layer records (src/metrics).
import { formatEther } from "viem";
import type {
  HedgekeeperMetrics,
  KeeperHealth as MetricsKeeperHealth,
  TransactionEvent,
} from "../src/metrics/metrics.ts";
import type { KeeperEvent } from "./events.ts";
import type { KeeperHealth } from "./health.ts";

/** The keeper's heartbeat is its newest process heartbeat (when a process last did work), to the nearest second. */
export function toMetricsHealth(health: KeeperHealth): MetricsKeeperHealth {
  const lastSuccessAtSec: Record<string, number> = {};
  for (const book of health.books) {
    if (book.lastEvaluation !== null) {
      lastSuccessAtSec[`evaluate:${book.bookId}`] = Math.floor(
        (health.atMs - book.lastEvaluation.ageMs) / 1000,
      );
    }
  }
  const heartbeatAges = Object.values(health.heartbeatAgeMs);
  return {
    heartbeatAtSec:
      heartbeatAges.length === 0 ? null : Math.round((health.atMs - Math.min(...heartbeatAges)) / 1000),
    queues: Object.entries(health.queues).map(([name, q]) => ({
      name,
      depth: q.waiting + q.prioritized + q.active + q.delayed,
      lagSec: q.lagMs / 1000,
    })),
    signers: [{ address: health.signer.address, balanceEth: Number(formatEther(health.signer.balanceWei)) }],
    lastSuccessAtSec,
  };
}

/** The drift each book was last evaluated at, for processes that do not evaluate books themselves. */
export function recordBookDrift(metrics: HedgekeeperMetrics, health: KeeperHealth): void {
  for (const book of health.books) {
    const drift = book.lastEvaluation?.driftBps;
    if (drift !== undefined && Number.isFinite(drift))
      metrics.bookDriftBps.set({ book_id: book.bookId }, drift);
  }
}

/** Which keeper events count as transactions on /metrics (transactions_total, gas_used_total), by lane. */
export function transactionEventOf(
  event: KeeperEvent,
): { lane: string; event: TransactionEvent; gasUsed?: bigint } | undefined {
  switch (event.kind) {
    case "tx.broadcast":
      return { lane: event.lane, event: "sent" };
    case "tx.replaced":
    case "tx.cancelled":
      return { lane: event.lane, event: "replaced" };
    case "tx.mined":
      return {
        lane: event.lane,
        event: event.status === "success" ? "confirmed" : "failed",
        gasUsed: event.gasUsed,
      };
    default:
      return undefined;
  }
}
