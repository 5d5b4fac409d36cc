// `hedgekeeper run`: the monitor and the keeper from the validated configuration, in one process (`--role all`)
// or split (`--role monitor` scans and evaluates; `--role worker` submits and confirms; several workers may
// share one Redis), wired by the one composition root (keeper/start-hedgekeeper.ts). SIGTERM/SIGINT stop taking
// jobs and close cleanly.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { KeeperRole } from "../../keeper/keeper.ts";
import { startHedgekeeper } from "../../keeper/start-hedgekeeper.ts";
import { loadConfig } from "../../src/config/load-config.ts";

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
  const role = values.role as KeeperRole;
  if (!ROLES.includes(role)) throw new Error(`--role must be one of ${ROLES.join(", ")}`);
  const config = loadConfig(values.config);
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
  await new Promise<void>((resolve) => {
    for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => resolve());
  });
  await running.stop();
  return 0;
}
