// One network's keeper under a supervisor (keeper/network-supervisor.ts forks it):
// `node keeper/network-main.ts <config.yaml> <role> <network>`. The same composition root as `hedgekeeper run`
// on that network's books, serving nothing: alerts, health and metrics go to the supervisor over the IPC channel.
// Stops cleanly on SIGTERM/SIGINT, and when the supervisor is gone (its channel closes).
import { loadConfig } from "../src/config/load-config.ts";
import { KeeperConfigurationError } from "./errors.ts";
import type { KeeperRole } from "./keeper.ts";
import { networkChannelOfProcess } from "./network-channel.ts";
import { startHedgekeeper } from "./start-hedgekeeper.ts";

async function main(): Promise<void> {
  const [configPath, role, network] = process.argv.slice(2);
  const channel = networkChannelOfProcess(process);
  if (!configPath || !role || !network || channel === undefined)
    throw new KeeperConfigurationError(
      "usage: forked by the network supervisor as keeper/network-main.ts <config.yaml> <role> <network>",
    );
  const running = await startHedgekeeper(loadConfig(configPath), {
    role: role as KeeperRole,
    network,
    source: configPath,
    logLevel: process.env.LOG_LEVEL,
    channel,
  });
  await new Promise<void>((resolve) => {
    for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => resolve());
    process.once("disconnect", () => resolve());
  });
  await running.stop();
  if (process.connected) process.disconnect?.();
}

main().catch((error: Error) => {
  process.stderr.write(`${error.name}: ${error.message}\n`);
  process.exitCode = 1;
  if (process.connected) process.disconnect?.();
});
