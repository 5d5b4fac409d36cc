// The one composition root: from the validated configuration to a running process. For one network's books
// (keeper/config.ts) it wires the chain client, the history store, the keeper (its queues and the workers of its
// role), Prometheus /metrics and /healthz, the alerts, the history's compaction, and (where books are evaluated)
// the stewards' API and dashboard. `hedgekeeper run`, `node keeper/main.ts` and the demo all start here: what
// differs between them is the configuration, and a logger, a clock and listeners on what the keeper does.
import { existsSync } from "node:fs";
import type { Logger } from "pino";
import { alertConditions, type TamperedPlan } from "../src/alerts/alert-conditions.ts";
import { createAlertRouter } from "../src/alerts/alert-router.ts";
import { createAlertSink } from "../src/alerts/sinks.ts";
import { type ApiServer, startApiServer } from "../src/api/api-server.ts";
import { DASHBOARD_DIST_DIR } from "../src/api/dashboard-dir.ts";
import { createChainClient } from "../src/chain/client.ts";
import {
  bookParamsFromConfig,
  bookSourcesFromConfig,
  chainClientOptionsFromConfig,
  retentionPolicyFromConfig,
  treasuryScopeFromConfig,
} from "../src/config/adapters.ts";
import { ConfigError } from "../src/config/config-error.ts";
import { createLogger } from "../src/config/logger.ts";
import type { HedgekeeperConfig } from "../src/config/schema.ts";
import type { BookMetrics } from "../src/engine/book-metrics.ts";
import { executionTargetsOf } from "../src/execution/execution-targets.ts";
import { createBookIndexer } from "../src/indexers/book-indexer.ts";
import {
  createMetrics,
  type KeeperHealth as MetricsKeeperHealth,
  recordBookMetrics,
  recordJob,
  recordKeeperHealth,
  recordTransaction,
} from "../src/metrics/metrics.ts";
import { type MetricsServer, startMetricsServer } from "../src/metrics/metrics-server.ts";
import { type Clock, nowSec, wallClock } from "../src/runtime/clock.ts";
import { pingRedis, redactRedisUrl } from "../src/runtime/redis-server.ts";
import type { HistoryStore } from "../src/store/history-store.ts";
import { openHistoryStore } from "../src/store/open-history-store.ts";
import { keeperConfigOf, keeperScopeOf } from "./config.ts";
import type { KeeperBook, KeeperHooks } from "./context.ts";
import { tamperedPlanOf } from "./event-alerts.ts";
import type { KeeperEvent } from "./events.ts";
import { createKeeper, type Keeper, type KeeperRole } from "./keeper.ts";
import { recordBookDrift, toMetricsHealth, transactionEventOf } from "./metrics-health.ts";
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
}

export interface Hedgekeeper {
  role: KeeperRole;
  network: string;
  bookIds: string[];
  keeper: Keeper;
  history: HistoryStore;
  metricsUrl: string;
  /** The stewards' API and dashboard; none on a worker (it has nothing of its own to show). */
  apiUrl: string | undefined;
  /** Stop taking jobs, let the one in flight finish, close every server and the history. */
  stop(): Promise<void>;
}

