// The supply interest a lending short's collateral earns, from the chain's own indexes, in USD: what the report
// counts in a lending short's carry beside the short asset's interest (src/store/report-period.ts), as the engine's
// carry (aave-borrow-short.ts: Σ supplied × supply rate − Σ owed × borrow rate) counts it.
//
// An aToken balance is scaled × normalized income (ScaledBalanceTokenBase: balanceOf = scaledBalance.rayMul(index)),
// so what a scaled balance held over a step earned is scaled_{i−1} × (index_i − index_{i−1}), in the asset's units;
// a supply or a withdrawal changes the scaled balance from its block on (aave-accrual.ts, the short asset's side).
// It is valued at the AaveOracle's price of the asset at the step's end: the price Aave values the collateral at
// (getUserAccountData, so the book's value), a Chainlink feed on mainnet's markets and the devnet's, so a de-pegged
// stablecoin's interest counts at its de-pegged price, never at $1. Pure.
import { normalizedIncomeIndexRay, rayDiv } from "./aave-accrual.ts";
import { fail, toFloat } from "./input-guards.ts";
import type { AaveAccountSnapshot } from "./snapshot.ts";

/** One collateral reserve of the account at a block: what its supply interest over a step is measured from. */
export interface AaveCollateralReading {
  /** The reserve's underlying asset, as the snapshot names it. */
  asset: string;
  symbol: string;
  /** The account's scaled aToken balance, whole units of the asset (aToken balance ÷ normalized income). */
  scaledSupplied: number;
  /** ReserveLogic.getNormalizedIncome at the block (1 = none accrued). */
  incomeIndex: number;
  /** AaveOracle.getAssetPrice at the block, USD per whole unit. */
  priceUsd: number;
}

/**
 * Every reserve of the account but the short asset (the configured collateral and other reserves the leg reads),
 * read at block time `nowSec`. A reserve the account does not supply reads scaled 0: known to earn nothing.
 */
export function aaveCollateralReadingsOf(
  account: AaveAccountSnapshot,
  shortAsset: string,
  nowSec: number,
): AaveCollateralReading[] {
  const baseDecimals = account.baseCurrencyUnit.toString().length - 1;
  if (account.baseCurrencyUnit !== 10n ** BigInt(baseDecimals))
    fail("aave.baseCurrencyUnit", "must be a power of ten", account.baseCurrencyUnit);
  return account.reserves
    .filter((r) => r.asset.address.toLowerCase() !== shortAsset.toLowerCase())
    .map((r) => {
      const incomeIndexRay = normalizedIncomeIndexRay(r, nowSec);
      return {
        asset: r.asset.address,
        symbol: r.asset.symbol,
        // As AToken.mint scales an amount: exact to a unit of the asset (getUserReserveData gives the balance).
        scaledSupplied: toFloat(rayDiv(r.aTokenBalance, incomeIndexRay), r.asset.decimals),
        incomeIndex: toFloat(incomeIndexRay, 27),
        priceUsd: toFloat(r.priceBase, baseDecimals),
      };
    });
}

/**
 * The collateral's supply interest from one block's readings to the next, USD at the end's prices: Σ scaled_from ×
 * (index_to − index_from) × price_to. Null when it cannot be known: a reserve held at the start is not read at the
 * end, or one held at the end was not read at the start (its balance then unknown).
 */
export function aaveCollateralInterestUsdBetween(
  from: readonly AaveCollateralReading[],
  to: readonly AaveCollateralReading[],
): number | null {
  const key = (r: AaveCollateralReading) => r.asset.toLowerCase();
  const ending = new Map(to.map((r) => [key(r), r]));
  const starting = new Set(from.map(key));
  if (to.some((r) => r.scaledSupplied !== 0 && !starting.has(key(r)))) return null;
  let interestUsd = 0;
  for (const start of from) {
    const end = ending.get(key(start));
    if (end === undefined) {
      if (start.scaledSupplied !== 0) return null;
      continue;
    }
    interestUsd += start.scaledSupplied * (end.incomeIndex - start.incomeIndex) * end.priceUsd;
  }
  return interestUsd;
}
