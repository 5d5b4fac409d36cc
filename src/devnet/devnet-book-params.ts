import type { BookParams } from "../engine/params.ts";
import type { DevnetManifest } from "./manifest.ts";

/**
 * The policy of the devnet treasury's ETH book: hedge 60% of the LP's ETH delta with the vETH short (what the
 * starting book holds), act beyond 100 bps of drift, and treat USDC, USDT and DAI as stablecoins priced by their
 * feeds and by the devnet's stable pools. Gas figures are the ones bench/gas.bench.ts measured on this path.
 */
export function devnetBookParams(manifest: DevnetManifest, overrides: Partial<BookParams> = {}): BookParams {
  const c = manifest.contracts;
  const p = manifest.pools;
  const f = manifest.feeds;
  const stable = (
    token: `0x${string}`,
    symbol: string,
    feed: `0x${string}`,
    stablePools: `0x${string}`[],
    basePool: `0x${string}` | null,
  ) => ({
    token,
    symbol,
    feed,
    limitBps: 50,
    minSourcesToAct: 2,
    stablePools,
    basePool,
    maxSlippageBps: 50,
  });
  return {
    targetHedgeRatio: 0.6,
    armBps: 100,
    rearmBps: 25,
    cooldownSec: 600,
    minTradeUsd: 1_000,
    caps: {
      maxTradeUsd: 5_000_000,
      maxHedgeNotionalUsd: 10_000_000,
      maxSwapUsd: 250_000,
      maxCollateralMoveUsd: 500_000,
    },
    // The starting book holds ~1.7× its short notional as collateral: a conservative treasury, at rest.
    margin: { floorRatio: 0.5, ceilingRatio: 3, targetRatio: 1.2, minLiquidationDistanceBps: 2_000 },
    costMargin: 1.5,
    costs: {
      gasPriceGwei: 20,
      gasBase: 160_000,
      gasPerPerpTrade: 730_000,
      gasPerCollateralMove: 150_000,
      gasPerSwap: 230_000,
      perpTakerFeeBps: 10,
      // The devnet perp's maker liquidity is a few ranges, thinner than a live market: a 60 ETH close moves it
      // well beyond 5 bps, and a bound that tight makes Perp revert the trade (CH_TMRL).
      perpSlippageBps: 100,
    },
    risk: { fallbackSigmaAnnual: 0.6, horizonSec: 86_400, confidenceZ: 1.645 },
    premise: { oracleBandBps: 100, deadlineSec: 300, perpSizeToleranceBps: 50 },
    depeg: {
      defaultTiers: { watchBps: 25, warnBps: 50, actBps: 100 },
      stablecoins: [
        stable(
          c.usdc,
          "USDC",
          f.usdcUsd.address,
          [p.usdcUsdt100.address, p.daiUsdc100.address],
          p.usdcWeth500.address,
        ),
        stable(c.usdt, "USDT", f.usdtUsd.address, [p.usdcUsdt100.address], null),
        stable(c.dai, "DAI", f.daiUsd.address, [p.daiUsdc100.address], null),
      ],
    },
    maxSnapshotAgeSec: 120,
    ...overrides,
  };
}
