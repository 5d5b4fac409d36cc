// The keeper's options: what one process acts on, derived from the validated configuration (src/config/schema.ts)
// and nothing else. Every value is a key the file declares or that key's schema default; there is no second
// schema and no second default here.
import type { Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { ConfigError } from "../src/config/config-error.ts";
import type { HedgekeeperConfig, NetworkConfig } from "../src/config/schema.ts";
import type { BookMode } from "../src/evaluation/plan-lifecycle.ts";
import { scanJobEveryMs } from "./scan-slot.ts";

export interface KeeperConfig extends Readonly<HedgekeeperConfig["keeper"]> {
  chainId: number;
  /** Optional private relay (MEV-protected RPC) for eth_sendRawTransaction only (`privateRelayUrl`). */
  relayUrl?: string;
  /** Key prefix for BullMQ queues and the keeper's own Redis keys: `redis.keyPrefix` as a hash tag (redisKeyPrefix). */
  redisPrefix: string;
  books: { bookId: string; mode: BookMode }[];
  /** How often the chain is scanned for a new block (the network's `pollIntervalMs`). */
  scanEveryMs: number;
  /** How often a `scan` job starts: each polls every scanEveryMs for this long (scan-slot.ts). */
  scanJobEveryMs: number;
  /** Blocks below the head before a block is evaluated (the network's `confirmations`). */
  evaluateConfirmations: number;
  /** The network's fee caps. */
  fees: NetworkConfig["fees"];
  /** Replacement timing, fee bump and fee cap per lane. */
  lanes: HedgekeeperConfig["lanes"];
  /** The signer's balance below which the keeper reports itself unhealthy (`alerts.signerBalanceMinEth`). */
  signerBalanceFloorEth: number;
}

/** The books one process keeps: one network's, all signed for by one keeper key. */
export interface KeeperScope {
  network: string;
  bookIds: string[];
  signerPrivateKey: Hex;
}

/**
 * The books of `network` (of the only network books are on, when not named) and their one signer: every book's
 * treasury must name the same keeper key, and that key must sign as the treasury's `keeper.address`. Each
 * refusal names its key (`source`: the file, for the message).
 */
export function keeperScopeOf(config: HedgekeeperConfig, network?: string, source = "config"): KeeperScope {
  const issue = (path: string, message: string) => new ConfigError(source, [{ path, message }]);
  const networkOf = (bookId: string) => config.treasuries[config.books[bookId]!.treasury]!.network;
  const networks = networksOfBooks(config);
  const chosen = network ?? (networks.length === 1 ? networks[0] : undefined);
  if (chosen === undefined)
    throw issue("books", `books span networks ${networks.join(", ")}: pick one with --network`);
  const bookIds = Object.keys(config.books).filter((id) => networkOf(id) === chosen);
  if (bookIds.length === 0) throw issue("books", `no book is on network "${chosen}"`);
  const treasuryIds = [...new Set(bookIds.map((id) => config.books[id]!.treasury))];
  const keys = [...new Set(treasuryIds.map((t) => config.treasuries[t]!.keeper.privateKey))];
  if (keys.length !== 1) throw issue("treasuries", "books of one process must share one keeper key");
  const treasury = config.treasuries[treasuryIds[0]!]!;
  const signerPrivateKey = treasury.keeper.privateKey as Hex;
  if (privateKeyToAccount(signerPrivateKey).address.toLowerCase() !== treasury.keeper.address.toLowerCase()) {
    throw issue(
      `treasuries.${treasuryIds[0]}.keeper.privateKey`,
      "signs as another address than keeper.address",
    );
  }
  return { network: chosen, bookIds, signerPrivateKey };
}

/** The networks the configuration's books are on, in the order their books are declared. */
export function networksOfBooks(config: HedgekeeperConfig): string[] {
  const networkOf = (bookId: string) => config.treasuries[config.books[bookId]!.treasury]!.network;
  return [...new Set(Object.keys(config.books).map(networkOf))];
}

/** The keeper's options for `scope`'s books, from the configuration's keys. */
export function keeperConfigOf(
  config: HedgekeeperConfig,
  scope: Pick<KeeperScope, "network" | "bookIds">,
): KeeperConfig {
  const net = config.networks[scope.network];
  if (net === undefined)
    throw new ConfigError("config", [{ path: "networks", message: `unknown network "${scope.network}"` }]);
  return {
    ...config.keeper,
    chainId: net.chainId,
    ...(net.privateRelayUrl ? { relayUrl: net.privateRelayUrl } : {}),
    // Queues and keys of one network's keeper are its own when books span several: a worker never takes another
    // chain's job. One network keeps the plain prefix, as it always had.
    redisPrefix: redisKeyPrefix(
      networksOfBooks(config).length > 1
        ? `${config.redis.keyPrefix}:${scope.network}`
        : config.redis.keyPrefix,
    ),
    books: scope.bookIds.map((bookId) => ({ bookId, mode: config.books[bookId]!.mode })),
    scanEveryMs: net.pollIntervalMs,
    scanJobEveryMs: scanJobEveryMs(net.pollIntervalMs),
    evaluateConfirmations: net.confirmations,
    fees: net.fees,
    lanes: config.lanes,
    signerBalanceFloorEth: config.alerts.signerBalanceMinEth,
  };
}

/**
 * The prefix of every key the keeper and its queues write: the configured prefix as a Redis Cluster hash tag
 * (`{hk}`). Only the tag is hashed, so every key of one deployment lands in one slot: BullMQ's Lua scripts (which
 * touch many keys of a queue), the plan store's MULTI and MGET, the events' MULTI work on a cluster unchanged. One
 * keeper's load is far below one shard's; a cluster spreads deployments (prefixes), and gives failover.
 */
export function redisKeyPrefix(keyPrefix: string): string {
  return `{${keyPrefix}}`;
}

export function gweiToWei(gwei: number): bigint {
  return BigInt(Math.round(gwei * 1e9));
}
