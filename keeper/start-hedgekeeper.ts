// The one composition root: from the validated configuration to a running process. For one network's books
// (keeper/config.ts) it wires the chain client, the history store, the keeper (its queues and the workers of its
// role), Prometheus /metrics and /healthz, the alerts, the history's compaction, and (where books are evaluated)
// the stewards' API and dashboard. `hedgekeeper run`, `node keeper/main.ts` and the demo all start here: what
// differs between them is the configuration, and a logger, a clock and listeners on what the keeper does. Books on
// several networks: keeper/network-supervisor.ts starts this once per network in a child process (`channel`),
// where it serves nothing and hands its alerts, health and metrics to the supervisor.
import { existsSync } from "node:fs";
import type { Logger } from "pino";
import type { Alert } from "../src/alerts/alert.ts";
import {
  type AaveLiquidationAlert,
  alertConditions,
  type TamperedPlan,
} from "../src/alerts/alert-conditions.ts";
import { type AlertRouter, createAlertRouter } from "../src/alerts/alert-router.ts";
import { type HedgeReadings, hedgeConditions, hedgeReadingsOf } from "../src/alerts/hedge-conditions.ts";
import { createHeldSince } from "../src/alerts/held-since.ts";
import { createAlertSink } from "../src/alerts/sinks.ts";
import { createSupersededPlansWindow } from "../src/alerts/superseded-plans.ts";
import { type ApiServer, startApiServer } from "../src/api/api-server.ts";
import { DASHBOARD_DIST_DIR } from "../src/api/dashboard-dir.ts";
import { createChainClient } from "../src/chain/client.ts";
import {
  bookParamsFromConfig,
  bookReadKey,
  bookSourcesFromConfig,
  chainClientOptionsFromConfig,
  retentionPolicyFromConfig,
  treasuryScopeFromConfig,
} from "../src/config/adapters.ts";
import { ConfigError } from "../src/config/config-error.ts";
import { createLogger } from "../src/config/logger.ts";
import { resolvePerpMarketPoolsWhenReachable, START_CHAIN_BACKOFF } from "../src/config/perp-market-pools.ts";
import type { HedgekeeperConfig } from "../src/config/schema.ts";
import type { BookMetrics } from "../src/engine/book-metrics.ts";
import { executionTargetsOf } from "../src/execution/execution-targets.ts";
import {
  createSharedBookSnapshots,
  type SharedBookSnapshots,
} from "../src/indexers/shared-book-snapshots.ts";
import {
  createMetrics,
  type HedgekeeperMetrics,
  type KeeperHealth as MetricsKeeperHealth,
  recordBookMetrics,
  recordJob,
  recordKeeperHealth,
  recordTransaction,
} from "../src/metrics/metrics.ts";
import { startMetricsServer } from "../src/metrics/metrics-server.ts";
import { type Clock, nowSec, wallClock } from "../src/runtime/clock.ts";
import {
  describeRedisTopology,
  pingRedisTopology,
  redisTopologyKey,
} from "../src/runtime/redis-connection.ts";
import type { HistoryStore } from "../src/store/history-store.ts";
import { openHistoryStore } from "../src/store/open-history-store.ts";
import { keeperConfigOf, keeperScopeOf } from "./config.ts";
import type { KeeperBook, KeeperHooks } from "./context.ts";
import { aaveLiquidationOf, tamperedPlanOf } from "./event-alerts.ts";
import type { KeeperEvent } from "./events.ts";
import { type CreateKeeperOptions, createKeeper, type Keeper, type KeeperRole } from "./keeper.ts";
import { recordBookDrift, toMetricsHealth, transactionEventOf } from "./metrics-health.ts";
import type { NetworkChannel } from "./network-channel.ts";
import { testInstrumentationHooks } from "./test-instrumentation.ts";
import { createTransactionTally } from "./transaction-tally.ts";

/** One health read per refresh serves /metrics, /healthz, the alerts and the API. */
const HEALTH_REFRESH_MS = 2_000;
const COMPACT_EVERY_MS = 10 * 60_000;

