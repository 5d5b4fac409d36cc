// `hedgekeeper run` when the books span several networks: one child process per network (keeper/network-main.ts,
// the same composition root on that network's books), and this process over them. Why processes and not one
// process with several keepers: a chain's RPC stall, a hung Lua script or a crash then takes one network down, not
// all; each chain's scans and confirmations get an event loop of their own; and the one-network process is the
// one already tested, unchanged. The supervisor serves what operators see once for all networks: the /metrics
// endpoint (each child's registry, every series labelled `network`, aggregated on scrape), /healthz, the stewards'
// API and dashboard over the shared history store, and the one alert router (children hand over the conditions
// that hold on their network; keys and titles get the network's name). A child that exits is restarted with
// exponential backoff, counted (`hedgekeeper_network_restarts_total`) and alerted; the others carry on.
import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Logger } from "pino";
import { AggregatorRegistry, Counter, Gauge, Registry } from "prom-client";
import type { Alert } from "../src/alerts/alert.ts";
import { ConfigError } from "../src/config/config-error.ts";
import { createLogger } from "../src/config/logger.ts";
import type { HedgekeeperConfig } from "../src/config/schema.ts";
import type { KeeperHealth } from "../src/metrics/metrics.ts";
import { startMetricsServer } from "../src/metrics/metrics-server.ts";
import { type Clock, wallClock } from "../src/runtime/clock.ts";
import {
  describeRedisTopology,
  pingRedisTopology,
  redisTopologyKey,
} from "../src/runtime/redis-connection.ts";
import type { HistoryStore } from "../src/store/history-store.ts";
import { openHistoryStore } from "../src/store/open-history-store.ts";
import { keeperScopeOf } from "./config.ts";
import type { KeeperRole } from "./keeper.ts";
import type {
  MetricsJson,
  NetworkChildMessage,
  NetworkHealthReport,
  NetworkSupervisorMessage,
} from "./network-channel.ts";
import { mergedKeeperHealth } from "./network-health.ts";
import { createRecordedAlertRouter, startApi, startCompaction } from "./start-hedgekeeper.ts";

const CHILD_ENTRY = fileURLToPath(new URL("./network-main.ts", import.meta.url));
/** A child that does not answer a scrape within this is left out of it (its `network_up` says why). */
const SCRAPE_TIMEOUT_MS = 2_000;
/** A child given SIGTERM that has not exited by then is killed. */
const STOP_GRACE_MS = 20_000;
/** A child that ran this long before exiting starts its backoff over. */
const STABLE_RUN_MS = 60_000;

export interface RestartBackoff {
  initialMs: number;
  maxMs: number;
}

/** 1 s, 2 s, 4 s … up to 30 s between restarts of a child that keeps exiting. */
export const DEFAULT_RESTART_BACKOFF: RestartBackoff = { initialMs: 1_000, maxMs: 30_000 };

/** The wait before restart number `attempt` (1 = the first after an exit): doubling from `initialMs`, capped. */
export function restartDelayMs(attempt: number, backoff: RestartBackoff): number {
  return Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.max(0, attempt - 1));
}

export interface NetworkSupervisorOptions {
  role: KeeperRole;
  networks: readonly string[];
  /** The configuration file: each child loads it itself (and so reads its secrets from its own environment). */
  configPath: string;
  configText?: string;
  logger?: Logger;
  logLevel?: string;
  clock?: Clock;
  /** The children's environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
  restartBackoff?: RestartBackoff;
}

export interface NetworkSupervisor {
  role: KeeperRole;
  networks: readonly string[];
  metricsUrl: string;
  apiUrl: string | undefined;
  history: HistoryStore;
  /** Each network's child process id now (undefined while it is being restarted). */
  pidOf(network: string): number | undefined;
  /** Stop every child (SIGTERM, then SIGKILL after the grace), then the servers and the history. */
  stop(): Promise<void>;
}

interface NetworkChild {
  network: string;
  process: ChildProcess | undefined;
  startedAtMs: number;
  /** Restarts since the child last ran STABLE_RUN_MS. */
  attempt: number;
  /** The child has exited and is not yet running again (from its exit to its next `ready`). */
  down: boolean;
  /** The conditions the child last said hold on its network. */
  alerts: Alert[];
  health: { report: NetworkHealthReport; keeper: KeeperHealth } | undefined;
  restartTimer: NodeJS.Timeout | undefined;
}

