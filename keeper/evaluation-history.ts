// What one evaluation leaves in the history store: the block's sample (the engine's rolling inputs plus the
// dashboard's series), the de-peg readings, and the book's status row with its detail (σ, LP greeks, basis,
// residual VaR/ES, effectiveness per block and against the target, perp health, the standard stress table; typed
// by src/evaluation/book-evaluation.ts, whose schema the API reads it back with). Pure: the evaluate job reads the
// history store's series for the long windows (stored-window-series.ts) and writes what this returns.
import { aaveAccrualReadingOf } from "../src/engine/aave-accrual.ts";
import { aaveCollateralReadingsOf } from "../src/engine/aave-collateral-interest.ts";
import type { BookMetrics } from "../src/engine/book-metrics.ts";
import { driftBand, isBeyondBand } from "../src/engine/drift-band.ts";
import {
  type EffectivenessWindow,
  effectivenessWindows,
  type HedgedSeriesPoint,
  STEWARD_WINDOWS,
  type TargetEffectivenessWindow,
  targetEffectivenessWindows,
} from "../src/engine/effectiveness.ts";
import { EngineInputError } from "../src/engine/errors.ts";
import type { BookParams } from "../src/engine/params.ts";
import { type RealizedExecutionFacts, summarizeRealizedCosts } from "../src/engine/realized-cost.ts";
import type { BookSample, BookSnapshot } from "../src/engine/snapshot.ts";
import { describeShock, standardShocks } from "../src/engine/standard-shocks.ts";
import { normalCdf } from "../src/engine/statistics.ts";
import { residualVarEs, stressBook } from "../src/engine/stress.ts";
import {
  type BookDetail,
  type BookStatusLevel,
  type HedgeLegDetail,
  REALIZED_COST_WINDOW_SEC,
  type StressRow,
  type TargetEffectivenessWindowDetail,
} from "../src/evaluation/book-evaluation.ts";
import { lpPositionDetails } from "../src/evaluation/lp-position-details.ts";
import { basePriceInMainPool } from "../src/indexers/book-sample.ts";
import type {
  BookStatus,
  DepegSample,
  HistorySample,
  SampleAttributionInputs,
} from "../src/store/history-store.ts";

/** Effectiveness windows the book page shows, in samples (blocks); each appears once the book has that many. */
export const EFFECTIVENESS_WINDOWS = [20, 60, 240] as const;

/**
 * The residual VaR/ES horizon: one hour of the live window's per-block changes, resampled. A day of 12 s blocks
 * would be 7,200 draws per path on every block; an hour is what a steward can act within.
 */
export const RESIDUAL_RISK_HORIZON_SEC = 3_600;
/** At most this many steps per path (on fast chains the horizon shortens to it, and says so). */
const RESIDUAL_RISK_MAX_STEPS = 1_200;
const RESIDUAL_RISK_PATHS = 1_000;
/** Fixed: the same samples give the same VaR on every evaluation, so a figure moves only when the data does. */
const RESIDUAL_RISK_SEED = 0x5eed;

/** Where the long steward windows read their points: the history store's series per window label. */
export type StoredWindowSeries = Readonly<Record<string, readonly HedgedSeriesPoint[]>>;

export interface EvaluationHistory {
  sample: HistorySample;
  depeg: DepegSample[];
  status: BookStatus;
  /** Ederington effectiveness against the target per steward window (`live`, `1h`, …), for the metrics. */
  effectivenessByWindow: Record<string, number>;
}

