// Alert conditions on the hedge's quality, from one evaluation of each book: effectiveness under its floor,
// correlation broken, basis outside its band, a liquidation distance the keeper cannot restore within its caps,
// and a volatility that has been the configured fallback for too long. Pure: the caller hands in what the keeper
// computed (and how long σ has been on fallback, from a HeldSince it keeps); the router decides what to send.
import { aaveLegContext, aaveRestoreOutlook } from "../engine/aave-plan.ts";
import type { BookMetrics } from "../engine/book-metrics.ts";
import type { BookParams } from "../engine/params.ts";
import { minAccountValueForDistance } from "../engine/perp-metrics.ts";
import type { BookSample, BookSnapshot } from "../engine/snapshot.ts";
import type { BookDetail } from "../evaluation/book-evaluation.ts";
import type { Alert } from "./alert.ts";

/** `alerts` keys of the configuration these conditions read (src/config/schema.ts). */
export interface HedgeAlertThresholds {
  effectiveness: { floorRatio: number; minSamples: number };
  correlation: { floorAbsRho: number; minSamples: number };
  basis: { markIndexMaxBps: number; indexPoolMaxBps: number };
  sigmaFallback: { maxDurationSec: number };
}

/** What the conditions read of one book's latest evaluation. */
export interface HedgeReadings {
  bookId: string;
  blockNumber: bigint;
  metrics: Pick<BookMetrics, "perp" | "basePriceUsd" | "sigma">;
  /** The evaluation's detail as the history records it (effectiveness windows); null when none was built. */
  detail: BookDetail | null;
  /** The base asset's price in the book's main pool, USD (the block's sample). */
  poolPriceUsd: number;
  /** The book's own limits on restoring margin, and the settlement collateral its Safe holds (USD). */
  margin: { minLiquidationDistanceBps: number; maxCollateralMoveUsd: number; collateralHeldUsd: number };
  /** An urgent Aave leg (under its floor or too close to liquidation) and what the keeper can restore; else absent. */
  aave?: {
    healthFactor: number;
    safeHealthFactor: number;
    reachableHealthFactor: number;
    restorable: boolean;
  };
  /** How long σ has been the fallback without a break, s on the evaluations' clock; null when it is not. */
  sigmaFallbackForSec: number | null;
}

/**
 * One effectiveness window as the conditions judge it. The single place that reads the detail's windows: when
 * the detail carries target-relative measures, re-point `effectivenessReadings` and nothing else changes.
 */
export interface EffectivenessReading {
  /** The steward window: `live` (the last blocks), `1h`, `1d`, `7d`, `30d`. */
  label: string;
  samples: number;
  /**
   * Share of the targeted share of the item's variance the hedge removed (Ederington against the book's target:
   * 1 = the hedge did exactly what the target asks, < 0 = it adds risk).
   */
  effectiveness: number;
  /** ρ(Δitem, Δhedge): near −1 for a working hedge. */
  correlation: number;
}

/**
 * The steward windows that measured something, in the detail's order (shortest first), judged against the book's
 * target (engine/effectiveness.ts targetEffectivenessWindows). A blank window (too few samples, no history,
 * nothing moved: it says why) or a book with no target is left out, never read as a broken hedge.
 */
export function effectivenessReadings(detail: BookDetail): EffectivenessReading[] {
  return detail.targetEffectiveness.flatMap((w) =>
    w.reason === null && w.relative !== null && w.correlation !== null
      ? [
          {
            label: w.label,
            samples: w.samples,
            effectiveness: w.relative.ederington,
            correlation: w.correlation,
          },
        ]
      : [],
  );
}

/** The longest measured window with at least `minSamples` samples: the steadiest reading there is. */
function longestWindow(detail: BookDetail | null, minSamples: number): EffectivenessReading | undefined {
  if (detail === null) return undefined;
  return effectivenessReadings(detail)
    .filter((w) => w.samples >= minSamples)
    .at(-1);
}

/** Signed basis of `a` over `b`, bps of `b`. */
const basisBps = (a: number, b: number) => ((a - b) / b) * 10_000;
const round1 = (x: number) => Number(x.toFixed(1));

export function effectivenessBelowFloor(
  r: HedgeReadings,
  t: HedgeAlertThresholds["effectiveness"],
): Alert | null {
  const w = longestWindow(r.detail, t.minSamples);
  if (w === undefined || w.effectiveness >= t.floorRatio) return null;
  return {
    key: `effectiveness:${r.bookId}`,
    severity: "warning",
    title: `${r.bookId}: hedge effectiveness below floor`,
    text: `against its target the hedge removed ${(w.effectiveness * 100).toFixed(1)}% of the variance it is meant to remove over the ${w.label} window, ${w.samples} samples (floor ${(t.floorRatio * 100).toFixed(0)}%)`,
    bookId: r.bookId,
    fields: {
      window: w.label,
      effectiveness: Number(w.effectiveness.toFixed(3)),
      floorRatio: t.floorRatio,
      block: Number(r.blockNumber),
    },
  };
}

