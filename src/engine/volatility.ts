// Volatility of the base price from the book's samples.
//
// realizedSigmaAnnual: the standard deviation of per-sample log returns, scaled by √(time) to a year (Hull ch. 15,
// "Estimating volatility from historical data"). It reads 0 on a flat series, so the engine does not decide on it.
//
// estimateSigma, what the engine uses: an EWMA variance over DISTINCT observations, with a floor and a fallback.
//  - A Chainlink feed writes a new round only on a deviation (0.5% for ETH/USD) or a heartbeat, so 240 blocks
//    can carry one price. Repeated samples of one oracle round (or, without round ids, of one price) are one
//    observation; a pool price counts when it moves.
//  - RiskMetrics (J.P. Morgan/Reuters, RiskMetrics Technical Document, 4th ed. 1996, §5.2.1, Table 5.1):
//    σ²_t = λ σ²_{t−1} + (1 − λ) r²_t on daily returns, λ = 0.94 for daily data. For irregular intervals each
//    step decays by λ^(Δt/1 day) and the squared returns are turned into a per-day variance by the time they
//    span: S ← λ^(Δt/D)·S + r², T ← λ^(Δt/D)·T + Δt/D, σ²_day = S/T. On equal daily steps this is the
//    RiskMetrics average with its weights normalized to sum to one, (Σ λ^k r²_{t−k}) / (Σ λ^k).
//  - S/T is a ratio of summed squared returns to summed time (realized quadratic variation), which stays
//    unbiased when observations come at price-triggered times (a deviation-threshold oracle): for a Brownian
//    log price E[(ΔX)²] = σ² E[Δt] at stopping times (Wald's identity), whereas averaging r²/Δt per observation
//    is not.
//  - Too few distinct moves, or too short a span, is "unknown", not "zero": the configured fallback is used and
//    the reason is returned. Any σ used is at least the configured floor.
import { emit, fail } from "./input-guards.ts";
import type { BookParams } from "./params.ts";
import type { PriceSample } from "./snapshot.ts";

export const SECONDS_PER_YEAR = 365 * 24 * 3600;
const SECONDS_PER_DAY = 86_400;
const DAYS_PER_YEAR = 365;

/**
 * Annualized volatility of per-sample log returns, or null when fewer than 3 samples. Reads 0 on a flat
 * series (an oracle that did not update): decisions use estimateSigma, which falls back instead.
 */
export function realizedSigmaAnnual(samples: readonly PriceSample[]): number | null {
  if (samples.length < 3) return null;
  let n = 0;
  let sum = 0;
  let sumSq = 0;
  for (let i = 1; i < samples.length; i++) {
    const prev = samples[i - 1]!;
    const cur = samples[i]!;
    if (!(prev.basePriceUsd > 0) || !(cur.basePriceUsd > 0) || !Number.isFinite(cur.basePriceUsd)) {
      fail(`samples[${i}].basePriceUsd`, "must be finite and > 0", cur.basePriceUsd);
    }
    if (cur.timestampSec < prev.timestampSec)
      fail(`samples[${i}].timestampSec`, "samples must be in time order", cur.timestampSec);
    const r = Math.log(cur.basePriceUsd / prev.basePriceUsd);
    n++;
    sum += r;
    sumSq += r * r;
  }
  const spanSec = samples[samples.length - 1]!.timestampSec - samples[0]!.timestampSec;
  if (spanSec <= 0) return null;
  const variancePerStep = Math.max(0, sumSq / n - (sum / n) ** 2);
  const stepSec = spanSec / n;
  return Math.sqrt(variancePerStep * (SECONDS_PER_YEAR / stepSec));
}

/** What estimateSigma needs: the book's risk parameters with the optional ones resolved. */
export interface SigmaParams {
  fallbackSigmaAnnual: number;
  sigmaFloorAnnual: number;
  ewmaLambdaDaily: number;
  minSigmaMoves: number;
  minSigmaSpanSec: number;
}

/** Defaults of the optional risk parameters (params.ts documents each). */
export const SIGMA_DEFAULTS = {
  sigmaFloorAnnual: 0.1,
  ewmaLambdaDaily: 0.94,
  minSigmaMoves: 20,
  minSigmaSpanSec: 1_800,
} as const;