export function evaluationHistory(input: {
  chainId: number;
  snapshot: BookSnapshot;
  params: BookParams;
  metrics: BookMetrics;
  sample: BookSample;
  /** Samples before this block, oldest first (the window the engine was handed). */
  previous: readonly BookSample[];
  /**
   * The history store's downsampled series behind each timed steward window (1h, 1d, 7d, 30d), before this block;
   * null without a history store: those windows are then blank, with that reason.
   */
  stored: StoredWindowSeries | null;
  /** The book's mined plans over the last REALIZED_COST_WINDOW_SEC, newest first (the history's executions). */
  executions: readonly RealizedExecutionFacts[];
  nowSec: number;
  /** How residual risk is worked out: residualRiskOf, or a memo of it shared by a group's books (residual-risk-memo.ts). */
  residualRisk?: typeof residualRiskOf;
  /** The first block the indexer's scan for the Safe's funding settlements covered up to this one; absent: unknown. */
  fundingScannedFromBlock?: bigint;
  /** The first block the indexer's scan for the Safe's LP principal flows covered up to this one; absent: unknown. */
  lpFlowsScannedFromBlock?: bigint;
}): EvaluationHistory {
  const { metrics, params, snapshot } = input;
  // What both the block's sample and the book's status carry.
  const measures = {
    driftBps: metrics.drift.driftBps,
    thresholdBps: params.armBps,
    hedgeRatio: metrics.drift.hedgeRatio,
    targetHedgeRatio: metrics.drift.targetHedgeRatio,
    impermanentLossUsd: metrics.impermanentLossUsd,
    bookValueUsd: metrics.bookValueUsd,
  };
  const depeg = depegReadingsOf(metrics);
  const live = [...input.previous, input.sample];
  const windows = effectivenessOf(live);
  const target = stewardWindowsOf(live, input.stored, params.targetHedgeRatio);
  const headline = headlineWindow(target);
  const status: BookStatus = {
    chainId: input.chainId,
    bookId: snapshot.bookId,
    blockNumber: snapshot.blockNumber,
    timestampSec: snapshot.blockTimestampSec,
    status: statusOf(metrics, params),
    ...measures,
    effectiveness: headline?.relative?.ederington ?? null,
    effectivenessWindow: headline?.label ?? null,
    detail: bookDetailOf({
      metrics,
      params,
      sample: input.sample,
      snapshot,
      windows,
      target,
      residualRisk: (input.residualRisk ?? residualRiskOf)(live, params),
      depeg,
      ...stressTableOf(snapshot, params, input.nowSec, metrics, measuredCorrelation(target)),
      realizedExecution: {
        windowSec: REALIZED_COST_WINDOW_SEC,
        ...summarizeRealizedCosts(input.executions),
      },
    }),
  };
  return {
    sample: {
      ...input.sample,
      ...measures,
      attribution: {
        ...attributionInputsOf(snapshot, metrics),
        fundingScannedFromBlock: input.fundingScannedFromBlock ?? null,
        lpFlowsScannedFromBlock: input.lpFlowsScannedFromBlock ?? null,
      },
      ...(snapshot.aave !== undefined &&
        params.aave !== undefined && {
          aaveHealth: {
            // Aave's own reading (Pool.getUserAccountData); without debt it is 2^256 − 1: no finite health factor.
            healthFactor:
              snapshot.aave.accountData.healthFactorWad >= 2n ** 255n
                ? null
                : Number(snapshot.aave.accountData.healthFactorWad) / 1e18,
            floor: params.aave.healthFactor.floor,
            deltaBase: metrics.aave?.delta ?? 0,
          },
          aaveAccrual: shortReserveAccrual(snapshot, params.aave.shortAsset),
          // The collateral's supply interest, the rest of the leg's carry (src/store/report-period.ts).
          aaveCollateralAccrual: aaveCollateralReadingsOf(
            snapshot.aave,
            params.aave.shortAsset,
            snapshot.blockTimestampSec,
          ),
        }),
    },
    depeg,
    status,
    effectivenessByWindow: effectivenessByWindow(target),
  };
}

/**
 * The short asset's scaled balances and normalized indexes at the block: the report's carry of a lending short
 * (src/store/report-period.ts). Null when the snapshot lacks the reserve (the engine refuses such a book anyway).
 */
function shortReserveAccrual(snapshot: BookSnapshot, shortAsset: string) {
  const reserve = snapshot.aave?.reserves.find(
    (r) => r.asset.address.toLowerCase() === shortAsset.toLowerCase(),
  );
  return reserve === undefined ? null : aaveAccrualReadingOf(reserve, snapshot.blockTimestampSec);
}

