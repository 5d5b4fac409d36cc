// Hedge drift of a book: how far the hedge is from the target ratio, in bps of book value.
// Exposure = LP delta + spot base; hedge = perp; hedge ratio h = −hedge delta / exposure delta
// (the hedge ratio of Hull ch. 3, on deltas); drift = (h − target) × exposure × price.
import { emit, fail } from "./input-guards.ts";

/** Over-hedged (net short beyond target), under-hedged, or within 0.01 bps of target. */
export const DRIFT_STATES = ["over", "under", "on-target"] as const;
export type DriftState = (typeof DRIFT_STATES)[number];

export interface HedgeDrift {
  lpDeltaBase: number;
  spotDeltaBase: number;
  exposureDeltaBase: number;
  hedgeDeltaBase: number;
  netDeltaBase: number;
  netDeltaUsd: number;
  /** −hedge / exposure; 0 when there is no exposure (under $1 of it: an LP out of range holds only quote). */
  hedgeRatio: number;
  targetHedgeRatio: number;
  /** Hedge size (base units, signed) that would put the book on target. */
  targetHedgeDeltaBase: number;
  /** (hedge ratio − target) × exposure, USD: positive = over-hedged (net short beyond target). */
  driftUsd: number;
  driftBps: number;
  state: DriftState;
}

/** Below a dollar of base exposure there is nothing to hedge: the hedge ratio reads 0. */
const NO_EXPOSURE_USD = 1;

export function hedgeDrift(input: {
  lpDeltaBase: number;
  spotDeltaBase: number;
  hedgeDeltaBase: number;
  basePriceUsd: number;
  bookValueUsd: number;
  targetHedgeRatio: number;
}): HedgeDrift {
  const { lpDeltaBase, spotDeltaBase, hedgeDeltaBase, basePriceUsd, bookValueUsd, targetHedgeRatio } = input;
  if (!(basePriceUsd > 0) || !Number.isFinite(basePriceUsd))
    fail("basePriceUsd", "must be finite and > 0", basePriceUsd);
  if (!(bookValueUsd > 0) || !Number.isFinite(bookValueUsd))
    fail("bookValueUsd", "must be finite and > 0", bookValueUsd);
  if (!Number.isFinite(targetHedgeRatio) || targetHedgeRatio < 0)
    fail("targetHedgeRatio", "must be finite and >= 0", targetHedgeRatio);
  const exposure = lpDeltaBase + spotDeltaBase;
  const targetHedge = -targetHedgeRatio * exposure;
  const driftUsd = -(hedgeDeltaBase - targetHedge) * basePriceUsd;
  const driftBps = (driftUsd / bookValueUsd) * 10_000;
  const net = exposure + hedgeDeltaBase;
  return {
    lpDeltaBase,
    spotDeltaBase,
    exposureDeltaBase: exposure,
    hedgeDeltaBase,
    netDeltaBase: net,
    netDeltaUsd: emit("netDeltaUsd", net * basePriceUsd),
    // Dust over dust (an out-of-range LP's 1e-15 delta against a closed perp's wei) is noise, not a ratio.
    hedgeRatio:
      Math.abs(exposure * basePriceUsd) < NO_EXPOSURE_USD
        ? 0
        : emit("hedgeRatio", -hedgeDeltaBase / exposure),
    targetHedgeRatio,
    targetHedgeDeltaBase: emit("targetHedgeDeltaBase", targetHedge),
    driftUsd: emit("driftUsd", driftUsd),
    driftBps: emit("driftBps", driftBps),
    state: Math.abs(driftBps) < 0.01 ? "on-target" : driftBps > 0 ? "over" : "under",
  };
}
