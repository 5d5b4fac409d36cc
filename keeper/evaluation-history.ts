// What one evaluation leaves in the history store: the block's sample (the engine's rolling inputs plus the
// dashboard's series), the de-peg readings, and the book's status row with its detail (effectiveness windows,
// perp health, the standard stress table; typed by src/evaluation/book-evaluation.ts, whose schema the API reads
// it back with). Pure: the evaluate job writes what this returns.
import type { BookMetrics } from "../src/engine/book-metrics.ts";
import { driftBand, isBeyondBand } from "../src/engine/drift-band.ts";
import { type EffectivenessWindow, effectivenessWindows } from "../src/engine/effectiveness.ts";
import { EngineInputError } from "../src/engine/errors.ts";
import type { BookParams } from "../src/engine/params.ts";
import type { BookSample, BookSnapshot } from "../src/engine/snapshot.ts";
import { describeShock, standardShocks } from "../src/engine/standard-shocks.ts";
import { stressBook } from "../src/engine/stress.ts";
import type { BookDetail, BookStatusLevel, StressRow } from "../src/evaluation/book-evaluation.ts";
import type { BookStatus, DepegSample, HistorySample } from "../src/store/history-store.ts";

/** Effectiveness windows the book page shows, in samples (blocks); each appears once the book has that many. */
export const EFFECTIVENESS_WINDOWS = [20, 60, 240] as const;

export interface EvaluationHistory {
  sample: HistorySample;
  depeg: DepegSample[];
  status: BookStatus;
  /** Ederington effectiveness per window, labelled by its size in blocks (`20b`), for the metrics. */
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
  nowSec: number;
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
  const windows = effectivenessOf([...input.previous, input.sample]);
  const status: BookStatus = {
    chainId: input.chainId,
    bookId: snapshot.bookId,
    blockNumber: snapshot.blockNumber,
    timestampSec: snapshot.blockTimestampSec,
    status: statusOf(metrics, params),
    ...measures,
    effectiveness: windows.at(-1)?.ederington ?? null,
    detail: bookDetailOf({
      metrics,
      params,
      windows,
      depeg,
      ...stressTableOf(snapshot, params, input.nowSec, metrics),
    }),
  };
  return {
    sample: { ...input.sample, ...measures },
    depeg,
    status,
    effectivenessByWindow: effectivenessByWindow(windows),
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

/** The standard stress table, or why the engine could not compute it (a price it has no source for). */
function stressTableOf(
  snapshot: BookSnapshot,
  params: BookParams,
  nowSec: number,
  metrics: BookMetrics,
): { stress: StressRow[]; stressProblem: string | null } {
  try {
    const rows = stressBook(snapshot, params, nowSec, standardShocks(params), metrics);
    return {
      stress: rows.map((r) => ({
        shock: describeShock(r.shock, params),
        lpPnlUsd: r.lpPnlUsd,
        hedgePnlUsd: r.hedgePnlUsd,
        spotPnlUsd: r.spotPnlUsd,
        netPnlUsd: r.netPnlUsd,
        netPnlBps: r.netPnlBps,
      })),
      stressProblem: null,
    };
  } catch (error) {
    if (!(error instanceof EngineInputError)) throw error;
    return { stress: [], stressProblem: error.message };
  }
}

/** The book page's summary beyond the status block. */
function bookDetailOf(input: {
  metrics: BookMetrics;
  params: BookParams;
  windows: readonly EffectivenessWindow[];
  depeg: readonly DepegSample[];
  stress: StressRow[];
  stressProblem: string | null;
}): BookDetail {
  const { metrics, params } = input;
  const perp = metrics.perp;
  return {
    armBps: params.armBps,
    rearmBps: params.rearmBps,
    driftState: metrics.drift.state,
    netDeltaUsd: metrics.drift.netDeltaUsd,
    basePriceUsd: metrics.basePriceUsd,
    oracle: metrics.baseOracle,
    lp: {
      valueUsd: metrics.lpValueUsd,
      feesUsd: metrics.lpFeesUsd,
      hodlValueUsd: metrics.lpHodlValueUsd,
      expectedIlUsd: metrics.expectedIlUsd,
      lvrUsdPerYear: metrics.lvrUsdPerYear,
    },
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
            fundingCarryUsdPerYear: perp.fundingCarryUsdPerYear,
          },
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
    stress: input.stress,
    stressProblem: input.stressProblem,
    depeg: input.depeg.map((d) => ({ symbol: d.symbol, tier: d.tier, deviationBps: d.deviationBps })),
  };
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

/** Ederington effectiveness per window, labelled by its size in blocks (`20b`), for the metrics. */
export function effectivenessByWindow(windows: readonly EffectivenessWindow[]): Record<string, number> {
  return Object.fromEntries(windows.map((w) => [`${w.samples}b`, w.ederington]));
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
