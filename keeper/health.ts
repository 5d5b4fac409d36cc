// The keeper's self-monitoring as one typed value: heartbeats, the last successful evaluation per book,
// queue depth and lag, the signer's balance against its floor, transaction counters. The operator layer
// turns it into metrics and alerts.
import type { Queue } from "bullmq";
import { type PublicClient, parseEther } from "viem";
import type { DecisionKind } from "../src/evaluation/book-evaluation.ts";
import type { BookMode } from "../src/evaluation/plan-lifecycle.ts";
import type { BookStateStore } from "./book-state-store.ts";
import type { KeeperConfig } from "./config.ts";
import type { KeeperCounter, KeeperEvents } from "./events.ts";
import type { KeeperQueues } from "./queues.ts";

export interface QueueHealth {
  waiting: number;
  prioritized: number;
  active: number;
  delayed: number;
  failed: number;
  /** Age of the oldest job waiting to run, ms (0 when none waits). */
  lagMs: number;
}

export interface KeeperHealth {
  atMs: number;
  /** Per keeper process: ms since its last heartbeat. */
  heartbeatAgeMs: Record<string, number>;
  books: {
    bookId: string;
    mode: BookMode;
    lastEvaluation: { blockNumber: bigint; ageMs: number; decision: DecisionKind; driftBps: number } | null;
  }[];
  queues: Record<string, QueueHealth>;
  signer: {
    address: `0x${string}`;
    balanceWei: bigint;
    floorWei: bigint;
    belowFloor: boolean;
    pendingTxs: number;
  };
  transactions: Partial<Record<KeeperCounter, number>>;
}

async function queueHealth(queue: Queue, nowMs: number): Promise<QueueHealth> {
  const counts = await queue.getJobCounts("waiting", "prioritized", "active", "delayed", "failed");
  const oldest = await queue.getJobs(["waiting", "prioritized"], 0, 20, true);
  const firstTimestamp = Math.min(...oldest.map((job) => job?.timestamp ?? nowMs), nowMs);
  return {
    waiting: counts.waiting ?? 0,
    prioritized: counts.prioritized ?? 0,
    active: counts.active ?? 0,
    delayed: counts.delayed ?? 0,
    failed: counts.failed ?? 0,
    lagMs: nowMs - firstTimestamp,
  };
}

export async function keeperHealth(input: {
  config: KeeperConfig;
  nowMs: number;
  client: PublicClient;
  signer: `0x${string}`;
  queues: KeeperQueues;
  events: KeeperEvents;
  bookState: BookStateStore;
}): Promise<KeeperHealth> {
  const { config, nowMs } = input;
  const [heartbeats, counters, balanceWei, latest, pending, queueEntries, books] = await Promise.all([
    input.events.heartbeats(),
    input.events.counters(),
    input.client.getBalance({ address: input.signer }),
    input.client.getTransactionCount({ address: input.signer, blockTag: "latest" }),
    input.client.getTransactionCount({ address: input.signer, blockTag: "pending" }),
    Promise.all(input.queues.all().map(async (q) => [q.name, await queueHealth(q, nowMs)] as const)),
    input.bookState.lastEvaluations(config.books.map((book) => book.bookId)).then((lasts) =>
      config.books.map((book, index) => {
        const last = lasts[index];
        return {
          bookId: book.bookId,
          mode: book.mode,
          lastEvaluation: last
            ? {
                blockNumber: last.blockNumber,
                ageMs: nowMs - last.atMs,
                decision: last.decision,
                driftBps: last.driftBps,
              }
            : null,
        };
      }),
    ),
  ]);
  const floorWei = parseEther(String(config.signerBalanceFloorEth));
  return {
    atMs: nowMs,
    heartbeatAgeMs: Object.fromEntries(Object.entries(heartbeats).map(([id, at]) => [id, nowMs - at])),
    books,
    queues: Object.fromEntries(queueEntries),
    signer: {
      address: input.signer,
      balanceWei,
      floorWei,
      belowFloor: balanceWei < floorWei,
      pendingTxs: pending - latest,
    },
    transactions: counters,
  };
}
