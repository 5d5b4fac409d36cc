import { describe, expect, it } from "vitest";
import type { PlanAction } from "./plan.ts";
import { canonicalJson, planId } from "./plan-id.ts";

const deposit: PlanAction = {
  kind: "perp.depositCollateral",
  venue: "perp-v2",
  token: "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48",
  amount: 1_000_000n,
};

describe("plan ids", () => {
  it("are keccak256 of a canonical encoding: key order does not matter, values do", () => {
    const reordered = {
      amount: 1_000_000n,
      token: deposit.token,
      venue: "perp-v2",
      kind: "perp.depositCollateral",
    } as PlanAction;
    expect(canonicalJson(reordered)).toBe(canonicalJson(deposit));
    expect(planId("book", 1n, [deposit])).toBe(planId("book", 1n, [reordered]));
    expect(planId("book", 1n, [deposit])).not.toBe(planId("book", 1n, [{ ...deposit, amount: 1_000_001n }]));
    expect(planId("book", 1n, [deposit])).not.toBe(planId("other", 1n, [deposit]));
  });

  it("keep bigints distinct from numbers and strings", () => {
    expect(canonicalJson({ a: 1n })).not.toBe(canonicalJson({ a: 1 }));
    expect(canonicalJson({ a: 1n })).not.toBe(canonicalJson({ a: "1" }));
    expect(canonicalJson({ a: 1n })).not.toBe(canonicalJson({ a: "1n" }));
  });

  it("are stable across releases: the keeper's idempotency and the history depend on it", () => {
    // Pinned: changing the encoding changes every id, and in-flight plans would run twice.
    expect(planId("treasury-eth-lp", 21_000_000n, [deposit])).toBe(
      "0xba1ff408fa038453d23a3bd82d651fe27bf923d34da953939b5124a67bf85f26",
    );
  });
});
