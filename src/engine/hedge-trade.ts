// Hedge trade sizing: the perp resize that takes the book towards its target hedge ratio, within the trade and
// notional caps and the liquidation distance the collateral can keep, and what it is expected to cost (taker
// fee, price impact at the market's depth, funding over the horizon) and to save (drift risk at the confidence quantile).
import type { BookMetrics } from "./book-metrics.ts";
import { type HedgeDrift, hedgeDrift } from "./hedge-drift.ts";
import { fail, fromFloat, MAX_UINT128, toFloat } from "./input-guards.ts";
import type { BookParams } from "./params.ts";
import { minAccountValueForDistance, type PerpMetrics } from "./perp-metrics.ts";
import { perpTradeCost } from "./perp-trade-cost.ts";
import { gasUsd, spotBalance } from "./plan-assembly.ts";
import type { BookSnapshot, PerpPositionSnapshot } from "./snapshot.ts";
import { SECONDS_PER_YEAR } from "./volatility.ts";

export interface HedgeTrade {
  /** Signed perp size change, 18 decimals (negative sells base); 0n when no trade is wanted. */
  signedTrade: bigint;
  /** Which limit sized it down, as the plan's reason says it (empty when none). */
  note: string;
  /** The venue fee on the exchanged notional. */
  feesUsd: number;
  /** Price impact at the market pool's depth (perp-trade-cost.ts): a bound when the trade leaves the known range. */
  slippageUsd: number;
  /** Funding over the horizon on the added size (negative: earned). */
  fundingUsd: number;
  /** The book's drift once the trade is done. */
  driftAfter: HedgeDrift;
  /** Drift risk removed, USD at the confidence quantile over the horizon. */
  riskReductionUsd: number;
}

/** The base size change towards the target, within caps; 0 when it rounds below minTradeUsd. */
function tradeSize(
  book: BookSnapshot,
  params: BookParams,
  m: BookMetrics,
  perp: PerpPositionSnapshot,
  pm: PerpMetrics,
): { tradeBase: number; note: string } {
  const index = pm.indexPrice;
  let note = "";
  // The whole hedge (every leg) against its target: this leg trades what the book as a whole is off by.
  let tradeBase = m.drift.targetHedgeDeltaBase - m.drift.hedgeDeltaBase;
  const maxTradeBase = params.caps.maxTradeUsd / index;
  if (Math.abs(tradeBase) > maxTradeBase) {
    tradeBase = Math.sign(tradeBase) * maxTradeBase;
    note = " (capped by maxTradeUsd)";
  }
  const maxSizeBase = params.caps.maxHedgeNotionalUsd / index;
  const newSize = pm.sizeBase + tradeBase;
  if (Math.abs(newSize) > maxSizeBase) {
    tradeBase = Math.sign(newSize) * maxSizeBase - pm.sizeBase;
    note = " (capped by maxHedgeNotionalUsd)";
  }
  // Never grow the position past what the collateral (with what the Safe can deposit) keeps at least
  // minLiquidationDistanceBps from liquidation.
  const grownSize = pm.sizeBase + tradeBase;
  if (Math.abs(grownSize) > Math.abs(pm.sizeBase)) {
    const perUnitNotional = minAccountValueForDistance(
      Math.sign(grownSize),
      1,
      perp.maintenanceMarginRatio,
      params.margin.minLiquidationDistanceBps,
    );
    const depositableUsd = Math.min(
      toFloat(spotBalance(book, perp.collateral.token.address), perp.collateral.token.decimals),
      params.caps.maxCollateralMoveUsd,
    );
    const maxAbsSize = (pm.accountValueUsd + depositableUsd) / (perUnitNotional * index * (1 + 0.001));
    if (Math.abs(grownSize) > maxAbsSize) {
      const limited = Math.max(maxAbsSize, Math.abs(pm.sizeBase));
      tradeBase = Math.sign(grownSize) * limited - pm.sizeBase;
      note = " (limited by liquidation distance)";
    }
  }
  if (Math.abs(tradeBase) * index < params.minTradeUsd) tradeBase = 0;
  return { tradeBase, note };
}