/** What the performance report splits the block's P&L with (src/performance/attribution.ts). */
function attributionInputsOf(snapshot: BookSnapshot, metrics: BookMetrics): SampleAttributionInputs {
  const perp = snapshot.perp;
  return {
    lpFeesOwedUsd: metrics.lpFeesUsd,
    lpDeltaBase: metrics.drift.lpDeltaBase,
    spotBase: metrics.drift.spotDeltaBase,
    pendingFundingUsd: perp === null ? 0 : Number(perp.pendingFundingQuote) / 1e18,
    perp:
      perp === null
        ? { owedRealizedPnlUsd: 0, unrealizedPnlUsd: 0, pendingFeeUsd: 0, collateralUsd: 0 }
        : {
            owedRealizedPnlUsd: Number(perp.owedRealizedPnlQuote) / 1e18,
            unrealizedPnlUsd: Number(perp.unrealizedPnlQuote) / 1e18,
            pendingFeeUsd: Number(perp.pendingFeeQuote) / 1e18,
            collateralUsd: Number(perp.collateral.balance) / 10 ** perp.collateral.token.decimals,
          },
  };
}

/** Each stablecoin's reading at the block, with every price source behind it. */
function depegReadingsOf(metrics: BookMetrics): DepegSample[] {
  return metrics.depeg.map((d) => ({
    token: d.token,
    symbol: d.symbol,
    priceUsd: d.priceUsd,
    deviationBps: d.deviationBps,
    tier: d.tier,
    tierNote: d.tierNote,
    exposureUsd: d.exposureUsd,
    sources: d.sources.map((s) => ({
      kind: s.kind,
      ref: s.ref,
      priceUsd: s.priceUsd,
      deviationBps: s.deviationBps,
      usable: s.usable,
    })),
  }));
}

/**
 * The standard stress table with the stressed-correlation rows taken from the measured ρ, or why the engine could
 * not compute it (a price it has no source for).
 */
function stressTableOf(
  snapshot: BookSnapshot,
  params: BookParams,
  nowSec: number,
  metrics: BookMetrics,
  correlation: number | null,
): { stress: StressRow[]; stressProblem: string | null } {
  try {
    const rows = stressBook(snapshot, params, nowSec, standardShocks(params, { correlation }), metrics);
    return {
      stress: rows.map((r) => ({
        shock: describeShock(r.shock, params),
        lpPnlUsd: r.lpPnlUsd,
        hedgePnlUsd: r.hedgePnlUsd,
        spotPnlUsd: r.spotPnlUsd,
        netPnlUsd: r.netPnlUsd,
        netPnlBps: r.netPnlBps,
        marginRatioAfter: r.marginRatioAfter,
        liquidated: r.liquidated,
        liquidationPriceUsd: r.liquidationPriceUsd,
        liquidationMovePct: r.liquidationMovePct,
        liquidatedFraction: r.liquidatedFraction,
        liquidationPenaltyUsd: r.liquidationPenaltyUsd,
        liquidationLossUsd: r.liquidationLossUsd,
        collateralDepegPnlUsd: r.collateralDepegPnlUsd,
        ...(r.aave && {
          aave: {
            valueChangeUsd: r.aave.valueChangeUsd,
            // JSON has no Infinity: a leg without debt has no health factor to show.
            healthFactorAfter: Number.isFinite(r.aave.healthFactorAfter) ? r.aave.healthFactorAfter : null,
            liquidated: r.aave.liquidated,
            liquidationPenaltyUsd: r.aave.liquidationPenaltyUsd,
          },
        }),
      })),
      stressProblem: null,
    };
  } catch (error) {
    if (!(error instanceof EngineInputError)) throw error;
    return { stress: [], stressProblem: error.message };
  }
}

/**
 * The steward windows: live over the keeper's per-block samples (this block's included); 1h, 1d, 7d and 30d over
 * the history store's series for each, with this block's sample appended. Every window is listed; one the data
 * cannot support is blank with the reason.
 */
