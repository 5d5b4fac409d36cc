// An Aave v3 borrow short: borrow the risk asset (e.g. WETH) against collateral (e.g. USDC) and sell it, so the
// book is short what it owes. The health factor follows Aave's own code (core-v3 1.19.3,
// GenericLogic.calculateUserAccountData) with its rounding (WadRayMath.wadDiv, PercentageMath.percentMul,
// integer division by the asset unit), so it equals Pool.getUserAccountData's to the wei for the same balances:
//   value_i      = ⌊balance_i · price_i / 10^decimals_i⌋              (oracle base currency, USD × 1e8)
//   avgLT        = ⌊Σ collateral_i · LT_i / Σ collateral_i⌋           (bps; collateral: LT ≠ 0, enabled by the user)
//   healthFactor = wadDiv(percentMul(Σ collateral_i, avgLT), Σ debt_i) (wad; 2^256 − 1 without debt)
// An account is liquidatable when healthFactor < 1e18 (ValidationLogic.HEALTH_FACTOR_LIQUIDATION_THRESHOLD).
// E-mode (other LTs and prices per category) is not modelled: e-mode accounts are refused.
import { fail, MAX_UINT256, toFloat, uint } from "./input-guards.ts";
import type { Address } from "./plan.ts";
import type { AaveAccountSnapshot, AaveReserveSnapshot } from "./snapshot.ts";

export const WAD = 10n ** 18n;
export const RAY = 10n ** 27n;
const PERCENTAGE_FACTOR = 10_000n;
/** Below this health factor (wad) anyone may liquidate the account. */
export const HEALTH_FACTOR_LIQUIDATION_THRESHOLD = WAD;

/** PercentageMath.percentMul: value × bps / 10⁴, rounded half up. */
export function percentMul(value: bigint, bps: bigint): bigint {
  return (value * bps + PERCENTAGE_FACTOR / 2n) / PERCENTAGE_FACTOR;
}

/** PercentageMath.percentDiv: value × 10⁴ / bps, rounded half up. */
export function percentDiv(value: bigint, bps: bigint): bigint {
  return (value * PERCENTAGE_FACTOR + bps / 2n) / bps;
}

/** WadRayMath.wadDiv: a × 1e18 / b, rounded half up. */
export function wadDiv(a: bigint, b: bigint): bigint {
  return (a * WAD + b / 2n) / b;
}

/** Pool.getUserAccountData's figures, recomputed from per-reserve balances. */
export interface AaveAccountTotals {
  totalCollateralBase: bigint;
  totalDebtBase: bigint;
  /** Collateral-weighted, bps, truncated as Aave does. */
  avgLtvBps: bigint;
  avgLiquidationThresholdBps: bigint;
  /** Wad; MAX_UINT256 without debt. */
  healthFactorWad: bigint;
  availableBorrowsBase: bigint;
}

const unitOf = (reserve: AaveReserveSnapshot) => 10n ** BigInt(reserve.asset.decimals);
const debtOf = (reserve: AaveReserveSnapshot) => reserve.variableDebt + reserve.stableDebt;
const countsAsCollateral = (reserve: AaveReserveSnapshot) =>
  reserve.usedAsCollateral && reserve.liquidationThresholdBps !== 0;

/** GenericLogic.calculateUserAccountData and calculateAvailableBorrows, over the account's reserves. */
export function aaveAccountTotals(reserves: readonly AaveReserveSnapshot[]): AaveAccountTotals {
  let totalCollateralBase = 0n;
  let totalDebtBase = 0n;
  let ltvWeighted = 0n;
  let thresholdWeighted = 0n;
  for (const [index, reserve] of reserves.entries()) {
    const field = `reserves[${index}]`;
    uint(`${field}.priceBase`, reserve.priceBase);
    uint(`${field}.aTokenBalance`, reserve.aTokenBalance);
    uint(`${field}.variableDebt`, reserve.variableDebt);
    uint(`${field}.stableDebt`, reserve.stableDebt);
    const unit = unitOf(reserve);
    if (countsAsCollateral(reserve)) {
      const value = (reserve.aTokenBalance * reserve.priceBase) / unit;
      totalCollateralBase += value;
      ltvWeighted += value * BigInt(reserve.ltvBps);
      thresholdWeighted += value * BigInt(reserve.liquidationThresholdBps);
    }
    const debt = debtOf(reserve);
    if (debt !== 0n) totalDebtBase += (debt * reserve.priceBase) / unit;
  }
  const avgLtvBps = totalCollateralBase === 0n ? 0n : ltvWeighted / totalCollateralBase;
  const avgLiquidationThresholdBps =
    totalCollateralBase === 0n ? 0n : thresholdWeighted / totalCollateralBase;
  const healthFactorWad =
    totalDebtBase === 0n
      ? MAX_UINT256
      : wadDiv(percentMul(totalCollateralBase, avgLiquidationThresholdBps), totalDebtBase);
  const borrowPower = percentMul(totalCollateralBase, avgLtvBps);
  return {
    totalCollateralBase,
    totalDebtBase,
    avgLtvBps,
    avgLiquidationThresholdBps,
    healthFactorWad,
    availableBorrowsBase: borrowPower > totalDebtBase ? borrowPower - totalDebtBase : 0n,
  };
}

