// What one evaluation of a book produces beyond the engine's own types: the status a steward sees, the kind of
// decision taken, and the book's detail (band, oracle, σ, LP, perp, basis, residual VaR/ES, effectiveness windows
// per block and against the target, stress table, de-peg tiers, realized execution cost). The keeper builds it (keeper/evaluation-history.ts), the history store keeps the detail as JSON, the
// API validates what it reads back with bookDetailSchema, and the dashboard draws the inferred types. A field
// added to the schema is one edit: the compiler then asks every producer (and test fixture) for it, and every
// reader receives it typed. Bigints travel as decimal strings; JSON cannot carry NaN, so a number the engine
// may leave undefined is `number | null`.
import { z } from "zod";
import { DEPEG_TIERS } from "../engine/depeg.ts";
import { DRIFT_STATES } from "../engine/hedge-drift.ts";
import { HEDGE_VENUES } from "../engine/hedge-leg.ts";

/** The colour a steward sees: ok, watch (past the re-arm band), act (past the arm band), stale (no oracle). */
export const BOOK_STATUS_LEVELS = ["ok", "watch", "act", "stale"] as const;
export type BookStatusLevel = (typeof BOOK_STATUS_LEVELS)[number];

/** The engine's decisions (noop, plan) and the keeper's own: skipped while a plan of the book is in flight. */
export const DECISION_KINDS = ["noop", "plan", "skipped"] as const;
export type DecisionKind = (typeof DECISION_KINDS)[number];

/** A block number as JSON carries it: its decimal string. */
const blockNumberSchema = z.string().regex(/^\d+$/, "a block number as a decimal string");

const oracleDetailSchema = z.object({
  fresh: z.boolean(),
  ageSec: z.number(),
  /** Why the feed is not fresh, when it is not. */
  problem: z.string().nullable(),
});

/** The σ the engine used (volatility.ts estimateSigma): where it came from, and why when it is not realized. */
const sigmaDetailSchema = z.object({
  /** Per year, never below the configured floor. */
  annual: z.number(),
  source: z.enum(["realized", "fallback"]),
  /** Why the fallback (or the floor) was used; null for a plain realized estimate. */
  reason: z.string().nullable(),
  /** The price series a realized σ came from; null on fallback. */
  series: z.enum(["oracle", "pool"]).nullable(),
  /** Distinct observations (oracle rounds, pool moves) and how many of them moved the price. */
  observations: z.number().int().nonnegative(),
  moves: z.number().int().nonnegative(),
  spanSec: z.number(),
  /** The EWMA estimate before the floor; null when the data could not support one. */
  realizedAnnual: z.number().nullable(),
});

const lpDetailSchema = z.object({
  valueUsd: z.number(),
  feesUsd: z.number(),
  hodlValueUsd: z.number(),
  expectedIlUsd: z.number(),
  lvrUsdPerYear: z.number(),
  /** d LVR / dσ, USD per year per unit of annual σ (= 2·LVR/σ: LVR is σ²-proportional). */
  lvrUsdPerYearPerSigma: z.number(),
  /** d delta / d price of the LP, base units per USD (never positive: LPs are short gamma). */
  gammaBase: z.number(),
  /** The delta change, in USD, of a 1% base move: gammaBase × P² / 100. */
  gammaUsdPer1Pct: z.number(),
});

/**
 * One LP position beside the others, v2, v3 or v4. A v4 pool may carry a hook: its address and the permissions
 * its address bits grant (v4-core Hooks.sol) are shown, since a hook can change fees or swap behaviour; a
 * dynamic-fee pool's LP fee is the one slot0 reports at the block, not its key's.
 */
const lpPositionDetailSchema = z.object({
  /** "v3:<tokenId>", "v4:<tokenId>", "v2:<pair>". */
  id: z.string(),
  protocol: z.enum(["uniswap-v2", "uniswap-v3", "uniswap-v4"]),
  /** The pool's address (v2, v3) or PoolId (v4). */
  pool: z.string(),
  inRange: z.boolean(),
  valueUsd: z.number(),
  feesUsd: z.number(),
  deltaBase: z.number(),
  /** LP fee now, hundredths of a bip (500 = 0.05%); null for v2 (its fee is fixed at 0.3%). */
  lpFeePips: z.number().nullable(),
  dynamicFee: z.boolean(),
  /** null for a pool without a hook (and for v2, v3). */
  hook: z.object({ address: z.string(), permissions: z.array(z.string()) }).nullable(),
});

const perpDetailSchema = z.object({
  venue: z.string(),
  /** Signed, base units: negative is short. */
  sizeBase: z.number(),
  notionalUsd: z.number(),
  markPrice: z.number(),
  indexPrice: z.number(),
  /** null without a position. */
  marginRatio: z.number().nullable(),
  leverage: z.number(),
  /** null without a position. */
  liquidationDistanceBps: z.number().nullable(),
  /** Index price at which the venue starts liquidating the hedge; null without a position. */
  liquidationPriceUsd: z.number().nullable(),
  /** That price as a move of the index from now (+0.224 = +22.4%); null without a position. */
  liquidationMovePct: z.number().nullable(),
  /** Negative = the book pays funding. */
  fundingCarryUsdPerYear: z.number(),
});

