// Collateral recalibration: keep the perp's margin ratio in [floor, ceiling] and the mark at least
// minLiquidationDistanceBps from liquidation, by a deposit (a safety action: it passes without a cost test) or
// a withdrawal of the excess (capital efficiency: only when it pays for its gas). Either moves the account to
// its targets (targetRatio, targetLiquidationDistanceBps), so the next price tick does not undo it.
import { fromFloat, toFloat } from "./input-guards.ts";
import type { BookParams } from "./params.ts";
import { DUST_NOTIONAL_USD, minAccountValueForDistance, type PerpMetrics } from "./perp-metrics.ts";
import { gasUsd, spotBalance } from "./plan-assembly.ts";
import type { BookSnapshot, PerpPositionSnapshot } from "./snapshot.ts";

/** Settlement collateral is a USD stable (Perp v2: USDC). */
const COLLATERAL_USD_PER_UNIT = 1;

/**
 * Where a perp position of `sizeBase` (signed, base units) with `accountValueUsd` stands against the margin
 * limits: its margin ratio, the account value that keeps it minLiquidationDistanceBps from liquidation, and
 * whether it is below either limit (ratio under the floor, or too close to liquidation).
 */
function marginAgainstLimits(
  sizeBase: number,
  indexPrice: number,
  accountValueUsd: number,
  maintenanceMarginRatio: number,
  margin: BookParams["margin"],
): { notionalUsd: number; ratio: number; minAccountValueUsd: number; below: boolean } {
  const notionalUsd = Math.abs(sizeBase) * indexPrice;
  const minAccountValueUsd = minAccountValueForDistance(
    sizeBase,
    indexPrice,
    maintenanceMarginRatio,
    margin.minLiquidationDistanceBps,
  );
  const ratio = accountValueUsd / notionalUsd;
  return {
    notionalUsd,
    ratio,
    minAccountValueUsd,
    below: ratio < margin.floorRatio || accountValueUsd < minAccountValueUsd,
  };
}

/** True when the perp's margin ratio is under its floor or its liquidation distance under its limit. */
export function marginBelowLimits(
  book: BookSnapshot,
  params: BookParams,
  accountValueUsd: number,
  indexPrice: number,
): boolean {
  const perp = book.perp;
  if (!perp || perp.sizeBase === 0n) return false;
  return marginAgainstLimits(
    toFloat(perp.sizeBase, 18),
    indexPrice,
    accountValueUsd,
    perp.maintenanceMarginRatio,
    params.margin,
  ).below;
}

/** The distance a deposit restores when the distance binds: configured, else 1.5 × the minimum. */
export function targetLiquidationDistanceBps(margin: BookParams["margin"]): number {
  return margin.targetLiquidationDistanceBps ?? Math.min(9_999, margin.minLiquidationDistanceBps * 1.5);
}

export interface CollateralMove {
  depositUsd: number;
  withdrawUsd: number;
  depositUnits: bigint;
  withdrawUnits: bigint;
  /** Why, as the plan's reason says it (empty when nothing moves). */
  note: string;
}

/**
 * The deposit or withdrawal that keeps the position within its margin limits once `trade` (signed, 18
 * decimals) is done at `tradeCostUsd`: a deposit up to the target ratio (or the liquidation distance, whichever
 * needs more), capped by maxCollateralMoveUsd and what the Safe holds; a withdrawal down to it, capped by the
 * free collateral, and none below minTradeUsd.
 */
export function recalibrateCollateral(input: {
  book: BookSnapshot;
  params: BookParams;
  perp: PerpPositionSnapshot;
  perpMetrics: PerpMetrics;
  trade: bigint;
  tradeCostUsd: number;
}): CollateralMove {
  const { book, params, perp, trade } = input;
  const index = input.perpMetrics.indexPrice;
  const collateral = perp.collateral;
  const avAfterTrade = input.perpMetrics.accountValueUsd - input.tradeCostUsd;
  const newSize = toFloat(perp.sizeBase + trade, 18);
  const notionalAfter = Math.abs(newSize) * index;
  let depositUsd = 0;
  let withdrawUsd = 0;
  let note = "";
  if (notionalAfter > 0) {
    const {
      ratio,
      minAccountValueUsd: minAvForDistance,
      below,
    } = marginAgainstLimits(newSize, index, avAfterTrade, perp.maintenanceMarginRatio, params.margin);
    // Recalibrate to the targets, not back to the limits: a deposit that only restores the minimum distance
    // is undone by the next tick up, so both deposits and withdrawals aim at the target distance.
    const targetAccountValueUsd = Math.max(
      params.margin.targetRatio * notionalAfter,
      minAvForDistance,
      minAccountValueForDistance(
        newSize,
        index,
        perp.maintenanceMarginRatio,
        targetLiquidationDistanceBps(params.margin),
      ),
    );
    if (below) {
      const want = targetAccountValueUsd - avAfterTrade;
      const availableUsd =
        toFloat(spotBalance(book, collateral.token.address), collateral.token.decimals) *
        COLLATERAL_USD_PER_UNIT;
      depositUsd = Math.max(0, Math.min(want, params.caps.maxCollateralMoveUsd, availableUsd));
      note =
        ratio < params.margin.floorRatio
          ? `; margin ratio ${ratio.toFixed(3)} below floor ${params.margin.floorRatio}: deposit`
          : `; liquidation distance below ${params.margin.minLiquidationDistanceBps} bps: deposit`;
    } else if (ratio > params.margin.ceilingRatio) {
      const keep = targetAccountValueUsd;
      const freeUsd = toFloat(perp.freeCollateral, collateral.token.decimals) * COLLATERAL_USD_PER_UNIT;
      withdrawUsd = Math.min(avAfterTrade - keep, params.caps.maxCollateralMoveUsd, freeUsd);
      if (withdrawUsd < params.minTradeUsd) withdrawUsd = 0;
      else
        note =
          notionalAfter < DUST_NOTIONAL_USD
            ? "; perp position is dust: withdraw idle collateral"
            : `; margin ratio ${ratio.toFixed(3)} above ceiling ${params.margin.ceilingRatio}: withdraw excess`;
    }
  }
  return {
    depositUsd,
    withdrawUsd,
    note,
    depositUnits:
      depositUsd > 0
        ? fromFloat("deposit", depositUsd / COLLATERAL_USD_PER_UNIT, collateral.token.decimals)
        : 0n,
    withdrawUnits:
      withdrawUsd > 0
        ? fromFloat("withdraw", withdrawUsd / COLLATERAL_USD_PER_UNIT, collateral.token.decimals)
        : 0n,
  };
}

/** A withdrawal on its own is capital efficiency, not risk: it goes only when it pays for its gas. */
export function withdrawalPaysForGas(withdrawUsd: number, params: BookParams, basePriceUsd: number): boolean {
  const gas = gasUsd(params, params.costs.gasBase + params.costs.gasPerCollateralMove, basePriceUsd);
  return withdrawUsd > gas * params.costMargin;
}
