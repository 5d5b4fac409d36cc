// The Aave v3 borrow-short hedge leg as the engine judges it: the account's figures (aave-borrow-short.ts, exact to
// Aave's rounding) against the leg's health-factor band (floor / target / ceiling) and its least liquidation
// distance, and the health factor a batch of Pool calls would leave (what HedgeGuard's post check reads).
import {
  type AaveAccountTotals,
  type AaveBorrowShortMetrics,
  aaveAccountTotals,
  aaveBorrowShortMetrics,
  WAD,
} from "./aave-borrow-short.ts";
import { fail } from "./input-guards.ts";
import type { AaveLegParams } from "./params.ts";
import type { Address } from "./plan.ts";
import type { AaveAccountSnapshot, AaveReserveSnapshot } from "./snapshot.ts";

/** Where the health factor sits in the leg's band. */
export const AAVE_BAND_STATES = ["below-floor", "below-target", "in-band", "above-ceiling"] as const;
export type AaveBandState = (typeof AAVE_BAND_STATES)[number];

export interface AaveLegMetrics extends AaveBorrowShortMetrics {
  collateralAsset: Address;
  /** aToken balance of the collateral asset (its own units). */
  collateralUnits: bigint;
  band: AaveBandState;
  /** The short asset's price is within `minLiquidationDistanceBps` of the liquidation price. */
  liquidationTooClose: boolean;
  /** Below the floor or too close to liquidation: the keeper's urgent lane. */
  urgent: boolean;
  /**
   * The health factor to restore when urgent: the target, or more when the distance needs it. With stable collateral
   * HF(p) = HF·p₀/p, so the liquidation price is p₀·HF and a distance d needs HF ≥ 1 + d.
   */
  safeHealthFactorWad: bigint;
  floorWad: bigint;
  targetWad: bigint;
  ceilingWad: bigint;
  /**
   * The routine lane recalibrates only under this health factor (halfway from the floor to the target), restoring
   * to the target: a hysteresis band, so one oracle round that takes the health factor a hair under the target does
   * not cost a transaction, while half the floor-to-target gap is left for the rounds before the keeper acts.
   */
  recalibrateBelowWad: bigint;
  /** Under `recalibrateBelowWad` (and above the floor): the routine lane restores the target. */
  recalibrationDue: boolean;
}

/** A health factor as a wad, to the micro-unit (config values are decimals such as 1.5). */
export function healthFactorWad(x: number): bigint {
  if (!(Number.isFinite(x) && x >= 0)) fail("healthFactor", "must be finite and >= 0", x);
  return BigInt(Math.round(x * 1e6)) * 10n ** 12n;
}

export function aaveLegMetrics(snapshot: AaveAccountSnapshot, params: AaveLegParams): AaveLegMetrics {
  const metrics = aaveBorrowShortMetrics(snapshot, { shortAsset: params.shortAsset });
  const collateral = reserveOf(snapshot, params.collateralAsset);
  if (!collateral)
    fail("aave.collateralAsset", "is not among the snapshot's reserves", params.collateralAsset);
  const floorWad = healthFactorWad(params.healthFactor.floor);
  const targetWad = healthFactorWad(params.healthFactor.target);
  const ceilingWad = healthFactorWad(params.healthFactor.ceiling);
  const recalibrateBelowWad = floorWad + (targetWad - floorWad) / 2n;
  const hf = metrics.healthFactorWad;
  const noDebt = metrics.debtUnits === 0n;
  const band: AaveBandState = noDebt
    ? "in-band"
    : hf < floorWad
      ? "below-floor"
      : hf < targetWad
        ? "below-target"
        : hf > ceilingWad
          ? "above-ceiling"
          : "in-band";
  const liquidationTooClose =
    metrics.liquidation !== null &&
    metrics.liquidation.direction === "rise" &&
    metrics.liquidation.distanceBps < params.minLiquidationDistanceBps;
  const distanceWad = WAD + (WAD * BigInt(Math.round(params.minLiquidationDistanceBps))) / 10_000n;
  return {
    ...metrics,
    collateralAsset: collateral.asset.address,
    collateralUnits: collateral.aTokenBalance,
    band,
    liquidationTooClose,
    urgent: !noDebt && (band === "below-floor" || liquidationTooClose),
    safeHealthFactorWad: targetWad > distanceWad ? targetWad : distanceWad,
    floorWad,
    targetWad,
    ceilingWad,
    recalibrateBelowWad,
    recalibrationDue: band === "below-target" && hf < recalibrateBelowWad,
  };
}

/** A change to one reserve of the account: supplied (aToken) and owed (variable debt) units, signed. */
export interface AaveBalanceChange {
  asset: Address;
  suppliedDelta: bigint;
  debtDelta: bigint;
}

/** The health factor (wad) after the changes, at the snapshot's prices: the figure HedgeGuard's post check reads. */
export function aaveHealthFactorAfter(
  snapshot: AaveAccountSnapshot,
  changes: readonly AaveBalanceChange[],
): bigint {
  return aaveTotalsAfter(snapshot, changes).healthFactorWad;
}

/** The account's totals (collateral, debt, average LTV, health factor) after the changes, at the snapshot's prices. */
export function aaveTotalsAfter(
  snapshot: AaveAccountSnapshot,
  changes: readonly AaveBalanceChange[],
): AaveAccountTotals {
  const reserves = snapshot.reserves.map((reserve) => {
    const change = changes.find((c) => c.asset.toLowerCase() === reserve.asset.address.toLowerCase());
    if (!change) return reserve;
    const aTokenBalance = reserve.aTokenBalance + change.suppliedDelta;
    const variableDebt = reserve.variableDebt + change.debtDelta;
    if (aTokenBalance < 0n || variableDebt < 0n)
      fail(`aave change of ${reserve.asset.symbol}`, "takes a balance below zero", change);
    return {
      ...reserve,
      aTokenBalance,
      variableDebt,
      // A first supply turns collateral on (SupplyLogic.executeSupply); a later one keeps the user's choice.
      usedAsCollateral:
        reserve.usedAsCollateral ||
        (reserve.aTokenBalance === 0n && change.suppliedDelta > 0n && reserve.ltvBps !== 0),
    };
  });
  return aaveAccountTotals(reserves);
}

export function reserveOf(snapshot: AaveAccountSnapshot, asset: Address): AaveReserveSnapshot | undefined {
  return snapshot.reserves.find((r) => r.asset.address.toLowerCase() === asset.toLowerCase());
}
