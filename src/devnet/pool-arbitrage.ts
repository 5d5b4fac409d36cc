// How far an arbitrageur trades a pool back toward the market: the pure sizing behind pool-arbitrageur.ts.
//
// A pool charging fee f on its input, at marginal price p (quote per base), against a market price m:
// buying base in the pool costs p/(1 − f) per unit at the margin, which pays while p < m·(1 − f); selling base
// into it yields p·(1 − f), which pays while p > m/(1 − f). Between the two the pool offers no arbitrage (the
// fee band of Angeris & Chitra, "Improved Price Oracles: Constant Function Market Makers", 2020); m/(1 − f) is
// m·(1 + f) up to f² (0.0025 bp at 0.05%). An arbitrageur trades the pool to the band's edge, not to m: past
// the edge each further unit costs it more than the market pays back.

import type { PoolKey } from "./pools.ts";

/** Uniswap fees are in hundredths of a bip (pips): 500 is 0.05%. */
const PIPS_PER_UNIT = 1_000_000;

/**
 * Prices within this fraction of the band's edge count as on it. A pool the arbitrageur left at the edge reads
 * back through sqrtPriceX96 and float64 a few ulps off it: without this it would trade dust every block.
 */
export const EDGE_TOLERANCE = 1e-9;

/**
 * What a CEX shows for each v3 pool's pair (its base in its quote): the price the scenario last set that pool
 * to, not a Chainlink feed (a feed lags by its deviation threshold, and can be stale). The scenario runner fills
 * it from the pools when a pair is missing and records every move; the v4 pools that follow a v3 pool
 * (V4_POOLS_FOLLOWING) share its entry. A caller carries the same map across scenarios on one chain.
 */
export type MarketReference = Map<PoolKey, number>;

export interface NoArbitrageBand {
  lower: number;
  upper: number;
}

/** The band around `marketPrice` within which a pool charging `feePips` offers no arbitrage. */
export function noArbitrageBand(marketPrice: number, feePips: number): NoArbitrageBand {
  if (!(marketPrice > 0) || !Number.isFinite(marketPrice))
    throw new RangeError(`marketPrice must be positive, got ${marketPrice}`);
  if (!Number.isInteger(feePips) || feePips < 0 || feePips >= PIPS_PER_UNIT)
    throw new RangeError(`feePips must be an integer in [0, ${PIPS_PER_UNIT}), got ${feePips}`);
  const fee = feePips / PIPS_PER_UNIT;
  return { lower: marketPrice * (1 - fee), upper: marketPrice / (1 - fee) };
}

/**
 * The arbitrage a pool at `poolPrice` offers: `buyBase` when it is under the band (buy in the pool, sell on the
 * market), `sellBase` when over it, each up to the band's edge (`targetPrice`); undefined inside the band.
 */
export interface PoolArbitrage {
  direction: "buyBase" | "sellBase";
  targetPrice: number;
}

export function poolArbitrage(
  poolPrice: number,
  marketPrice: number,
  feePips: number,
): PoolArbitrage | undefined {
  if (!(poolPrice > 0) || !Number.isFinite(poolPrice))
    throw new RangeError(`poolPrice must be positive, got ${poolPrice}`);
  const { lower, upper } = noArbitrageBand(marketPrice, feePips);
  if (poolPrice < lower * (1 - EDGE_TOLERANCE)) return { direction: "buyBase", targetPrice: lower };
  if (poolPrice > upper * (1 + EDGE_TOLERANCE)) return { direction: "sellBase", targetPrice: upper };
  return undefined;
}
