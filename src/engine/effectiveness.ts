// Hedge effectiveness on per-block samples, always on changes over the same intervals (Hull, Options,
// Futures and Other Derivatives, ch. 3): minimum-variance hedge ratio h* = ρ·σS/σF; Ederington (1979)
// effectiveness 1 − Var(hedged)/Var(unhedged) (= ρ² at h*); dollar offset (ASC 815 / IAS 39 practice,
// "highly effective" within 80%–125%); regression R² (>= 0.80); basis = mark vs index vs pool and its
// variability; funding carry against the risk removed.
import type { BookMetrics } from "./book-metrics.ts";
import { emit, fail } from "./input-guards.ts";
import type { BookSample } from "./snapshot.ts";
import { assertPaired, assertSeries, changes, covariance, mean, variance } from "./statistics.ts";
import { SECONDS_PER_YEAR } from "./volatility.ts";

/** h* = Cov(ΔS, ΔF) / Var(ΔF) = ρ·σS/σF: units of hedge instrument to short per unit of spot. */
export function minVarianceHedgeRatio(
  spotChanges: readonly number[],
  hedgeChanges: readonly number[],
): number {
  assertPaired("spotChanges", spotChanges, "hedgeChanges", hedgeChanges);
  const varF = variance(hedgeChanges);
  if (!(varF > 0)) fail("hedgeChanges", "has zero variance: no hedge ratio exists");
  return emit("minVarianceHedgeRatio", covariance(spotChanges, hedgeChanges) / varF);
}

/** Ederington (1979): 1 − Var(hedged) / Var(unhedged), 1 = all variance removed, < 0 = the hedge adds risk. */
export function hedgeEffectiveness(
  unhedgedChanges: readonly number[],
  hedgedChanges: readonly number[],
): number {
  assertPaired("unhedgedChanges", unhedgedChanges, "hedgedChanges", hedgedChanges);
  const varU = variance(unhedgedChanges);
  if (!(varU > 0)) fail("unhedgedChanges", "has zero variance: nothing to hedge");
  return emit("hedgeEffectiveness", 1 - variance(hedgedChanges) / varU);
}

/** Dollar offset: −Δhedge / Δhedged item; "highly effective" when within [0.80, 1.25]. */
export function dollarOffsetRatio(
  hedgeChange: number,
  hedgedItemChange: number,
): { ratio: number; highlyEffective: boolean } {
  if (!Number.isFinite(hedgeChange)) fail("hedgeChange", "must be a finite number", hedgeChange);
  if (!Number.isFinite(hedgedItemChange) || hedgedItemChange === 0) {
    fail(
      "hedgedItemChange",
      "must be finite and non-zero (the ratio is undefined otherwise)",
      hedgedItemChange,
    );
  }
  const ratio = emit("dollarOffsetRatio", -hedgeChange / hedgedItemChange);
  return { ratio, highlyEffective: ratio >= 0.8 && ratio <= 1.25 };
}

export function correlation(a: readonly number[], b: readonly number[]): number {
  assertPaired("a", a, "b", b);
  const va = variance(a);
  const vb = variance(b);
  if (!(va > 0) || !(vb > 0)) fail(va > 0 ? "b" : "a", "has zero variance: correlation undefined");
  return emit("correlation", covariance(a, b) / Math.sqrt(va * vb));
}