export interface BorrowShortParams {
  /** The asset the book is short (borrowed and sold), e.g. WETH. */
  shortAsset: Address;
  /** Borrowed units of the short asset still held, not yet sold: they offset the short. Default 0. */
  unsoldShortUnits?: bigint;
}

/** Where the short asset's price makes the account liquidatable, others held still. */
export interface AaveLiquidationPrice {
  /** In the oracle's base currency (USD × 1e8): the first price at which the health factor is below 1. */
  priceBase: bigint;
  priceUsd: number;
  /** A short is liquidated when the asset rises; a net-long position (collateral in the asset) when it falls. */
  direction: "rise" | "fall";
  /** |liquidation price − price| / price, in bps. */
  distanceBps: number;
}

export interface AaveBorrowShortMetrics {
  venue: string;
  shortAsset: Address;
  /** Units of the short asset owed (variable + stable debt). */
  debtUnits: bigint;
  /** Signed units of the short asset: supplied + unsold − owed. Negative = short. */
  deltaUnits: bigint;
  delta: number;
  shortPriceUsd: number;
  healthFactorWad: bigint;
  /** MAX_UINT256 → Infinity. */
  healthFactor: number;
  totalCollateralUsd: number;
  totalDebtUsd: number;
  /** Null when no price of the short asset alone crosses health factor 1 (no exposure; always or never liquidatable). */
  liquidation: AaveLiquidationPrice | null;
  /** Variable borrow APR of the short asset. */
  borrowApr: number;
  /** Supply APR of the collateral, weighted by its value. */
  supplyApr: number;
  /** What the position earns per year at today's rates: Σ supplied × supply APR − Σ owed × borrow APR (USD). */
  carryUsdPerYear: number;
}

const rayToFloat = (ray: bigint) => toFloat(ray, 27);

export function aaveBorrowShortMetrics(
  snapshot: AaveAccountSnapshot,
  params: BorrowShortParams,
): AaveBorrowShortMetrics {
  const short = shortReserve(snapshot, params.shortAsset);
  const totals = aaveAccountTotals(snapshot.reserves);
  const baseDecimals = baseCurrencyDecimals(snapshot.baseCurrencyUnit);
  const unsold = uint("params.unsoldShortUnits", params.unsoldShortUnits ?? 0n);
  const debtUnits = debtOf(short);
  const deltaUnits = short.aTokenBalance + unsold - debtUnits;

  let supplyIncomeUsd = 0;
  let borrowCostUsd = 0;
  let collateralUsd = 0;
  let collateralIncomeUsd = 0;
  for (const reserve of snapshot.reserves) {
    const price = toFloat(reserve.priceBase, baseDecimals);
    const suppliedUsd = toFloat(reserve.aTokenBalance, reserve.asset.decimals) * price;
    const incomeUsd = suppliedUsd * rayToFloat(reserve.liquidityRateRay);
    supplyIncomeUsd += incomeUsd;
    // Stable-rate debt (disabled on mainnet's v3 markets) is charged the variable rate here.
    borrowCostUsd +=
      toFloat(debtOf(reserve), reserve.asset.decimals) * price * rayToFloat(reserve.variableBorrowRateRay);
    if (countsAsCollateral(reserve)) {
      collateralUsd += suppliedUsd;
      collateralIncomeUsd += incomeUsd;
    }
  }

  return {
    venue: snapshot.venue,
    shortAsset: short.asset.address,
    debtUnits,
    deltaUnits,
    delta: toFloat(deltaUnits, short.asset.decimals),
    shortPriceUsd: toFloat(short.priceBase, baseDecimals),
    healthFactorWad: totals.healthFactorWad,
    healthFactor: totals.healthFactorWad === MAX_UINT256 ? Infinity : toFloat(totals.healthFactorWad, 18),
    totalCollateralUsd: toFloat(totals.totalCollateralBase, baseDecimals),
    totalDebtUsd: toFloat(totals.totalDebtBase, baseDecimals),
    liquidation: aaveLiquidationPrice(snapshot, params.shortAsset),
    borrowApr: rayToFloat(short.variableBorrowRateRay),
    supplyApr: collateralUsd === 0 ? 0 : collateralIncomeUsd / collateralUsd,
    carryUsdPerYear: supplyIncomeUsd - borrowCostUsd,
  };
}

