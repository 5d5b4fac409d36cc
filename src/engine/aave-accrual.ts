// The interest an Aave v3 position accrues, from the chain's own indexes: a balance is scaled × normalized index
// (ScaledBalanceTokenBase: balanceOf = scaledBalance.rayMul(index)), so what a scaled balance held over a span
// accrued is scaled × (index at its end − index at its start), in the asset's units.
//
// getReserveData's indexes are as of the reserve's last update; the index now is the normalized one, as the Pool
// computes it for the block (core-v3 1.19.3, ReserveLogic.getNormalizedDebt / getNormalizedIncome):
//   debt index now   = variableBorrowIndex.rayMul(MathUtils.calculateCompoundedInterest(rate, lastUpdate, now))
//                      compounded per second, the binomial expansion to the third term:
//                      1 + r·t + t(t−1)/2 · (r/yr)² ... = RAY + r·t/yr + t(t−1)·b²/2 + t(t−1)(t−2)·b³/6,
//                      b² = r.rayMul(r)/yr², b³ = b².rayMul(r)/yr, yr = 365 days
//   supply index now = liquidityIndex.rayMul(MathUtils.calculateLinearInterest(rate, lastUpdate)) (linear)
// reproduced here in ray integers, truncations included, so the index equals what the Pool would use at the block.
// Pure.
import { toFloat, uint } from "./input-guards.ts";
import type { AaveReserveSnapshot } from "./snapshot.ts";

export const RAY = 10n ** 27n;
const HALF_RAY = RAY / 2n;
const SECONDS_PER_YEAR = 365n * 86_400n;

/** WadRayMath.rayMul: a·b / RAY, rounded half up. */
export function rayMul(a: bigint, b: bigint): bigint {
  return (a * b + HALF_RAY) / RAY;
}

/** WadRayMath.rayDiv: a·RAY / b, rounded half up. */
export function rayDiv(a: bigint, b: bigint): bigint {
  return (a * RAY + b / 2n) / b;
}

/** MathUtils.calculateCompoundedInterest(rate, lastUpdateTimestamp, currentTimestamp), ray. */
export function compoundedInterestRay(rateRay: bigint, elapsedSec: bigint): bigint {
  if (elapsedSec === 0n) return RAY;
  const expMinusOne = elapsedSec - 1n;
  const expMinusTwo = elapsedSec > 2n ? elapsedSec - 2n : 0n;
  const basePowerTwo = rayMul(rateRay, rateRay) / (SECONDS_PER_YEAR * SECONDS_PER_YEAR);
  const basePowerThree = rayMul(basePowerTwo, rateRay) / SECONDS_PER_YEAR;
  const secondTerm = (elapsedSec * expMinusOne * basePowerTwo) / 2n;
  const thirdTerm = (elapsedSec * expMinusOne * expMinusTwo * basePowerThree) / 6n;
  return RAY + (rateRay * elapsedSec) / SECONDS_PER_YEAR + secondTerm + thirdTerm;
}

/** MathUtils.calculateLinearInterest(rate, lastUpdateTimestamp) at `elapsedSec` after it, ray. */
export function linearInterestRay(rateRay: bigint, elapsedSec: bigint): bigint {
  return RAY + (rateRay * elapsedSec) / SECONDS_PER_YEAR;
}

function elapsedSince(reserve: AaveReserveSnapshot, nowSec: number): bigint {
  const elapsed = BigInt(nowSec) - BigInt(reserve.lastUpdateTimestampSec);
  // A reserve updated after the block that read it cannot be: the read and the block disagree.
  return uint(`reserve ${reserve.asset.symbol}: block time − lastUpdateTimestamp`, elapsed);
}

/** ReserveLogic.getNormalizedDebt at block time `nowSec`, ray. */
export function normalizedDebtIndexRay(reserve: AaveReserveSnapshot, nowSec: number): bigint {
  const elapsed = elapsedSince(reserve, nowSec);
  if (elapsed === 0n) return reserve.variableBorrowIndexRay;
  return rayMul(
    compoundedInterestRay(reserve.variableBorrowRateRay, elapsed),
    reserve.variableBorrowIndexRay,
  );
}

/** ReserveLogic.getNormalizedIncome at block time `nowSec`, ray. */
export function normalizedIncomeIndexRay(reserve: AaveReserveSnapshot, nowSec: number): bigint {
  const elapsed = elapsedSince(reserve, nowSec);
  if (elapsed === 0n) return reserve.liquidityIndexRay;
  return rayMul(linearInterestRay(reserve.liquidityRateRay, elapsed), reserve.liquidityIndexRay);
}

/**
 * What one reserve's interest is measured from, at a block: the account's scaled debt and scaled supply (whole units
 * of the asset) and the normalized indexes (1 = no interest yet). The interest over a step is then
 * scaled_{i−1} × (index_i − index_{i−1}) on each side.
 */
export interface AaveAccrualReading {
  scaledDebtBase: number;
  scaledSuppliedBase: number;
  debtIndex: number;
  supplyIndex: number;
}

/**
 * The reading of one reserve at block time `nowSec`. The scaled supply is the aToken balance over the normalized
 * income (rayDiv, as AToken.mint scales an amount): getUserReserveData returns the balance, not the scaled balance;
 * it is exact to a unit of the asset. Stable debt (disabled on v3's markets) is not scaled and is left out.
 */
export function aaveAccrualReadingOf(reserve: AaveReserveSnapshot, nowSec: number): AaveAccrualReading {
  const debtIndexRay = normalizedDebtIndexRay(reserve, nowSec);
  const supplyIndexRay = normalizedIncomeIndexRay(reserve, nowSec);
  const decimals = reserve.asset.decimals;
  return {
    scaledDebtBase: toFloat(reserve.scaledVariableDebt, decimals),
    scaledSuppliedBase: toFloat(rayDiv(reserve.aTokenBalance, supplyIndexRay), decimals),
    debtIndex: toFloat(debtIndexRay, 27),
    supplyIndex: toFloat(supplyIndexRay, 27),
  };
}

/**
 * Interest the short asset's position accrued from one reading to the next, whole units of the asset: supply income
 * minus borrow interest (negative = paid). Scaled balances are those held over the step: a borrow or a repay within
 * it changes the scaled debt from its block on, and accrues from the index at that block, which a sample at every
 * block makes the end's.
 */
export function aaveInterestBetween(from: AaveAccrualReading, to: AaveAccrualReading): number {
  return (
    from.scaledSuppliedBase * (to.supplyIndex - from.supplyIndex) -
    from.scaledDebtBase * (to.debtIndex - from.debtIndex)
  );
}
