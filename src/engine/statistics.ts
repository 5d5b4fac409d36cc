// Sample statistics on equal-length series (population moments: the windows are the whole sample).
import { fail } from "./input-guards.ts";

export function assertSeries(field: string, xs: readonly number[], minLength = 2): void {
  if (!Array.isArray(xs) || xs.length < minLength)
    fail(field, `needs at least ${minLength} samples`, xs?.length);
  for (let i = 0; i < xs.length; i++) {
    if (!Number.isFinite(xs[i])) fail(`${field}[${i}]`, "must be a finite number", xs[i]);
  }
}

export function assertPaired(
  fieldA: string,
  a: readonly number[],
  fieldB: string,
  b: readonly number[],
): void {
  assertSeries(fieldA, a);
  assertSeries(fieldB, b);
  if (a.length !== b.length) fail(fieldB, `length must equal ${fieldA}'s (${a.length})`, b.length);
}

export function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

export function covariance(a: readonly number[], b: readonly number[]): number {
  const ma = mean(a);
  const mb = mean(b);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - ma) * (b[i]! - mb);
  return s / a.length;
}

export function variance(xs: readonly number[]): number {
  return covariance(xs, xs);
}

/** First differences: the hedge-effectiveness literature works on changes, not levels (Hull ch. 3). */
export function changes(levels: readonly number[]): number[] {
  const out = new Array<number>(Math.max(0, levels.length - 1));
  for (let i = 1; i < levels.length; i++) out[i - 1] = levels[i]! - levels[i - 1]!;
  return out;
}

/** The q-quantile (0..1) by linear interpolation between order statistics. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/**
 * Φ(z), the standard normal CDF: a one-sided quantile (risk.confidenceZ, 1.645) as its confidence (0.95). Through
 * erf by Abramowitz & Stegun, Handbook of Mathematical Functions (1964), 7.1.26: |error| ≤ 1.5e−7.
 */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}