/**
 * The hedge trade when `act` (drift armed, no cooldown), else none; either way with what it would cost and
 * save, so a plan can say why it did not trade.
 */
export function sizeHedgeTrade(input: {
  book: BookSnapshot;
  params: BookParams;
  metrics: BookMetrics;
  perp: PerpPositionSnapshot;
  perpMetrics: PerpMetrics;
  act: boolean;
}): HedgeTrade {
  const { book, params, metrics: m, perp, perpMetrics: pm } = input;
  const index = pm.indexPrice;
  const sigmaHorizon = m.sigmaAnnual * Math.sqrt(params.risk.horizonSec / SECONDS_PER_YEAR);
  const horizonDays = params.risk.horizonSec / 86_400;
  const { tradeBase, note } = input.act ? tradeSize(book, params, m, perp, pm) : { tradeBase: 0, note: "" };
  const amountBase = tradeBase === 0 ? 0n : fromFloat("tradeBase", Math.abs(tradeBase), 18);
  if (amountBase > MAX_UINT128) fail("tradeBase", "trade too large", amountBase);
  const signedTrade = tradeBase < 0 ? -amountBase : amountBase;

  // Price impact from the market pool's depth and the venue fee on the exchanged notional (perp-trade-cost.ts,
  // shared with the backtest); perpSlippageBps is only the plan's tolerance, the bound past which it reverts.
  const cost =
    amountBase === 0n
      ? null
      : perpTradeCost(perp.marketDepth, {
          amountBase,
          isBaseToQuote: signedTrade < 0n,
          feeBps: params.costs.perpTakerFeeBps,
          toleranceBps: params.costs.perpSlippageBps,
        });
  const feesUsd = cost?.feeUsd ?? 0;
  const slippageUsd = cost?.impactUsd ?? 0;
  // Funding over the horizon on the added size: longs pay shorts when the rate is > 0, so growing a short
  // (negative trade) earns, i.e. a negative cost.
  const fundingUsd = toFloat(signedTrade, 18) * index * perp.fundingRateDaily * horizonDays;
  const driftAfter = hedgeDrift({
    lpDeltaBase: m.drift.lpDeltaBase,
    spotDeltaBase: m.drift.spotDeltaBase,
    hedgeDeltaBase: m.drift.hedgeDeltaBase + toFloat(signedTrade, 18),
    basePriceUsd: m.basePriceUsd,
    bookValueUsd: m.bookValueUsd,
    targetHedgeRatio: params.targetHedgeRatio,
  });
  const riskReductionUsd = Math.max(
    0,
    (Math.abs(m.drift.driftUsd) - Math.abs(driftAfter.driftUsd)) * sigmaHorizon * params.risk.confidenceZ,
  );
  return { signedTrade, note, feesUsd, slippageUsd, fundingUsd, driftAfter, riskReductionUsd };
}

/**
 * The cost test: a trade goes only when its risk reduction beats its cost (gas of the trade and of the wrapper,
 * fees, slippage, funding) × costMargin. Why it does not, in words; null when it passes or there is no trade.
 */
export function hedgeTradeRefusal(
  trade: HedgeTrade,
  params: BookParams,
  basePriceUsd: number,
): string | null {
  if (trade.signedTrade === 0n) return null;
  const hedgeCost =
    gasUsd(params, params.costs.gasPerPerpTrade, basePriceUsd) +
    trade.feesUsd +
    trade.slippageUsd +
    trade.fundingUsd;
  const totalUsd = hedgeCost + gasUsd(params, params.costs.gasBase, basePriceUsd);
  if (trade.riskReductionUsd > totalUsd * params.costMargin) return null;
  return `risk reduction $${trade.riskReductionUsd.toFixed(2)} <= cost $${totalUsd.toFixed(2)} × ${params.costMargin}`;
}