export function stewardWindowsOf(
  live: readonly BookSample[],
  stored: StoredWindowSeries | null,
  targetHedgeRatio: number,
): TargetEffectivenessWindowDetail[] {
  const current = live.at(-1);
  return STEWARD_WINDOWS.map((spec) => {
    const timed = "durationSec" in spec;
    const source = timed ? "history" : "blocks";
    if (timed && stored === null)
      return blankWindow(spec.label, spec.durationSec, source, targetHedgeRatio, "no history store");
    const series: readonly HedgedSeriesPoint[] = !timed
      ? live
      : [
          // What the store holds from this block on (a re-evaluated block, a chain that went back) is not history.
          ...(stored?.[spec.label] ?? []).filter(
            (p) =>
              current === undefined ||
              (p.timestampSec <= current.timestampSec &&
                (p.blockNumber === undefined || p.blockNumber < current.blockNumber)),
          ),
          ...(current === undefined ? [] : [current]),
        ];
    try {
      const [window] = targetEffectivenessWindows(series, { targetHedgeRatio, windows: [spec] });
      return targetWindowDetail(window!, source);
    } catch (error) {
      // A series the engine refuses (a chain that went back in time) is a blank window, never a failed evaluation.
      if (!(error instanceof EngineInputError)) throw error;
      return blankWindow(
        spec.label,
        timed ? spec.durationSec : null,
        source,
        targetHedgeRatio,
        error.message,
      );
    }
  });
}

function blankWindow(
  label: string,
  durationSec: number | null,
  source: TargetEffectivenessWindowDetail["source"],
  targetHedgeRatio: number,
  reason: string,
): TargetEffectivenessWindowDetail {
  return {
    label,
    durationSec,
    source,
    samples: 0,
    fromSec: null,
    toSec: null,
    fromBlock: null,
    toBlock: null,
    reason,
    targetHedgeRatio,
    realizedHedgeRatio: null,
    correlation: null,
    raw: null,
    relative: null,
  };
}

function targetWindowDetail(
  w: TargetEffectivenessWindow,
  source: TargetEffectivenessWindowDetail["source"],
): TargetEffectivenessWindowDetail {
  return {
    label: w.label,
    durationSec: w.durationSec,
    source,
    samples: w.samples,
    fromSec: w.fromSec,
    toSec: w.toSec,
    fromBlock: w.fromBlock?.toString() ?? null,
    toBlock: w.toBlock?.toString() ?? null,
    reason: w.reason,
    targetHedgeRatio: w.targetHedgeRatio,
    realizedHedgeRatio: w.realizedHedgeRatio,
    correlation: w.correlation,
    raw: w.raw,
    relative: w.relative,
  };
}

/** The window the status block shows: the longest one measured against the target. */
function headlineWindow(
  windows: readonly TargetEffectivenessWindowDetail[],
): TargetEffectivenessWindowDetail | undefined {
  return windows.findLast((w) => w.relative !== null);
}

/**
 * The hedge/item correlation the stressed-ρ rows start from: the most recent measure (live first, then the
 * longer windows); null when no window is measured (the rows then take the hedge to follow fully).
 */
function measuredCorrelation(windows: readonly TargetEffectivenessWindowDetail[]): number | null {
  return windows.find((w) => w.correlation !== null)?.correlation ?? null;
}

/**
 * Residual VaR and ES (the hedged item plus the hedge) over the next hour, by bootstrap of the live window's
 * per-block changes at the book's risk.confidenceZ; blank with the reason when the window cannot support it.
 */
