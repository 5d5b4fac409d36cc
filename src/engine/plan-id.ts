// Deterministic plan ids: keccak256 over a canonical encoding of the book, the block and the ordered
// actions. The same decision on the same block always yields the same id (the keeper's idempotency key).
import { keccak_256 } from "@noble/hashes/sha3";
import type { Hex32, PlanAction } from "./plan.ts";

const DOMAIN = "hedgekeeper.plan.v1";

/** A canonical, order-stable rendering: keys sorted, bigints as bare decimals tagged `n` (JSON-like, not JSON). */
export function canonicalJson(value: unknown): string {
  if (typeof value === "bigint") return `${value}n`; // unquoted: distinct from any JSON number or string
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

export function planId(bookId: string, blockNumber: bigint, actions: readonly PlanAction[]): Hex32 {
  const preimage = canonicalJson({ domain: DOMAIN, bookId, blockNumber, actions });
  const digest = keccak_256(new TextEncoder().encode(preimage));
  let hex = "0x";
  for (const byte of digest) hex += byte.toString(16).padStart(2, "0");
  return hex as Hex32;
}
