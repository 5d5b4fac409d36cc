// Realized volatility from per-block samples: the standard deviation of log returns, scaled by √(time)
// to a year (Hull ch. 15, "Estimating volatility from historical data").
import { fail } from "./input-guards.ts";
import type { BookSample } from "./snapshot.ts";

export const SECONDS_PER_YEAR = 365 * 24 * 3600;

/** Annualized realized volatility of the base price, or null when fewer than 3 usable samples. */
export function realizedSigmaAnnual(samples: readonly BookSample[]): number | null {
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