export interface EffectivenessWindow {
  samples: number;
  fromBlock: bigint;
  toBlock: bigint;
  /** ρ(Δitem, Δhedge): near −1 for a good hedge. The item is hedgedItemValueUsd when every sample has it, else lpValueUsd. */
  correlation: number;
  /** The multiple of the current hedge that would minimize variance (1 = sized right). */
  minVarianceHedgeMultiple: number;
  ederington: number;
  /** Cumulative dollar offset over the window. */
  dollarOffset: { ratio: number; highlyEffective: boolean } | null;
  /** R² of ΔLP regressed on Δhedge (= ρ²); the regression test passes at >= 0.80. */
  regressionR2: number;
  regressionPasses: boolean;
  /** Mark − index and index − pool, bps of index: mean and standard deviation. */
  basisMarkIndexBps: { mean: number; std: number };
  basisIndexPoolBps: { mean: number; std: number };
  /** Funding earned per year at the window's average rate and size, USD (negative = paid). */
  fundingCarryUsdPerYear: number;
  /** Standard deviation of value changes, USD per year: without and with the hedge. */
  unhedgedRiskUsdPerYear: number;
  residualRiskUsdPerYear: number;
  /** Fraction of variance removed (= Ederington). */
  varianceRemoved: number;
  /** Funding paid per USD of annual risk removed (negative = the hedge is paid to remove risk). */
  costPerUnitRiskRemoved: number | null;
  /** Residual delta of the hedged book: Cov(ΔLP + Δhedge, ΔS) / Var(ΔS), base units. */
  residualDeltaBase: number;
}

function std(xs: readonly number[]): number {
  return Math.sqrt(variance(xs));
}

/** Effectiveness over the last `size` samples, for each window size requested. */
export function effectivenessWindows(
  samples: readonly BookSample[],
  sizes: readonly number[],
): EffectivenessWindow[] {
  return sizes.map((size) => {
    if (!Number.isInteger(size) || size < 3)
      fail("windowSizes", "each window needs at least 3 samples", size);
    if (samples.length < size) fail("samples", `a window of ${size} needs ${size} samples`, samples.length);
    const w = samples.slice(samples.length - size);
    // The hedged item is everything drift counts (LP + fees owed + base spot) when every sample of the window
    // carries it; older samples have only the LP (and its fees).
    const whole = w.every((s) => s.hedgedItemValueUsd !== undefined);
    const lp = w.map((s) => (whole ? s.hedgedItemValueUsd! : s.lpValueUsd));
    const hedge = w.map((s) => s.hedgeValueUsd);
    const spot = w.map((s) => s.basePriceUsd);
    assertSeries("samples.lpValueUsd", lp);
    assertSeries("samples.hedgeValueUsd", hedge);
    assertSeries("samples.basePriceUsd", spot);
    const dL = changes(lp);
    const dH = changes(hedge);
    const dS = changes(spot);
    const dHedged = dL.map((x, i) => x + dH[i]!);
    const varL = variance(dL);
    const varH = variance(dH);
    const varHedged = variance(dHedged);
    const rho = varL > 0 && varH > 0 ? covariance(dL, dH) / Math.sqrt(varL * varH) : 0;
    const spanSec = w[w.length - 1]!.timestampSec - w[0]!.timestampSec;
    if (!(spanSec > 0)) fail("samples.timestampSec", "a window must span time", spanSec);
    const stepsPerYear = SECONDS_PER_YEAR / (spanSec / dL.length);
    const unhedgedRisk = Math.sqrt(varL * stepsPerYear);
    const residualRisk = Math.sqrt(varHedged * stepsPerYear);
    const carry = mean(w.map((s) => -(s.perpSizeBase ?? 0) * s.perpIndexPriceUsd * s.fundingRateDaily * 365));
    const sumL = lp[lp.length - 1]! - lp[0]!;
    const sumH = hedge[hedge.length - 1]! - hedge[0]!;
    const markIndex = w.map(
      (s) => ((s.perpMarkPriceUsd - s.perpIndexPriceUsd) / s.perpIndexPriceUsd) * 10_000,
    );
    const indexPool = w.map((s) => ((s.perpIndexPriceUsd - s.poolPriceUsd) / s.perpIndexPriceUsd) * 10_000);
    const removed = unhedgedRisk - residualRisk;
    const varS = variance(dS);
    return {
      samples: w.length,
      fromBlock: w[0]!.blockNumber,
      toBlock: w[w.length - 1]!.blockNumber,
      correlation: emit("correlation", rho),
      minVarianceHedgeMultiple: varH > 0 ? emit("minVarianceHedgeMultiple", -covariance(dL, dH) / varH) : 0,
      ederington: varL > 0 ? emit("ederington", 1 - varHedged / varL) : 0,
      dollarOffset: sumL !== 0 ? dollarOffsetRatio(sumH, sumL) : null,
      regressionR2: rho * rho,
      regressionPasses: rho * rho >= 0.8,
      basisMarkIndexBps: { mean: emit("basis", mean(markIndex)), std: emit("basis", std(markIndex)) },
      basisIndexPoolBps: { mean: emit("basis", mean(indexPool)), std: emit("basis", std(indexPool)) },
      fundingCarryUsdPerYear: emit("fundingCarryUsdPerYear", carry),
      unhedgedRiskUsdPerYear: emit("unhedgedRisk", unhedgedRisk),
      residualRiskUsdPerYear: emit("residualRisk", residualRisk),
      varianceRemoved: varL > 0 ? 1 - varHedged / varL : 0,
      costPerUnitRiskRemoved: removed > 0 ? emit("costPerUnitRiskRemoved", -carry / removed) : null,
      residualDeltaBase: varS > 0 ? emit("residualDeltaBase", covariance(dHedged, dS) / varS) : 0,
    };
  });
}