export function sigmaParamsOf(risk: BookParams["risk"]): SigmaParams {
  return {
    fallbackSigmaAnnual: risk.fallbackSigmaAnnual,
    sigmaFloorAnnual: risk.sigmaFloorAnnual ?? SIGMA_DEFAULTS.sigmaFloorAnnual,
    ewmaLambdaDaily: risk.ewmaLambdaDaily ?? SIGMA_DEFAULTS.ewmaLambdaDaily,
    minSigmaMoves: risk.minSigmaMoves ?? SIGMA_DEFAULTS.minSigmaMoves,
    minSigmaSpanSec: risk.minSigmaSpanSec ?? SIGMA_DEFAULTS.minSigmaSpanSec,
  };
}

export type PriceSeries = "oracle" | "pool";

export interface SigmaEstimate {
  /** The σ to use, per year: never below the floor, never 0 while the floor is > 0. */
  sigmaAnnual: number;
  source: "realized" | "fallback";
  /** Why the fallback (or the floor) was used; absent for a plain realized estimate. */
  reason?: string;
  /** Distinct observations of the series the estimate rests on (for a fallback: of the richer series). */
  observations: number;
  /** Of those, how many moved the price (a non-zero return). */
  moves: number;
  /** Which series a realized estimate came from; null on fallback. */
  series: PriceSeries | null;
  /** Time from the first distinct observation to the last sample, s. */
  spanSec: number;
  /** The EWMA estimate before the floor; null when the data could not support one. */
  realizedSigmaAnnual: number | null;
}

export interface PriceObservation {
  timestampSec: number;
  priceUsd: number;
}

function checkPrice(field: string, x: number): void {
  if (typeof x !== "number" || !Number.isFinite(x) || !(x > 0)) fail(field, "must be finite and > 0", x);
}

/**
 * The distinct observations of one price series in `samples` (oldest first). Oracle: a new observation per
 * oracle round when the samples carry round ids (at the round's updatedAt when given), otherwise per change of
 * price. Pool: per change of the pool price. Each observation is timed when it first appeared.
 */
export function distinctObservations(
  samples: readonly PriceSample[],
  series: PriceSeries,
): PriceObservation[] {
  const out: PriceObservation[] = [];
  let lastPrice = Number.NaN;
  let lastRound: bigint | undefined;
  let lastTime = Number.NEGATIVE_INFINITY;
  let lastSampleTime = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i]!;
    if (typeof s.timestampSec !== "number" || !Number.isFinite(s.timestampSec))
      fail(`samples[${i}].timestampSec`, "must be a finite number", s.timestampSec);
    if (s.timestampSec < lastSampleTime)
      fail(`samples[${i}].timestampSec`, "samples must be in time order", s.timestampSec);
    lastSampleTime = s.timestampSec;
    const price = series === "oracle" ? s.basePriceUsd : s.poolPriceUsd;
    checkPrice(`samples[${i}].${series === "oracle" ? "basePriceUsd" : "poolPriceUsd"}`, price);
    const round = series === "oracle" ? s.baseOracleRoundId : undefined;
    const isNew =
      out.length === 0 ||
      price !== lastPrice ||
      (round !== undefined && lastRound !== undefined && round !== lastRound);
    lastRound = round;
    if (!isNew) continue;
    let t = s.timestampSec;
    if (series === "oracle" && s.baseOracleUpdatedAtSec !== undefined) {
      if (!Number.isFinite(s.baseOracleUpdatedAtSec) || s.baseOracleUpdatedAtSec > s.timestampSec)
        fail(
          `samples[${i}].baseOracleUpdatedAtSec`,
          "must be finite and not after the sample",
          s.baseOracleUpdatedAtSec,
        );
      t = s.baseOracleUpdatedAtSec;
    }
    // A round written before the previous observation's time cannot reorder the series: it is timed with it.
    t = Math.max(t, lastTime);
    out.push({ timestampSec: t, priceUsd: price });
    lastPrice = price;
    lastTime = t;
  }
  return out;
}

export interface EwmaVariance {
  /** σ² per day; 0 when nothing moved. */
  variancePerDay: number;
  /** Non-zero log returns among the observations. */
  moves: number;
  /** endSec − the first observation's time, s. */
  spanSec: number;
}

/**
 * RiskMetrics EWMA variance over irregular observations (see the header): each step decays by λ^(Δt/day);
 * σ²_day = Σ w·r² / Σ w·Δt_days. The price is taken to have held from the last observation to `endSec`.
 */
