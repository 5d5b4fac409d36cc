// From the validated configuration to what each layer takes: the indexer's BookSources, the engine's
// BookParams (checked by assertBookParams), the permission set's TreasuryScope, and chain client options.
import { type Address, parseUnits } from "viem";
import type { ChainClientOptions } from "../chain/client.ts";
import { DEFAULT_RETRY_POLICY } from "../chain/retrying-transport.ts";
import { EngineInputError } from "../engine/errors.ts";
import { assertBookParams, type BookParams, type StablecoinParams } from "../engine/params.ts";
import type { TokenRef } from "../engine/snapshot.ts";
import type { PriceSource, TreasuryScope } from "../execution/treasury-scope.ts";
import type { BookSources } from "../indexers/book-sources.ts";
import type { FeedSource } from "../indexers/chainlink-reads.ts";
import { createPerpV2Venue } from "../indexers/perp-v2-venue.ts";
import type { RetentionPolicy } from "../store/history-store.ts";
import { ConfigError } from "./config-error.ts";
import {
  aaveLegOfBook,
  type BookConfig,
  type HedgekeeperConfig,
  type NetworkConfig,
  perpLegOfBook,
  perpLegWithPath,
  type TreasuryConfig,
} from "./schema.ts";

function lookup<T>(record: Readonly<Record<string, T>>, key: string, path: string): T {
  const value = record[key];
  if (value === undefined) throw new ConfigError("config", [{ path, message: `unknown "${key}"` }]);
  return value;
}

export function bookConfig(config: HedgekeeperConfig, bookId: string): BookConfig {
  return lookup(config.books, bookId, `books.${bookId}`);
}

export function treasuryOfBook(
  config: HedgekeeperConfig,
  bookId: string,
): { treasuryId: string; treasury: TreasuryConfig; networkId: string; network: NetworkConfig } {
  const book = bookConfig(config, bookId);
  const treasury = lookup(config.treasuries, book.treasury, `books.${bookId}.treasury`);
  const network = lookup(config.networks, treasury.network, `treasuries.${book.treasury}.network`);
  return { treasuryId: book.treasury, treasury, networkId: treasury.network, network };
}

export function tokenRef(network: NetworkConfig, sym: string): TokenRef {
  const token = lookup(network.tokens, sym, `tokens.${sym}`);
  return { address: token.address, symbol: sym, decimals: token.decimals };
}

function feedSource(network: NetworkConfig, id: string): FeedSource {
  const feed = lookup(network.feeds, id, `feeds.${id}`);
  return {
    address: feed.address,
    asset: tokenRef(network, feed.asset).address,
    heartbeatSec: feed.heartbeatSec,
    decimals: feed.decimals,
  };
}

/**
 * The perp leg's market pool: configured, or filled in from the chain by resolvePerpMarketPools
 * (perp-market-pools.ts) before the book is read.
 */
function resolvedMarketPool(book: BookConfig, bookId: string): Address {
  const found = perpLegWithPath(book, bookId)!;
  const pool = found.leg.contracts.marketPool;
  if (pool === undefined) {
    throw new ConfigError("config", [
      {
        path: `${found.path}.contracts.marketPool`,
        message: "is not set and was not read from the chain (resolvePerpMarketPools runs at start-up)",
      },
    ]);
  }
  return pool;
}

/** What the book indexer reads for `bookId`. */
export function bookSourcesFromConfig(config: HedgekeeperConfig, bookId: string): BookSources {
  const book = bookConfig(config, bookId);
  const { treasury, network } = treasuryOfBook(config, bookId);
  const feedIds = [...new Set(book.feeds.filter((id) => id !== book.baseFeed))];
  const v3 = book.positions.uniswapV3;
  const perp = perpLegOfBook(book);
  const aave = aaveLegOfBook(book);
  const v4 = book.positions.uniswapV4;
  return {
    bookId,
    chainId: network.chainId,
    safe: treasury.safe,
    base: tokenRef(network, book.base),
    baseFeed: feedSource(network, book.baseFeed),
    feeds: feedIds.map((id) => feedSource(network, id)),
    ...(network.sequencerUptimeFeed && {
      sequencerUptimeFeed: {
        address: network.sequencerUptimeFeed.address,
        gracePeriodSec: network.sequencerUptimeFeed.gracePeriodSec,
      },
    }),
    logScan: {
      maxScanBlocks: BigInt(network.resumeScanMaxBlocks),
      maxBlocksPerGetLogs: BigInt(network.getLogsMaxBlocks),
    },
    tokens: Object.keys(network.tokens).map((sym) => tokenRef(network, sym)),
    ...(v3 && {
      uniswapV3: {
        factory: v3.factory,
        positionManager: v3.positionManager,
        extraPools: v3.pools,
        twapWindowSec: v3.twapWindowSec,
      },
    }),
    ...(v4 && { uniswapV4: { ...v4, fromBlock: BigInt(v4.fromBlock) } }),
    ...(perp && {
      perp: {
        venue: createPerpV2Venue(
          { ...perp.contracts, marketPool: resolvedMarketPool(book, bookId) },
          { twapIntervalSec: perp.twapIntervalSec },
        ),
        market: perp.market,
        settlementToken: tokenRef(network, perp.settlementToken),
      },
    }),
    ...(aave && {
      aave: {
        contracts: aave.contracts,
        // The short asset, the collateral, then any other reserve the account uses (each once).
        assets: [...new Set([book.base, aave.collateral, ...aave.otherReserves])].map(
          (sym) => tokenRef(network, sym).address,
        ),
      },
    }),
    spotTokens: book.positions.spotTokens.map((sym) => tokenRef(network, sym)),
  };
}

