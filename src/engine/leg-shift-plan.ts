// The plan that shifts hedge between the perp and the Aave borrow short (leg-shift.ts chose the amount): the Aave
// leg's calls (aaveLegTrade: repay bought with collateral, or borrow and sell) and the perp resize the other way by
// the same base, in one batch. The premise pins the perp size as found; the post-state asserts the perp size after
// and the Aave health factor at the floor, so the book's delta comes out where it went in.
import { type AaveLegContext, aaveHealthFactorBound, aaveLegTrade, aaveLegTradeCosts } from "./aave-plan.ts";
import { aaveSwapQuotes } from "./aave-swap-quotes.ts";
import { fromFloat, toFloat } from "./input-guards.ts";
import type { LegShift } from "./leg-shift.ts";
import { minAccountValueForDistance, type PerpMetrics } from "./perp-metrics.ts";
import type { Decision, Plan, PlanAction, TradeQuote } from "./plan.ts";
import { gasUsd, oraclePremise, perpAdjustAction, perpSizeTolerance, planCost } from "./plan-assembly.ts";
import { planId } from "./plan-id.ts";
import type { PerpPositionSnapshot } from "./snapshot.ts";
import { SECONDS_PER_YEAR } from "./volatility.ts";

export interface LegShiftPlanInput {
  ctx: AaveLegContext;
  perp: PerpPositionSnapshot;
  perpMetrics: PerpMetrics;
  shift: LegShift;
}

/**
 * The largest short the perp's account value alone keeps `minLiquidationDistanceBps` from liquidation, base units:
 * a shift deposits no collateral (the collateral lane tops the margin up afterwards if it needs it).
 */
function perpShortRoomBase(input: LegShiftPlanInput): number {
  const { ctx, perp, perpMetrics: pm } = input;
  const perUnit = minAccountValueForDistance(
    -1,
    1,
    perp.maintenanceMarginRatio,
    ctx.params.margin.minLiquidationDistanceBps,
  );
  const maxAbsShort = pm.accountValueUsd / (perUnit * pm.indexPrice * (1 + 0.001));
  return Math.max(0, maxAbsShort - Math.max(0, -pm.sizeBase));
}

/** The shift as one plan, or why none: the Aave leg sizes it down (band, what the Safe can pay), the perp follows. */
export function planLegShift(input: LegShiftPlanInput): {
  decision: Decision | null;
  refused: string | null;
} {
  const { ctx, perp, perpMetrics: pm, shift } = input;
  const { book, params, metrics: m, am } = ctx;
  const fromAave = shift.from === "aave-v3-borrow";
  const base = fromAave ? Math.min(shift.base, perpShortRoomBase(input)) : shift.base;
  if (base * m.basePriceUsd < params.minTradeUsd)
    return { decision: null, refused: "the perp's margin leaves no room to take the Aave short over" };
  // Shrinking the Aave short (repay) is a positive trade on it; growing it (borrow) a negative one.
  const sized = aaveLegTrade(ctx, fromAave ? base : -base);
  if (sized.trade === null) return { decision: null, refused: sized.refused };
  const { signedBase: aaveBase, healthFactorAfterWad } = sized.trade;
  // The perp moves the other way by what the Aave leg actually moved: the total hedge is unchanged.
  const perpUnits = fromFloat("shift", Math.abs(aaveBase), 18);
  const perpTrade = aaveBase > 0 ? -perpUnits : perpUnits;
  const actions: PlanAction[] = [...sized.trade.actions];
  const quotes: TradeQuote[] = aaveSwapQuotes(book, ctx.account, actions);
  quotes.push({ kind: "perp", actionIndex: actions.length, priceUsd: toFloat(perp.markPriceE18, 18) });
  actions.push(perpAdjustAction(book, params, perp, perpTrade));

  const movedBase = Math.abs(aaveBase);
  const notionalUsd = movedBase * m.basePriceUsd;
  const aaveCosts = aaveLegTradeCosts(ctx, notionalUsd);
  const feesUsd = aaveCosts.feesUsd + notionalUsd * (params.costs.perpTakerFeeBps / 10_000);
  const slippageUsd = aaveCosts.slippageUsd + notionalUsd * (params.costs.perpSlippageBps / 10_000);
  const poolCalls = sized.trade.actions.filter((a) => a.venue === "aave-v3").length;
  const gas = gasUsd(
    params,
    params.costs.gasBase +
      params.costs.gasPerPerpTrade +
      poolCalls * params.costs.gasPerCollateralMove +
      params.costs.gasPerSwap,
    m.basePriceUsd,
  );
  // Carry over the risk horizon, as every plan reports it: the short moves from the dear leg to the cheap one.
  const aaveShortApr = am.borrowApr - am.supplyApr;
  const perpShortApr = -pm.fundingRateDaily * 365;
  const aprSaved = fromAave ? aaveShortApr - perpShortApr : perpShortApr - aaveShortApr;
  const carryUsd = -notionalUsd * aprSaved * (params.risk.horizonSec / SECONDS_PER_YEAR);
  const sizeAfter = perp.sizeBase + perpTrade;
  const plan: Plan = {
    planId: planId(book.bookId, book.blockNumber, actions),
    bookId: book.bookId,
    blockNumber: book.blockNumber,
    lane: "routine",
    reason: `hedge shift ${shift.from} → ${shift.to}: ${movedBase.toFixed(4)} base, short carry ${(aprSaved * 100).toFixed(2)}%/yr dearer on ${shift.from}; saves $${shift.carrySavedUsd.toFixed(2)} over the shift horizon for $${shift.costUsd.toFixed(2)}, health factor → ${toFloat(healthFactorAfterWad, 18).toFixed(3)}`,
    actions,
    premise: {
      deadlineSec: ctx.nowSec + params.premise.deadlineSec,
      oracle: oraclePremise(book.baseOracle, params.premise.oracleBandBps),
      perp: {
        baseToken: perp.baseToken,
        expectedSize: perp.sizeBase,
        toleranceBase: perpSizeTolerance(params, perp.sizeBase),
      },
    },
    post: {
      perp: {
        baseToken: perp.baseToken,
        targetSize: sizeAfter,
        toleranceBase: perpSizeTolerance(params, sizeAfter),
      },
      aave: { pool: ctx.leg.pool, minHealthFactorWad: aaveHealthFactorBound(ctx, healthFactorAfterWad) },
      minBalances: [],
    },
    // The book's delta does not move: no drift risk removed; what it buys is the carry.
    expectedRiskReductionUsd: 0,
    expectedCost: planCost({ gasUsd: gas, feesUsd, slippageUsd, fundingUsd: carryUsd }),
    quote: { basePriceUsd: m.basePriceUsd, legs: quotes },
    driftBpsBefore: m.drift.driftBps,
    driftBpsAfter: m.drift.driftBps,
    hedgeTriggered: book.keeper.hedgeTriggered,
  };
  return { decision: { kind: "plan", plan }, refused: null };
}
