import { hkdfSync } from "node:crypto";
import { bytesToHex } from "viem";
import { describe, expect, it } from "vitest";
import { makeBook, makeParams, NOW_SEC } from "../src/engine/book-fixture.test-support.ts";
import { decide } from "../src/engine/decide.ts";
import type { Plan } from "../src/engine/plan.ts";
import { planId } from "../src/engine/plan-id.ts";
import { PlanTamperedError } from "./errors.ts";
import { decodeJson, encodeJson } from "./plan-codec.ts";
import { openSealedPlan, planMacKey, sealPlan } from "./plan-integrity.ts";

const SIGNER_KEY = `0x${"5a".repeat(32)}` as const;
const KEY = planMacKey(SIGNER_KEY);

/** A plan as the engine decides it (a perp trade with premise and post-state). */
function decided(): Plan {
  const d = decide(makeBook({ hedgeRatio: 0.9 }), makeParams(), NOW_SEC);
  if (d.kind !== "plan") throw new Error(`expected a plan: ${d.reason}`);
  return d.plan;
}

/** Sealed, written to and read back from Redis's encoding, then edited as whoever can write Redis would. */
function stored(edit: (sealed: { plan: Plan; mac: string }) => void = () => {}): unknown {
  const sealed = decodeJson<{ plan: Plan; mac: string }>(encodeJson(sealPlan(KEY, decided())));
  edit(sealed);
  return sealed;
}

function refusal(expectedId: string, value: unknown, key = KEY): string {
  try {
    openSealedPlan(key, expectedId, value);
  } catch (error) {
    expect(error).toBeInstanceOf(PlanTamperedError);
    return (error as Error).message;
  }
  throw new Error("expected the plan to be refused");
}

describe("plan integrity", () => {
  const original = decided();

  it("accepts the plan exactly as sealed, after Redis's encoding round trip", () => {
    // (JSON has no −0: the round trip turns a −0 drift into 0, and the canonical encoding agrees.)
    expect(openSealedPlan(KEY, original.planId, stored())).toEqual(decodeJson(encodeJson(original)));
  });

  it("refuses a plan whose action amount was changed: its id no longer hashes from its actions", () => {
    const why = refusal(
      original.planId,
      stored(({ plan }) => {
        const trade = plan.actions.find((a) => a.kind === "perp.adjustPosition")!;
        if (trade.kind === "perp.adjustPosition") trade.oppositeAmountBound = 0n;
      }),
    );
    expect(why).toBe("its id is not the hash of its book, block and actions");
  });

  it("refuses a changed action even with its id recomputed: the MAC does not verify", () => {
    let forgedId = "";
    const forged = stored(({ plan }) => {
      const trade = plan.actions.find((a) => a.kind === "perp.adjustPosition")!;
      if (trade.kind === "perp.adjustPosition") trade.amountBase *= 10n;
      plan.planId = planId(plan.bookId, plan.blockNumber, plan.actions);
      forgedId = plan.planId;
    });
    // Queued under the original id, or under its own new one.
    expect(refusal(original.planId, forged)).toMatch(/^stored under .* but its id is /);
    expect(refusal(forgedId, forged)).toBe("MAC does not verify");
  });

  it("refuses a widened premise, a changed post-state, lane or quote: outside the id, inside the MAC", () => {
    const edits: ((plan: Plan) => void)[] = [
      (plan) => {
        plan.premise.oracle.minAnswer = 1n;
      },
      (plan) => {
        plan.premise.deadlineSec += 86_400;
      },
      (plan) => {
        plan.post.perp!.toleranceBase *= 1_000n;
      },
      (plan) => {
        plan.lane = "urgent";
      },
      // A forged quote would make a bad fill read as no slippage.
      (plan) => {
        const leg = plan.quote.legs[0]!;
        if (leg.kind === "perp") leg.priceUsd *= 0.9;
      },
    ];
    for (const edit of edits) {
      expect(
        refusal(
          original.planId,
          stored(({ plan }) => edit(plan)),
        ),
      ).toBe("MAC does not verify");
    }
  });

  it("refuses another plan's sealed content stored under this plan's id", () => {
    const other = decide(makeBook({ hedgeRatio: 0.7 }), makeParams(), NOW_SEC);
    if (other.kind !== "plan") throw new Error("expected a plan");
    expect(other.plan.planId).not.toBe(original.planId);
    const swapped = decodeJson(encodeJson(sealPlan(KEY, other.plan)));
    expect(openSealedPlan(KEY, other.plan.planId, swapped).planId).toBe(other.plan.planId); // positive control
    expect(refusal(original.planId, swapped)).toBe(
      `stored under ${original.planId} but its id is ${other.plan.planId}`,
    );
  });

  it("refuses a plan sealed with another signer's key, or with no MAC, or not sealed at all", () => {
    const otherKey = planMacKey(`0x${"a5".repeat(32)}`);
    expect(refusal(original.planId, stored(), otherKey)).toBe("MAC does not verify");
    expect(
      refusal(
        original.planId,
        stored((s) => Reflect.deleteProperty(s, "mac")),
      ),
    ).toBe("MAC does not verify");
    expect(
      refusal(
        original.planId,
        stored((s) => (s.mac = "0x1234")),
      ),
    ).toBe("MAC does not verify");
    expect(refusal(original.planId, decodeJson(encodeJson(original)))).toBe("not a sealed plan");
    expect(refusal(original.planId, undefined)).toBe("not a sealed plan");
  });

  it("derives the MAC key with HKDF-SHA256 from the signer key (info hedgekeeper/plan-mac/v1), never the key itself", () => {
    const expected = new Uint8Array(
      hkdfSync("sha256", Buffer.from("5a".repeat(32), "hex"), Buffer.alloc(0), "hedgekeeper/plan-mac/v1", 32),
    );
    expect(bytesToHex(KEY.bytes)).toBe(bytesToHex(expected));
    expect(bytesToHex(KEY.bytes)).not.toBe(SIGNER_KEY);
    expect(bytesToHex(planMacKey(SIGNER_KEY).bytes)).toBe(bytesToHex(KEY.bytes)); // every worker derives the same
    expect(() => planMacKey("0x1234")).toThrow(RangeError);
  });
});