/** One hedge leg through the venue-neutral interface (engine/hedge-leg.ts). */
const hedgeLegDetailSchema = z.object({
  venue: z.enum(HEDGE_VENUES),
  /** Signed, base units: negative is short. */
  deltaBase: z.number(),
  notionalUsd: z.number(),
  collateralUsd: z.number(),
  /** Aave's health factor; null on a perp, or without debt (infinite). */
  healthFactor: z.number().nullable(),
  /** The leg's health-factor band (Aave); null on a perp. */
  healthFactorBand: z.object({ floor: z.number(), target: z.number(), ceiling: z.number() }).nullable(),
  /** Perp account value / |notional|; null on Aave or without a position. */
  marginRatio: z.number().nullable(),
  liquidationPriceUsd: z.number().nullable(),
  liquidationDistanceBps: z.number().nullable(),
  /** What the leg earns per year at today's rates (negative = pays): funding, or supply − borrow interest. */
  carryUsdPerYear: z.number(),
  /** What one more USD of short on the leg costs a year (leg choice compares it). */
  shortCarryApr: z.number(),
});

const effectivenessWindowDetailSchema = z.object({
  /** Samples (one per block) in the window. */
  samples: z.number().int().positive(),
  fromBlock: blockNumberSchema,
  toBlock: blockNumberSchema,
  ederington: z.number(),
  correlation: z.number(),
  minVarianceHedgeMultiple: z.number(),
  basisMarkIndexBps: z.object({ mean: z.number(), std: z.number() }),
  fundingCarryUsdPerYear: z.number(),
  varianceRemoved: z.number(),
  costPerUnitRiskRemoved: z.number().nullable(),
});

/** Effectiveness measures of one window, against the whole item (raw) or the item scaled by the target. */
const effectivenessMeasuresSchema = z.object({
  ederington: z.number(),
  /** Hull's h*: the multiple of the current hedge that minimizes variance (1 = sized right). */
  minVarianceMultiple: z.number().nullable(),
  dollarOffset: z.number().nullable(),
  dollarOffsetHighlyEffective: z.boolean(),
  regressionSlope: z.number(),
  regressionR2: z.number(),
  /** R² ≥ 0.80 and −slope within [0.80, 1.25]. */
  effective: z.boolean(),
});

/** One steward window (live, 1h, 1d, 7d, 30d): engine/effectiveness.ts targetEffectivenessWindows. */
const targetEffectivenessWindowDetailSchema = z.object({
  label: z.string(),
  /** null for the live window (a count of blocks, not a duration). */
  durationSec: z.number().nullable(),
  /** Where its points come from: the keeper's per-block samples, or the history store's downsampled series. */
  source: z.enum(["blocks", "history"]),
  samples: z.number().int().nonnegative(),
  fromSec: z.number().nullable(),
  toSec: z.number().nullable(),
  fromBlock: blockNumberSchema.nullable(),
  toBlock: blockNumberSchema.nullable(),
  /** Why the window is blank (too few samples, no history store…); null when measured. */
  reason: z.string().nullable(),
  targetHedgeRatio: z.number(),
  /** Share of the item's moves the hedge offset (on target: the target ratio). */
  realizedHedgeRatio: z.number().nullable(),
  correlation: z.number().nullable(),
  raw: effectivenessMeasuresSchema.nullable(),
  /** null when the target is 0 (nothing is meant to be hedged) or the window is blank. */
  relative: effectivenessMeasuresSchema.nullable(),
});

/** Historical-simulation VaR and ES of the hedged residual (engine/stress.ts residualVarEs). */
const residualRiskDetailSchema = z.object({
  /** One-sided, from risk.confidenceZ (Φ(1.645) = 95%). */
  confidence: z.number(),
  horizonSec: z.number(),
  /** Samples whose changes were resampled. */
  samples: z.number().int().nonnegative(),
  /** Loss not exceeded with `confidence`, USD (positive = loss); null with the reason. */
  valueAtRiskUsd: z.number().nullable(),
  /** Mean loss beyond VaR, USD. */
  expectedShortfallUsd: z.number().nullable(),
  reason: z.string().nullable(),
});

