// A book's policy, as configured (validated with zod in src/config; checked again here where the math needs it).
import { fail } from "./input-guards.ts";
import type { Address } from "./plan.ts";

export interface DepegTiersBps {
  /** |deviation from peg| at or above which the tier applies, in bps. watch < warn < act. */
  watchBps: number;
  warnBps: number;
  actBps: number;
}

export interface StablecoinParams {
  token: Address;
  symbol: string;
  /** The Chainlink feed pricing it in USD, if any (its reading comes in BookSnapshot.oracles). */
  feed: Address | null;
  tiers?: DepegTiersBps;
  /** Limit on exposure-weighted de-peg drift (exposure × |deviation|), in bps of book value. */
  limitBps: number;
  /** The act tier needs at least this many fresh sources at or beyond it (oracle and market disagree in a crisis). */
  minSourcesToAct: number;
  /** v3 pools pricing it against other stables (market sources, and where act-tier swaps go). */
  stablePools: Address[];
  /** A v3 pool pricing it against the base asset (price × base oracle = a third source). */
  basePool: Address | null;
  maxSlippageBps: number;
}

/**
 * An Aave v3 borrow-short hedge leg: borrow `shortAsset` (the book's base) at the variable rate against
 * `collateralAsset`, and sell it through the Uniswap v3 pool of `swap.fee`. Its own caps, its own health-factor band.
 */
export interface AaveLegParams {
  pool: Address;
  shortAsset: Address;
  collateralAsset: Address;
  /**
   * Health factor band: below `floor` is urgent (and every plan touching Aave must leave it at least there, checked
   * on chain by HedgeGuard); recalibrate to `target` when below it or above `ceiling`.
   */
  healthFactor: { floor: number; target: number; ceiling: number };
  /** The short asset's price may rise this far before liquidation, bps; closer is urgent like the floor. */
  minLiquidationDistanceBps: number;
  /** The swap leg: Uniswap v3 fee tier (hundredths of a bip) and its slippage bound around the feeds' answers. */
  swap: { fee: number; maxSlippageBps: number };
  caps: {
    /** Largest borrow or repay of the short asset per plan, USD. */
    maxTradeUsd: number;
    /** Largest debt the leg may owe, USD. */
    maxDebtUsd: number;
    /** Largest collateral supply or withdrawal per plan, USD. */
    maxCollateralMoveUsd: number;
  };
}

