// A perp-v2 leg's `contracts.marketPool` is a fact of the chain (the Perp v2 MarketRegistry's pool for the market):
// read at start-up when the configuration leaves it out, and checked against the chain when it gives it, so a
// mistyped pool is refused by name instead of pricing trades from the wrong market's depth.
import { isAddressEqual, type PublicClient } from "viem";
import { MalformedReturnDataError } from "../chain/errors.ts";
import { readPerpMarketPool } from "../chain/perp-market-pool.ts";
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