// ── Effectiveness of the whole book against its target, over the windows stewards read ─────────────────────
//
// The hedged item is everything hedge drift counts as exposure: LP value + LP fees owed + the base asset held
// as spot (hedgedItemValueUsd). A book hedged to a target ratio τ < 1 is judged against τ × item: a hedge
// exactly on a 0.6 target offsets 60% of the item's moves, and is effective; raw figures (against the whole
// item) are reported beside it.
// Series mix per-block and downsampled (per-minute) points, so the intervals are unequal: moments are realized
// (uncentered) sums of products of changes over the same intervals (realized covariation, Barndorff-Nielsen &
// Shephard 2004, Econometrica 72(3)), which weight each interval by its own variance; the regression is through
// the origin for the same reason.

/**
 * The hedged item's value, USD: LP value + LP fees owed + spot base × base price — exactly the exposure
 * hedge-drift.ts counts (LP delta + spot base delta). What a sample producer writes to hedgedItemValueUsd.
 */
export function hedgedItemValueUsd(
  metrics: Pick<BookMetrics, "lpValueUsd" | "lpFeesUsd" | "basePriceUsd" | "drift">,
): number {
  return emit(
    "hedgedItemValueUsd",
    metrics.lpValueUsd + metrics.lpFeesUsd + metrics.drift.spotDeltaBase * metrics.basePriceUsd,
  );
}

/** A window over a time-stamped series: the last `durationSec` up to the series' end, or the last N points. */
export type EffectivenessWindowSpec =
  | { label: string; durationSec: number }
  | { label: string; lastSamples: number };

/** The windows the book page shows: the live per-block window (the keeper's 240 blocks), 1 h, 1 d, 7 d, 30 d. */
export const STEWARD_WINDOWS: readonly EffectivenessWindowSpec[] = [
  { label: "live", lastSamples: 240 },
  { label: "1h", durationSec: 3_600 },
  { label: "1d", durationSec: 86_400 },
  { label: "7d", durationSec: 7 * 86_400 },
  { label: "30d", durationSec: 30 * 86_400 },
];

/** One point of the series: a BookSample or a downsampled row of the history store. */
export type HedgedSeriesPoint = Pick<BookSample, "timestampSec" | "hedgeValueUsd" | "hedgedItemValueUsd"> & {
  blockNumber?: bigint;
};