export async function startHedgekeeper(
  config: HedgekeeperConfig,
  options: StartHedgekeeperOptions,
): Promise<Hedgekeeper> {
  const { role } = options;
  const source = options.source ?? "config";
  const clock = options.clock ?? wallClock;
  const scope = keeperScopeOf(config, options.network, source);
  if (!(await pingRedis(config.redis.url, 2_000))) {
    throw new ConfigError(source, [
      { path: "redis.url", message: `nothing answers at ${redactRedisUrl(config.redis.url)}` },
    ]);
  }
  const logger = options.logger ?? createLogger({ config, level: options.logLevel });
  const client = createChainClient(chainClientOptionsFromConfig(config, scope.network));
  const history = await openHistoryStore({
    databaseUrl: config.history.databaseUrl,
    dataDir: config.history.dataDir,
    onIdleError: (error) => logger.warn({ err: error.message }, "history database connection lost"),
  });
  const closers: (() => Promise<void>)[] = [() => history.close()];
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => {});
  };
  try {
    if (options.configText !== undefined) await history.putConfigVersion(options.configText, clock.nowMs());
    const books: Omit<KeeperBook, "mode">[] = scope.bookIds.map((bookId) => ({
      bookId,
      params: bookParamsFromConfig(config, bookId),
      targets: executionTargetsOf(treasuryScopeFromConfig(config, config.books[bookId]!.treasury)),
      reader: createBookIndexer(client, bookSourcesFromConfig(config, bookId)),
    }));

    const metrics = createMetrics();
    const alerts = createAlerting({ config, history, logger, clock, books });
    const controller = new AbortController();
    const keeper = createKeeper({
      common: {
        config: keeperConfigOf(config, scope),
        logger,
        clock,
        shutdown: { signal: controller.signal },
      },
      redisUrl: config.redis.url,
      client,
      signerPrivateKey: scope.signerPrivateKey,
      books,
      role,
      history,
      onEvent: (event) => {
        const tx = transactionEventOf(event);
        if (tx !== undefined) recordTransaction(metrics, tx);
        alerts.onKeeperEvent(event);
        options.onEvent?.(event);
      },
      onJob: (job) => recordJob(metrics, { ...job, finishedAtSec: nowSec(clock) }),
      hooks: {
        onEvaluation: async (evaluation) => {
          recordBookMetrics(metrics, evaluation.metrics, {
            nowSec: evaluation.nowSec,
            effectiveness: evaluation.effectiveness,
          });
          alerts.onEvaluation(evaluation.metrics);
          await options.onEvaluation?.(evaluation);
        },
      },
    });
    closers.push(async () => {
      controller.abort();
      await keeper.stop();
    });

    let health: MetricsKeeperHealth | null = null;
    let report: { ok: boolean; role: KeeperRole; books: string[] } = {
      ok: false,
      role,
      books: scope.bookIds,
    };
    const heartbeatMaxAgeMs = config.alerts.keeperHeartbeatMaxAgeSec * 1000;
    const refreshHealth = async () => {
      const h = await keeper.health();
      health = toMetricsHealth(h);
      alerts.onKeeperHealth(health);
      recordKeeperHealth(metrics, health);
      recordBookDrift(metrics, h);
      const heartbeatOk = Object.values(h.heartbeatAgeMs).some((age) => age < heartbeatMaxAgeMs);
      report = { ok: heartbeatOk && !h.signer.belowFloor, role, books: h.books.map((b) => b.bookId) };
    };
    const metricsServer: MetricsServer = await startMetricsServer({
      metrics,
      host: config.metrics.host,
      port: config.metrics.port,
      health: () => report,
    });
    closers.push(() => metricsServer.close());

    const compact = async () => {
      const removed = await history.compact(retentionPolicyFromConfig(config), nowSec(clock));
      logger.info({ removed }, "history compacted");
    };
    const compactLogged = () =>
      void compact().catch((error: Error) => logger.warn({ err: error.message }, "compaction failed"));
    const compaction = setInterval(compactLogged, COMPACT_EVERY_MS);
    closers.push(async () => clearInterval(compaction));
    compactLogged();

    const dashboardBuilt = existsSync(DASHBOARD_DIST_DIR);
    let api: ApiServer | undefined;
    if (role !== "worker") {
      api = await startApiServer({
        store: history,
        keeperHealth: async () => health ?? toMetricsHealth(await keeper.health()),
        host: config.api.host,
        port: config.api.port,
        ...(config.api.token ? { token: config.api.token } : {}),
        ...(dashboardBuilt ? { dashboardDir: DASHBOARD_DIST_DIR } : {}),
        logger,
        nowSec: () => nowSec(clock),
      });
      closers.push(() => api!.close());
      if (!dashboardBuilt)
        logger.warn("dashboard not built (npm run build:dashboard): the API answers, / does not");
    }

    await keeper.start();
    // Health and alerts from here on: the keeper has beaten once, so its heartbeat alert means it stopped working.
    const refresh = setInterval(
      () =>
        void refreshHealth()
          .then(() => alerts.update())
          .catch((error: Error) => logger.warn({ err: error.message }, "health or alert refresh failed")),
      HEALTH_REFRESH_MS,
    );
    closers.push(async () => clearInterval(refresh));
    logger.info(
      {
        role,
        network: scope.network,
        books: scope.bookIds,
        metrics_url: metricsServer.url,
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
      metricsUrl: metricsServer.url,
      apiUrl: api?.url,
      stop() {
        stopping ??= (async () => {
          logger.info("stopping: no new jobs, finishing the one in flight");
          clearInterval(refresh);
          // The keeper first (its jobs may still write the history), then the servers, the history last.
          controller.abort();
          await keeper.stop();
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

// ── Alerts ──────────────────────────────────────────────────────────────────────────────────────────────────────
// Alert conditions and sinks are wired here, and only here. The conditions (drift beyond band, de-peg tiers, stale
// oracle, keeper heartbeat, signer balance, failed and replaced transactions, tampered plans) are evaluated from what
// the keeper already computes, on the health refresh, outside the jobs: a slow sink never delays a decision, and a
// keeper whose evaluations stopped still raises its heartbeat alert. Every message is recorded in the history.

function createAlerting(input: {
  config: HedgekeeperConfig;
  history: HistoryStore;
  logger: Logger;
  clock: Clock;
  books: readonly Omit<KeeperBook, "mode">[];
}) {
  const { config, history, logger, clock } = input;
  const router = createAlertRouter({
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
  const armBps = new Map(input.books.map((b) => [b.bookId, b.params.armBps]));
  const latest = new Map<string, BookMetrics>();
  let keeperHealth: MetricsKeeperHealth | null = null;
  const transactions = createTransactionTally();
  /** Plans refused as tampered since the last update: each pages once. */
  const tamperedPlans: TamperedPlan[] = [];
  // One update at a time (the refresh loop and a keeper event may both ask), in order.
  let updating: Promise<unknown> = Promise.resolve();
  const update = (): Promise<unknown> => {
    updating = updating
      .catch(() => {})
      .then(() =>
        router.update(
          alertConditions({
            nowSec: nowSec(clock),
            books: [...latest.values()].map((m) => ({ metrics: m, armBps: armBps.get(m.bookId) ?? 0 })),
            keeper: keeperHealth,
            transactions: transactions.take(),
            tamperedPlans: tamperedPlans.splice(0),
            thresholds: {
              keeperHeartbeatMaxAgeSec: config.alerts.keeperHeartbeatMaxAgeSec,
              signerBalanceMinEth: config.alerts.signerBalanceMinEth,
            },
          }),
        ),
      );
    return updating;
  };
  return {
    update,
    onEvaluation(metrics: BookMetrics): void {
      latest.set(metrics.bookId, metrics);
    },
    onKeeperHealth(health: MetricsKeeperHealth): void {
      keeperHealth = health;
    },
    onKeeperEvent(event: KeeperEvent): void {
      const tx = transactionEventOf(event);
      if (tx !== undefined) transactions.record(tx);
      const tampered = tamperedPlanOf(event);
      if (tampered !== undefined) {
        // Paged now, not at the next health refresh (which waits on the chain, and may be failing with it).
        tamperedPlans.push(tampered);
        void update().catch((error: Error) => logger.warn({ err: error.message }, "alert update failed"));
      }
    },
  };
}
