// Prometheus metrics on their own registry (never prom-client's global one, so two keepers in one process or
// a test never share state). Typed update functions: the monitor hands over the engine's BookMetrics, the
// keeper fills a plain KeeperHealth and reports jobs and transactions as they happen.
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { BookMetrics } from "../engine/book-metrics.ts";

export interface HedgekeeperMetrics {
  registry: Registry;
  bookDriftBps: Gauge<"book_id">;
  bookHedgeRatio: Gauge<"book_id">;
  bookTargetHedgeRatio: Gauge<"book_id">;
  bookImpermanentLossUsd: Gauge<"book_id">;
  bookValueUsd: Gauge<"book_id">;
  bookHedgeEffectiveness: Gauge<"book_id" | "window">;
  bookBlock: Gauge<"book_id">;
  depegDeviationBps: Gauge<"book_id" | "asset" | "source">;
  depegTier: Gauge<"book_id" | "asset">;
  oracleAgeSec: Gauge<"book_id" | "feed">;
  oracleFresh: Gauge<"book_id" | "feed">;
  queueDepth: Gauge<"queue">;
  queueLagSec: Gauge<"queue">;
  jobDurationSec: Histogram<"job" | "outcome">;
  transactions: Counter<"lane" | "event">;
  gasUsed: Counter<"lane">;
  signerBalanceEth: Gauge<"signer">;
  lastSuccessTimestampSec: Gauge<"component">;
  keeperHeartbeatTimestampSec: Gauge;
}

/** ok < watch < warn < act, as a number so dashboards can threshold it. */
export const DEPEG_TIER_LEVEL = { ok: 0, watch: 1, warn: 2, act: 3 } as const;

