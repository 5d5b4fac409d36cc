import type { AllowanceSpec } from "./role-statements.ts";

/**
 * The most a Roles v2 allowance lets through within any window of `windowSec` seconds: the balance it may hold
 * when the window opens (at most maxRefill) plus every refill that lands inside it. Refills land every `period`
 * seconds from the allowance's timestamp, so a window of T seconds holds at most ceil(T / period) of them.
 */
export function maxSpendWithin(
  allowance: Pick<AllowanceSpec, "maxRefill" | "refill" | "period">,
  windowSec: bigint,
): bigint {
  if (windowSec < 0n) throw new RangeError("a window cannot be negative");
  if (allowance.period === 0n || allowance.refill === 0n) return allowance.maxRefill;
  const refills = (windowSec + allowance.period - 1n) / allowance.period;
  return allowance.maxRefill + refills * allowance.refill;
}
