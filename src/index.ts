// hedgekeeper's package entry: the pure risk engine's public API, its input and output types.

export { applyPlan } from "./engine/apply-plan.ts";
export { type BookMetrics, evaluateBook } from "./engine/book-metrics.ts";
// Decisions
export { decide } from "./engine/decide.ts";
export type { DepegReport, DepegTier, PriceSource } from "./engine/depeg.ts";
export {
  correlation,
  dollarOffsetRatio,
  type EffectivenessMeasures,
  type EffectivenessWindow,
  type EffectivenessWindowSpec,
  effectivenessWindows,
  type HedgedSeriesPoint,
  hedgedItemValueUsd,
  hedgeEffectiveness,
  minVarianceHedgeRatio,
  STEWARD_WINDOWS,
  type TargetEffectivenessOptions,
  type TargetEffectivenessWindow,
  targetEffectivenessWindows,
} from "./engine/effectiveness.ts";
// Errors
export { EngineError, EngineInputError, StaleSnapshotError } from "./engine/errors.ts";
export { feesOwed, getFeeGrowthInside } from "./engine/fee-growth.ts";
// Exact Uniswap math (bigint, bit-for-bit with v3-core / v3-periphery / v3-sdk)
export { divRoundingUp, mulDiv, mulDivRoundingUp } from "./engine/full-math.ts";
export { type Greeks, lpGreeksV2, lpGreeksV3 } from "./engine/greeks.ts";
export { type HedgeDrift, hedgeDrift } from "./engine/hedge-drift.ts";
// Float risk metrics
export { impermanentLossV2, impermanentLossV3 } from "./engine/impermanent-loss.ts";
export { getAmountsForLiquidity, maxLiquidityForAmounts } from "./engine/liquidity-amounts.ts";
export type { LpPositionMetrics } from "./engine/lp-metrics.ts";
export { lvrRate, lvrVolSensitivity } from "./engine/lvr.ts";
export {
  assertFreshBook,
  freshOraclePrice,
  type OracleHealth,
  oracleHealth,
  oraclePrice,
} from "./engine/oracle.ts";
export { type OraclePrice, oraclePerpQuoteBound, oracleSwapMinOut } from "./engine/oracle-bounds.ts";
export {
  assertBookParams,
  type BookParams,
  type DepegTiersBps,
  type StablecoinParams,
} from "./engine/params.ts";
export { type PerpMetrics, perpMetrics } from "./engine/perp-metrics.ts";
export type * from "./engine/plan.ts";
export { canonicalJson, planId } from "./engine/plan-id.ts";
export {
  mintAmounts,
  type PositionAmountsInput,
  positionAmounts,
  type TokenAmounts,
} from "./engine/position-amounts.ts";
export {
  encodeSqrtRatioX96,
  priceToClosestTick,
  priceToTick,
  sqrtPriceX96ToPrice,
  tickToPrice,
} from "./engine/price-tick.ts";
export type * from "./engine/snapshot.ts";
export {
  getAmount0Delta,
  getAmount1Delta,
  getNextSqrtPriceFromInput,
  getNextSqrtPriceFromOutput,
} from "./engine/sqrt-price-math.ts";
export {
  type LiquidationPath,
  PERP_V2_LIQUIDATION,
  perpLiquidationPath,
  type ResidualRisk,
  residualVarEs,
  type ScenarioMoves,
  type Shock,
  type StressResult,
  stressBook,
} from "./engine/stress.ts";
export { largestSwapPaying, quoteSwap, type SwapQuote } from "./engine/swap-math.ts";
export {
  getSqrtRatioAtTick,
  getTickAtSqrtRatio,
  MAX_SQRT_RATIO,
  MAX_TICK,
  MIN_SQRT_RATIO,
  MIN_TICK,
  nearestUsableTick,
} from "./engine/tick-math.ts";
export { v2GetAmountOut, v2Liquidity, v2LpShareAmounts } from "./engine/v2-math.ts";
export {
  estimateSigma,
  realizedSigmaAnnual,
  SIGMA_DEFAULTS,
  type SigmaEstimate,
  type SigmaParams,
  sigmaParamsOf,
} from "./engine/volatility.ts";