export interface EffectivenessMeasures {
  /** Ederington (1979): 1 − Var(item + hedge) / Var(item); relative: the item scaled by the target. */
  ederington: number;
  /** Multiple of the current hedge that minimizes that variance (Hull's h*; 1 = sized right); null without hedge moves. */
  minVarianceMultiple: number | null;
  /** Dollar offset −ΣΔhedge / ΣΔitem over the window; null when the item ended where it started. */
  dollarOffset: number | null;
  /** Within 80%–125% (ASC 815 / IAS 39 practice). */
  dollarOffsetHighlyEffective: boolean;
  /** Δhedge regressed on Δitem: slope (−1 = one-for-one offset) and R² (= ρ²). */
  regressionSlope: number;
  regressionR2: number;
  /** The regression test: R² ≥ 0.80 and −slope within [0.80, 1.25]. */
  effective: boolean;
}

export interface TargetEffectivenessWindow {
  label: string;
  durationSec: number | null;
  /** Points the window rests on (changes = samples − 1). */
  samples: number;
  fromSec: number | null;
  toSec: number | null;
  fromBlock: bigint | null;
  toBlock: bigint | null;
  /** Null when measured; otherwise why the window is blank (all measures null). */
  reason: string | null;
  targetHedgeRatio: number;
  /** Fraction of the item's moves the hedge offset: −ΣΔhΔi / ΣΔi² (on target: the target ratio). */
  realizedHedgeRatio: number | null;
  correlation: number | null;
  /** Against the whole item (a 100% hedge). */
  raw: EffectivenessMeasures | null;
  /** Against targetHedgeRatio × item; null when the target is 0 (nothing is meant to be hedged). */
  relative: EffectivenessMeasures | null;
}

export interface TargetEffectivenessOptions {
  targetHedgeRatio: number;
  windows?: readonly EffectivenessWindowSpec[];
  /** Fewest changes a window rests on (default 20). */
  minChanges?: number;
  /** Least fraction of a timed window the points must span (default 0.9). */
  minCoverage?: number;
}

function measures(
  sII: number,
  sHH: number,
  sIH: number,
  sumI: number,
  sumH: number,
  scale: number,
): EffectivenessMeasures {
  // The item as judged: scale × Δitem (scale 1 = raw, τ = against the target).
  const vI = scale * scale * sII;
  const cIH = scale * sIH;
  const residual = vI + 2 * cIH + sHH; // Σ(scale·Δi + Δh)²
  const r2 = sHH > 0 ? (cIH * cIH) / (vI * sHH) : 0;
  const slope = cIH / vI;
  const offset = sumI !== 0 ? -sumH / (scale * sumI) : null;
  return {
    ederington: emit("ederington", 1 - Math.max(0, residual) / vI),
    minVarianceMultiple: sHH > 0 ? emit("minVarianceMultiple", -cIH / sHH) : null,
    dollarOffset: offset === null ? null : emit("dollarOffset", offset),
    dollarOffsetHighlyEffective: offset !== null && offset >= 0.8 && offset <= 1.25,
    regressionSlope: emit("regressionSlope", slope),
    regressionR2: emit("regressionR2", r2),
    effective: r2 >= 0.8 && -slope >= 0.8 && -slope <= 1.25,
  };
}

/**
 * Effectiveness of the hedge against the whole hedged item and against the target, per window. Windows end at
 * the series' last point; a timed window starts at the last point at or before its start (so its changes cover
 * it). A window with too few changes, too little coverage, points without hedgedItemValueUsd, or an item that
 * did not move is blank, with the reason.
 */