export function residualRiskOf(live: readonly BookSample[], params: BookParams): BookDetail["residualRisk"] {
  const confidence = normalCdf(params.risk.confidenceZ);
  const blank = (reason: string, horizonSec = RESIDUAL_RISK_HORIZON_SEC) => ({
    confidence,
    horizonSec,
    samples: live.length,
    valueAtRiskUsd: null,
    expectedShortfallUsd: null,
    reason,
  });
  if (!(confidence > 0.5 && confidence < 1))
    return blank(`risk.confidenceZ ${params.risk.confidenceZ} gives no one-sided confidence in (50%, 100%)`);
  if (live.length < 3) return blank(`${live.length} samples (need 3)`);
  const spanSec = live.at(-1)!.timestampSec - live[0]!.timestampSec;
  if (!(spanSec > 0)) return blank("the samples span no time");
  const stepSec = spanSec / (live.length - 1);
  const horizonSteps = Math.min(
    RESIDUAL_RISK_MAX_STEPS,
    Math.max(1, Math.round(RESIDUAL_RISK_HORIZON_SEC / stepSec)),
  );
  const horizonSec = Math.round(horizonSteps * stepSec);
  try {
    const risk = residualVarEs(live, {
      confidence,
      horizonSteps,
      paths: RESIDUAL_RISK_PATHS,
      seed: RESIDUAL_RISK_SEED,
    });
    return {
      confidence,
      horizonSec,
      samples: live.length,
      valueAtRiskUsd: risk.valueAtRiskUsd,
      expectedShortfallUsd: risk.expectedShortfallUsd,
      reason: null,
    };
  } catch (error) {
    if (!(error instanceof EngineInputError)) throw error;
    return blank(error.message, horizonSec);
  }
}

/** Basis at this block, bps of index: the perp's mark against its index, and the index against the main pool. */
function basisOf(metrics: BookMetrics, snapshot: BookSnapshot): BookDetail["basis"] {
  const perp = metrics.perp;
  const index = perp?.indexPrice ?? metrics.basePriceUsd;
  const pool = basePriceInMainPool(snapshot);
  return {
    markIndexBps: perp === null ? null : ((perp.markPrice - perp.indexPrice) / perp.indexPrice) * 10_000,
    indexPoolBps: pool === undefined ? null : ((index - pool) / index) * 10_000,
  };
}

/** The book page's summary beyond the status block. */
function bookDetailOf(input: {
  metrics: BookMetrics;
  params: BookParams;
  sample: BookSample;
  snapshot: BookSnapshot;
  windows: readonly EffectivenessWindow[];
  target: TargetEffectivenessWindowDetail[];
  residualRisk: BookDetail["residualRisk"];
  depeg: readonly DepegSample[];
  stress: StressRow[];
  stressProblem: string | null;
  realizedExecution: BookDetail["realizedExecution"];
}): BookDetail {
  const { metrics, params } = input;
  const perp = metrics.perp;
  // A dust position (marginRatio null) has no meaningful liquidation price.
  const liquidationPriceUsd = perp === null || perp.marginRatio === null ? null : perp.liquidationPrice;
  const sigma = metrics.sigma;
  return {
    armBps: params.armBps,
    rearmBps: params.rearmBps,
    driftState: metrics.drift.state,
    netDeltaUsd: metrics.drift.netDeltaUsd,
    basePriceUsd: metrics.basePriceUsd,
    oracle: metrics.baseOracle,
    sigma: {
      annual: sigma.sigmaAnnual,
      source: sigma.source,
      reason: sigma.reason ?? null,
      series: sigma.series,
      observations: sigma.observations,
      moves: sigma.moves,
      spanSec: sigma.spanSec,
      realizedAnnual: sigma.realizedSigmaAnnual,
    },
    lp: {
      valueUsd: metrics.lpValueUsd,
      feesUsd: metrics.lpFeesUsd,
      hodlValueUsd: metrics.lpHodlValueUsd,
      expectedIlUsd: metrics.expectedIlUsd,
      lvrUsdPerYear: metrics.lvrUsdPerYear,
      lvrUsdPerYearPerSigma: metrics.lvrUsdPerYearPerSigma,
      gammaBase: metrics.lpGammaBase,
      gammaUsdPer1Pct: metrics.lpGammaUsdPer1Pct,
    },
    lpPositions: lpPositionDetails(metrics, input.snapshot),
    perp:
      perp === null
        ? null
        : {
            venue: perp.venue,
            sizeBase: perp.sizeBase,
            notionalUsd: perp.notionalUsd,
            markPrice: perp.markPrice,
            indexPrice: perp.indexPrice,
            marginRatio: perp.marginRatio,
            leverage: perp.leverage,
            liquidationDistanceBps: perp.liquidationDistanceBps,
            liquidationPriceUsd,
            liquidationMovePct:
              liquidationPriceUsd === null ? null : liquidationPriceUsd / perp.indexPrice - 1,
            fundingCarryUsdPerYear: perp.fundingCarryUsdPerYear,
          },
    hedgeLegs: hedgeLegDetails(metrics, params),
    basis: basisOf(metrics, input.snapshot),
    residualRisk: input.residualRisk,
    effectiveness: input.windows.map((w) => ({
      samples: w.samples,
      fromBlock: w.fromBlock.toString(),
      toBlock: w.toBlock.toString(),
      ederington: w.ederington,
      correlation: w.correlation,
      minVarianceHedgeMultiple: w.minVarianceHedgeMultiple,
      basisMarkIndexBps: w.basisMarkIndexBps,
      fundingCarryUsdPerYear: w.fundingCarryUsdPerYear,
      varianceRemoved: w.varianceRemoved,
      costPerUnitRiskRemoved: w.costPerUnitRiskRemoved,
    })),
    targetEffectiveness: input.target,
    stress: input.stress,
    stressProblem: input.stressProblem,
    depeg: input.depeg.map((d) => ({ symbol: d.symbol, tier: d.tier, deviationBps: d.deviationBps })),
    realizedExecution: input.realizedExecution,
  };
}

