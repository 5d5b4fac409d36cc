// What the keeper tells operators: events (announcements of plans, proposals, transactions) and counters.
// Kept in Redis (a capped list and a hash) so every process contributes and the operator layer reads one
// place; also handed to an in-process listener.

import type { AaveLiquidationAlert } from "../src/alerts/alert-conditions.ts";
import type { Lane } from "../src/engine/plan.ts";
import type { BookMode } from "../src/evaluation/plan-lifecycle.ts";
import type { Clock } from "../src/runtime/clock.ts";
import type { RedisConnection } from "../src/runtime/redis-connection.ts";
import { encodeJson } from "./plan-codec.ts";

export type KeeperEvent =
  | { kind: "plan.decided"; planId: string; bookId: string; lane: Lane; mode: BookMode; reason: string }
  | { kind: "plan.shadowed"; planId: string; bookId: string; reason: string }
  | { kind: "plan.proposed"; planId: string; bookId: string; safeTxHash: string }
  | { kind: "plan.failed"; planId: string; bookId: string; reason: string }
  /** Refused by its simulation on a premise the chain no longer holds (a moved pool): re-planned, not a failure. */
  | { kind: "plan.superseded"; planId: string; bookId: string; reason: string }
  /** What Redis held for the plan did not verify (plan-integrity.ts): refused, nothing sent. */
  | { kind: "plan.tampered"; planId: string; bookId: string; reason: string }
  | { kind: "tx.broadcast"; planId: string; lane: Lane; txHash: string; nonce: number; txKind: string }
  | {
      kind: "tx.mined";
      planId: string;
      lane: Lane;
      txHash: string;
      status: "success" | "reverted";
      blockNumber: bigint;
      gasUsed: bigint;
    }
  | { kind: "tx.replaced"; planId: string; lane: Lane; txHash: string; replaces: string; nonce: number }
  | { kind: "tx.cancelled"; planId: string; lane: Lane; txHash: string; nonce: number }
  | { kind: "nonce.reconciled"; before: number | null; after: number; rewound: number[] }
  /** Aave liquidated the book's Safe (aave-liquidation-history.ts): paged at once, as the alert carries it. */
  | ({ kind: "aave.liquidated" } & AaveLiquidationAlert);

export type KeeperCounter =
  | "plans_decided"
  | "plans_shadowed"
  | "plans_proposed"
  | "plans_failed"
  | "plans_superseded"
  | "plans_tampered"
  | "aave_liquidations"
  | "tx_broadcast"
  | "tx_mined"
  | "tx_reverted"
  | "tx_replaced"
  | "tx_cancelled"
  | "tx_dropped";

const MAX_EVENTS = 1_000;

export function createKeeperEvents(
  redis: RedisConnection,
  prefix: string,
  options: { clock: Clock; listener?: (event: KeeperEvent) => void },
) {
  const { clock, listener } = options;
  const eventsKey = `${prefix}:events`;
  const countersKey = `${prefix}:counters`;
  const heartbeatsKey = `${prefix}:heartbeats`;
  return {
    async emit(event: KeeperEvent, counter?: KeeperCounter): Promise<void> {
      const multi = redis
        .multi()
        .lpush(eventsKey, encodeJson({ ...event, atMs: clock.nowMs() }))
        .ltrim(eventsKey, 0, MAX_EVENTS - 1);
      if (counter) multi.hincrby(countersKey, counter, 1);
      await multi.exec();
      listener?.(event);
    },
    async counters(): Promise<Partial<Record<KeeperCounter, number>>> {
      const raw = await redis.hgetall(countersKey);
      return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Number(v)]));
    },
    async heartbeat(instanceId: string, atMs: number): Promise<void> {
      await redis.hset(heartbeatsKey, instanceId, atMs);
    },
    async heartbeats(): Promise<Record<string, number>> {
      const raw = await redis.hgetall(heartbeatsKey);
      return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Number(v)]));
    },
    async recent(limit = 100): Promise<string[]> {
      return redis.lrange(eventsKey, 0, limit - 1);
    },
  };
}

export type KeeperEvents = ReturnType<typeof createKeeperEvents>;