export interface BookParams {
  /** −hedge delta / exposure delta the book aims for (1 = fully hedged). */
  targetHedgeRatio: number;
  /** Hysteresis on |drift|, bps of book value: act beyond armBps; once acting, continue until inside rearmBps. */
  armBps: number;
  rearmBps: number;
  cooldownSec: number;
  minTradeUsd: number;
  caps: {
    /** Largest single perp resize. */
    maxTradeUsd: number;
    /** Largest |perp notional| the book may hold. */
    maxHedgeNotionalUsd: number;
    /** Largest de-peg swap per plan. */
    maxSwapUsd: number;
    /** Largest collateral deposit or withdrawal per plan. */
    maxCollateralMoveUsd: number;
  };
  margin: {
    /** Perp margin ratio (account value / |notional|) bounds; recalibrate to targetRatio outside them. */
    floorRatio: number;
    ceilingRatio: number;
    targetRatio: number;
    /** Never leave the mark closer to the liquidation price than this, bps of mark. */
    minLiquidationDistanceBps: number;
    /**
     * When the distance is what binds, deposit up to this distance (bps of mark), not just back to the minimum:
     * the hysteresis the ratio band has between floor and target. Unset: 1.5 × minLiquidationDistanceBps.
     */
    targetLiquidationDistanceBps?: number;
  };
  /** Act only when expected risk reduction > expected cost × costMargin. */
  costMargin: number;
  /**
   * How long hedge shifted between legs is expected to stay shifted (leg-shift.ts): the carry difference that pays
   * for the shift is counted over it. Absent: the engine never shifts. A shift costs both legs' fees, slippage and
   * gas once, so it pays over weeks, not the one-day risk horizon.
   */
  legShiftHorizonSec?: number;
  costs: {
    gasPriceGwei: number;
    /** Gas of the wrapper (Safe + Roles + MultiSend + HedgeGuard checks). */
    gasBase: number;
    gasPerPerpTrade: number;
    gasPerCollateralMove: number;
    gasPerSwap: number;
    perpTakerFeeBps: number;
    perpSlippageBps: number;
  };
  risk: {
    /** Used when the samples are too few to estimate realized volatility. */
    fallbackSigmaAnnual: number;
    /** Horizon over which risk (and funding) is measured for the cost test. */
    horizonSec: number;
    /** One-sided normal quantile for risk in USD (1.645 = 95%). */
    confidenceZ: number;
    /** Least σ the engine ever uses, realized or fallback (default 0.1 = 10%/year): σ never reads 0. */
    sigmaFloorAnnual?: number;
    /** RiskMetrics EWMA decay per day (default 0.94, RiskMetrics Technical Document 1996). */
    ewmaLambdaDaily?: number;
    /** Fewest distinct price moves a realized σ rests on; fewer → the fallback (default 20). */
    minSigmaMoves?: number;
    /** Shortest span of distinct observations a realized σ rests on; shorter → the fallback (default 1800). */
    minSigmaSpanSec?: number;
  };
  premise: {
    /** Oracle band the plan still holds in, ± bps of the current answer. */
    oracleBandBps: number;
    deadlineSec: number;
    perpSizeToleranceBps: number;
  };
  depeg: {
    defaultTiers: DepegTiersBps;
    stablecoins: StablecoinParams[];
  };
  /** Refuse to act on a snapshot whose block is older than this. */
  maxSnapshotAgeSec: number;
  /** The Aave v3 borrow-short hedge leg, when the book has one (the snapshot then carries the Safe's account). */
  aave?: AaveLegParams;
  /** How stress tests treat the hedge venue's liquidations (defaults: Perpetual Protocol v2). */
  stress?: {
    /** Penalty on the liquidated notional (Perp v2 liquidationPenaltyRatio, default 0.025). */
    liquidationPenaltyRatio?: number;
    /** Overrides the venue's maintenance margin ratio read in the snapshot (Perp v2 mmRatio: 0.0625). */
    maintenanceMarginRatio?: number;
  };
}

function finiteAtLeast(field: string, x: number, min: number): void {
  if (typeof x !== "number" || !Number.isFinite(x) || x < min) fail(field, `must be finite and >= ${min}`, x);
}

