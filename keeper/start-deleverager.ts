// The deleverager's composition root: from the validated configuration and the environment (its key) to the running
// block loop, its /metrics and /healthz, and its alerts through the configured sinks. No Redis, no history store, no
// API: it must keep working when the keeper's infrastructure does not, so its alerts are delivered, not recorded.
import type { Logger } from "pino";
import { privateKeyToAccount } from "viem/accounts";
import { createAlertRouter } from "../src/alerts/alert-router.ts";
import { createAlertSink } from "../src/alerts/sinks.ts";
import { createChainClient } from "../src/chain/client.ts";
import { chainClientOptionsFromConfig } from "../src/config/adapters.ts";
import { createLogger } from "../src/config/logger.ts";
import { resolvePerpMarketPoolsWhenReachable, START_CHAIN_BACKOFF } from "../src/config/perp-market-pools.ts";
import type { HedgekeeperConfig } from "../src/config/schema.ts";
import { createDeleveragerMetrics } from "../src/metrics/deleverager-metrics.ts";
import { startMetricsServer } from "../src/metrics/metrics-server.ts";
import { createDeleverager, DEFAULT_KEEPER_GRACE_BLOCKS, type Deleverager } from "./deleverager.ts";
import { deleveragerScopeOf, deleveragerSignerScopeOf } from "./deleverager-config.ts";
import { createDeleveragerObserver, deleveragerHealth } from "./deleverager-observers.ts";

export interface StartDeleveragerOptions {
  network?: string;
  source?: string;
  /** Where the key is read from (process.env in the CLI). */
  env: Readonly<Record<string, string | undefined>>;
  keeperGraceBlocks?: number;
  logger?: Logger;
  logLevel?: string | undefined;
  /** Overrides the configured port (`deleverager.metrics.port`, else `metrics.port`); 0 = any free port. */
  metricsPort?: number;
  nowMs?: () => number;
  /** The wait between start-up reads of a node that does not answer. Default: START_CHAIN_BACKOFF. */
  startChainBackoff?: { baseDelayMs: number; maxDelayMs: number };
}

export interface RunningDeleverager {
  network: string;
  bookIds: string[];
  signer: `0x${string}`;
  deleverager: Deleverager;
  metricsUrl: string;
  stop(): Promise<void>;
}

export async function startDeleverager(
  config: HedgekeeperConfig,
  options: StartDeleveragerOptions,
): Promise<RunningDeleverager> {
  const scopeOptions = {
    ...(options.network !== undefined && { network: options.network }),
    env: options.env,
    ...(options.source !== undefined && { source: options.source }),
  };
  // The key and the books first: a configuration error fails at once, whether the node answers or not.
  const target = deleveragerSignerScopeOf(config, scopeOptions);
  const logger =
    options.logger ??
    createLogger({
      config,
      ...(options.logLevel !== undefined && { level: options.logLevel }),
      name: "hedgekeeper-deleverager",
      scrub: { values: [target.privateKey] },
    });
  const client = createChainClient(chainClientOptionsFromConfig(config, target.network));
  // A book with a perp leg as well names its market pool: read from the chain's MarketRegistry (or checked against
  // it) as the keeper does, waiting for a node that is down at start.
  const resolved = await resolvePerpMarketPoolsWhenReachable(config, () => client, {
    ...(options.source !== undefined && { source: options.source }),
    bookIds: target.bookIds,
    retry: {
      ...(options.startChainBackoff ?? START_CHAIN_BACKOFF),
      onFailure: ({ attempt, delayMs, error }) =>
        logger.warn(
          { network: target.network, attempt, retry_in_ms: delayMs, err: error.message },
          "perp market pools not read at start: the node did not answer; retrying",
        ),
    },
  });
  const scope = deleveragerScopeOf(resolved, scopeOptions);
  const signer = privateKeyToAccount(scope.privateKey);
  const nowMs = options.nowMs ?? Date.now;
  const startedAtMs = nowMs();
  const metrics = createDeleveragerMetrics({ network: scope.network, nowMs, startedAtMs });
  const nowSec = () => Math.floor(nowMs() / 1000);
  // The keeper's sinks and de-duplication, without its history store (the deleverager host has no database).
  const router = createAlertRouter({
    sinks: config.alerts.sinks.map((sink) => createAlertSink(sink, { nowSec })),
    dedupWindowSec: config.alerts.dedupWindowSec,
    nowSec,
  });
  const observer = createDeleveragerObserver({ metrics, router, network: scope.network, nowMs, logger });
  const listen = config.deleverager.metrics ?? config.metrics;
  const metricsServer = await startMetricsServer({
    metrics,
    host: listen.host,
    port: options.metricsPort ?? listen.port,
    health: () =>
      deleveragerHealth({
        metrics,
        nowMs,
        startedAtMs,
        headStaleSec: config.deleverager.headStaleSec,
        network: scope.network,
      }),
  });
  const deleverager = createDeleverager({
    logger,
    client,
    chainId: scope.chainId,
    signer,
    books: scope.books,
    keeperGraceBlocks: options.keeperGraceBlocks ?? DEFAULT_KEEPER_GRACE_BLOCKS,
    pollIntervalMs: scope.pollIntervalMs,
    onEvent: observer.onEvent,
  });
  deleverager.start();
  logger.info(
    {
      network: scope.network,
      book_ids: scope.books.map((b) => b.bookId),
      signer: signer.address,
      metrics_url: metricsServer.url,
    },
    "deleverager started",
  );
  return {
    network: scope.network,
    bookIds: scope.books.map((b) => b.bookId),
    signer: signer.address,
    deleverager,
    metricsUrl: metricsServer.url,
    async stop() {
      await deleverager.stop();
      await observer.flushed();
      await metricsServer.close();
    },
  };
}
