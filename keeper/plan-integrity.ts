// Whoever can write the keeper's Redis must not be able to choose what the keeper signs. Every stored plan is
// sealed with an HMAC-SHA256 over its canonical encoding (the whole plan: actions, premise, post-state, lane,
// book, block…), keyed by a key derived from the signer's private key (HKDF-SHA256, RFC 5869): the key is
// never stored, and every worker holding the signer key derives the same one. A plan read back for signing
// is used only once its id is its own (planId over book, block and actions) and its MAC verifies.
import { timingSafeEqual } from "node:crypto";
import { hkdf } from "@noble/hashes/hkdf";
import { hmac } from "@noble/hashes/hmac";
import { sha256 } from "@noble/hashes/sha2";
import { bytesToHex, type Hex, hexToBytes, isHex } from "viem";
import type { Plan } from "../src/engine/plan.ts";
import { canonicalJson, planId } from "../src/engine/plan-id.ts";
import { PlanTamperedError } from "./errors.ts";

const MAC_KEY_INFO = "hedgekeeper/plan-mac/v1";

/** The plan-MAC key: 32 bytes derived from the signer's key. Opaque; never logged, never stored. */
export interface PlanMacKey {
  readonly bytes: Uint8Array;
}

/** A plan as stored: the plan and its MAC. */
export interface SealedPlan {
  plan: Plan;
  mac: Hex;
}

export function planMacKey(signerPrivateKey: Hex): PlanMacKey {
  if (!isHex(signerPrivateKey) || signerPrivateKey.length !== 66)
    throw new RangeError("the signer key must be 32 bytes of hex");
  return { bytes: hkdf(sha256, hexToBytes(signerPrivateKey), undefined, MAC_KEY_INFO, 32) };
}

function mac(key: PlanMacKey, plan: Plan): Uint8Array {
  return hmac(sha256, key.bytes, new TextEncoder().encode(canonicalJson(plan)));
}

export function sealPlan(key: PlanMacKey, plan: Plan): SealedPlan {
  return { plan, mac: bytesToHex(mac(key, plan)) };
}

/**
 * The plan stored under `expectedId`, once it is shown to be the one the keeper decided: its id is the one
 * asked for and the one its book, block and actions hash to, and its MAC verifies (compared in constant time).
 * Anything else throws PlanTamperedError saying what did not match.
 */
export function openSealedPlan(key: PlanMacKey, expectedId: string, stored: unknown): Plan {
  const sealed = stored as Partial<SealedPlan> | null | undefined;
  const plan = sealed?.plan;
  if (plan === undefined || plan === null || typeof plan !== "object" || !Array.isArray(plan.actions))
    throw new PlanTamperedError("not a sealed plan", { details: { planId: expectedId } });
  if (plan.planId !== expectedId)
    throw new PlanTamperedError(`stored under ${expectedId} but its id is ${String(plan.planId)}`, {
      details: { planId: expectedId },
    });
  if (typeof plan.bookId !== "string" || typeof plan.blockNumber !== "bigint")
    throw new PlanTamperedError("book or block malformed", { details: { planId: expectedId } });
  if (planId(plan.bookId, plan.blockNumber, plan.actions) !== expectedId)
    throw new PlanTamperedError("its id is not the hash of its book, block and actions", {
      details: { planId: expectedId },
    });
  const given = typeof sealed?.mac === "string" && isHex(sealed.mac) ? hexToBytes(sealed.mac) : undefined;
  const expected = mac(key, plan);
  if (given === undefined || given.length !== expected.length || !timingSafeEqual(given, expected))
    throw new PlanTamperedError("MAC does not verify", { details: { planId: expectedId } });
  return plan;
}