export interface StartHedgekeeperOptions {
  role: KeeperRole;
  /** The network whose books this process keeps; needed when books are on several. */
  network?: string;
  /** Where the configuration came from (its file), named in configuration errors. */
  source?: string;
  /** The file as written (secrets are `${ENV}` references in it): recorded in the history as the config in force. */
  configText?: string;
  /** Default: the configuration's JSON logger (credentials scrubbed) at `logLevel`. */
  logger?: Logger;
  logLevel?: string;
  /** Default: the wall clock. */
  clock?: Clock;
  /** Told of every keeper event (after the process's own metrics and alerts are). */
  onEvent?: (event: KeeperEvent) => void;
  /** Told of every book evaluation (after the process's own metrics and alerts are). */
  onEvaluation?: KeeperHooks["onEvaluation"];
  /**
   * Run as one network's child of a supervisor (keeper/network-supervisor.ts): serve nothing, compact nothing, and
   * hand alerts, health and metrics to the supervisor over this channel, which serves and routes them for all.
   */
  channel?: NetworkChannel;
  /** The wait between start-up reads of a node that does not answer. Default: START_CHAIN_BACKOFF. */
  startChainBackoff?: { baseDelayMs: number; maxDelayMs: number };
}

export interface Hedgekeeper {
  role: KeeperRole;
  network: string;
  bookIds: string[];
  keeper: Keeper;
  history: HistoryStore;
  /** None under a supervisor (it serves /metrics for every network). */
  metricsUrl: string | undefined;
  /** The stewards' API and dashboard; none on a worker (it has nothing of its own to show). */
  apiUrl: string | undefined;
  /** Stop taking jobs, let the one in flight finish, close every server and the history. */
  stop(): Promise<void>;
}

