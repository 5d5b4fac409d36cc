// One interface for a hedge leg, whatever its venue: its delta, collateral, liquidation price and distance, annual
// carry and caps, so decide() can size the total hedge and move the leg that costs least (leg-choice.ts). A venue
// adds one engine module that fills this (perp-metrics.ts, aave-leg.ts) and one line in `hedgeLegsOf`.
import type { AaveLegMetrics } from "./aave-leg.ts";
import type { BookParams } from "./params.ts";
import type { PerpMetrics } from "./perp-metrics.ts";

export const HEDGE_VENUES = ["perp-v2", "aave-v3-borrow"] as const;
export type HedgeVenue = (typeof HEDGE_VENUES)[number];

export interface HedgeLeg {
  venue: HedgeVenue;
  /** Signed base units the leg holds (negative = short). */
  deltaBase: number;
  /** |delta| × the base price, USD. */
  notionalUsd: number;
  /** What backs the leg, USD: perp account value, Aave collateral. */
  collateralUsd: number;
  /** Aave's health factor (Infinity without debt); null on a perp. */
  healthFactor: number | null;
  /** Perp account value / |notional|; null on Aave or without a position. */
  marginRatio: number | null;
  /** The base price at which the leg is liquidated, USD; null when no base price alone does it. */
  liquidationPriceUsd: number | null;
  liquidationDistanceBps: number | null;
  /** What the leg earns per year at today's rates, USD (negative = pays): funding, or supply − borrow interest. */
  carryUsdPerYear: number;
  /**
   * What one more USD of short on this leg costs per year: a perp short pays −funding (shorts earn when longs pay);
   * an Aave short pays the variable borrow rate and earns the collateral's supply rate on the proceeds.
   */
  shortCarryApr: number;
  /** Fees plus slippage bound of a trade on the leg, bps of its notional. */
  tradeCostBps: number;
  /** Gas units of one trade on the leg (the wrapper's gas is shared by any plan). */
  tradeGas: number;
  caps: { maxTradeUsd: number; maxHedgeNotionalUsd: number };
}

export function perpHedgeLeg(pm: PerpMetrics, params: BookParams): HedgeLeg {
  return {
    venue: "perp-v2",
    deltaBase: pm.sizeBase,
    notionalUsd: pm.notionalUsd,
    collateralUsd: pm.accountValueUsd,
    healthFactor: null,
    marginRatio: pm.marginRatio,
    liquidationPriceUsd: pm.liquidationPrice,
    liquidationDistanceBps: pm.liquidationDistanceBps,
    carryUsdPerYear: pm.fundingCarryUsdPerYear,
    // Shorts earn funding when the rate is > 0 (longs pay shorts): a negative cost.
    shortCarryApr: -pm.fundingRateDaily * 365,
    tradeCostBps: params.costs.perpTakerFeeBps + params.costs.perpSlippageBps,
    tradeGas: params.costs.gasPerPerpTrade,
    caps: { maxTradeUsd: params.caps.maxTradeUsd, maxHedgeNotionalUsd: params.caps.maxHedgeNotionalUsd },
  };
}

export function aaveHedgeLeg(am: AaveLegMetrics, params: BookParams): HedgeLeg {
  const aave = params.aave;
  if (!aave) throw new TypeError("aaveHedgeLeg needs params.aave");
  return {
    venue: "aave-v3-borrow",
    deltaBase: am.delta,
    notionalUsd: Math.abs(am.delta) * am.shortPriceUsd,
    collateralUsd: am.totalCollateralUsd,
    healthFactor: am.healthFactor,
    marginRatio: null,
    liquidationPriceUsd: am.liquidation?.priceUsd ?? null,
    liquidationDistanceBps: am.liquidation?.distanceBps ?? null,
    carryUsdPerYear: am.carryUsdPerYear,
    shortCarryApr: am.borrowApr - am.supplyApr,
    // A Uniswap v3 fee is in hundredths of a bip: 500 = 5 bps.
    tradeCostBps: aave.swap.fee / 100 + aave.swap.maxSlippageBps,
    // Borrow (or repay) plus the swap.
    tradeGas: params.costs.gasPerCollateralMove + params.costs.gasPerSwap,
    caps: { maxTradeUsd: aave.caps.maxTradeUsd, maxHedgeNotionalUsd: aave.caps.maxDebtUsd },
  };
}

/** The book's legs, in a fixed order (perp first): what the metrics found of each configured venue. */
export function hedgeLegsOf(
  metrics: { perp: PerpMetrics | null; aave: AaveLegMetrics | null },
  params: BookParams,
): HedgeLeg[] {
  const legs: HedgeLeg[] = [];
  if (metrics.perp) legs.push(perpHedgeLeg(metrics.perp, params));
  if (metrics.aave) legs.push(aaveHedgeLeg(metrics.aave, params));
  return legs;
}
