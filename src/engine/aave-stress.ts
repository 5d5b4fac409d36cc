// The Aave v3 borrow-short leg under a stress shock: every reserve repriced by the shock (the AaveOracle's sources are
// the same Chainlink feeds the book is priced with, so a shocked feed is a shocked Aave price), then
//  - the leg's value change: Σ supplied × Δprice − Σ owed × Δprice (the account's equity, as in bookValueUsd);
//  - the health factor after, with Aave's exact formula and rounding (aaveAccountTotals: GenericLogic
//    .calculateUserAccountData, Σ collateral·LT / Σ debt in the oracle's base currency);
//  - liquidated: the health factor after is under 1 (HEALTH_FACTOR_LIQUIDATION_THRESHOLD). A liquidator then repays
//    up to half the debt (LiquidationLogic DEFAULT_LIQUIDATION_CLOSE_FACTOR), all of it below HF 0.95
//    (CLOSE_FACTOR_HF_THRESHOLD), and seizes that much collateral plus the collateral's bonus: the bonus is the
//    account's loss, counted at the shocked prices (a path that crosses HF 1 earlier is liquidated nearer the
//    crossing, so this is the penalty of one liquidation, not of a cascade).
import { aaveAccountTotals, HEALTH_FACTOR_LIQUIDATION_THRESHOLD, WAD } from "./aave-borrow-short.ts";
import { toFloat } from "./input-guards.ts";
import type { AaveAccountSnapshot, AaveReserveSnapshot } from "./snapshot.ts";

const CLOSE_FACTOR_HF_THRESHOLD_WAD = (95n * WAD) / 100n;
const DEFAULT_CLOSE_FACTOR = 0.5;

export interface AaveLegStress {
  /** Change of the account's equity (supplied − owed, USD), positive = gain. */
  valueChangeUsd: number;
  healthFactorBefore: number;
  /** Infinity without debt. */
  healthFactorAfter: number;
  liquidated: boolean;
  /** The liquidation bonus the account pays if liquidated at the shocked prices, USD (0 otherwise). */
  liquidationPenaltyUsd: number;
}

/** `priceRatio(asset)`: the asset's USD price after the shock over before (1 = unmoved), asset lower-cased. */
export function aaveLegUnderShock(
  account: AaveAccountSnapshot,
  priceRatio: (asset: string) => number,
): AaveLegStress {
  const baseUnit = Number(account.baseCurrencyUnit);
  const repriced: AaveReserveSnapshot[] = account.reserves.map((reserve) => {
    const ratio = priceRatio(reserve.asset.address.toLowerCase());
    return ratio === 1
      ? reserve
      : { ...reserve, priceBase: BigInt(Math.round(Number(reserve.priceBase) * ratio)) };
  });
  let valueChangeUsd = 0;
  for (const [i, before] of account.reserves.entries()) {
    const after = repriced[i]!;
    const units =
      toFloat(before.aTokenBalance, before.asset.decimals) -
      toFloat(before.variableDebt + before.stableDebt, before.asset.decimals);
    valueChangeUsd += (units * Number(after.priceBase - before.priceBase)) / baseUnit;
  }
  const totalsBefore = aaveAccountTotals(account.reserves);
  const totalsAfter = aaveAccountTotals(repriced);
  const noDebt = totalsAfter.totalDebtBase === 0n;
  const liquidated = !noDebt && totalsAfter.healthFactorWad < HEALTH_FACTOR_LIQUIDATION_THRESHOLD;
  let liquidationPenaltyUsd = 0;
  if (liquidated) {
    const closeFactor =
      totalsAfter.healthFactorWad < CLOSE_FACTOR_HF_THRESHOLD_WAD ? 1 : DEFAULT_CLOSE_FACTOR;
    // The liquidator seizes the collateral with the largest supply (the one a liquidator would pick first).
    const collateral = repriced
      .filter((r) => r.usedAsCollateral && r.liquidationThresholdBps !== 0)
      .sort((a, b) => Number(b.aTokenBalance * b.priceBase - a.aTokenBalance * a.priceBase))[0];
    const bonus = collateral === undefined ? 0 : collateral.liquidationBonusBps / 10_000 - 1;
    const debtUsd = Number(totalsAfter.totalDebtBase) / baseUnit;
    const collateralUsd = Number(totalsAfter.totalCollateralBase) / baseUnit;
    // Seized collateral is at most what there is: the penalty is the bonus on what the liquidator can take.
    liquidationPenaltyUsd = Math.min(
      debtUsd * closeFactor * bonus,
      Math.max(0, collateralUsd - debtUsd * closeFactor),
    );
  }
  const hf = (wad: bigint, debt: bigint) => (debt === 0n ? Number.POSITIVE_INFINITY : Number(wad) / 1e18);
  return {
    valueChangeUsd,
    healthFactorBefore: hf(totalsBefore.healthFactorWad, totalsBefore.totalDebtBase),
    healthFactorAfter: hf(totalsAfter.healthFactorWad, totalsAfter.totalDebtBase),
    liquidated,
    liquidationPenaltyUsd,
  };
}
