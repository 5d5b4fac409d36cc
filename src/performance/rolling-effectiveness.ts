// Effectiveness and correlation over a window rolling along the period, and how stable the correlation stayed.
// Moments are realized (uncentered) sums over the window's changes, as effectiveness.ts measures its windows
// (Barndorff-Nielsen & Shephard 2004): samples at unequal intervals weight each interval by its own variance.
//   ρ_w          ΣΔiΔh / √(ΣΔi² · ΣΔh²)
//   Ederington_w 1 − Σ(τ·Δi + Δh)² / Σ(τ·Δi)²    the item scaled by the target hedge ratio τ (on target → 1)
import { fail } from "../engine/input-guards.ts";
import { mean, variance } from "../engine/statistics.ts";
import { type BookPoint, hedgedItemPnlValueOf, hedgePnlValueOf } from "./attribution.ts";

export interface RollingPoint {
  timestampSec: number;
  correlation: number | null;
  /** Against the target (τ × item); null when the item did not move over the window or τ is 0. */
  ederington: number | null;
}

export interface CorrelationStability {
  windows: number;
  mean: number | null;
  std: number | null;
  min: number | null;
  max: number | null;
}

export function rollingEffectiveness(
  points: readonly BookPoint[],
  options: { windowSteps: number; targetHedgeRatio: number },
): RollingPoint[] {
  const { windowSteps: n, targetHedgeRatio: tau } = options;
  if (!Number.isInteger(n) || n < 2) fail("windowSteps", "must be an integer >= 2", n);
  if (!Number.isFinite(tau) || tau < 0) fail("targetHedgeRatio", "must be finite and >= 0", tau);
  const dI: number[] = [];
  const dH: number[] = [];
  for (let i = 1; i < points.length; i++) {
    // The hedged item's P&L, with what LP withdrawals paid out of it to the Safe (attribution.ts).
    dI.push(hedgedItemPnlValueOf(points[i]!) - hedgedItemPnlValueOf(points[i - 1]!));
    // The hedge's P&L, with what a withdrawal settled into collateral (attribution.ts).
    dH.push(hedgePnlValueOf(points[i]!) - hedgePnlValueOf(points[i - 1]!));
  }
  const out: RollingPoint[] = [];
  let sII = 0;
  let sHH = 0;
  let sIH = 0;
  for (let k = 0; k < dI.length; k++) {
    sII += dI[k]! * dI[k]!;
    sHH += dH[k]! * dH[k]!;
    sIH += dI[k]! * dH[k]!;
    if (k >= n) {
      const j = k - n;
      sII -= dI[j]! * dI[j]!;
      sHH -= dH[j]! * dH[j]!;
      sIH -= dI[j]! * dH[j]!;
    }
    if (k < n - 1) continue;
    // Sliding sums drift by rounding: a window whose item barely moved is judged on a floor, not on noise.
    const moved = sII > 1e-12 * (1 + sHH);
    const vI = tau * tau * sII;
    out.push({
      timestampSec: points[k + 1]!.timestampSec,
      correlation: moved && sHH > 0 ? sIH / Math.sqrt(sII * sHH) : null,
      ederington: moved && vI > 0 ? 1 - Math.max(0, vI + 2 * tau * sIH + sHH) / vI : null,
    });
  }
  return out;
}

export function correlationStability(rolling: readonly RollingPoint[]): CorrelationStability {
  const rhos = rolling.flatMap((p) => (p.correlation === null ? [] : [p.correlation]));
  if (rhos.length === 0) return { windows: 0, mean: null, std: null, min: null, max: null };
  return {
    windows: rhos.length,
    mean: mean(rhos),
    std: Math.sqrt(variance(rhos)),
    min: rhos.reduce((a, b) => Math.min(a, b)),
    max: rhos.reduce((a, b) => Math.max(a, b)),
  };
}
