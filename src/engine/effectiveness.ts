// Hedge effectiveness on per-block samples, always on changes over the same intervals (Hull, Options,
// Futures and Other Derivatives, ch. 3): minimum-variance hedge ratio h* = ρ·σS/σF; Ederington (1979)
// effectiveness 1 − Var(hedged)/Var(unhedged) (= ρ² at h*); dollar offset (ASC 815 / IAS 39 practice,
// "highly effective" within 80%–125%); regression R² (>= 0.80); basis = mark vs index vs pool and its
// variability; funding carry against the risk removed.
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
  /** ρ(ΔLP, Δhedge): near −1 for a good hedge. */
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
    const lp = w.map((s) => s.lpValueUsd);
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
