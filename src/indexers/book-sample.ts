import type { BookMetrics } from "../engine/book-metrics.ts";
import { hedgedItemValueUsd } from "../engine/effectiveness.ts";
import { oraclePrice } from "../engine/oracle.ts";
import { poolIdOf, positionPoolIdOf } from "../engine/pool-identity.ts";
import { sqrtPriceX96ToPrice } from "../engine/price-tick.ts";
import type { BookSample, BookSnapshot, PriceSample } from "../engine/snapshot.ts";

/**
 * The per-block observation kept for rolling metrics (hedge effectiveness, realized volatility, VaR). The hedge's
 * value is its P&L — account value less settlement collateral — so deposits and withdrawals, which move
 * collateral but carry no market risk, never show up as hedge gains or losses. The hedged item is everything
 * drift counts as exposure (LP + fees owed + base spot), and the base oracle's round lets volatility count one
 * observation per round. An Aave leg's value is its base position (supplied − owed short asset, at the Aave oracle's
 * price): its collateral, like the perp's, carries no market risk of the base.
 */
export function bookSampleOf(snapshot: BookSnapshot, metrics: BookMetrics): BookSample {
  const perp = snapshot.perp;
  const collateralUsd =
    perp === null ? 0 : Number(perp.collateral.balance) / 10 ** perp.collateral.token.decimals;
  return {
    ...priceSampleOf(snapshot),
    lpValueUsd: metrics.lpValueUsd + metrics.lpFeesUsd,
    hedgedItemValueUsd: hedgedItemValueUsd(metrics),
    hedgeValueUsd:
      (metrics.perp === null ? 0 : metrics.perp.accountValueUsd - collateralUsd) +
      (metrics.aave === null ? 0 : metrics.aave.delta * metrics.aave.shortPriceUsd),
    perpMarkPriceUsd: metrics.perp?.markPrice ?? metrics.basePriceUsd,
    perpIndexPriceUsd: metrics.perp?.indexPrice ?? metrics.basePriceUsd,
    fundingRateDaily: perp?.fundingRateDaily ?? 0,
    perpSizeBase: metrics.perp?.sizeBase ?? 0,
  };
}

/** The price observations of a sample (what σ is estimated from), read from the snapshot alone. */
export function priceSampleOf(snapshot: BookSnapshot): PriceSample {
  const basePriceUsd = oraclePrice(snapshot.baseOracle);
  return {
    blockNumber: snapshot.blockNumber,
    timestampSec: snapshot.blockTimestampSec,
    basePriceUsd,
    baseOracleRoundId: snapshot.baseOracle.roundId,
    // A round is never written after the block that reads it; a feed stamped ahead of its block (a devnet's
    // skewed clock) is taken as written at the block, which is when the book saw it.
    baseOracleUpdatedAtSec: Math.min(snapshot.baseOracle.updatedAtSec, snapshot.blockTimestampSec),
    poolPriceUsd: basePriceInMainPool(snapshot) ?? basePriceUsd,
  };
}

/** The base asset's price in the pool of the book's first LP position that holds it (quote taken at $1). */
export function basePriceInMainPool(snapshot: BookSnapshot): number | undefined {
  const base = snapshot.base.address.toLowerCase();
  for (const position of snapshot.lpPositions) {
    const pool = snapshot.pools.find((p) => poolIdOf(p) === positionPoolIdOf(position));
    if (pool?.kind !== "uniswap-v3") continue;
    const price0In1 = sqrtPriceX96ToPrice(pool.sqrtPriceX96, pool.token0.decimals, pool.token1.decimals);
    if (pool.token0.address.toLowerCase() === base) return price0In1;
    if (pool.token1.address.toLowerCase() === base) return 1 / price0In1;
  }
  return undefined;
}