/**
 * The short asset's oracle price at which the health factor first drops below 1, everything else held still
 * (balances, other prices). The closed form — HF(p) = (A + a·p·LT)/(B + d·p) crosses 1 at p = (A − B)/(d − a·LT),
 * with A, B the other reserves' threshold-weighted collateral and debt and a, d the asset's supplied and owed
 * amounts — gives the estimate; a bisection over integer prices with the exact health factor above then makes it
 * exact to one unit of the base currency, Aave's truncations included.
 */
export function aaveLiquidationPrice(
  snapshot: AaveAccountSnapshot,
  shortAsset: Address,
): AaveLiquidationPrice | null {
  const short = shortReserve(snapshot, shortAsset);
  const unit = unitOf(short);
  let others = 0n; // Σ collateral × LT (bps·base) − Σ debt × 10⁴, over the other reserves
  for (const reserve of snapshot.reserves) {
    if (reserve === short) continue;
    const reserveUnit = unitOf(reserve);
    if (countsAsCollateral(reserve))
      others +=
        ((reserve.aTokenBalance * reserve.priceBase) / reserveUnit) * BigInt(reserve.liquidationThresholdBps);
    others -= ((debtOf(reserve) * reserve.priceBase) / reserveUnit) * PERCENTAGE_FACTOR;
  }
  const collateralWeight = countsAsCollateral(short)
    ? short.aTokenBalance * BigInt(short.liquidationThresholdBps)
    : 0n;
  const slope = debtOf(short) * PERCENTAGE_FACTOR - collateralWeight; // > 0: HF falls as the price rises
  if (slope === 0n) return null;
  const estimate = (others * unit) / slope;
  if (estimate <= 0n) return null;

  const healthFactorAt = (priceBase: bigint) =>
    aaveAccountTotals(
      snapshot.reserves.map((reserve) => (reserve === short ? { ...reserve, priceBase } : reserve)),
    ).healthFactorWad;
  const liquidatable = (priceBase: bigint) => healthFactorAt(priceBase) < HEALTH_FACTOR_LIQUIDATION_THRESHOLD;
  const direction = slope > 0n ? "rise" : "fall";
  const step = estimate / 1000n + 1n;
  const priceBase =
    direction === "rise"
      ? leastSatisfying(
          widen(estimate, -step, (p) => !liquidatable(p)),
          widen(estimate, step, liquidatable),
          liquidatable,
        )
      : greatestSatisfying(
          widen(estimate, -step, liquidatable),
          widen(estimate, step, (p) => !liquidatable(p)),
          liquidatable,
        );
  const decimals = baseCurrencyDecimals(snapshot.baseCurrencyUnit);
  const price = toFloat(short.priceBase, decimals);
  const priceUsd = toFloat(priceBase, decimals);
  return { priceBase, priceUsd, direction, distanceBps: (Math.abs(priceUsd - price) / price) * 10_000 };
}

/** What brings the health factor to a target, in token units of one collateral asset or of the short asset. */
export interface AaveRecalibration {
  targetHealthFactorWad: bigint;
  healthFactorWad: bigint;
  /** Below target: the least collateral to supply, or debt to repay (null if repaying all of it is not enough). */
  supplyCollateral: bigint;
  repayDebt: bigint | null;
  /** Above target: the most collateral to withdraw, or short asset to borrow (also within LTV), keeping it. */
  withdrawCollateral: bigint;
  borrowMore: bigint;
}

/**
 * The amounts that move the health factor to `targetHealthFactorWad` (≥ 1e18), each alone: supply or withdraw
 * `collateralAsset`, repay or borrow `shortAsset`. Exact for the snapshot's balances and prices (found by
 * bisection over the exact health factor); interest accrued before execution moves them by a few wei.
 */