/**
 * What `bookSourcesFromConfig` reads for `bookId`, as a key: books with the same key read the same chain state (one
 * Safe, the same positions, venue and feeds; their policies may differ), so one snapshot per block serves them all.
 */
export function bookReadKey(config: HedgekeeperConfig, bookId: string): string {
  const book = bookConfig(config, bookId);
  const { treasury, networkId } = treasuryOfBook(config, bookId);
  return JSON.stringify([
    networkId,
    treasury.safe.toLowerCase(),
    book.base,
    book.baseFeed,
    [...new Set(book.feeds)].sort(),
    book.positions,
    book.hedge ?? null,
  ]);
}

/** The engine's policy for `bookId`, checked by the engine's own invariants (reported as config paths). */
export function bookParamsFromConfig(config: HedgekeeperConfig, bookId: string): BookParams {
  const book = bookConfig(config, bookId);
  const { network } = treasuryOfBook(config, bookId);
  const stablecoins: StablecoinParams[] = Object.entries(book.depeg.assets).map(([sym, asset]) => ({
    token: tokenRef(network, sym).address,
    symbol: sym,
    feed: asset.feed === null ? null : lookup(network.feeds, asset.feed, `feeds.${asset.feed}`).address,
    ...(asset.tiers && { tiers: asset.tiers }),
    limitBps: asset.limitBps,
    minSourcesToAct: asset.minSourcesToAct,
    stablePools: asset.stablePools,
    basePool: asset.basePool,
    maxSlippageBps: asset.maxSlippageBps,
  }));
  const aave = aaveLegOfBook(book);
  const params: BookParams = {
    targetHedgeRatio: book.targetHedgeRatio,
    armBps: book.thresholds.armBps,
    rearmBps: book.thresholds.rearmBps,
    cooldownSec: book.cooldownSec,
    minTradeUsd: book.minTradeUsd,
    caps: { ...book.caps },
    margin: { ...book.margin },
    costMargin: book.costMargin,
    ...(book.legShiftHorizonSec !== undefined && { legShiftHorizonSec: book.legShiftHorizonSec }),
    costs: { ...book.costs },
    risk: { ...book.risk },
    ...(book.stress && { stress: { ...book.stress } }),
    premise: { ...book.premise },
    depeg: { defaultTiers: { ...book.depeg.defaultTiers }, stablecoins },
    maxSnapshotAgeSec: book.maxSnapshotAgeSec,
    ...(aave && {
      aave: {
        pool: aave.contracts.pool,
        shortAsset: tokenRef(network, book.base).address,
        collateralAsset: tokenRef(network, aave.collateral).address,
        healthFactor: { ...aave.healthFactor },
        minLiquidationDistanceBps: aave.minLiquidationDistanceBps,
        swap: { ...aave.swap },
        caps: { ...aave.caps },
      },
    }),
  };
  try {
    assertBookParams(params);
  } catch (error) {
    if (error instanceof EngineInputError) {
      throw new ConfigError("config", [{ path: `books.${bookId}`, message: error.message }], {
        cause: error,
      });
    }
    throw error;
  }
  return params;
}

const perTokenCaps = (network: NetworkConfig, caps: Readonly<Record<string, number>>) =>
  Object.fromEntries(
    Object.entries(caps).map(([sym, amount]) => {
      const token = tokenRef(network, sym);
      return [token.address, parseUnits(String(amount), token.decimals)];
    }),
  ) as Record<Address, bigint>;