export async function startNetworkSupervisor(
  config: HedgekeeperConfig,
  options: NetworkSupervisorOptions,
): Promise<NetworkSupervisor> {
  const { role, networks, configPath } = options;
  const clock = options.clock ?? wallClock;
  const backoff = options.restartBackoff ?? DEFAULT_RESTART_BACKOFF;
  // Every network's scope is checked here, so a configuration error stops the start, not a child in a loop.
  for (const network of networks) keeperScopeOf(config, network, configPath);
  if (config.history.databaseUrl === undefined) {
    throw new ConfigError(configPath, [
      {
        path: "history.databaseUrl",
        message: `books span networks ${networks.join(", ")}: each runs in its own process and they share the history, which needs PostgreSQL (embedded PGlite is one process's)`,
      },
    ]);
  }
  if (!(await pingRedisTopology(config.redis, 2_000))) {
    throw new ConfigError(configPath, [
      {
        path: redisTopologyKey(config.redis),
        message: `nothing answers at ${describeRedisTopology(config.redis)}`,
      },
    ]);
  }
  const logger = options.logger ?? createLogger({ config, level: options.logLevel });
  // Opened (and migrated) once here, before any child opens it.
  const history = await openHistoryStore({
    databaseUrl: config.history.databaseUrl,
    dataDir: config.history.dataDir,
    onIdleError: (error) => logger.warn({ err: error.message }, "history database connection lost"),
  });
  const closers: (() => Promise<void>)[] = [() => history.close()];
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => {});
  };
  let stopping = false;
  const children = new Map<string, NetworkChild>();
  try {
    if (options.configText !== undefined) await history.putConfigVersion(options.configText, clock.nowMs());
    const own = supervisorMetrics();
    const router = createRecordedAlertRouter({ config, history, logger, clock });
    /** Restarts since the last routing: each is one event alert. */
    const restarted: { network: string; exit: string }[] = [];
    let routing: Promise<unknown> = Promise.resolve();
    const route = (): Promise<unknown> => {
      routing = routing
        .catch(() => {})
        .then(async () => {
          const active: Alert[] = [];
          for (const child of children.values()) {
            active.push(...child.alerts.map((alert) => ofNetwork(child.network, alert)));
            // A one-off event is routed once, not again with the next child's update.
            child.alerts = child.alerts.filter((alert) => !alert.event);
            if (child.down) active.push(networkDownAlert(child.network));
          }
          for (const { network, exit } of restarted.splice(0))
            active.push(networkRestartedAlert(network, exit));
          await router.update(active);
        })
        .catch((error: Error) => logger.warn({ err: error.message }, "alert routing failed"));
      return routing;
    };

    let nextRequestId = 0;
    const pendingScrapes = new Map<number, (metrics: MetricsJson) => void>();
    const scrape = (child: NetworkChild): Promise<MetricsJson | undefined> => {
      const proc = child.process;
      if (proc === undefined || !proc.connected) return Promise.resolve(undefined);
      const requestId = nextRequestId++;
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          pendingScrapes.delete(requestId);
          resolve(undefined);
        }, SCRAPE_TIMEOUT_MS);
        pendingScrapes.set(requestId, (metrics) => {
          clearTimeout(timer);
          resolve(metrics);
        });
        const message: NetworkSupervisorMessage = { type: "scrape-metrics", requestId };
        proc.send(message, (error) => {
          if (error === null) return;
          // The channel closed under the request: the child is left out of this scrape.
          pendingScrapes.get(requestId)?.([]);
          pendingScrapes.delete(requestId);
        });
      });
    };

    const spawnChild = (child: NetworkChild): void => {
      const proc = fork(CHILD_ENTRY, [configPath, role, child.network], {
        env: options.env ?? process.env,
        // Its own process group: a terminal's Ctrl-C reaches the supervisor, which stops the children in order.
        detached: true,
        stdio: ["ignore", "inherit", "inherit", "ipc"],
      });
      child.process = proc;
      child.startedAtMs = clock.nowMs();
      own.up.set({ network: child.network }, 0);
      logger.info({ network: child.network, pid: proc.pid }, "network keeper process started");
      process.stdout.write(`network ${child.network}: keeper process ${proc.pid}\n`);
      proc.on("message", (message: NetworkChildMessage) => {
        switch (message.type) {
          case "ready":
            child.down = false;
            own.up.set({ network: child.network }, 1);
            void route();
            break;
          case "alerts":
            child.alerts = message.active;
            void route();
            break;
          case "health":
            child.health = { report: message.report, keeper: message.keeper };
            break;
          case "metrics":
            pendingScrapes.get(message.requestId)?.(message.metrics);
            pendingScrapes.delete(message.requestId);
            break;
        }
      });
      proc.once("exit", (code, signal) => {
        child.process = undefined;
        child.health = undefined;
        own.up.set({ network: child.network }, 0);
        if (stopping) return;
        const exit = signal ?? `code ${code}`;
        const ranMs = clock.nowMs() - child.startedAtMs;
        child.attempt = ranMs >= STABLE_RUN_MS ? 1 : child.attempt + 1;
        child.down = true;
        own.restarts.inc({ network: child.network });
        const delayMs = restartDelayMs(child.attempt, backoff);
        logger.error(
          { network: child.network, exit, ran_ms: ranMs, restart_in_ms: delayMs },
          "network keeper process exited: restarting",
        );
        restarted.push({ network: child.network, exit });
        void route();
        child.restartTimer = setTimeout(() => {
          child.restartTimer = undefined;
          if (!stopping) spawnChild(child);
        }, delayMs);
      });
    };

    for (const network of networks) {
      const child: NetworkChild = {
        network,
        process: undefined,
        startedAtMs: 0,
        attempt: 0,
        down: false,
        alerts: [],
        health: undefined,
        restartTimer: undefined,
      };
      children.set(network, child);
      spawnChild(child);
    }
    closers.push(() => stopChildren([...children.values()]));

    const metricsServer = await startMetricsServer({
      metrics: {
        registry: {
          contentType: own.registry.contentType,
          async metrics() {
            const scraped = await Promise.all([...children.values()].map(scrape));
            const parts = [await own.registry.getMetricsAsJSON(), ...scraped.filter((m) => m !== undefined)];
            return AggregatorRegistry.aggregate(parts).metrics();
          },
        },
      },
      host: config.metrics.host,
      port: config.metrics.port,
      health: () => healthOf(role, [...children.values()]),
    });
    closers.push(() => metricsServer.close());
    closers.push(startCompaction({ config, history, logger, clock }));
    const api =
      role === "worker"
        ? undefined
        : await startApi({
            config,
            history,
            logger,
            clock,
            keeperHealth: async () => {
              const reported = [...children.values()].flatMap((c) =>
                c.health ? [{ network: c.network, health: c.health.keeper }] : [],
              );
              if (reported.length === 0) throw new Error("no network's keeper has reported its health yet");
              return mergedKeeperHealth(reported);
            },
          });
    if (api) closers.push(() => api.close());
    logger.info(
      { role, networks, metrics_url: metricsServer.url, api_url: api?.url, history: history.backend },
      "hedgekeeper supervising networks",
    );
    let stopped: Promise<void> | undefined;
    return {
      role,
      networks,
      metricsUrl: metricsServer.url,
      apiUrl: api?.url,
      history,
      pidOf: (network) => children.get(network)?.process?.pid,
      stop() {
        stopped ??= (async () => {
          stopping = true;
          logger.info("stopping every network's keeper");
          await closeAll();
        })();
        return stopped;
      },
    };
  } catch (error) {
    stopping = true;
    await stopChildren([...children.values()]).catch(() => {});
    await closeAll();
    throw error;
  }
}

