// What the deleverager process watches, from the validated configuration: every book of one network with an Aave
// leg whose treasury hired a deleverager (`treasuries.<id>.deleverager`). Its key is read from the environment
// (HK_DELEVERAGER_PRIVATE_KEY), never from the configuration: `${ENV}` references in the file are resolved for the
// whole file at load, so naming the deleverager's key there would make every keeper host hold it too. The key must
// sign as the configured deleverager address of every treasury it serves.
import type { Address, Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { bookParamsFromConfig, bookSourcesFromConfig, treasuryOfBook } from "../src/config/adapters.ts";
import { ConfigError } from "../src/config/config-error.ts";
import { aaveLegOfBook, type HedgekeeperConfig } from "../src/config/schema.ts";
import { healthFactorWad } from "../src/engine/aave-leg.ts";
import type { AaveAccountQuery } from "../src/indexers/aave-v3-reads.ts";

export const DELEVERAGER_KEY_ENV = "HK_DELEVERAGER_PRIVATE_KEY";

export interface DeleveragerBook {
  bookId: string;
  safe: Address;
  roles: Address;
  hedgeGuard: Address;
  aave: AaveAccountQuery;
  shortAsset: Address;
  /** The short asset's Chainlink feed (the AaveOracle's source for it), with its heartbeat. */
  shortFeed: { address: Address; heartbeatSec: number };
  floorWad: bigint;
  targetWad: bigint;
}

export interface DeleveragerScope {
  network: string;
  chainId: number;
  pollIntervalMs: number;
  privateKey: Hex;
  books: DeleveragerBook[];
}

/** The books a deleverager watches: an Aave leg, in a treasury that hired one (on `network` when given). */
export function deleveragerBookIdsOf(config: HedgekeeperConfig, network?: string): string[] {
  return Object.keys(config.books).filter((bookId) => {
    const book = config.books[bookId]!;
    const treasury = config.treasuries[book.treasury]!;
    return (
      aaveLegOfBook(book) !== undefined &&
      treasury.deleverager !== undefined &&
      (network === undefined || treasury.network === network)
    );
  });
}

type DeleveragerScopeOptions = {
  network?: string;
  env: Readonly<Record<string, string | undefined>>;
  source?: string;
};

/**
 * The network, books and key a deleverager runs with, checked without reading any book's sources: what start-up
 * needs before it asks the chain anything (so a missing key fails at once even when the node is down).
 */
export function deleveragerSignerScopeOf(
  config: HedgekeeperConfig,
  options: DeleveragerScopeOptions,
): { network: string; bookIds: string[]; privateKey: Hex; signer: Address } {
  const source = options.source ?? "config";
  const issue = (path: string, message: string) => new ConfigError(source, [{ path, message }]);
  const candidates = deleveragerBookIdsOf(config, options.network);
  const networks = [...new Set(candidates.map((id) => treasuryOfBook(config, id).networkId))];
  if (networks.length === 0)
    throw issue("treasuries", "no book has an Aave leg in a treasury with a `deleverager`: nothing to watch");
  if (networks.length > 1)
    throw issue("books", `Aave books span networks ${networks.join(", ")}: pick one with --network`);
  const network = networks[0]!;
  const privateKey = options.env[DELEVERAGER_KEY_ENV];
  if (privateKey === undefined || privateKey === "")
    throw issue(DELEVERAGER_KEY_ENV, "is not set: the deleverager's key comes from the environment");
  let signer: Address;
  try {
    signer = privateKeyToAccount(privateKey as Hex).address;
  } catch {
    throw issue(DELEVERAGER_KEY_ENV, "is not a valid secp256k1 private key");
  }
  return { network, bookIds: candidates, privateKey: privateKey as Hex, signer };
}

export function deleveragerScopeOf(
  config: HedgekeeperConfig,
  options: DeleveragerScopeOptions,
): DeleveragerScope {
  const source = options.source ?? "config";
  const issue = (path: string, message: string) => new ConfigError(source, [{ path, message }]);
  const { network, bookIds: candidates, privateKey, signer } = deleveragerSignerScopeOf(config, options);
  const books = candidates.map((bookId): DeleveragerBook => {
    const { treasuryId, treasury } = treasuryOfBook(config, bookId);
    if (treasury.deleverager!.toLowerCase() !== signer.toLowerCase())
      throw issue(
        `treasuries.${treasuryId}.deleverager`,
        `is ${treasury.deleverager}, but ${DELEVERAGER_KEY_ENV} signs as ${signer}`,
      );
    const sources = bookSourcesFromConfig(config, bookId);
    const params = bookParamsFromConfig(config, bookId);
    const leg = params.aave!;
    const shortFeed = [sources.baseFeed, ...sources.feeds].find(
      (feed) => feed.asset.toLowerCase() === leg.shortAsset.toLowerCase(),
    );
    if (shortFeed === undefined)
      throw issue(`books.${bookId}.baseFeed`, "no feed prices the Aave leg's short asset");
    return {
      bookId,
      safe: treasury.safe,
      roles: treasury.roles,
      hedgeGuard: treasury.hedgeGuard,
      aave: { contracts: sources.aave!.contracts, account: treasury.safe, assets: sources.aave!.assets },
      shortAsset: leg.shortAsset,
      shortFeed: { address: shortFeed.address, heartbeatSec: shortFeed.heartbeatSec },
      floorWad: healthFactorWad(leg.healthFactor.floor),
      targetWad: healthFactorWad(leg.healthFactor.target),
    };
  });
  const net = config.networks[network]!;
  return {
    network,
    chainId: net.chainId,
    pollIntervalMs: net.pollIntervalMs,
    privateKey,
    books,
  };
}