/** The keeper's scope for `treasuryId`: the input to desiredStatements (permissions as code). */
export function treasuryScopeFromConfig(config: HedgekeeperConfig, treasuryId: string): TreasuryScope {
  const treasury = lookup(config.treasuries, treasuryId, `treasuries.${treasuryId}`);
  const network = lookup(config.networks, treasury.network, `treasuries.${treasuryId}.network`);
  const p = treasury.permissions;
  return {
    safe: treasury.safe,
    roles: treasury.roles,
    hedgeGuard: treasury.hedgeGuard,
    multiSendCallOnly: treasury.multiSendCallOnly,
    multiSendUnwrapper: treasury.multiSendUnwrapper,
    keeper: treasury.keeper.address,
    guardian: treasury.guardian,
    ...(treasury.deleverager === undefined ? {} : { deleverager: treasury.deleverager }),
    perp: {
      clearingHouse: p.perp.clearingHouse,
      vault: p.perp.vault,
      baseTokens: p.perp.baseTokens,
      collateralTokens: p.perp.collateralTokens.map((sym) => tokenRef(network, sym).address),
    },
    uniswap: {
      swapRouter: p.uniswap.swapRouter,
      positionManager: p.uniswap.positionManager,
      swapPairs: p.uniswap.swapPairs.map((pair) => ({
        tokenIn: tokenRef(network, pair.tokenIn).address,
        tokenOut: tokenRef(network, pair.tokenOut).address,
        fee: pair.fee,
      })),
    },
    ...(p.aave === undefined
      ? {}
      : {
          aave: {
            pool: p.aave.pool,
            collateralAssets: p.aave.collateralAssets.map((sym) => tokenRef(network, sym).address),
            borrowAssets: p.aave.borrowAssets.map((sym) => tokenRef(network, sym).address),
            borrowPerDay: perTokenCaps(network, p.aave.borrowTokensPerDay),
            collateralPerDay: perTokenCaps(network, p.aave.collateralTokensPerDay),
          },
        }),
    ...(p.uniswapV4Withdrawals === undefined
      ? {}
      : {
          uniswapV4: {
            positionManager: p.uniswapV4Withdrawals.positionManager,
            withdrawalBounds: p.uniswapV4Withdrawals.withdrawalBounds,
            maxDeadlineSec: p.uniswapV4Withdrawals.maxDeadlineSec,
          },
        }),
    bounds: {
      hedgeBounds: treasury.hedgeBounds,
      perpSlippageBps: p.bounds.perpSlippageBps,
      swapSlippageBps: p.bounds.swapSlippageBps,
      lpPriceBandBps: p.bounds.lpPriceBandBps,
      priceSources: priceSourcesOf(network, p.bounds.perpBaseFeeds, treasuryId),
    },
    caps: {
      // Perp base tokens carry 18 decimals (Perpetual Protocol v2 virtual tokens).
      perpBasePerDay: parseUnits(String(p.caps.perpBaseUnitsPerDay), 18),
      perpMaxAbsBaseUnits: p.caps.perpMaxAbsBaseUnits,
      swapAmountInPerDay: perTokenCaps(network, p.caps.swapAmountInTokensPerDay),
      collateralPerDay: perTokenCaps(network, p.caps.collateralTokensPerDay),
      collateralMaxTokens: Object.fromEntries(
        Object.entries(p.caps.collateralMaxTokens).map(([sym, n]) => [tokenRef(network, sym).address, n]),
      ),
      callsPerHour: p.caps.callsPerHour,
      refillPeriodSec: p.caps.refillPeriodSec,
    },
  };
}

/**
 * The price sources HedgeBounds needs: every token of the network that a feed prices (in the order the network
 * lists its feeds), then each perp base token by the feed configured for it (18 decimals, like every Perpetual
 * Protocol v2 virtual token).
 */
function priceSourcesOf(
  network: NetworkConfig,
  perpBaseFeeds: readonly { baseToken: Address; feed: string }[],
  treasuryId: string,
): PriceSource[] {
  const sources: PriceSource[] = [];
  for (const feed of Object.values(network.feeds)) {
    const token = tokenRef(network, feed.asset);
    if (sources.some((s) => s.token === token.address)) continue;
    sources.push({
      token: token.address,
      feed: feed.address,
      heartbeatSec: feed.heartbeatSec,
      feedDecimals: feed.decimals,
      tokenDecimals: token.decimals,
    });
  }
  for (const { baseToken, feed: feedId } of perpBaseFeeds) {
    const feed = lookup(network.feeds, feedId, `treasuries.${treasuryId}.permissions.bounds.perpBaseFeeds`);
    sources.push({
      token: baseToken,
      feed: feed.address,
      heartbeatSec: feed.heartbeatSec,
      feedDecimals: feed.decimals,
      tokenDecimals: 18,
    });
  }
  return sources;
}

/** Options for createChainClient on `networkId`. */
export function chainClientOptionsFromConfig(
  config: HedgekeeperConfig,
  networkId: string,
): ChainClientOptions {
  const network = lookup(config.networks, networkId, `networks.${networkId}`);
  return {
    chainId: network.chainId,
    name: networkId,
    rpcUrls: network.rpcUrls,
    timeoutMs: network.rpcTimeoutMs,
    pollingIntervalMs: network.pollIntervalMs,
    retry: { ...DEFAULT_RETRY_POLICY, attempts: network.rpcRetryCount + 1 },
  };
}

const DAY_SEC = 86_400;

/** The retention policy of `history`, in the store's units (seconds). */
export function retentionPolicyFromConfig(config: HedgekeeperConfig): RetentionPolicy {
  const h = config.history;
  return {
    downsampleAfterSec: h.downsampleAfterDays * DAY_SEC,
    retainSec: h.retainDays * DAY_SEC,
    retainActionsSec: h.retainActionsDays * DAY_SEC,
  };
}
