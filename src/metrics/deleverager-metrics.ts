// The deleverager's Prometheus metrics, on a registry of its own with the keeper's `hedgekeeper_` prefix and its
// `network` label, so one dashboard reads both. "Seconds since the head advanced" is computed at scrape time from the
// injected clock: a process stuck on one block shows its age growing, not a frozen figure.
import { Counter, Gauge, Registry } from "prom-client";

export type RepayEvent = "sent" | "confirmed" | "failed";

export interface DeleveragerMetrics {
  registry: Registry;
  healthFactor: Gauge<"book_id">;
  healthFactorFloor: Gauge<"book_id">;
  bookBlock: Gauge<"book_id">;
  keeperInGrace: Gauge<"book_id">;
  repays: Counter<"book_id" | "event">;
  lastBlock: Gauge;
  /** When the head last advanced (ms since epoch), for the scrape-time age. */
  headAdvancedAtMs: number | null;
}

export function createDeleveragerMetrics(options: {
  network: string;
  nowMs: () => number;
  /** Before any head is seen the age runs from here (the process start). */
  startedAtMs: number;
}): DeleveragerMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ network: options.network });
  const registers = [registry];
  const p = "hedgekeeper_deleverager_";
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Gauge<L>({ name: `${p}${name}`, help, labelNames, registers });
  const metrics: DeleveragerMetrics = {
    registry,
    healthFactor: gauge("health_factor", "The Safe's Aave health factor at the last block read.", [
      "book_id",
    ]),
    healthFactorFloor: gauge(
      "health_factor_floor",
      "The Aave leg's floor: under it the deleverager repays.",
      ["book_id"],
    ),
    bookBlock: gauge("book_block_number", "The block the book's health factor was read at.", ["book_id"]),
    keeperInGrace: gauge(
      "keeper_in_grace",
      "1 while HedgeGuard admitted a keeper plan for the book within --keeper-grace-blocks (the deleverager holds).",
      ["book_id"],
    ),
    repays: new Counter({
      name: `${p}repays_total`,
      help: "Repay transactions (the Pool's repay / repayWithATokens) by event: sent, confirmed, failed.",
      labelNames: ["book_id", "event"],
      registers,
    }),
    lastBlock: new Gauge({ name: `${p}last_block_number`, help: "The newest head it read.", registers }),
    headAdvancedAtMs: null,
  };
  new Gauge({
    name: `${p}head_age_seconds`,
    help: "Seconds since the head it follows last advanced (since start, before the first head).",
    registers,
    collect() {
      this.set(headAgeSec(metrics, options));
    },
  });
  return metrics;
}

export function headAgeSec(
  metrics: Pick<DeleveragerMetrics, "headAdvancedAtMs">,
  options: { nowMs: () => number; startedAtMs: number },
): number {
  return Math.max(0, (options.nowMs() - (metrics.headAdvancedAtMs ?? options.startedAtMs)) / 1000);
}
