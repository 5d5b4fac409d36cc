// The deleverager's composition root: from the validated configuration and the environment (its key) to the running
// block loop. No Redis, no history store, no API: it must keep working when the keeper's infrastructure does not.
import type { Logger } from "pino";
import { privateKeyToAccount } from "viem/accounts";
import { createChainClient } from "../src/chain/client.ts";
import { chainClientOptionsFromConfig } from "../src/config/adapters.ts";
import { createLogger } from "../src/config/logger.ts";
import type { HedgekeeperConfig } from "../src/config/schema.ts";
import { createDeleverager, DEFAULT_KEEPER_GRACE_BLOCKS, type Deleverager } from "./deleverager.ts";
import { deleveragerScopeOf } from "./deleverager-config.ts";

export interface StartDeleveragerOptions {
  network?: string;
  source?: string;
  /** Where the key is read from (process.env in the CLI). */
  env: Readonly<Record<string, string | undefined>>;
  keeperGraceBlocks?: number;
  logger?: Logger;
  logLevel?: string | undefined;
}

export interface RunningDeleverager {
  network: string;
  bookIds: string[];
  signer: `0x${string}`;
  deleverager: Deleverager;
  stop(): Promise<void>;
}

export function startDeleverager(
  config: HedgekeeperConfig,
  options: StartDeleveragerOptions,
): RunningDeleverager {
  const scope = deleveragerScopeOf(config, {
    ...(options.network !== undefined && { network: options.network }),
    env: options.env,
    ...(options.source !== undefined && { source: options.source }),
  });
  const signer = privateKeyToAccount(scope.privateKey);
  const logger =
    options.logger ??
    createLogger({
      config,
      ...(options.logLevel !== undefined && { level: options.logLevel }),
      name: "hedgekeeper-deleverager",
      scrub: { values: [scope.privateKey] },
    });
  const client = createChainClient(chainClientOptionsFromConfig(config, scope.network));
  const deleverager = createDeleverager({
    logger,
    client,
    chainId: scope.chainId,
    signer,
    books: scope.books,
    keeperGraceBlocks: options.keeperGraceBlocks ?? DEFAULT_KEEPER_GRACE_BLOCKS,
    pollIntervalMs: scope.pollIntervalMs,
  });
  deleverager.start();
  logger.info(
    { network: scope.network, book_ids: scope.books.map((b) => b.bookId), signer: signer.address },
    "deleverager started",
  );
  return {
    network: scope.network,
    bookIds: scope.books.map((b) => b.bookId),
    signer: signer.address,
    deleverager,
    stop: () => deleverager.stop(),
  };
}
