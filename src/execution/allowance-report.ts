// How much of each keeper allowance is left now, in words for `hedgekeeper check`. Pure.
import { type Hex, hexToString } from "viem";
import { accruedAllowance, type StoredAllowance } from "./allowance-balance.ts";

export interface AllowanceNow {
  key: Hex;
  /** The key as the text it packs (role-keys.ts: encodeKey), e.g. "hk.swap.a0b86991c621". */
  label: string;
  balance: bigint;
  maxRefill: bigint;
}

/** Each stored allowance's balance at `nowSec` (accruedAllowance), labelled. */
export function allowancesNow(
  stored: readonly { key: Hex; allowance: StoredAllowance }[],
  nowSec: bigint,
): AllowanceNow[] {
  return stored.map(({ key, allowance }) => ({
    key,
    label: hexToString(key, { size: 32 }).replace(/\0+$/, ""),
    balance: accruedAllowance(allowance, nowSec),
    maxRefill: allowance.maxRefill,
  }));
}

/** Per mille of the cap left (an allowance without a cap counts as full). */
const leftPerMille = (a: AllowanceNow) => (a.maxRefill === 0n ? 1_000n : (a.balance * 1_000n) / a.maxRefill);

/**
 * One line: how many allowances, the lowest by share of its cap, and every exhausted one by name (the keeper's
 * plans that need it are refused on chain until it refills: the Roles modifier names no allowance when a pair's Or
 * fails, so this is where an operator sees it).
 */
export function describeAllowances(allowances: readonly AllowanceNow[]): string {
  if (allowances.length === 0) return "no allowances";
  const lowest = allowances.reduce((low, a) => (leftPerMille(a) < leftPerMille(low) ? a : low));
  const percent = (a: AllowanceNow) => `${(Number(leftPerMille(a)) / 10).toFixed(1)}%`;
  const exhausted = allowances.filter((a) => a.balance === 0n && a.maxRefill > 0n).map((a) => a.label);
  return [
    `${allowances.length} allowances`,
    `lowest ${lowest.label} at ${percent(lowest)} of its cap (${lowest.balance} of ${lowest.maxRefill})`,
    ...(exhausted.length > 0 ? [`exhausted until their next refill: ${exhausted.join(", ")}`] : []),
  ].join("; ");
}
