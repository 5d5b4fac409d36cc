// `hedgekeeper run`: the monitor and the keeper from the validated configuration, in one process (`--role all`)
// or split (`--role monitor` scans and evaluates; `--role worker` submits and confirms; several workers may
// share one Redis), wired by the one composition root (keeper/start-hedgekeeper.ts). `--role deleverager` is the
// treasury's repay-only fallback (keeper/start-deleverager.ts): its own key, no Redis. SIGTERM/SIGINT stop taking
// jobs and close cleanly.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { networksOfBooks } from "../../keeper/config.ts";
import { DEFAULT_KEEPER_GRACE_BLOCKS } from "../../keeper/deleverager.ts";
import { DELEVERAGER_KEY_ENV } from "../../keeper/deleverager-config.ts";
import type { KeeperRole } from "../../keeper/keeper.ts";
import { startNetworkSupervisor } from "../../keeper/network-supervisor.ts";
import { startDeleverager } from "../../keeper/start-deleverager.ts";
import { startHedgekeeper } from "../../keeper/start-hedgekeeper.ts";
import { DELEVERAGER_SECRETS, loadConfig } from "../../src/config/load-config.ts";

export const RUN_HELP = `hedgekeeper run [--config <file>] [--role all|monitor|worker|deleverager] [--network <name>]
                [--keeper-grace-blocks <n>] [--metrics-port <port>]

Runs the monitor and the keeper for every book: scan → evaluate → submit → confirm through BullMQ on the
configured Redis. When the books span several networks, one keeper process per network (each on Redis keys of its
own, redis.keyPrefix:<network>), restarted with backoff when it exits, under this process, which serves the one
/metrics (every series labelled network), /healthz, API and dashboard, and routes every alert; the history must then
be PostgreSQL (history.databaseUrl). --network <name> runs that network's books alone, in this process.
--role all (default) runs everything in the keeper's process; monitor and worker split it so workers can scale out on the same Redis. Serves /metrics and
/healthz on metrics.host:metrics.port, and (all and monitor) the JSON API and the stewards' dashboard on
api.host:api.port over the history store (history.databaseUrl, else embedded PGlite). The keeper's key comes from the treasury's \`keeper.privateKey\`
\${ENV_VAR} reference. Stops cleanly on SIGTERM or SIGINT.

--role deleverager runs the treasury's repay-only fallback instead, with its own key from $${DELEVERAGER_KEY_ENV}
(never from the file; it must sign as treasuries.<id>.deleverager). Each block, for every book with an Aave leg in a
treasury that hired one: when the health factor is under the leg's floor, the feed is fresh, and HedgeGuard has
admitted no keeper plan for the book within --keeper-grace-blocks (default ${DEFAULT_KEEPER_GRACE_BLOCKS}), it repays
the Safe's debt from the Safe's own balance of the borrowed asset (else its aTokens) up to the target health factor,
through the Safe's Roles modifier. It needs no Redis and no database. It serves /metrics (health factor per book,
repays, last block, head age, keeper grace; labelled network) and /healthz (503 once the head has not advanced for
deleverager.headStaleSec) on deleverager.metrics (absent: metrics) host and port; --metrics-port overrides the port.
It alerts through alerts.sinks: health factor under floor (critical), repay sent (warning), repay failed
(critical), delivered and not recorded (docs/operators.md).
`;

const ROLES: readonly (KeeperRole | "deleverager")[] = ["all", "monitor", "worker", "deleverager"];

export async function runCommand(args: string[], defaultConfig: string): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: "string", short: "c", default: defaultConfig },
      role: { type: "string", default: "all" },
      network: { type: "string" },
      "keeper-grace-blocks": { type: "string" },
      "metrics-port": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(RUN_HELP);
    return 0;
  }
  const role = values.role as KeeperRole | "deleverager";
  if (!ROLES.includes(role)) throw new Error(`--role must be one of ${ROLES.join(", ")}`);
  if (values["metrics-port"] !== undefined && role !== "deleverager")
    throw new Error("--metrics-port applies to --role deleverager only: the keeper's port is metrics.port");
  // The deleverager's host holds its own key, not the keeper's: the keeper key's variable may be unset there.
  const config = loadConfig(
    values.config,
    role === "deleverager" ? { secretsUsed: DELEVERAGER_SECRETS } : {},
  );
  if (role === "deleverager") return runDeleverager(config, values);
  const networks = networksOfBooks(config);
  if (values.network === undefined && networks.length > 1) {
    const supervisor = await startNetworkSupervisor(config, {
      role,
      networks,
      configPath: values.config,
      configText: readFileSync(values.config, "utf8"),
      logLevel: process.env.LOG_LEVEL,
    });
    process.stdout.write(
      `hedgekeeper ${role} supervising networks ${networks.join(", ")}; metrics ${supervisor.metricsUrl}/metrics${supervisor.apiUrl ? `; dashboard ${supervisor.apiUrl}/` : ""}; history on ${supervisor.history.backend}\n`,
    );
    await stopSignal();
    await supervisor.stop();
    return 0;
  }
  const running = await startHedgekeeper(config, {
    role,
    ...(values.network !== undefined && { network: values.network }),
    source: values.config,
    // The file as written: secrets are ${ENV} references in it, so the recorded version holds none.
    configText: readFileSync(values.config, "utf8"),
    logLevel: process.env.LOG_LEVEL,
  });
  process.stdout.write(
    `hedgekeeper ${role} running for ${running.bookIds.join(", ")} on ${running.network}; metrics ${running.metricsUrl}/metrics${running.apiUrl ? `; dashboard ${running.apiUrl}/` : ""}; history on ${running.history.backend}\n`,
  );
  await stopSignal();
  await running.stop();
  return 0;
}

async function runDeleverager(
  config: ReturnType<typeof loadConfig>,
  values: {
    config: string;
    network?: string | undefined;
    "keeper-grace-blocks"?: string | undefined;
    "metrics-port"?: string | undefined;
  },
): Promise<number> {
  const grace = values["keeper-grace-blocks"];
  const keeperGraceBlocks = grace === undefined ? DEFAULT_KEEPER_GRACE_BLOCKS : Number(grace);
  if (!(Number.isInteger(keeperGraceBlocks) && keeperGraceBlocks >= 0))
    throw new Error(`--keeper-grace-blocks must be a whole number of blocks, got "${grace}"`);
  const port = values["metrics-port"];
  const metricsPort = port === undefined ? undefined : Number(port);
  if (
    metricsPort !== undefined &&
    !(Number.isInteger(metricsPort) && metricsPort >= 0 && metricsPort <= 65_535)
  )
    throw new Error(`--metrics-port must be a TCP port (0-65535, 0 = any free port), got "${port}"`);
  const running = await startDeleverager(config, {
    ...(values.network !== undefined && { network: values.network }),
    source: values.config,
    env: process.env,
    keeperGraceBlocks,
    ...(metricsPort !== undefined && { metricsPort }),
    logLevel: process.env.LOG_LEVEL,
  });
  process.stdout.write(
    `hedgekeeper deleverager ${running.signer} watching ${running.bookIds.join(", ")} on ${running.network}; metrics ${running.metricsUrl}/metrics\n`,
  );
  await stopSignal();
  await running.stop();
  return 0;
}

function stopSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => resolve());
  });
}
