// The deleverager's events as Prometheus series and alerts. Pure mappings (recordDeleveragerEvent, alertsOfEvent,
// deleveragerHealth) plus one small stateful observer that keeps each book's condition (health factor under its floor)
// so every router update carries all of them: a condition absent from an update resolves (alert-router.ts).
import type { Logger } from "pino";
import type { Alert } from "../src/alerts/alert.ts";
import type { AlertRouter } from "../src/alerts/alert-router.ts";
import { type DeleveragerMetrics, headAgeSec } from "../src/metrics/deleverager-metrics.ts";
import type { HealthReport } from "../src/metrics/metrics-server.ts";
import type { DeleveragerEvent } from "./deleverager-events.ts";
import { errorText } from "./errors.ts";

const wadToNumber = (wad: bigint) => Number(wad) / 1e18;

export function recordDeleveragerEvent(
  metrics: DeleveragerMetrics,
  event: DeleveragerEvent,
  nowMs: number,
): void {
  switch (event.kind) {
    case "head":
      metrics.lastBlock.set(Number(event.blockNumber));
      metrics.headAdvancedAtMs = nowMs;
      return;
    case "book": {
      const id = { book_id: event.bookId };
      metrics.healthFactor.set(id, wadToNumber(event.healthFactorWad));
      metrics.healthFactorFloor.set(id, wadToNumber(event.floorWad));
      metrics.bookBlock.set(id, Number(event.blockNumber));
      metrics.keeperInGrace.set(id, event.keeperInGrace ? 1 : 0);
      return;
    }
    case "repay.sent":
      metrics.repays.inc({ book_id: event.bookId, event: "sent" });
      return;
    case "repay.confirmed":
      metrics.repays.inc({ book_id: event.bookId, event: "confirmed" });
      return;
    case "repay.failed":
      metrics.repays.inc({ book_id: event.bookId, event: "failed" });
      return;
  }
}

/** The health-factor condition of a book reading: present while under the floor (critical), absent otherwise. */
export function underFloorAlert(
  event: Extract<DeleveragerEvent, { kind: "book" }>,
  network: string,
): Alert | undefined {
  if (event.healthFactorWad >= event.floorWad) return undefined;
  const hf = wadToNumber(event.healthFactorWad);
  const floor = wadToNumber(event.floorWad);
  const action =
    event.decision.kind === "repay"
      ? "the deleverager repays"
      : `the deleverager holds (${event.decision.reason})`;
  return {
    key: `deleverager/health-factor-under-floor:${event.bookId}`,
    severity: "critical",
    title: `Aave health factor ${hf.toFixed(3)} under its floor ${floor} on ${event.bookId}`,
    text: `At block ${event.blockNumber} the Safe's Aave health factor is ${hf.toFixed(4)}, under the leg's floor ${floor}: ${action}.`,
    bookId: event.bookId,
    fields: {
      network,
      health_factor: hf,
      floor,
      block_number: Number(event.blockNumber),
      keeper_in_grace: event.keeperInGrace ? 1 : 0,
    },
  };
}

/** One-off alerts of a repay: sent (warning: the keeper did not act in time), failed (critical). */
export function alertsOfEvent(event: DeleveragerEvent, network: string): Alert[] {
  switch (event.kind) {
    case "repay.sent":
      return [
        {
          key: `deleverager/repay-sent:${event.bookId}:${event.txHash}`,
          severity: "warning",
          title: `Deleverager repaid Aave debt on ${event.bookId}`,
          text: `The keeper did not act in time: the deleverager sent a repay of ${event.units} units from the Safe's ${event.source === "wallet" ? "balance" : "aTokens"} (tx ${event.txHash}).`,
          bookId: event.bookId,
          event: true,
          fields: {
            network,
            tx_hash: event.txHash,
            units: event.units.toString(),
            source: event.source,
            block_number: Number(event.blockNumber),
          },
        },
      ];
    case "repay.failed":
      return [
        {
          key: `deleverager/repay-failed:${event.bookId}:${event.blockNumber}`,
          severity: "critical",
          title: `Deleverager repay failed on ${event.bookId}`,
          text: `The repay decided at block ${event.blockNumber} did not happen: ${event.error}. It is retried next block.`,
          bookId: event.bookId,
          event: true,
          fields: { network, error: event.error, block_number: Number(event.blockNumber) },
        },
      ];
    default:
      return [];
  }
}

/** `/healthz`: ok while the head advanced within `headStaleSec` (before the first head: since the process started). */
export function deleveragerHealth(input: {
  metrics: Pick<DeleveragerMetrics, "headAdvancedAtMs">;
  nowMs: () => number;
  startedAtMs: number;
  headStaleSec: number;
  network: string;
}): HealthReport {
  const ageSec = headAgeSec(input.metrics, input);
  return {
    ok: ageSec <= input.headStaleSec,
    network: input.network,
    headAgeSec: ageSec,
    headStaleSec: input.headStaleSec,
    headSeen: input.metrics.headAdvancedAtMs !== null,
  };
}

/** Metrics at once; alerts through the router, in order, never blocking or failing the deleverager. */
export function createDeleveragerObserver(input: {
  metrics: DeleveragerMetrics;
  router: AlertRouter;
  network: string;
  nowMs: () => number;
  logger: Logger;
}): { onEvent: (event: DeleveragerEvent) => void; flushed: () => Promise<void> } {
  const conditions = new Map<string, Alert>();
  let delivery: Promise<void> = Promise.resolve();
  return {
    onEvent(event) {
      recordDeleveragerEvent(input.metrics, event, input.nowMs());
      if (event.kind === "head") return;
      if (event.kind === "book") {
        const alert = underFloorAlert(event, input.network);
        if (alert) conditions.set(event.bookId, alert);
        else conditions.delete(event.bookId);
      }
      const active = [...conditions.values(), ...alertsOfEvent(event, input.network)];
      delivery = delivery
        .then(() => input.router.update(active))
        .then((outcomes) => {
          for (const o of outcomes)
            if (o.result === "failed")
              input.logger.warn({ sink: o.sink, alert: o.key, err: o.error }, "alert not delivered");
        })
        .catch((error) => input.logger.error({ err: errorText(error) }, "deleverager alerts failed"));
    },
    flushed: () => delivery,
  };
}