export function createMetrics(options: { prefix?: string; defaultLabels?: Record<string, string> } = {}) {
  const registry = new Registry();
  if (options.defaultLabels) registry.setDefaultLabels(options.defaultLabels);
  const p = options.prefix ?? "hedgekeeper_";
  const registers = [registry];
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Gauge<L>({ name: `${p}${name}`, help, labelNames, registers });
  const metrics: HedgekeeperMetrics = {
    registry,
    bookDriftBps: gauge("book_drift_bps", "Hedge drift, bps of book value (positive = over-hedged).", [
      "book_id",
    ]),
    bookHedgeRatio: gauge("book_hedge_ratio", "−hedge delta / exposure delta.", ["book_id"]),
    bookTargetHedgeRatio: gauge("book_target_hedge_ratio", "Configured target hedge ratio.", ["book_id"]),
    bookImpermanentLossUsd: gauge("book_impermanent_loss_usd", "LP value minus HODL value, USD.", [
      "book_id",
    ]),
    bookValueUsd: gauge("book_value_usd", "Book value (LP + perp account + spot), USD.", ["book_id"]),
    bookHedgeEffectiveness: gauge(
      "book_hedge_effectiveness",
      "Variance reduction of the hedged book over a window (1 = perfect).",
      ["book_id", "window"],
    ),
    bookBlock: gauge("book_block_number", "Block of the last evaluated snapshot.", ["book_id"]),
    depegDeviationBps: gauge(
      "depeg_deviation_bps",
      "Stablecoin price deviation from $1 per source, bps (negative = below peg).",
      ["book_id", "asset", "source"],
    ),
    depegTier: gauge("depeg_tier", "De-peg tier: 0 ok, 1 watch, 2 warn, 3 act.", ["book_id", "asset"]),
    oracleAgeSec: gauge("oracle_age_seconds", "Age of the feed's latest answer.", ["book_id", "feed"]),
    oracleFresh: gauge("oracle_fresh", "1 when the feed's answer is within its heartbeat.", [
      "book_id",
      "feed",
    ]),
    queueDepth: gauge("queue_depth", "Jobs waiting in a queue.", ["queue"]),
    queueLagSec: gauge("queue_lag_seconds", "Age of the oldest waiting job.", ["queue"]),
    jobDurationSec: new Histogram({
      name: `${p}job_duration_seconds`,
      help: "Job run time.",
      labelNames: ["job", "outcome"],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
    transactions: new Counter({
      name: `${p}transactions_total`,
      help: "Transactions by lane and event (sent, replaced, failed, confirmed).",
      labelNames: ["lane", "event"],
      registers,
    }),
    gasUsed: new Counter({
      name: `${p}gas_used_total`,
      help: "Gas used by confirmed transactions.",
      labelNames: ["lane"],
      registers,
    }),
    signerBalanceEth: gauge("signer_balance_eth", "Native balance of the keeper's signer.", ["signer"]),
    lastSuccessTimestampSec: gauge(
      "last_success_timestamp_seconds",
      "Unix time a component last completed successfully (snapshot, decision, execution, alerts).",
      ["component"],
    ),
    keeperHeartbeatTimestampSec: new Gauge({
      name: `${p}keeper_heartbeat_timestamp_seconds`,
      help: "Unix time the keeper last did work (its heartbeat).",
      registers,
    }),
  };
  return metrics;
}

export interface BookMetricsExtras {
  /** Hedge effectiveness per window label (e.g. `1d`, `7d`), when samples allow it. */
  effectiveness?: Readonly<Record<string, number | null>>;
  /** The snapshot's block time: oracle ages are measured against it. */
  nowSec?: number;
}

/** The monitor's view of one book, from the engine's evaluation. */
export function recordBookMetrics(
  metrics: HedgekeeperMetrics,
  book: BookMetrics,
  extras: BookMetricsExtras = {},
): void {
  const id = { book_id: book.bookId };
  metrics.bookDriftBps.set(id, book.drift.driftBps);
  metrics.bookHedgeRatio.set(id, book.drift.hedgeRatio);
  metrics.bookTargetHedgeRatio.set(id, book.drift.targetHedgeRatio);
  metrics.bookImpermanentLossUsd.set(id, book.impermanentLossUsd);
  metrics.bookValueUsd.set(id, book.bookValueUsd);
  metrics.bookBlock.set(id, Number(book.blockNumber));
  metrics.oracleAgeSec.set({ ...id, feed: "base" }, book.baseOracle.ageSec);
  metrics.oracleFresh.set({ ...id, feed: "base" }, book.baseOracle.fresh ? 1 : 0);
  for (const [window, value] of Object.entries(extras.effectiveness ?? {})) {
    if (value !== null && Number.isFinite(value))
      metrics.bookHedgeEffectiveness.set({ ...id, window }, value);
  }
  for (const report of book.depeg) {
    const asset = report.symbol;
    metrics.depegTier.set({ ...id, asset }, DEPEG_TIER_LEVEL[report.tier]);
    if (report.deviationBps !== null) {
      metrics.depegDeviationBps.set({ ...id, asset, source: "median" }, report.deviationBps);
    }
    for (const source of report.sources) {
      metrics.depegDeviationBps.set(
        { ...id, asset, source: `${source.kind}:${source.ref}` },
        source.deviationBps,
      );
    }
  }
}

/** What the keeper knows about itself; every field optional so it fills what it has. */
export interface KeeperHealth {
  /** Unix seconds of the keeper's heartbeat: when it last did work (null: it never has). */
  heartbeatAtSec: number | null;
  queues?: readonly { name: string; depth: number; lagSec: number }[];
  signers?: readonly { address: string; balanceEth: number }[];
  /** Unix seconds of each component's last success. */
  lastSuccessAtSec?: Readonly<Record<string, number>>;
  /** Oracle ages the keeper measured (feed label → seconds). */
  oracleAgeSec?: Readonly<Record<string, number>>;
}

export function recordKeeperHealth(metrics: HedgekeeperMetrics, health: KeeperHealth): void {
  if (health.heartbeatAtSec !== null) metrics.keeperHeartbeatTimestampSec.set(health.heartbeatAtSec);
  for (const q of health.queues ?? []) {
    metrics.queueDepth.set({ queue: q.name }, q.depth);
    metrics.queueLagSec.set({ queue: q.name }, q.lagSec);
  }
  for (const s of health.signers ?? []) metrics.signerBalanceEth.set({ signer: s.address }, s.balanceEth);
  for (const [component, at] of Object.entries(health.lastSuccessAtSec ?? {})) {
    metrics.lastSuccessTimestampSec.set({ component }, at);
  }
}

export function recordJob(
  metrics: HedgekeeperMetrics,
  job: { name: string; durationMs: number; ok: boolean; finishedAtSec?: number },
): void {
  metrics.jobDurationSec.observe({ job: job.name, outcome: job.ok ? "ok" : "failed" }, job.durationMs / 1000);
  if (job.ok && job.finishedAtSec !== undefined) {
    metrics.lastSuccessTimestampSec.set({ component: job.name }, job.finishedAtSec);
  }
}

export type TransactionEvent = "sent" | "replaced" | "failed" | "confirmed";

export function recordTransaction(
  metrics: HedgekeeperMetrics,
  tx: { lane: string; event: TransactionEvent; gasUsed?: bigint | number },
): void {
  metrics.transactions.inc({ lane: tx.lane, event: tx.event });
  if (tx.gasUsed !== undefined) metrics.gasUsed.inc({ lane: tx.lane }, Number(tx.gasUsed));
}