export function targetEffectivenessWindows(
  series: readonly HedgedSeriesPoint[],
  options: TargetEffectivenessOptions,
): TargetEffectivenessWindow[] {
  const { targetHedgeRatio: tau, windows = STEWARD_WINDOWS, minChanges = 20, minCoverage = 0.9 } = options;
  if (!Number.isFinite(tau) || tau < 0) fail("targetHedgeRatio", "must be finite and >= 0", tau);
  if (!Number.isInteger(minChanges) || minChanges < 2)
    fail("minChanges", "must be an integer >= 2", minChanges);
  if (!(minCoverage >= 0 && minCoverage <= 1)) fail("minCoverage", "must be in [0, 1]", minCoverage);
  for (let i = 0; i < series.length; i++) {
    const p = series[i]!;
    if (!Number.isFinite(p.timestampSec)) fail(`series[${i}].timestampSec`, "must be finite", p.timestampSec);
    if (i > 0 && p.timestampSec < series[i - 1]!.timestampSec)
      fail(`series[${i}].timestampSec`, "series must be in time order", p.timestampSec);
    if (!Number.isFinite(p.hedgeValueUsd))
      fail(`series[${i}].hedgeValueUsd`, "must be finite", p.hedgeValueUsd);
    if (p.hedgedItemValueUsd !== undefined && !Number.isFinite(p.hedgedItemValueUsd))
      fail(`series[${i}].hedgedItemValueUsd`, "must be finite", p.hedgedItemValueUsd);
  }
  const endSec = series.length > 0 ? series[series.length - 1]!.timestampSec : null;
  return windows.map((spec) => {
    const durationSec = "durationSec" in spec ? spec.durationSec : null;
    let start: number;
    if ("durationSec" in spec) {
      if (!(spec.durationSec > 0))
        fail(`windows(${spec.label}).durationSec`, "must be > 0", spec.durationSec);
      // The last point at or before the window's start anchors its first change.
      const from = (endSec ?? 0) - spec.durationSec;
      start = 0;
      for (let i = series.length - 1; i >= 0; i--) {
        if (series[i]!.timestampSec <= from) {
          start = i;
          break;
        }
      }
    } else {
      if (!Number.isInteger(spec.lastSamples) || spec.lastSamples < 2)
        fail(`windows(${spec.label}).lastSamples`, "must be an integer >= 2", spec.lastSamples);
      start = Math.max(0, series.length - spec.lastSamples);
    }
    const w = series.slice(start);
    const first = w[0];
    const last = w[w.length - 1];
    const blank = (reason: string): TargetEffectivenessWindow => ({
      label: spec.label,
      durationSec,
      samples: w.length,
      fromSec: first?.timestampSec ?? null,
      toSec: last?.timestampSec ?? null,
      fromBlock: first?.blockNumber ?? null,
      toBlock: last?.blockNumber ?? null,
      reason,
      targetHedgeRatio: tau,
      realizedHedgeRatio: null,
      correlation: null,
      raw: null,
      relative: null,
    });
    if (w.length - 1 < minChanges) return blank(`${Math.max(0, w.length - 1)} changes (need ${minChanges})`);
    const spanSec = last!.timestampSec - first!.timestampSec;
    if (durationSec !== null && spanSec < minCoverage * durationSec)
      return blank(`history covers ${spanSec}s of the ${durationSec}s window (need ${minCoverage * 100}%)`);
    const missing = w.filter((p) => p.hedgedItemValueUsd === undefined).length;
    if (missing > 0)
      return blank(`${missing} of ${w.length} samples lack hedgedItemValueUsd (LP + fees owed + base spot)`);
    let sII = 0;
    let sHH = 0;
    let sIH = 0;
    for (let i = 1; i < w.length; i++) {
      const dI = w[i]!.hedgedItemValueUsd! - w[i - 1]!.hedgedItemValueUsd!;
      const dH = w[i]!.hedgeValueUsd - w[i - 1]!.hedgeValueUsd;
      sII += dI * dI;
      sHH += dH * dH;
      sIH += dI * dH;
    }
    if (!(sII > 0)) return blank("the hedged item did not move");
    const sumI = last!.hedgedItemValueUsd! - first!.hedgedItemValueUsd!;
    const sumH = last!.hedgeValueUsd - first!.hedgeValueUsd;
    return {
      ...blank(""),
      reason: null,
      realizedHedgeRatio: emit("realizedHedgeRatio", -sIH / sII),
      correlation: sHH > 0 ? emit("correlation", sIH / Math.sqrt(sII * sHH)) : null,
      raw: measures(sII, sHH, sIH, sumI, sumH, 1),
      relative: tau > 0 ? measures(sII, sHH, sIH, sumI, sumH, tau) : null,
    };
  });
}
