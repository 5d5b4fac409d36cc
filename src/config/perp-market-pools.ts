// A perp-v2 leg's `contracts.marketPool` is a fact of the chain (the Perp v2 MarketRegistry's pool for the market):
// read at start-up when the configuration leaves it out, and checked against the chain when it gives it, so a
// mistyped pool is refused by name instead of pricing trades from the wrong market's depth.
import { isAddressEqual, type PublicClient } from "viem";
import { classifyChainError } from "../chain/classify-error.ts";
import { type ChainError, MalformedReturnDataError } from "../chain/errors.ts";
import { readPerpMarketPool } from "../chain/perp-market-pool.ts";
import { backoffDelayMs, DEFAULT_RETRY_POLICY } from "../chain/retrying-transport.ts";
import { treasuryOfBook } from "./adapters.ts";
import { ConfigError, type ConfigIssue } from "./config-error.ts";
import { type HedgekeeperConfig, type PerpV2HedgeConfig, perpLegWithPath } from "./schema.ts";

/**
 * `config` with every perp-v2 leg of `bookIds` (all books by default) carrying the market pool the chain records:
 * derived where absent, checked where given. Every mismatch is reported at once, as a ConfigError naming the key.
 * A node that cannot answer is a chain error, not a configuration one.
 */
export async function resolvePerpMarketPools(
  config: HedgekeeperConfig,
  clientOf: (networkId: string) => PublicClient,
  options: { source?: string; bookIds?: readonly string[] } = {},
): Promise<HedgekeeperConfig> {
  const issues: ConfigIssue[] = [];
  const books = { ...config.books };
  const read = new Map<string, Promise<Awaited<ReturnType<typeof readPerpMarketPool>>>>();
  for (const bookId of options.bookIds ?? Object.keys(config.books)) {
    const book = config.books[bookId];
    const found = book === undefined ? undefined : perpLegWithPath(book, bookId);
    if (book === undefined || found === undefined) continue;
    const { leg, path } = found;
    const { networkId } = treasuryOfBook(config, bookId);
    const key = JSON.stringify([networkId, leg.contracts.exchange.toLowerCase(), leg.market.toLowerCase()]);
    if (!read.has(key))
      read.set(
        key,
        readPerpMarketPool(clientOf(networkId), { exchange: leg.contracts.exchange, market: leg.market }),
      );
    let chain: Awaited<ReturnType<typeof readPerpMarketPool>>;
    try {
      chain = await read.get(key)!;
    } catch (error) {
      if (!(error instanceof MalformedReturnDataError)) throw error;
      issues.push({
        path: `${path}.market`,
        message: `${error.message} (exchange ${leg.contracts.exchange})`,
      });
      continue;
    }
    const configured = leg.contracts.marketPool;
    if (configured !== undefined && !isAddressEqual(configured, chain.pool)) {
      issues.push({
        path: `${path}.contracts.marketPool`,
        message: `is ${configured}, but the market's pool is ${chain.pool} (MarketRegistry ${chain.marketRegistry}.getPool(${leg.market})); remove the key to take the chain's`,
      });
      continue;
    }
    const resolved: PerpV2HedgeConfig = { ...leg, contracts: { ...leg.contracts, marketPool: chain.pool } };
    books[bookId] =
      book.hedge?.venue === "perp-v2"
        ? { ...book, hedge: resolved }
        : { ...book, hedges: book.hedges!.map((l) => (l === leg ? resolved : l)) };
  }
  if (issues.length > 0) throw new ConfigError(options.source ?? "config", issues);
  return { ...config, books };
}

/** A node down at start is waited for: up to 1 s after the first failure, doubling to at most 30 s (full jitter). */
export const START_CHAIN_BACKOFF = { baseDelayMs: 1_000, maxDelayMs: 30_000 };

export interface PerpMarketPoolsRetry {
  baseDelayMs: number;
  maxDelayMs: number;
  /** Told of each failed attempt before its wait (the caller logs it). */
  onFailure(event: { attempt: number; delayMs: number; error: ChainError }): void;
  /** Uniform [0, 1): injected so tests are deterministic. */
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * resolvePerpMarketPools, waiting for a node that does not answer: a process started while its node is briefly down
 * waits for it with backoff, as it would once started, instead of exiting. A configuration the chain contradicts
 * (ConfigError) and a chain error no retry can change (a revert) still fail at once.
 */
export async function resolvePerpMarketPoolsWhenReachable(
  config: HedgekeeperConfig,
  clientOf: (networkId: string) => PublicClient,
  options: { source?: string; bookIds?: readonly string[]; retry: PerpMarketPoolsRetry },
): Promise<HedgekeeperConfig> {
  const { retry } = options;
  const sleep = retry.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await resolvePerpMarketPools(config, clientOf, options);
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      const chainError = classifyChainError(error);
      if (!chainError.retryable) throw chainError;
      const delayMs = backoffDelayMs(
        attempt,
        { ...DEFAULT_RETRY_POLICY, baseDelayMs: retry.baseDelayMs, maxDelayMs: retry.maxDelayMs },
        retry.random ?? Math.random,
      );
      retry.onFailure({ attempt: attempt + 1, delayMs, error: chainError });
      await sleep(delayMs);
    }
  }
}
