// The keeper's process entry: `node keeper/main.ts <config.json> [monitor|worker|all]`.
// The config is keeper/config.ts's schema plus, for the devnet treasury, `devnet: { manifestPath, targets }`
// (targets as setUpDevnetKeeper returns them). SIGTERM/SIGINT stop taking jobs and close cleanly.
import { readFileSync } from "node:fs";
import { pino } from "pino";
import { createChainClient } from "../src/chain/client.ts";
import { devnetBookParams } from "../src/devnet/devnet-book-params.ts";
import { devnetBookSources } from "../src/devnet/devnet-book-sources.ts";
import { readManifest } from "../src/devnet/manifest.ts";
import type { ExecutionTargets } from "../src/execution/execution-targets.ts";
import { createBookIndexer } from "../src/indexers/book-indexer.ts";
import { parseKeeperConfig } from "./config.ts";
import { KeeperConfigurationError } from "./errors.ts";
import { createKeeper, type KeeperRole } from "./keeper.ts";

const ROLES: readonly KeeperRole[] = ["monitor", "worker", "all"];

async function main(): Promise<void> {
  const [configPath, roleArg = "all"] = process.argv.slice(2);
  if (!configPath)
    throw new KeeperConfigurationError("usage: node keeper/main.ts <config.json> [monitor|worker|all]");
  if (!ROLES.includes(roleArg as KeeperRole))
    throw new KeeperConfigurationError(`role must be one of ${ROLES.join(", ")}`);
  const raw = JSON.parse(readFileSync(configPath, "utf8")) as Record<string, unknown>;
  const config = parseKeeperConfig(raw);
  const devnet = raw.devnet as { manifestPath: string; targets: ExecutionTargets } | undefined;
  if (!devnet)
    throw new KeeperConfigurationError(
      "keeper config: devnet: the only book source this entry knows is the devnet treasury",
    );
  const key = process.env[config.signerKeyEnv];
  if (!key)
    throw new KeeperConfigurationError(
      `keeper config: signerKeyEnv: environment variable ${config.signerKeyEnv} is not set`,
    );

  const logger = pino({ name: "hedgekeeper-keeper" });
  const controller = new AbortController();
  const client = createChainClient({
    chainId: config.chainId,
    rpcUrls: config.rpcUrls,
    pollingIntervalMs: 500,
  });
  const manifest = readManifest(devnet.manifestPath);
  const sources = devnetBookSources(manifest);
  const keeper = createKeeper({
    common: { config, logger, clock: { nowMs: () => Date.now() }, shutdown: { signal: controller.signal } },
    redisUrl: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    client,
    signerPrivateKey: key as `0x${string}`,
    role: roleArg as KeeperRole,
    books: [
      {
        bookId: sources.bookId,
        params: devnetBookParams(manifest),
        targets: devnet.targets,
        reader: createBookIndexer(client, sources),
      },
    ],
  });
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      logger.info({ signal }, "stopping: no new jobs, finishing the one in flight");
      controller.abort();
    });
  }
  await keeper.start();
}

main().catch((error: Error) => {
  process.stderr.write(`${error.name}: ${error.message}\n`);
  process.exitCode = 1;
});