export function ewmaVariancePerDay(
  observations: readonly PriceObservation[],
  lambdaDaily: number,
  endSec: number,
): EwmaVariance {
  if (!(lambdaDaily > 0 && lambdaDaily <= 1)) fail("lambdaDaily", "must be in (0, 1]", lambdaDaily);
  if (observations.length === 0) return { variancePerDay: 0, moves: 0, spanSec: 0 };
  const lnLambda = Math.log(lambdaDaily);
  let s = 0;
  let t = 0;
  let moves = 0;
  for (let i = 1; i < observations.length; i++) {
    const prev = observations[i - 1]!;
    const cur = observations[i]!;
    const dtDays = (cur.timestampSec - prev.timestampSec) / SECONDS_PER_DAY;
    if (dtDays < 0) fail(`observations[${i}].timestampSec`, "must be in time order", cur.timestampSec);
    const r = Math.log(cur.priceUsd / prev.priceUsd);
    if (r !== 0) moves++;
    const decay = Math.exp(lnLambda * dtDays);
    s = decay * s + r * r;
    t = decay * t + dtDays;
  }
  const last = observations[observations.length - 1]!;
  const first = observations[0]!;
  const tailDays = Math.max(0, endSec - last.timestampSec) / SECONDS_PER_DAY;
  const tailDecay = Math.exp(lnLambda * tailDays);
  s *= tailDecay;
  t = tailDecay * t + tailDays;
  return {
    variancePerDay: t > 0 ? s / t : 0,
    moves,
    spanSec: Math.max(endSec, last.timestampSec) - first.timestampSec,
  };
}

/**
 * The σ the engine decides on: a realized EWMA estimate when the data supports one (the oracle's distinct
 * rounds first, else the pool's distinct moves), otherwise the configured fallback with the reason; never below
 * the configured floor.
 */
export function estimateSigma(samples: readonly PriceSample[], params: SigmaParams): SigmaEstimate {
  const { fallbackSigmaAnnual, sigmaFloorAnnual, ewmaLambdaDaily, minSigmaMoves, minSigmaSpanSec } = params;
  if (!(fallbackSigmaAnnual >= 0) || !Number.isFinite(fallbackSigmaAnnual))
    fail("risk.fallbackSigmaAnnual", "must be finite and >= 0", fallbackSigmaAnnual);
  if (!(sigmaFloorAnnual >= 0) || !Number.isFinite(sigmaFloorAnnual))
    fail("risk.sigmaFloorAnnual", "must be finite and >= 0", sigmaFloorAnnual);
  const fallback = (reason: string, observations: number, moves: number, spanSec: number): SigmaEstimate => ({
    sigmaAnnual: Math.max(fallbackSigmaAnnual, sigmaFloorAnnual),
    source: "fallback",
    reason:
      fallbackSigmaAnnual < sigmaFloorAnnual
        ? `${reason}; fallback ${fallbackSigmaAnnual} below the floor ${sigmaFloorAnnual}: floor used`
        : reason,
    observations,
    moves,
    series: null,
    spanSec,
    realizedSigmaAnnual: null,
  });
  if (samples.length === 0) return fallback("no samples", 0, 0, 0);
  const endSec = samples[samples.length - 1]!.timestampSec;
  let richest: { observations: number; moves: number; spanSec: number } | null = null;
  const tried: string[] = [];
  for (const series of ["oracle", "pool"] as const) {
    const obs = distinctObservations(samples, series);
    const ewma = ewmaVariancePerDay(obs, ewmaLambdaDaily, endSec);
    if (richest === null || ewma.moves > richest.moves)
      richest = { observations: obs.length, moves: ewma.moves, spanSec: ewma.spanSec };
    if (ewma.moves < minSigmaMoves) {
      tried.push(`${series}: ${ewma.moves} distinct moves (need ${minSigmaMoves})`);
      continue;
    }
    if (ewma.spanSec < minSigmaSpanSec) {
      tried.push(`${series}: span ${ewma.spanSec}s (need ${minSigmaSpanSec}s)`);
      continue;
    }
    const realized = emit("sigmaAnnual", Math.sqrt(ewma.variancePerDay * DAYS_PER_YEAR));
    const floored = realized < sigmaFloorAnnual;
    return {
      sigmaAnnual: floored ? sigmaFloorAnnual : realized,
      source: "realized",
      ...(floored
        ? { reason: `realized σ ${realized.toFixed(4)} below the floor ${sigmaFloorAnnual}: floor used` }
        : {}),
      observations: obs.length,
      moves: ewma.moves,
      series,
      spanSec: ewma.spanSec,
      realizedSigmaAnnual: realized,
    };
  }
  return fallback(
    `too little price data for a realized σ (${tried.join("; ")})`,
    richest!.observations,
    richest!.moves,
    richest!.spanSec,
  );
}