/** Each leg as the book page shows it; an infinite health factor (no debt) is null, as JSON has no Infinity. */
function hedgeLegDetails(metrics: BookMetrics, params: BookParams): HedgeLegDetail[] {
  return metrics.hedgeLegs.map((leg) => ({
    venue: leg.venue,
    deltaBase: leg.deltaBase,
    notionalUsd: leg.notionalUsd,
    collateralUsd: leg.collateralUsd,
    healthFactor: leg.healthFactor === null || !Number.isFinite(leg.healthFactor) ? null : leg.healthFactor,
    healthFactorBand: leg.venue === "aave-v3-borrow" && params.aave ? { ...params.aave.healthFactor } : null,
    marginRatio: leg.marginRatio,
    liquidationPriceUsd: leg.liquidationPriceUsd,
    liquidationDistanceBps: leg.liquidationDistanceBps,
    carryUsdPerYear: leg.carryUsdPerYear,
    shortCarryApr: leg.shortCarryApr,
  }));
}

/** The windows of EFFECTIVENESS_WINDOWS the samples (oldest first) can fill. */
export function effectivenessOf(series: readonly BookSample[]): EffectivenessWindow[] {
  return EFFECTIVENESS_WINDOWS.filter((size) => series.length >= size).flatMap((size) => {
    try {
      return effectivenessWindows(series, [size]);
    } catch (error) {
      // A window the engine refuses (no time span, a flat series) is left out, never shown as zero.
      if (error instanceof EngineInputError) return [];
      throw error;
    }
  });
}

/** Ederington effectiveness against the target per measured steward window (`live`, `1h`, …), for the metrics. */
export function effectivenessByWindow(
  windows: readonly TargetEffectivenessWindowDetail[],
): Record<string, number> {
  return Object.fromEntries(
    windows.flatMap((w) => (w.relative === null ? [] : [[w.label, w.relative.ederington]])),
  );
}

/**
 * The colour a steward sees: stale when the base oracle cannot be trusted (nothing is done on it), act when the
 * drift is beyond the arm band (strictly past its edge, where the keeper arms) or a stablecoin reached its act tier
 * or limit, watch once drift is beyond the re-arm band or a stablecoin leaves "ok", ok otherwise.
 */
export function statusOf(metrics: BookMetrics, params: BookParams): BookStatusLevel {
  if (!metrics.baseOracle.fresh) return "stale";
  const beyond = (bandBps: number) => isBeyondBand(driftBand(metrics.drift.driftBps, bandBps));
  if (beyond(params.armBps) || metrics.depeg.some((d) => d.tier === "act" || d.overLimit)) return "act";
  if (beyond(params.rearmBps) || metrics.depeg.some((d) => d.tier !== "ok")) return "watch";
  return "ok";
}