export function correlationBroken(r: HedgeReadings, t: HedgeAlertThresholds["correlation"]): Alert | null {
  const w = longestWindow(r.detail, t.minSamples);
  if (w === undefined || Math.abs(w.correlation) >= t.floorAbsRho) return null;
  return {
    key: `correlation:${r.bookId}`,
    severity: "warning",
    title: `${r.bookId}: hedge correlation broken`,
    text: `ρ(book, hedge) ${w.correlation.toFixed(3)} over the ${w.label} window, ${w.samples} samples: |ρ| below ${t.floorAbsRho}, the hedge no longer moves with what it hedges`,
    bookId: r.bookId,
    fields: {
      window: w.label,
      correlation: Number(w.correlation.toFixed(3)),
      floorAbsRho: t.floorAbsRho,
      block: Number(r.blockNumber),
    },
  };
}

/** Perp mark vs its index, and the index vs the book's pool: each against its own band. */
export function basisBeyondBand(r: HedgeReadings, t: HedgeAlertThresholds["basis"]): Alert[] {
  const alerts: Alert[] = [];
  const perp = r.metrics.perp;
  // Without a perp the index is the base feed.
  const index = perp?.indexPrice ?? r.metrics.basePriceUsd;
  if (perp !== null) {
    const bps = basisBps(perp.markPrice, perp.indexPrice);
    if (Math.abs(bps) > t.markIndexMaxBps)
      alerts.push({
        key: `basis-mark-index:${r.bookId}`,
        severity: "warning",
        title: `${r.bookId}: perp mark off its index`,
        text: `mark ${perp.markPrice.toFixed(2)} vs index ${perp.indexPrice.toFixed(2)}: ${bps.toFixed(1)} bps, band ±${t.markIndexMaxBps} bps`,
        bookId: r.bookId,
        fields: { basisBps: round1(bps), maxBps: t.markIndexMaxBps, block: Number(r.blockNumber) },
      });
  }
  const bps = basisBps(index, r.poolPriceUsd);
  if (Math.abs(bps) > t.indexPoolMaxBps)
    alerts.push({
      key: `basis-index-pool:${r.bookId}`,
      severity: "warning",
      title: `${r.bookId}: index off the pool price`,
      text: `index ${index.toFixed(2)} vs pool ${r.poolPriceUsd.toFixed(2)}: ${bps.toFixed(1)} bps, band ±${t.indexPoolMaxBps} bps`,
      bookId: r.bookId,
      fields: { basisBps: round1(bps), maxBps: t.indexPoolMaxBps, block: Number(r.blockNumber) },
    });
  return alerts;
}

/** What restoring the liquidation distance takes, against what the keeper may deposit in one plan. */
export interface LiquidationHeadroom {
  distanceBps: number;
  minDistanceBps: number;
  /** Account value to add to bring the index back to minDistanceBps from liquidation, USD. */
  depositNeededUsd: number;
  /** min(per-plan collateral cap, settlement collateral the Safe holds), USD. */
  depositPossibleUsd: number;
}

/** Null without a position, or when its liquidation distance is not below the book's limit. */
export function liquidationHeadroom(r: HedgeReadings): LiquidationHeadroom | null {
  const perp = r.metrics.perp;
  if (perp === null || perp.liquidationDistanceBps === null) return null;
  const { minLiquidationDistanceBps: minDistanceBps } = r.margin;
  if (perp.liquidationDistanceBps >= minDistanceBps) return null;
  const needed = minAccountValueForDistance(
    perp.sizeBase,
    perp.indexPrice,
    perp.maintenanceMarginRatio,
    minDistanceBps,
  );
  return {
    distanceBps: perp.liquidationDistanceBps,
    minDistanceBps,
    depositNeededUsd: Math.max(0, needed - perp.accountValueUsd),
    depositPossibleUsd: Math.max(0, Math.min(r.margin.maxCollateralMoveUsd, r.margin.collateralHeldUsd)),
  };
}

export function liquidationUnrestorable(r: HedgeReadings): Alert | null {
  const h = liquidationHeadroom(r);
  if (h === null || h.depositNeededUsd <= h.depositPossibleUsd) return null;
  const limitedBy =
    r.margin.collateralHeldUsd < r.margin.maxCollateralMoveUsd ? "the Safe's collateral" : "the per-plan cap";
  return {
    key: `liquidation-unrestorable:${r.bookId}`,
    severity: "critical",
    title: `${r.bookId}: liquidation distance cannot be restored within caps`,
    text: `index ${h.distanceBps.toFixed(0)} bps from liquidation (limit ${h.minDistanceBps}); restoring it takes ${h.depositNeededUsd.toFixed(0)} USD of margin, the keeper may deposit ${h.depositPossibleUsd.toFixed(0)} USD (limited by ${limitedBy}): add collateral or reduce the position`,
    bookId: r.bookId,
    fields: {
      distanceBps: round1(h.distanceBps),
      depositNeededUsd: Math.round(h.depositNeededUsd),
      depositPossibleUsd: Math.round(h.depositPossibleUsd),
      block: Number(r.blockNumber),
    },
  };
}