export function aaveRecalibration(
  snapshot: AaveAccountSnapshot,
  params: { shortAsset: Address; collateralAsset: Address; targetHealthFactorWad: bigint },
): AaveRecalibration {
  const target = params.targetHealthFactorWad;
  if (target < HEALTH_FACTOR_LIQUIDATION_THRESHOLD)
    fail("params.targetHealthFactorWad", "must be at least 1e18 (health factor 1)", target);
  const short = shortReserve(snapshot, params.shortAsset);
  const collateral = reserveOf(snapshot, params.collateralAsset, "params.collateralAsset");
  if (collateral.liquidationThresholdBps === 0)
    fail(
      "params.collateralAsset",
      "is not collateral on Aave (liquidation threshold 0)",
      collateral.asset.address,
    );
  const totals = aaveAccountTotals(snapshot.reserves);
  const healthFactorWad = totals.healthFactorWad;
  const after = (asset: AaveReserveSnapshot, patch: (reserve: AaveReserveSnapshot) => AaveReserveSnapshot) =>
    aaveAccountTotals(snapshot.reserves.map((reserve) => (reserve === asset ? patch(reserve) : reserve)));
  const reaches = (totalsAfter: AaveAccountTotals) => totalsAfter.healthFactorWad >= target;

  const supplied = (amount: bigint) =>
    after(collateral, (reserve) => ({
      ...reserve,
      aTokenBalance: reserve.aTokenBalance + amount,
      // A first supply turns collateral on (SupplyLogic.executeSupply); a later one keeps the user's choice.
      usedAsCollateral: reserve.usedAsCollateral || (reserve.aTokenBalance === 0n && reserve.ltvBps !== 0),
    }));
  const repaid = (amount: bigint) =>
    after(short, (reserve) => ({ ...reserve, variableDebt: reserve.variableDebt - amount }));
  const withdrawn = (amount: bigint) =>
    after(collateral, (reserve) => ({ ...reserve, aTokenBalance: reserve.aTokenBalance - amount }));
  const borrowed = (amount: bigint) =>
    after(short, (reserve) => ({ ...reserve, variableDebt: reserve.variableDebt + amount }));
  // ValidationLogic.validateBorrow: (debt + amount in base currency) / avgLTV must fit in the collateral.
  const withinLtv = (amount: bigint) =>
    totals.avgLtvBps !== 0n &&
    percentDiv(totals.totalDebtBase + (short.priceBase * amount) / unitOf(short), totals.avgLtvBps) <=
      totals.totalCollateralBase;

  const below = healthFactorWad < target;
  const debt = short.variableDebt;
  return {
    targetHealthFactorWad: target,
    healthFactorWad,
    supplyCollateral: below
      ? leastSatisfying(
          0n,
          widen(0n, unitOf(collateral), (x) => reaches(supplied(x))),
          (x) => reaches(supplied(x)),
        )
      : 0n,
    repayDebt: !below
      ? 0n
      : reaches(repaid(debt))
        ? leastSatisfying(0n, debt, (x) => reaches(repaid(x)))
        : null,
    withdrawCollateral: below
      ? 0n
      : greatestSatisfying(0n, collateral.aTokenBalance, (x) => reaches(withdrawn(x))),
    borrowMore:
      below || healthFactorWad <= HEALTH_FACTOR_LIQUIDATION_THRESHOLD
        ? 0n
        : greatestSatisfying(
            0n,
            widen(0n, unitOf(short), (x) => !(reaches(borrowed(x)) && withinLtv(x))),
            (x) => reaches(borrowed(x)) && withinLtv(x),
          ),
  };
}

function reserveOf(snapshot: AaveAccountSnapshot, asset: Address, field: string): AaveReserveSnapshot {
  const reserve = snapshot.reserves.find((r) => r.asset.address.toLowerCase() === asset.toLowerCase());
  if (!reserve) fail(field, "is not among the snapshot's reserves", asset);
  return reserve;
}

function shortReserve(snapshot: AaveAccountSnapshot, asset: Address): AaveReserveSnapshot {
  if (snapshot.eModeCategory !== 0)
    fail("snapshot.eModeCategory", "e-mode accounts are not modelled", snapshot.eModeCategory);
  return reserveOf(snapshot, asset, "params.shortAsset");
}

function baseCurrencyDecimals(unit: bigint): number {
  const decimals = unit.toString().length - 1;
  if (unit !== 10n ** BigInt(decimals)) fail("snapshot.baseCurrencyUnit", "must be a power of ten", unit);
  return decimals;
}

/** From `start`, steps of `step` (doubling) until `stop(x)` holds: a bracket end for the bisections. */
function widen(start: bigint, step: bigint, stop: (x: bigint) => boolean): bigint {
  let x = start;
  let delta = step;
  for (let i = 0; i < 256 && !stop(x); i += 1) {
    x += delta;
    if (x < 0n) return 0n;
    delta *= 2n;
  }
  return x;
}

/** The least x in [lo, hi] where `holds` turns true (false below, true from there on; true at hi). */
function leastSatisfying(lo: bigint, hi: bigint, holds: (x: bigint) => boolean): bigint {
  if (holds(lo)) return lo;
  while (hi - lo > 1n) {
    const mid = (lo + hi) / 2n;
    if (holds(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** The greatest x in [lo, hi] where `holds` is still true (true up to there, false above; true at lo). */
function greatestSatisfying(lo: bigint, hi: bigint, holds: (x: bigint) => boolean): bigint {
  if (holds(hi)) return hi;
  while (hi - lo > 1n) {
    const mid = (lo + hi) / 2n;
    if (holds(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}
