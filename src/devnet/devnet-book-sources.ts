import type { TokenRef } from "../engine/snapshot.ts";
import type { BookSources } from "../indexers/book-sources.ts";
import { createPerpV2Venue } from "../indexers/perp-v2-venue.ts";
import type { DevnetManifest } from "./manifest.ts";

/** The Perp v2 TWAP interval the devnet's ClearingHouseConfig uses for funding (15 minutes, Curie's default). */
const PERP_TWAP_INTERVAL_SEC = 900;

/** The devnet's tokens with their mainnet symbols and decimals. */
export function devnetTokens(manifest: DevnetManifest): {
  weth: TokenRef;
  usdc: TokenRef;
  usdt: TokenRef;
  dai: TokenRef;
  veth: TokenRef;
} {
  const c = manifest.contracts;
  return {
    weth: { address: c.weth, symbol: "WETH", decimals: 18 },
    usdc: { address: c.usdc, symbol: "USDC", decimals: 6 },
    usdt: { address: c.usdt, symbol: "USDT", decimals: 6 },
    dai: { address: c.dai, symbol: "DAI", decimals: 18 },
    veth: { address: c.perp.baseToken, symbol: "vETH", decimals: 18 },
  };
}

/** The treasury book the devnet bootstraps, as the indexer's sources: what the demo and the tests watch. */
export function devnetBookSources(manifest: DevnetManifest, bookId = "treasury-eth"): BookSources {
  const t = devnetTokens(manifest);
  const f = manifest.feeds;
  const feed = (entry: DevnetManifest["feeds"]["ethUsd"], asset: TokenRef) => ({
    address: entry.address,
    asset: asset.address,
    heartbeatSec: entry.heartbeatSec,
    decimals: entry.decimals,
  });
  return {
    bookId,
    chainId: manifest.chainId,
    safe: manifest.contracts.treasurySafe,
    base: t.weth,
    baseFeed: feed(f.ethUsd, t.weth),
    feeds: [feed(f.usdcUsd, t.usdc), feed(f.daiUsd, t.dai), feed(f.usdtUsd, t.usdt)],
    tokens: Object.values(t),
    uniswapV3: {
      factory: manifest.contracts.uniswapV3Factory,
      positionManager: manifest.contracts.positionManager,
      extraPools: [
        manifest.pools.usdcWeth500.address,
        manifest.pools.daiUsdc100.address,
        manifest.pools.usdcUsdt100.address,
      ],
      twapWindowSec: 300,
    },
    perp: {
      venue: createPerpV2Venue(
        {
          clearingHouse: manifest.contracts.perp.clearingHouse,
          clearingHouseConfig: manifest.contracts.perp.clearingHouseConfig,
          accountBalance: manifest.contracts.perp.accountBalance,
          vault: manifest.contracts.perp.vault,
          exchange: manifest.contracts.perp.exchange,
        },
        { twapIntervalSec: PERP_TWAP_INTERVAL_SEC },
      ),
      market: manifest.contracts.perp.baseToken,
      settlementToken: t.usdc,
    },
    spotTokens: [t.usdc, t.dai, t.usdt, t.weth],
  };
}