export const stressRowSchema = z.object({
  /** The scenario as the engine labels it (e.g. "price -30.0%", "USDC at $0.8774"). */
  shock: z.string(),
  lpPnlUsd: z.number(),
  hedgePnlUsd: z.number(),
  /** The spot balances' P&L (net = LP + hedge + spot); the published table (/api/stress) leaves it out. */
  spotPnlUsd: z.number().optional(),
  netPnlUsd: z.number(),
  /** Net P&L in bps of book value. */
  netPnlBps: z.number(),
  /** The venue's margin ratio after the shock; null without a position (or one liquidated whole). */
  marginRatioAfter: z.number().nullable(),
  /** The shock crosses the liquidation price: the venue took over part or all of the hedge. */
  liquidated: z.boolean(),
  liquidationPriceUsd: z.number().nullable(),
  liquidationMovePct: z.number().nullable(),
  /** Share of the hedge liquidated (0 … 1). */
  liquidatedFraction: z.number(),
  /** Penalties paid, USD (inside hedgePnlUsd). */
  liquidationPenaltyUsd: z.number(),
  /** What a liquidation locks in even if the price comes back, USD (positive = loss). */
  liquidationLossUsd: z.number(),
  /** The venue collateral's USD gain or loss from its token's de-peg (inside hedgePnlUsd). */
  collateralDepegPnlUsd: z.number(),
  /**
   * The Aave leg under the shock (engine/aave-stress.ts): its value change (inside hedgePnlUsd), its health factor
   * after (null without debt), and whether that is under 1. Absent for a book without an Aave leg, and in details
   * written before the leg was stressed.
   */
  aave: z
    .object({
      valueChangeUsd: z.number(),
      healthFactorAfter: z.number().nullable(),
      liquidated: z.boolean(),
      liquidationPenaltyUsd: z.number(),
    })
    .optional(),
});

/**
 * What the book's mined plans actually paid over the last REALIZED_COST_WINDOW_SEC (engine/realized-cost.ts
 * summarizeRealizedCosts over the history's plan executions). Slippage is against each plan's quote, positive
 * when worse; every figure is null, not 0, while no plan (or no trading plan) was mined in the window.
 */
const realizedExecutionDetailSchema = z.object({
  windowSec: z.number(),
  plans: z.number().int().nonnegative(),
  lastPlanId: z.string().nullable(),
  lastMinedAtSec: z.number().nullable(),
  lastSlippageBps: z.number().nullable(),
  averageSlippageBps: z.number().nullable(),
  costPerRiskRemoved: z.number().nullable(),
  expectedCostPerRiskRemoved: z.number().nullable(),
  totals: z.object({
    gasUsd: z.number(),
    feesUsd: z.number(),
    slippageUsd: z.number(),
    costUsd: z.number(),
    expectedCostUsd: z.number(),
  }),
});

/** The realized-cost window: the longest steward window (30 d). */
export const REALIZED_COST_WINDOW_SEC = 30 * 86_400;

const depegTierDetailSchema = z.object({
  symbol: z.string(),
  tier: z.enum(DEPEG_TIERS),
  deviationBps: z.number().nullable(),
});

export const bookDetailSchema = z.object({
  armBps: z.number(),
  rearmBps: z.number(),
  driftState: z.enum(DRIFT_STATES),
  netDeltaUsd: z.number(),
  basePriceUsd: z.number(),
  oracle: oracleDetailSchema,
  sigma: sigmaDetailSchema,
  lp: lpDetailSchema,
  /** Every LP position, in the snapshot's order (v3, then v4, then v2). */
  lpPositions: z.array(lpPositionDetailSchema),
  /** null when the book holds no perp position. */
  perp: perpDetailSchema.nullable(),
  /** Every hedge leg (perp first), each through the same interface. */
  hedgeLegs: z.array(hedgeLegDetailSchema),
  /** At this block, bps of index: mark − index (null without a perp), index − pool (null without a pool price). */
  basis: z.object({ markIndexBps: z.number().nullable(), indexPoolBps: z.number().nullable() }),
  residualRisk: residualRiskDetailSchema,
  /** Per-block windows (20, 60, 240 blocks), one per window the engine could compute, shortest first. */
  effectiveness: z.array(effectivenessWindowDetailSchema),
  /** The steward windows against the whole item and the target, every window, blank ones with their reason. */
  targetEffectiveness: z.array(targetEffectivenessWindowDetailSchema),
  stress: z.array(stressRowSchema),
  /** Why the stress table could not be computed; null when it was. */
  stressProblem: z.string().nullable(),
  depeg: z.array(depegTierDetailSchema),
  realizedExecution: realizedExecutionDetailSchema,
});

export type BookDetail = z.infer<typeof bookDetailSchema>;
export type HedgeLegDetail = z.infer<typeof hedgeLegDetailSchema>;
export type LpPositionDetail = z.infer<typeof lpPositionDetailSchema>;
export type EffectivenessWindowDetail = z.infer<typeof effectivenessWindowDetailSchema>;
export type StressRow = z.infer<typeof stressRowSchema>;
export type RealizedExecutionDetail = z.infer<typeof realizedExecutionDetailSchema>;
export type TargetEffectivenessWindowDetail = z.infer<typeof targetEffectivenessWindowDetailSchema>;
export type EffectivenessMeasuresDetail = z.infer<typeof effectivenessMeasuresSchema>;

/** A detail read back from the store, validated: null when it is not a BookDetail (another version wrote it). */
export function readBookDetail(json: unknown): BookDetail | null {
  const parsed = bookDetailSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}