/** SIGTERM to each running child (each finishes its job in flight), SIGKILL to one still running after the grace. */
async function stopChildren(children: NetworkChild[]): Promise<void> {
  await Promise.all(
    children.map(async (child) => {
      clearTimeout(child.restartTimer);
      const proc = child.process;
      if (proc === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
      proc.kill("SIGTERM");
      const killer = setTimeout(() => proc.kill("SIGKILL"), STOP_GRACE_MS);
      await exited;
      clearTimeout(killer);
    }),
  );
}

/** Healthy while every network's keeper runs and says it is healthy. */
function healthOf(role: KeeperRole, children: NetworkChild[]) {
  const networks = Object.fromEntries(
    children.map((c) => [
      c.network,
      {
        running: c.process !== undefined && !c.down,
        ok: c.health?.report.ok ?? false,
        books: c.health?.report.books ?? [],
      },
    ]),
  );
  return { ok: Object.values(networks).every((n) => n.running && n.ok), role, networks };
}

function supervisorMetrics() {
  const registry = new Registry();
  const registers = [registry];
  return {
    registry,
    up: new Gauge({
      name: "hedgekeeper_network_up",
      help: "1 while the network's keeper process runs (from its start-up to its exit).",
      labelNames: ["network"],
      registers,
    }),
    restarts: new Counter({
      name: "hedgekeeper_network_restarts_total",
      help: "Times the network's keeper process exited unbidden and was restarted.",
      labelNames: ["network"],
      registers,
    }),
  };
}

/** A child's alert as the one router sees it: its key and title name the network (keeper alerts exist per network). */
function ofNetwork(network: string, alert: Alert): Alert {
  return {
    ...alert,
    key: `${network}/${alert.key}`,
    title: `[${network}] ${alert.title}`,
    fields: { ...alert.fields, network },
  };
}

function networkDownAlert(network: string): Alert {
  return {
    key: `network-down:${network}`,
    severity: "critical",
    title: `[${network}] keeper process down`,
    text: `The keeper process for network ${network} exited and is being restarted: its books are not kept meanwhile.`,
    fields: { network },
  };
}

function networkRestartedAlert(network: string, exit: string): Alert {
  return {
    key: `network-restarted:${network}`,
    severity: "warning",
    title: `[${network}] keeper process restarted`,
    text: `The keeper process for network ${network} exited (${exit}) and is restarted with backoff; the other networks carry on.`,
    fields: { network, exit },
    event: true,
  };
}
