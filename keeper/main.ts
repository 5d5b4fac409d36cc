// The keeper's process entry: `node keeper/main.ts <config.yaml> [monitor|worker|all]`, on the same configuration
// file as `hedgekeeper run` and through the same composition root (start-hedgekeeper.ts). The signer's key is the
// treasury's `keeper.privateKey` reference. SIGTERM/SIGINT stop taking jobs and close cleanly.
import { readFileSync } from "node:fs";
import { loadConfig } from "../src/config/load-config.ts";
import { KeeperConfigurationError } from "./errors.ts";
import type { KeeperRole } from "./keeper.ts";
import { startHedgekeeper } from "./start-hedgekeeper.ts";

const ROLES: readonly KeeperRole[] = ["monitor", "worker", "all"];

async function main(): Promise<void> {
  const [configPath, roleArg = "all"] = process.argv.slice(2);
  if (!configPath)
    throw new KeeperConfigurationError("usage: node keeper/main.ts <config.yaml> [monitor|worker|all]");
  if (!ROLES.includes(roleArg as KeeperRole))
    throw new KeeperConfigurationError(`role must be one of ${ROLES.join(", ")}`);
  const running = await startHedgekeeper(loadConfig(configPath), {
    role: roleArg as KeeperRole,
    source: configPath,
    configText: readFileSync(configPath, "utf8"),
    logLevel: process.env.LOG_LEVEL,
  });
  await new Promise<void>((resolve) => {
    for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => resolve());
  });
  await running.stop();
}

main().catch((error: Error) => {
  process.stderr.write(`${error.name}: ${error.message}\n`);
  process.exitCode = 1;
});