/** The checks the math relies on (the config layer's zod schema checks shapes; these are the invariants). */
export function assertBookParams(params: BookParams): void {
  finiteAtLeast("targetHedgeRatio", params.targetHedgeRatio, 0);
  finiteAtLeast("armBps", params.armBps, 0);
  finiteAtLeast("rearmBps", params.rearmBps, 0);
  if (params.rearmBps > params.armBps) fail("rearmBps", "must be <= armBps (hysteresis)", params.rearmBps);
  finiteAtLeast("cooldownSec", params.cooldownSec, 0);
  finiteAtLeast("minTradeUsd", params.minTradeUsd, 0);
  for (const [k, v] of Object.entries(params.caps)) finiteAtLeast(`caps.${k}`, v, 0);
  const m = params.margin;
  finiteAtLeast("margin.floorRatio", m.floorRatio, 0);
  if (!(m.floorRatio <= m.targetRatio && m.targetRatio <= m.ceilingRatio)) {
    fail("margin.targetRatio", "must satisfy floorRatio <= targetRatio <= ceilingRatio", m.targetRatio);
  }
  finiteAtLeast("margin.minLiquidationDistanceBps", m.minLiquidationDistanceBps, 0);
  if (
    m.targetLiquidationDistanceBps !== undefined &&
    !(m.targetLiquidationDistanceBps >= m.minLiquidationDistanceBps)
  )
    fail(
      "margin.targetLiquidationDistanceBps",
      "must be >= minLiquidationDistanceBps",
      m.targetLiquidationDistanceBps,
    );
  finiteAtLeast("costMargin", params.costMargin, 0);
  if (params.legShiftHorizonSec !== undefined)
    finiteAtLeast("legShiftHorizonSec", params.legShiftHorizonSec, 1);
  for (const [k, v] of Object.entries(params.costs)) finiteAtLeast(`costs.${k}`, v, 0);
  finiteAtLeast("risk.fallbackSigmaAnnual", params.risk.fallbackSigmaAnnual, 0);
  finiteAtLeast("risk.horizonSec", params.risk.horizonSec, 1);
  finiteAtLeast("risk.confidenceZ", params.risk.confidenceZ, 0);
  const r = params.risk;
  if (r.sigmaFloorAnnual !== undefined) finiteAtLeast("risk.sigmaFloorAnnual", r.sigmaFloorAnnual, 0);
  if (r.ewmaLambdaDaily !== undefined && !(r.ewmaLambdaDaily > 0 && r.ewmaLambdaDaily <= 1))
    fail("risk.ewmaLambdaDaily", "must be in (0, 1]", r.ewmaLambdaDaily);
  if (r.minSigmaMoves !== undefined && !(Number.isInteger(r.minSigmaMoves) && r.minSigmaMoves >= 2))
    fail("risk.minSigmaMoves", "must be an integer >= 2", r.minSigmaMoves);
  if (r.minSigmaSpanSec !== undefined) finiteAtLeast("risk.minSigmaSpanSec", r.minSigmaSpanSec, 0);
  const st = params.stress;
  if (
    st?.liquidationPenaltyRatio !== undefined &&
    !(st.liquidationPenaltyRatio >= 0 && st.liquidationPenaltyRatio < 1)
  )
    fail("stress.liquidationPenaltyRatio", "must be in [0, 1)", st.liquidationPenaltyRatio);
  if (
    st?.maintenanceMarginRatio !== undefined &&
    !(st.maintenanceMarginRatio > 0 && st.maintenanceMarginRatio < 1)
  )
    fail("stress.maintenanceMarginRatio", "must be in (0, 1)", st.maintenanceMarginRatio);
  finiteAtLeast("premise.oracleBandBps", params.premise.oracleBandBps, 0);
  finiteAtLeast("premise.deadlineSec", params.premise.deadlineSec, 1);
  finiteAtLeast("premise.perpSizeToleranceBps", params.premise.perpSizeToleranceBps, 0);
  finiteAtLeast("maxSnapshotAgeSec", params.maxSnapshotAgeSec, 0);
  if (params.aave) assertAaveLegParams(params.aave);
  for (const s of params.depeg.stablecoins) {
    finiteAtLeast(`depeg(${s.symbol}).limitBps`, s.limitBps, 0);
    finiteAtLeast(`depeg(${s.symbol}).maxSlippageBps`, s.maxSlippageBps, 0);
    if (!Number.isInteger(s.minSourcesToAct) || s.minSourcesToAct < 1) {
      fail(`depeg(${s.symbol}).minSourcesToAct`, "must be an integer >= 1", s.minSourcesToAct);
    }
  }
}

function assertAaveLegParams(aave: AaveLegParams): void {
  const hf = aave.healthFactor;
  if (!(Number.isFinite(hf.floor) && hf.floor > 1))
    fail("aave.healthFactor.floor", "must be finite and > 1 (1 is liquidation)", hf.floor);
  if (!(hf.floor <= hf.target && hf.target <= hf.ceiling && Number.isFinite(hf.ceiling)))
    fail("aave.healthFactor.target", "must satisfy floor <= target <= ceiling", hf.target);
  finiteAtLeast("aave.minLiquidationDistanceBps", aave.minLiquidationDistanceBps, 0);
  if (!(Number.isInteger(aave.swap.fee) && aave.swap.fee > 0 && aave.swap.fee < 1_000_000))
    fail("aave.swap.fee", "must be a Uniswap v3 fee tier in hundredths of a bip", aave.swap.fee);
  if (!(aave.swap.maxSlippageBps >= 0 && aave.swap.maxSlippageBps < 10_000))
    fail("aave.swap.maxSlippageBps", "must be in [0, 10000)", aave.swap.maxSlippageBps);
  for (const [k, v] of Object.entries(aave.caps)) finiteAtLeast(`aave.caps.${k}`, v, 0);
  if (aave.shortAsset.toLowerCase() === aave.collateralAsset.toLowerCase())
    fail("aave.collateralAsset", "must differ from the short asset", aave.collateralAsset);
}
