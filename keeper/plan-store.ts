// Plans and their lifecycle in Redis, keyed by the plan id (the idempotency key). A plan is created once
// (SET NX), stored sealed with its MAC (plan-integrity.ts: whoever reads it back to sign verifies it); its record
// carries every transaction signed for it, persisted before the broadcast, so a retry after a crash re-sends
// the same signed bytes (same hash) instead of signing a second transaction.

import type { Plan } from "../src/engine/plan.ts";
import type { BookMode, PlanStatus } from "../src/evaluation/plan-lifecycle.ts";
import type { Clock } from "../src/runtime/clock.ts";
import type { RedisConnection } from "../src/runtime/redis-connection.ts";
import { decodeJson, encodeJson } from "./plan-codec.ts";
import type { SealedPlan } from "./plan-integrity.ts";

export interface TxRecord {
  hash: `0x${string}`;
  raw: `0x${string}`;
  nonce: number;
  kind: "plan" | "replacement" | "cancel";
  to: `0x${string}`;
  data: `0x${string}`;
  gas: bigint;
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
  signedAtMs: number;
  /** The head when it was broadcast: stuck-ness is counted from here. */
  sentAtBlock: bigint;
}

export interface Proposal {
  safe: `0x${string}`;
  safeNonce: bigint;
  safeTxHash: `0x${string}`;
  to: `0x${string}`;
  data: `0x${string}`;
  operation: 0 | 1;
  /** Calldata of Safe.execTransaction once the owners' signatures are appended (they are not known here). */
  transactionBuilder: unknown;
}

export interface PlanRecord {
  planId: `0x${string}`;
  chainId: number;
  bookId: string;
  mode: BookMode;
  lane: Plan["lane"];
  status: PlanStatus;
  blockNumber: bigint;
  createdAtMs: number;
  updatedAtMs: number;
  txs: TxRecord[];
  minedTxHash?: `0x${string}`;
  minedBlock?: bigint;
  /** Gas the mined transaction used (from its receipt). */
  minedGasUsed?: bigint;
  proposal?: Proposal;
  /** Why it failed or was cancelled, in words (with the decoded guard error when there is one). */
  reason?: string;
  /** Stage timestamps for latency accounting. */
  timings: Partial<
    Record<
      | "decidedAtMs"
      | "submitStartedAtMs"
      | "simulatedAtMs"
      | "signedAtMs"
      | "broadcastAtMs"
      | "minedSeenAtMs",
      number
    >
  >;
}

export function createPlanStore(redis: RedisConnection, prefix: string, clock: Clock) {
  const planKey = (id: string) => `${prefix}:plan:${id}`;
  const recordKey = (id: string) => `${prefix}:plan-record:${id}`;
  const inFlightKey = (bookId: string) => `${prefix}:book-in-flight:${bookId}`;
  const indexKey = `${prefix}:plans`;
  /** Plans with a transaction on the wire (status "submitted"): what nonce repair reads, however many plans exist. */
  const submittedKey = `${prefix}:plans-submitted`;
  /** Set once the submitted index is complete (built from the full list by a keeper that predates it). */
  const submittedIndexedKey = `${prefix}:plans-submitted-indexed`;

  return {
    /** Store a new sealed plan; false when this plan id exists already (the same decision seen again). */
    async create(sealed: SealedPlan, record: PlanRecord): Promise<boolean> {
      const { plan } = sealed;
      const created = await redis.set(planKey(plan.planId), encodeJson(sealed), "NX");
      if (created === null) return false;
      const multi = redis
        .multi()
        .set(recordKey(plan.planId), encodeJson(record))
        .zadd(indexKey, record.createdAtMs, plan.planId);
      if (record.status === "submitted") multi.sadd(submittedKey, plan.planId);
      await multi.exec();
      return true;
    },
    /** The plan as stored, not verified: what Redis holds may not be what was sealed (openSealedPlan checks). */
    async sealed(planId: string): Promise<unknown> {
      const text = await redis.get(planKey(planId));
      return text === null ? undefined : decodeJson<unknown>(text);
    },
    /** The stored plan, unverified: for reporting (the history), never for signing. */
    async plan(planId: string): Promise<Plan | undefined> {
      return ((await this.sealed(planId)) as Partial<SealedPlan> | undefined)?.plan;
    },
    async record(planId: string): Promise<PlanRecord | undefined> {
      const text = await redis.get(recordKey(planId));
      return text === null ? undefined : decodeJson<PlanRecord>(text);
    },
    /** Read-modify-write; callers hold the signer lock or are the plan's only job. */
    async update(planId: string, change: (record: PlanRecord) => PlanRecord): Promise<PlanRecord> {
      const current = await this.record(planId);
      if (current === undefined) throw new Error(`plan ${planId} has no record`);
      const next = { ...change(current), updatedAtMs: clock.nowMs() };
      const multi = redis.multi().set(recordKey(planId), encodeJson(next));
      if (next.status === "submitted") multi.sadd(submittedKey, planId);
      else multi.srem(submittedKey, planId);
      await multi.exec();
      return next;
    },
    /** Plans whose transaction is on the wire (status "submitted"), read through their index. */
    async submitted(): Promise<PlanRecord[]> {
      if ((await redis.exists(submittedIndexedKey)) === 0) {
        const open = (await this.list()).filter((r) => r.status === "submitted").map((r) => r.planId);
        const multi = redis.multi();
        if (open.length > 0) multi.sadd(submittedKey, ...open);
        await multi.set(submittedIndexedKey, "1").exec();
      }
      const ids = await redis.smembers(submittedKey);
      if (ids.length === 0) return [];
      const texts = await redis.mget(ids.map(recordKey));
      return texts
        .filter((t): t is string => t !== null)
        .map((t) => decodeJson<PlanRecord>(t))
        .filter((r) => r.status === "submitted");
    },
    async list(): Promise<PlanRecord[]> {
      const ids = await redis.zrange(indexKey, 0, -1);
      if (ids.length === 0) return [];
      const texts = await redis.mget(ids.map(recordKey));
      return texts.filter((t): t is string => t !== null).map((t) => decodeJson<PlanRecord>(t));
    },
    /** The plan a book is waiting on (execute mode), so no second plan for it is decided meanwhile. */
    inFlight: (bookId: string) => redis.get(inFlightKey(bookId)),
    /** inFlight of each book, in one MGET (the keys share the prefix's hash tag: one Cluster slot). */
    async inFlightOfBooks(bookIds: readonly string[]): Promise<(string | null)[]> {
      return bookIds.length === 0 ? [] : redis.mget(bookIds.map(inFlightKey));
    },
    /** Claim the book for `planId`; false when another plan holds it. */
    async claimInFlight(bookId: string, planId: string): Promise<boolean> {
      if ((await redis.set(inFlightKey(bookId), planId, "NX")) !== null) return true;
      return (await redis.get(inFlightKey(bookId))) === planId;
    },
    async clearInFlight(bookId: string, planId: string): Promise<void> {
      // Only the plan that set it may clear it.
      await redis.eval(
        "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
        1,
        inFlightKey(bookId),
        planId,
      );
    },
  };
}

export type PlanStore = ReturnType<typeof createPlanStore>;
