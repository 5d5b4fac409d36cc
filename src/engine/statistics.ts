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
export function quantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}