/** An Aave leg under its floor (or too close to liquidation) that the Safe's holdings cannot restore within caps. */
export function aaveHealthUnrestorable(r: HedgeReadings): Alert | null {
  const aave = r.aave;
  if (!aave || aave.restorable) return null;
  return {
    key: `aave-health-unrestorable:${r.bookId}`,
    severity: "critical",
    title: `${r.bookId}: Aave health factor cannot be restored within caps`,
    text: `health factor ${aave.healthFactor.toFixed(3)} needs ${aave.safeHealthFactor.toFixed(3)}; repaying with the WETH the Safe holds and supplying its collateral, within caps, reaches ${aave.reachableHealthFactor.toFixed(3)}: add collateral or repay debt`,
    bookId: r.bookId,
    fields: {
      healthFactor: round3(aave.healthFactor),
      safeHealthFactor: round3(aave.safeHealthFactor),
      reachableHealthFactor: round3(aave.reachableHealthFactor),
      block: Number(r.blockNumber),
    },
  };
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

export function sigmaOnFallback(r: HedgeReadings, t: HedgeAlertThresholds["sigmaFallback"]): Alert | null {
  if (r.sigmaFallbackForSec === null || r.sigmaFallbackForSec < t.maxDurationSec) return null;
  const sigma = r.metrics.sigma;
  return {
    key: `sigma-fallback:${r.bookId}`,
    severity: "warning",
    title: `${r.bookId}: volatility on its fallback for ${Math.round(r.sigmaFallbackForSec / 60)} min`,
    text: `σ ${sigma.sigmaAnnual} is the configured fallback, not measured (${sigma.reason ?? "no reason given"}): decisions rest on an assumed volatility`,
    bookId: r.bookId,
    fields: {
      forSec: r.sigmaFallbackForSec,
      maxDurationSec: t.maxDurationSec,
      sigmaAnnual: sigma.sigmaAnnual,
    },
  };
}

export function hedgeConditions(books: readonly HedgeReadings[], thresholds: HedgeAlertThresholds): Alert[] {
  return books.flatMap((r) =>
    [
      effectivenessBelowFloor(r, thresholds.effectiveness),
      correlationBroken(r, thresholds.correlation),
      ...basisBeyondBand(r, thresholds.basis),
      liquidationUnrestorable(r),
      aaveHealthUnrestorable(r),
      sigmaOnFallback(r, thresholds.sigmaFallback),
    ].filter((alert): alert is Alert => alert !== null),
  );
}

/** The readings from one evaluation as the keeper hands it over (evaluate job → onEvaluation). */
export function hedgeReadingsOf(input: {
  snapshot: BookSnapshot;
  metrics: BookMetrics;
  sample: BookSample;
  detail: BookDetail | null;
  params: BookParams;
  sigmaFallbackForSec: number | null;
}): HedgeReadings {
  const { snapshot, params } = input;
  const collateral = snapshot.perp?.collateral.token;
  let heldUnits = 0;
  if (collateral !== undefined) {
    for (const s of snapshot.spot) {
      if (s.token.address.toLowerCase() === collateral.address.toLowerCase())
        heldUnits += Number(s.balance) / 10 ** s.token.decimals;
    }
  }
  const aaveLeg = aaveLegContext(snapshot, params, input.metrics, snapshot.blockTimestampSec);
  const outlook = aaveLeg && aaveRestoreOutlook(aaveLeg);
  const wadToFloat = (wad: bigint) => Number(wad) / 1e18;
  return {
    bookId: snapshot.bookId,
    blockNumber: snapshot.blockNumber,
    metrics: input.metrics,
    ...(outlook && {
      aave: {
        healthFactor: wadToFloat(outlook.healthFactorWad),
        safeHealthFactor: wadToFloat(outlook.safeHealthFactorWad),
        reachableHealthFactor: wadToFloat(outlook.reachableHealthFactorWad),
        restorable: outlook.restorable,
      },
    }),
    detail: input.detail,
    poolPriceUsd: input.sample.poolPriceUsd,
    margin: {
      minLiquidationDistanceBps: params.margin.minLiquidationDistanceBps,
      maxCollateralMoveUsd: params.caps.maxCollateralMoveUsd,
      // Settlement collateral is a USD stable (Perp v2: USDC), counted at $1 as the engine's deposits are.
      collateralHeldUsd: heldUnits,
    },
    sigmaFallbackForSec: input.sigmaFallbackForSec,
  };
}
