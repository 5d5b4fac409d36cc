// `hedgekeeper run`: the monitor and the keeper from the validated configuration, in one process (`--role all`)
// or split (`--role monitor` scans and evaluates; `--role worker` submits and confirms; several workers may
// share one Redis). Serves Prometheus /metrics and /healthz. SIGTERM/SIGINT stop taking jobs and close cleanly.
import { existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { privateKeyToAccount } from "viem/accounts";
import { parseKeeperConfig } from "../../keeper/config.ts";
import { tamperedPlanOf } from "../../keeper/event-alerts.ts";
import { createKeeper, type KeeperRole } from "../../keeper/keeper.ts";
import { recordBookDrift, toMetricsHealth, transactionEventOf } from "../../keeper/metrics-health.ts";
import { createTransactionTally } from "../../keeper/transaction-tally.ts";
import { alertConditions, type TamperedPlan } from "../../src/alerts/alert-conditions.ts";
import { createAlertRouter } from "../../src/alerts/alert-router.ts";
import { type HedgeReadings, hedgeConditions, hedgeReadingsOf } from "../../src/alerts/hedge-conditions.ts";
import { createHeldSince } from "../../src/alerts/held-since.ts";
import { createAlertSink } from "../../src/alerts/sinks.ts";
import { startApiServer } from "../../src/api/api-server.ts";
import { DASHBOARD_DIST_DIR } from "../../src/api/dashboard-dir.ts";
import { createChainClient } from "../../src/chain/client.ts";
import {
  bookParamsFromConfig,
  bookSourcesFromConfig,
  chainClientOptionsFromConfig,
  retentionPolicyFromConfig,
  treasuryScopeFromConfig,
} from "../../src/config/adapters.ts";
import { ConfigError } from "../../src/config/config-error.ts";
import { loadConfig } from "../../src/config/load-config.ts";
import { createLogger } from "../../src/config/logger.ts";
import type { BookMetrics } from "../../src/engine/book-metrics.ts";
import { executionTargetsOf } from "../../src/execution/execution-targets.ts";
import { createBookIndexer } from "../../src/indexers/book-indexer.ts";
import {
  createMetrics,
  recordBookMetrics,
  recordJob,
  recordKeeperHealth,
  recordTransaction,
} from "../../src/metrics/metrics.ts";
import { startMetricsServer } from "../../src/metrics/metrics-server.ts";
import { pingRedis, redactRedisUrl } from "../../src/runtime/redis-server.ts";
import { openHistoryStore } from "../../src/store/open-history-store.ts";

const DASHBOARD_DIR = DASHBOARD_DIST_DIR;
const COMPACT_EVERY_MS = 10 * 60_000;

export const RUN_HELP = `hedgekeeper run [--config <file>] [--role all|monitor|worker] [--network <name>]

Runs the monitor and the keeper for every book of one network (--network when the file has several):
scan → evaluate → submit → confirm through BullMQ on the configured Redis. --role all (default) runs everything
in this process; monitor and worker split it so workers can scale out on the same Redis. Serves /metrics and
/healthz on metrics.host:metrics.port, and (all and monitor) the JSON API and the stewards' dashboard on
api.host:api.port over the history store (history.databaseUrl, else embedded PGlite). The keeper's key comes from the treasury's \`keeper.privateKey\`
\${ENV_VAR} reference. Stops cleanly on SIGTERM or SIGINT.
`;

const ROLES: readonly KeeperRole[] = ["all", "monitor", "worker"];

export async function runCommand(args: string[], defaultConfig: string): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: "string", short: "c", default: defaultConfig },
      role: { type: "string", default: "all" },
      network: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(RUN_HELP);
    return 0;
  }
  const issue = (path: string, message: string) => new ConfigError(values.config, [{ path, message }]);
  const role = values.role as KeeperRole;
  if (!ROLES.includes(role)) throw new Error(`--role must be one of ${ROLES.join(", ")}`);
  const config = loadConfig(values.config);

  // One process keeps one network's books with one signer.
  const networks = [
    ...new Set(Object.values(config.books).map((b) => config.treasuries[b.treasury]!.network)),
  ];
  const network = values.network ?? (networks.length === 1 ? networks[0] : undefined);
  if (network === undefined)
    throw issue("books", `books span networks ${networks.join(", ")}: pick one with --network`);
  const bookIds = Object.entries(config.books)
    .filter(([, b]) => config.treasuries[b.treasury]!.network === network)
    .map(([id]) => id);
  if (bookIds.length === 0) throw issue("books", `no book is on network "${network}"`);
  const treasuryIds = [...new Set(bookIds.map((id) => config.books[id]!.treasury))];
  const keepers = [...new Set(treasuryIds.map((t) => config.treasuries[t]!.keeper.privateKey))];
  if (keepers.length !== 1) throw issue("treasuries", "books of one process must share one keeper key");
  const firstTreasury = config.treasuries[treasuryIds[0]!]!;
  const signer = privateKeyToAccount(firstTreasury.keeper.privateKey as `0x${string}`);
  if (signer.address.toLowerCase() !== firstTreasury.keeper.address.toLowerCase()) {
    throw issue(
      `treasuries.${treasuryIds[0]}.keeper.privateKey`,
      "signs as another address than keeper.address",
    );
  }
  if (!(await pingRedis(config.redis.url, 2_000))) {
    throw issue("redis.url", `nothing answers at ${redactRedisUrl(config.redis.url)}`);
  }

  const net = config.networks[network]!;
  const logger = createLogger({ config, level: process.env.LOG_LEVEL });
  const client = createChainClient(chainClientOptionsFromConfig(config, network));
  const history = await openHistoryStore({
    databaseUrl: config.history.databaseUrl,
    dataDir: config.history.dataDir,
    onIdleError: (error) => logger.warn({ err: error.message }, "history database connection lost"),
  });
  // The file as written: secrets are ${ENV} references in it, so the recorded version holds none.
  await history.putConfigVersion(readFileSync(values.config, "utf8"), Date.now());
  const keeperConfig = parseKeeperConfig({
    chainId: net.chainId,
    rpcUrls: net.rpcUrls,
    ...(net.privateRelayUrl ? { relayUrl: net.privateRelayUrl } : {}),
    redisPrefix: config.redis.keyPrefix,
    books: bookIds.map((bookId) => ({ bookId, mode: config.books[bookId]!.mode })),
    scanEveryMs: net.pollIntervalMs,
    evaluateConfirmations: net.confirmations,
    fees: net.fees,
    lanes: config.lanes,
  });
  const books = bookIds.map((bookId) => {
    return {
      bookId,
      params: bookParamsFromConfig(config, bookId),
      targets: executionTargetsOf(treasuryScopeFromConfig(config, config.books[bookId]!.treasury)),
      reader: createBookIndexer(client, bookSourcesFromConfig(config, bookId)),
    };
  });

  // Metrics and alerts from what the keeper already computes: every evaluation updates the book's series; the
  // health loop below re-evaluates the alert conditions (drift beyond band, de-peg tiers, stale oracle, keeper
  // heartbeat, signer balance, and the hedge's quality: effectiveness, correlation, basis, liquidation headroom,
  // σ on fallback) on the wall clock, outside the jobs: a slow sink never delays a decision, and a keeper whose
  // evaluations stopped still raises its heartbeat alert.
  const metrics = createMetrics();
  const router = createAlertRouter({
    sinks: config.alerts.sinks.map((sink) => createAlertSink(sink)),
    dedupWindowSec: config.alerts.dedupWindowSec,
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
  const latest = new Map<string, BookMetrics>();
  const armBps = new Map(books.map((b) => [b.bookId, b.params.armBps]));
  const paramsOf = new Map(books.map((b) => [b.bookId, b.params]));
  /** Each book's latest hedge readings, and since when its σ has been the fallback (on the evaluations' clock). */
  const hedgeReadings = new Map<string, HedgeReadings>();
  const sigmaFallback = createHeldSince();
  const hedgeThresholds = {
    effectiveness: config.alerts.effectiveness,
    correlation: config.alerts.correlation,
    basis: config.alerts.basis,
    sigmaFallback: config.alerts.sigmaFallback,
  };
  let keeperHealthForAlerts: ReturnType<typeof toMetricsHealth> | null = null;
  const transactions = createTransactionTally();
  /** Plans refused as tampered since the last update: each pages once. */
  const tamperedPlans: TamperedPlan[] = [];
  // One update at a time (the refresh loop and a keeper event may both ask), in order.
  let alerting: Promise<unknown> = Promise.resolve();
  const updateAlerts = (nowSec: number): Promise<unknown> => {
    alerting = alerting
      .catch(() => {})
      .then(() =>
        router.update([
          ...alertConditions({
            nowSec,
            books: [...latest.values()].map((m) => ({ metrics: m, armBps: armBps.get(m.bookId) ?? 0 })),
            keeper: keeperHealthForAlerts,
            transactions: transactions.take(),
            tamperedPlans: tamperedPlans.splice(0),
            thresholds: {
              keeperHeartbeatMaxAgeSec: config.alerts.keeperHeartbeatMaxAgeSec,
              signerBalanceMinEth: config.alerts.signerBalanceMinEth,
            },
          }),
          ...hedgeConditions([...hedgeReadings.values()], hedgeThresholds),
        ]),
      );
    return alerting;
  };

  const controller = new AbortController();
  const keeper = createKeeper({
    common: {
      config: keeperConfig,
      logger,
      clock: { nowMs: () => Date.now() },
      shutdown: { signal: controller.signal },
    },
    redisUrl: config.redis.url,
    client,
    signerPrivateKey: firstTreasury.keeper.privateKey as `0x${string}`,
    books,
    role,
    history,
    onEvent: (event) => {
      const tx = transactionEventOf(event);
      if (tx !== undefined) {
        recordTransaction(metrics, tx);
        transactions.record(tx);
      }
      const tampered = tamperedPlanOf(event);
      if (tampered !== undefined) {
        // Paged now, not at the next health refresh (which waits on the chain, and may be failing with it).
        tamperedPlans.push(tampered);
        void updateAlerts(Math.floor(Date.now() / 1000)).catch((error: Error) =>
          logger.warn({ err: error.message }, "alert update failed"),
        );
      }
    },
    onJob: (job) => recordJob(metrics, { ...job, finishedAtSec: Math.floor(Date.now() / 1000) }),
    hooks: {
      onEvaluation: async ({
        bookId,
        nowSec,
        metrics: bookMetrics,
        effectiveness,
        snapshot,
        sample,
        detail,
      }) => {
        recordBookMetrics(metrics, bookMetrics, { nowSec, effectiveness });
        latest.set(bookId, bookMetrics);
        const onFallback = bookMetrics.sigma.source === "fallback";
        hedgeReadings.set(
          bookId,
          hedgeReadingsOf({
            snapshot,
            metrics: bookMetrics,
            sample,
            detail,
            params: paramsOf.get(bookId)!,
            sigmaFallbackForSec: sigmaFallback.observe(bookId, onFallback, nowSec),
          }),
        );
      },
    },
  });

  // One health read per refresh (every 2 s) serves /metrics, /healthz, the alerts and the API: a scrape never
  // costs the keeper a round of Redis and RPC reads.
  let report: { ok: boolean; role: KeeperRole; books: string[] } = { ok: false, role, books: bookIds };
  const heartbeatMaxAgeMs = config.alerts.keeperHeartbeatMaxAgeSec * 1000;
  const refreshHealth = async () => {
    const h = await keeper.health();
    keeperHealthForAlerts = toMetricsHealth(h);
    recordKeeperHealth(metrics, keeperHealthForAlerts);
    recordBookDrift(metrics, h);
    const heartbeatOk = Object.values(h.heartbeatAgeMs).some((age) => age < heartbeatMaxAgeMs);
    report = { ok: heartbeatOk && !h.signer.belowFloor, role, books: h.books.map((b) => b.bookId) };
  };
  const server = await startMetricsServer({
    metrics,
    host: config.metrics.host,
    port: config.metrics.port,
    health: () => report,
  });
  const compact = async () => {
    const removed = await history.compact(retentionPolicyFromConfig(config), Math.floor(Date.now() / 1000));
    logger.info({ removed }, "history compacted");
  };
  const compaction = setInterval(
    () => void compact().catch((error: Error) => logger.warn({ err: error.message }, "compaction failed")),
    COMPACT_EVERY_MS,
  );
  void compact().catch((error: Error) => logger.warn({ err: error.message }, "compaction failed"));
  // The stewards' API and dashboard where books are evaluated (a worker has nothing of its own to show).
  const api =
    role === "worker"
      ? undefined
      : await startApiServer({
          store: history,
          keeperHealth: async () => keeperHealthForAlerts ?? toMetricsHealth(await keeper.health()),
          host: config.api.host,
          port: config.api.port,
          ...(config.api.token ? { token: config.api.token } : {}),
          ...(existsSync(DASHBOARD_DIR) ? { dashboardDir: DASHBOARD_DIR } : {}),
          logger,
        });
  if (api && !existsSync(DASHBOARD_DIR))
    logger.warn("dashboard not built (npm run build:dashboard): the API answers, / does not");
  await keeper.start();
  // Health and alerts from here on: the keeper has beaten once, so its heartbeat alert means it stopped working.
  const refresh = setInterval(
    () =>
      void refreshHealth()
        .then(() => updateAlerts(Math.floor(Date.now() / 1000)))
        .catch((error: Error) => logger.warn({ err: error.message }, "health or alert refresh failed")),
    2_000,
  );
  logger.info(
    { role, network, books: bookIds, metrics_url: server.url, api_url: api?.url, history: history.backend },
    "hedgekeeper running",
  );
  process.stdout.write(
    `hedgekeeper ${role} running for ${bookIds.join(", ")} on ${network}; metrics ${server.url}/metrics${api ? `; dashboard ${api.url}/` : ""}; history on ${history.backend}\n`,
  );

  await new Promise<void>((resolve) => {
    for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => resolve());
  });
  logger.info("stopping: no new jobs, finishing the one in flight");
  clearInterval(refresh);
  clearInterval(compaction);
  controller.abort();
  await keeper.stop();
  await api?.close();
  await server.close();
  await history.close();
  return 0;
}