export async function startHedgekeeper(
  configured: HedgekeeperConfig,
  options: StartHedgekeeperOptions,
): Promise<Hedgekeeper> {
  const { role } = options;
  const clock = options.clock ?? wallClock;
  const { config, scope, logger, client, history } = await openFoundations(configured, options);
  // What is open so far, closed last-opened first on a stop or a failed start.
  const closers: (() => Promise<void>)[] = [() => history.close()];
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => {});
  };
  try {
    if (options.configText !== undefined) await history.putConfigVersion(options.configText, clock.nowMs());
    const snapshots = createSharedBookSnapshots(client);
    const books = scope.bookIds.map((bookId) => keeperBookOf(config, bookId, snapshots));
    // Every series names its network: a supervisor's /metrics carries several, and one network's reads the same.
    const metrics = createMetrics({ defaultLabels: { network: scope.network } });
    const { channel } = options;
    let route: (active: Alert[]) => Promise<unknown>;
    if (channel) {
      route = async (active) => channel.send({ type: "alerts", active });
      channel.answerScrapes(() => metrics.registry.getMetricsAsJSON());
    } else {
      const router = createRecordedAlertRouter({ config, history, logger, clock });
      route = (active) => router.update(active);
    }
    const alerts = createAlerting({ config, logger, clock, books, route });
    const controller = new AbortController();
    const keeper = createKeeper({
      common: {
        config: keeperConfigOf(config, scope),
        logger,
        clock,
        shutdown: { signal: controller.signal },
      },
      redis: config.redis,
      client,
      signerPrivateKey: scope.signerPrivateKey,
      books,
      role,
      history,
      ...observers({ metrics, alerts, clock, options }),
    });
    const stopKeeper = async () => {
      controller.abort();
      await keeper.stop();
    };
    closers.push(stopKeeper);
    const health = createHealthReport({ keeper, metrics, alerts, config, role, bookIds: scope.bookIds });
    // Under a supervisor, it serves /metrics, the API and the dashboard, and compacts the shared history.
    const metricsServer = channel
      ? undefined
      : await startMetricsServer({
          metrics,
          host: config.metrics.host,
          port: config.metrics.port,
          health: health.report,
        });
    if (metricsServer) closers.push(() => metricsServer.close());
    if (!channel) closers.push(startCompaction({ config, history, logger, clock }));
    // The stewards' API and dashboard where books are evaluated (a worker has nothing of its own to show).
    const api =
      role === "worker" || channel
        ? undefined
        : await startApi({ config, history, logger, clock, keeperHealth: health.latest });
    if (api) closers.push(() => api.close());

    await keeper.start();
    channel?.send({ type: "ready", network: scope.network, bookIds: scope.bookIds });
    // Health and alerts from here on: the keeper has beaten once, so its heartbeat alert means it stopped working.
    const refresh = setInterval(
      () =>
        void health
          .refresh()
          .then(async () => {
            channel?.send({ type: "health", report: health.report(), keeper: await health.latest() });
            await alerts.update();
          })
          .catch((error: Error) => logger.warn({ err: error.message }, "health or alert refresh failed")),
      HEALTH_REFRESH_MS,
    );
    closers.push(async () => clearInterval(refresh));
    logger.info(
      {
        role,
        network: scope.network,
        books: scope.bookIds,
        metrics_url: metricsServer?.url,
        api_url: api?.url,
        history: history.backend,
      },
      "hedgekeeper running",
    );
    let stopping: Promise<void> | undefined;
    return {
      role,
      network: scope.network,
      bookIds: scope.bookIds,
      keeper,
      history,
      metricsUrl: metricsServer?.url,
      apiUrl: api?.url,
      stop() {
        stopping ??= (async () => {
          logger.info("stopping: no new jobs, finishing the one in flight");
          clearInterval(refresh);
          // The keeper first (its jobs may still write the history), then the servers, the history last.
          await stopKeeper();
          await closeAll();
        })();
        return stopping;
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/**
 * What everything else stands on, checked before anything starts: the books this process keeps and their signer,
 * a Redis that answers, the logger, the chain client, the configuration completed from the chain, the history
 * store (opened and migrated).
 */
async function openFoundations(config: HedgekeeperConfig, options: StartHedgekeeperOptions) {
  const source = options.source ?? "config";
  const scope = keeperScopeOf(config, options.network, source);
  if (!(await pingRedisTopology(config.redis, 2_000))) {
    throw new ConfigError(source, [
      {
        path: redisTopologyKey(config.redis),
        message: `nothing answers at ${describeRedisTopology(config.redis)}`,
      },
    ]);
  }
  const logger = options.logger ?? createLogger({ config, level: options.logLevel });
  const client = createChainClient(chainClientOptionsFromConfig(config, scope.network));
  // The perp legs' market pools, from the chain's MarketRegistry (or checked against it): before anything opens. A
  // node down at start is waited for, as it is once started; a pool the chain contradicts fails at once.
  const resolved = await resolvePerpMarketPoolsWhenReachable(config, () => client, {
    source,
    bookIds: scope.bookIds,
    retry: {
      ...(options.startChainBackoff ?? START_CHAIN_BACKOFF),
      onFailure: ({ attempt, delayMs, error }) =>
        logger.warn(
          { network: scope.network, attempt, retry_in_ms: delayMs, err: error.message },
          "perp market pools not read at start: the node did not answer; retrying",
        ),
    },
  });
  const history = await openHistoryStore({
    databaseUrl: config.history.databaseUrl,
    dataDir: config.history.dataDir,
    onIdleError: (error) => logger.warn({ err: error.message }, "history database connection lost"),
  });
  return { config: resolved, scope, logger, client, history };
}

/** A configured book as the keeper runs it: the engine's policy, the treasury's targets, the book's indexer. */
function keeperBookOf(
  config: HedgekeeperConfig,
  bookId: string,
  snapshots: SharedBookSnapshots,
): Omit<KeeperBook, "mode"> {
  return {
    bookId,
    params: bookParamsFromConfig(config, bookId),
    targets: executionTargetsOf(treasuryScopeFromConfig(config, config.books[bookId]!.treasury)),
    // Books reading the same chain state (one treasury's books) share one snapshot per block, and one job.
    reader: snapshots.readerFor(bookReadKey(config, bookId), bookSourcesFromConfig(config, bookId)),
    readKey: bookReadKey(config, bookId),
  };
}

/** What the process makes of the keeper's events, jobs and evaluations: metrics, alerts, then the caller's listeners. */
function observers(input: {
  metrics: HedgekeeperMetrics;
  alerts: Alerting;
  clock: Clock;
  options: StartHedgekeeperOptions;
}): Pick<CreateKeeperOptions, "onEvent" | "onJob" | "hooks"> {
  const { metrics, alerts, clock, options } = input;
  return {
    onEvent: (event) => {
      const tx = transactionEventOf(event);
      if (tx !== undefined) recordTransaction(metrics, tx);
      alerts.onKeeperEvent(event);
      options.onEvent?.(event);
    },
    onJob: (job) => recordJob(metrics, { ...job, finishedAtSec: nowSec(clock) }),
    hooks: {
      ...testInstrumentationHooks(process.env),
      onEvaluation: async (evaluation) => {
        recordBookMetrics(metrics, evaluation.metrics, {
          nowSec: evaluation.nowSec,
          effectiveness: evaluation.effectiveness,
        });
        alerts.onEvaluation(evaluation);
        await options.onEvaluation?.(evaluation);
      },
    },
  };
}

type HealthReport = { ok: boolean; role: KeeperRole; books: string[] };

/**
 * One health read per refresh serves /metrics, /healthz, the alerts and the API: a scrape never costs the keeper a
 * round of Redis and RPC reads.
 */
function createHealthReport(input: {
  keeper: Keeper;
  metrics: HedgekeeperMetrics;
  alerts: Alerting;
  config: HedgekeeperConfig;
  role: KeeperRole;
  bookIds: string[];
}) {
  const { keeper, metrics, alerts, role } = input;
  const heartbeatMaxAgeMs = input.config.alerts.keeperHeartbeatMaxAgeSec * 1000;
  let latest: MetricsKeeperHealth | null = null;
  let report: HealthReport = { ok: false, role, books: input.bookIds };
  return {
    /** For /healthz: healthy while some process of the keeper beats and the signer holds enough. */
    report: (): HealthReport => report,
    /** The latest health read, else a fresh one. */
    latest: async (): Promise<MetricsKeeperHealth> => latest ?? toMetricsHealth(await keeper.health()),
    async refresh(): Promise<void> {
      const h = await keeper.health();
      latest = toMetricsHealth(h);
      alerts.onKeeperHealth(latest);
      recordKeeperHealth(metrics, latest);
      recordBookDrift(metrics, h);
      const heartbeatOk = Object.values(h.heartbeatAgeMs).some((age) => age < heartbeatMaxAgeMs);
      report = { ok: heartbeatOk && !h.signer.belowFloor, role, books: h.books.map((b) => b.bookId) };
    },
  };
}

/** The history's retention, now and every COMPACT_EVERY_MS; returns its stop. */
export function startCompaction(input: {
  config: HedgekeeperConfig;
  history: HistoryStore;
  logger: Logger;
  clock: Clock;
}): () => Promise<void> {
  const { config, history, logger, clock } = input;
  const compact = () =>
    void history
      .compact(retentionPolicyFromConfig(config), nowSec(clock))
      .then((removed) => logger.info({ removed }, "history compacted"))
      .catch((error: Error) => logger.warn({ err: error.message }, "compaction failed"));
  const timer = setInterval(compact, COMPACT_EVERY_MS);
  compact();
  return async () => clearInterval(timer);
}

/** The read-only API over the history, and the dashboard when it is built. */
export async function startApi(input: {
  config: HedgekeeperConfig;
  history: HistoryStore;
  logger: Logger;
  clock: Clock;
  keeperHealth: () => Promise<MetricsKeeperHealth>;
}): Promise<ApiServer> {
  const { config, logger, clock } = input;
  const dashboardBuilt = existsSync(DASHBOARD_DIST_DIR);
  if (!dashboardBuilt)
    logger.warn("dashboard not built (npm run build:dashboard): the API answers, / does not");
  return startApiServer({
    store: input.history,
    keeperHealth: input.keeperHealth,
    effectivenessFloor: config.alerts.effectiveness.floorRatio,
    host: config.api.host,
    port: config.api.port,
    ...(config.api.token ? { token: config.api.token } : {}),
    ...(dashboardBuilt ? { dashboardDir: DASHBOARD_DIST_DIR } : {}),
    logger,
    nowSec: () => nowSec(clock),
  });
}

// ── Alerts ──────────────────────────────────────────────────────────────────────────────────────────────────────
// Alert conditions and sinks are wired here, and only here. The conditions (drift beyond band, de-peg tiers, stale
// oracle, keeper heartbeat, signer balance, failed and replaced transactions, tampered plans) are evaluated from what
// the keeper already computes, on the health refresh, outside the jobs: a slow sink never delays a decision, and a
// keeper whose evaluations stopped still raises its heartbeat alert. The hedge's quality (effectiveness against the
// target, correlation, basis, liquidation headroom, σ on fallback) is judged from each evaluation's readings. Every
// message is recorded in the history.

type Alerting = ReturnType<typeof createAlerting>;

/** The configured sinks behind one router, every message it sends recorded in the history. */
export function createRecordedAlertRouter(input: {
  config: HedgekeeperConfig;
  history: HistoryStore;
  logger: Logger;
  clock: Clock;
}): AlertRouter {
  const { config, history, logger, clock } = input;
  return createAlertRouter({
    sinks: config.alerts.sinks.map((sink) => createAlertSink(sink, { nowSec: () => nowSec(clock) })),
    dedupWindowSec: config.alerts.dedupWindowSec,
    nowSec: () => nowSec(clock),
    onMessage: async (message) => {
      await history
        .putAlert({
          key: message.key,
          severity: message.severity,
          status: message.status,
          title: message.title,
          text: message.text,
          bookId: message.bookId ?? null,
          atSec: message.atSec,
        })
        .catch((error: Error) =>
          logger.warn({ err: error.message, alert: message.key }, "alert not recorded"),
        );
    },
    onOutcome: (outcome) => {
      if (outcome.result === "failed")
        logger.warn({ sink: outcome.sink, alert: outcome.key, err: outcome.error }, "alert not delivered");
    },
  });
}

/**
 * The conditions of this process's books and keeper, handed to `route` (a router, or a supervisor's) on each
 * update: `route` is told every condition that holds now.
 */
export function createAlerting(input: {
  config: HedgekeeperConfig;
  logger: Logger;
  clock: Clock;
  books: readonly Omit<KeeperBook, "mode">[];
  route: (active: Alert[]) => Promise<unknown>;
}) {
  const { config, logger, clock, route } = input;
  const armBps = new Map(input.books.map((b) => [b.bookId, b.params.armBps]));
  const paramsOf = new Map(input.books.map((b) => [b.bookId, b.params]));
  const latest = new Map<string, BookMetrics>();
  /** Each book's latest hedge readings, and since when its σ has been the fallback (on the evaluations' clock). */
  const hedgeReadings = new Map<string, HedgeReadings>();
  const sigmaFallback = createHeldSince();
  const hedgeThresholds = {
    effectiveness: config.alerts.effectiveness,
    correlation: config.alerts.correlation,
    basis: config.alerts.basis,
    sigmaFallback: config.alerts.sigmaFallback,
  };
  let keeperHealth: MetricsKeeperHealth | null = null;
  const transactions = createTransactionTally();
  /** Plans refused as tampered since the last update: each pages once. */
  const tamperedPlans: TamperedPlan[] = [];
  /** Aave liquidations of a book's Safe since the last update: each pages once. */
  const aaveLiquidations: AaveLiquidationAlert[] = [];
  /** Plans superseded per book, within `alerts.supersededPlans.windowSec`. */
  const supersededPlans = createSupersededPlansWindow(config.alerts.supersededPlans.windowSec);
  // One update at a time (the refresh loop and a keeper event may both ask), in order.
  let updating: Promise<unknown> = Promise.resolve();
  const update = (): Promise<unknown> => {
    updating = updating
      .catch(() => {})
      .then(() =>
        route([
          ...alertConditions({
            nowSec: nowSec(clock),
            books: [...latest.values()].map((m) => ({ metrics: m, armBps: armBps.get(m.bookId) ?? 0 })),
            keeper: keeperHealth,
            transactions: transactions.take(),
            tamperedPlans: tamperedPlans.splice(0),
            aaveLiquidations: aaveLiquidations.splice(0),
            supersededPlans: supersededPlans.atLeast(config.alerts.supersededPlans.count, nowSec(clock)),
            thresholds: {
              keeperHeartbeatMaxAgeSec: config.alerts.keeperHeartbeatMaxAgeSec,
              signerBalanceMinEth: config.alerts.signerBalanceMinEth,
            },
          }),
          ...hedgeConditions([...hedgeReadings.values()], hedgeThresholds),
        ]),
      );
    return updating;
  };
  return {
    update,
    onEvaluation(evaluation: Parameters<NonNullable<KeeperHooks["onEvaluation"]>>[0]): void {
      const { bookId, metrics } = evaluation;
      latest.set(bookId, metrics);
      hedgeReadings.set(
        bookId,
        hedgeReadingsOf({
          snapshot: evaluation.snapshot,
          metrics,
          sample: evaluation.sample,
          detail: evaluation.detail,
          params: paramsOf.get(bookId)!,
          sigmaFallbackForSec: sigmaFallback.observe(
            bookId,
            metrics.sigma.source === "fallback",
            evaluation.nowSec,
          ),
        }),
      );
    },
    onKeeperHealth(health: MetricsKeeperHealth): void {
      keeperHealth = health;
    },
    onKeeperEvent(event: KeeperEvent): void {
      const tx = transactionEventOf(event);
      if (tx !== undefined) transactions.record(tx);
      const tampered = tamperedPlanOf(event);
      const liquidation = aaveLiquidationOf(event);
      if (tampered !== undefined) tamperedPlans.push(tampered);
      if (liquidation !== undefined) aaveLiquidations.push(liquidation);
      if (event.kind === "plan.superseded") supersededPlans.record(event.bookId, event.reason, nowSec(clock));
      if (tampered !== undefined || liquidation !== undefined) {
        // Paged now, not at the next health refresh (which waits on the chain, and may be failing with it).
        void update().catch((error: Error) => logger.warn({ err: error.message }, "alert update failed"));
      }
    },
  };
}
