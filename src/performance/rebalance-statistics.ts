// What the keeper did to the hedge over a period, read off the book's own points: a rebalance is a step where the
// hedge's size changed. Turnover is the traded notional, Σ|Δsize|·P at the step's hedge price. Time in a state
// is the time until the next point (a point's state holds until the book is next observed).
import { fail } from "../engine/input-guards.ts";
import type { BookPoint } from "./attribution.ts";

/** A book point with the drift the keeper judged it by. */
export interface BandPoint extends BookPoint {
  /** (hedge ratio − target) × exposure, bps of book value: positive = over-hedged (hedge-drift.ts). */
  driftBps: number;
  /** The band drift is judged against (the book's arm threshold), bps. */
  thresholdBps: number;
}

export interface RebalanceStatistics {
  count: number;
  turnoverUsd: number;
  /** |Δsize| below this is noise (funding settlement rounding), not a trade. */
  minSizeChangeBase: number;
  /** Time with |drift| beyond the band, and the part of it on the over-hedged side. */
  outsideBandSec: number;
  overHedgedOutsideBandSec: number;
  /** Time with the hedge above its target at all (drift > 0). */
  overHedgedSec: number;
  periodSec: number;
}

export function rebalanceStatistics(
  points: readonly BandPoint[],
  options: { minSizeChangeBase?: number } = {},
): RebalanceStatistics {
  const minSizeChangeBase = options.minSizeChangeBase ?? 1e-9;
  if (!(minSizeChangeBase >= 0)) fail("minSizeChangeBase", "must be >= 0", minSizeChangeBase);
  let count = 0;
  let turnoverUsd = 0;
  let outsideBandSec = 0;
  let overHedgedOutsideBandSec = 0;
  let overHedgedSec = 0;
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    if (!Number.isFinite(p.driftBps)) fail(`points[${i}].driftBps`, "must be a finite number", p.driftBps);
    if (!(p.thresholdBps > 0)) fail(`points[${i}].thresholdBps`, "must be finite and > 0", p.thresholdBps);
    if (i === 0) continue;
    const prev = points[i - 1]!;
    const traded = Math.abs(p.hedgeSizeBase - prev.hedgeSizeBase);
    if (traded > minSizeChangeBase) {
      count++;
      turnoverUsd += traded * p.hedgePriceUsd;
    }
    const dt = p.timestampSec - prev.timestampSec;
    const outside = Math.abs(prev.driftBps) > prev.thresholdBps;
    if (outside) outsideBandSec += dt;
    if (outside && prev.driftBps > 0) overHedgedOutsideBandSec += dt;
    if (prev.driftBps > 0) overHedgedSec += dt;
  }
  return {
    count,
    turnoverUsd,
    minSizeChangeBase,
    outsideBandSec,
    overHedgedOutsideBandSec,
    overHedgedSec,
    periodSec: points.length > 0 ? points[points.length - 1]!.timestampSec - points[0]!.timestampSec : 0,
  };
}
