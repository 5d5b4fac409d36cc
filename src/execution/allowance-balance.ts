// What a Roles v2 allowance lets through at a given time: its stored balance plus the refills that have landed
// since its timestamp, never past maxRefill. Roles stores (refill, maxRefill, period, balance, timestamp) and
// accrues only when a call consumes it, so `allowances(key)` alone reads the balance as of the last consumption.
// Pure. Checked against the modifier's own refusals (test/integration/execution/keeper-bounds.test.ts).

/** An allowance as `allowances(key)` returns it. */
export interface StoredAllowance {
  refill: bigint;
  maxRefill: bigint;
  /** Seconds between refills; 0: never refills. */
  period: bigint;
  balance: bigint;
  /** When the last refill counted landed (the allowance's anchor). */
  timestamp: bigint;
}

/**
 * The balance at `nowSec`: one refill per whole period since `timestamp`, added only while the balance is under
 * maxRefill and capped there (a balance set above maxRefill is kept, not cut).
 */
export function accruedAllowance(allowance: StoredAllowance, nowSec: bigint): bigint {
  const { refill, maxRefill, period, balance, timestamp } = allowance;
  if (period === 0n || nowSec < timestamp + period || balance >= maxRefill) return balance;
  const refills = (nowSec - timestamp) / period;
  const refilled = balance + refill * refills;
  return refilled < maxRefill ? refilled : maxRefill;
}
