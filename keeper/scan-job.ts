// `scan`: produced by one BullMQ job scheduler per chain, one job per scan slot. Follows the chain (reorg-aware,
// checkpointed in Redis) and enqueues one `evaluate-group` job per group of books (book-groups.ts) for the newest
// confirmed block. Older blocks a catch-up passes over are not evaluated: a decision on a past block would act on a
// stale premise.
//
// One job polls the chain every `scanEveryMs` (the network's pollIntervalMs) for the whole of its slot
// (`scanJobEveryMs`, scan-slot.ts), not once: a BullMQ job costs every monitor process's workers a wake-up and
// ~60 Redis commands, which at a 100 ms poll were most of an idle keeper's load. The slot's last poll starts before
// the next job is due, so jobs do not queue behind each other. A job lost with its process is handed on once the
// scan's own lock lapses (scanLock), and every job resumes from the checkpoint.
import type { Job } from "bullmq";
import { createBlockFollower } from "../src/indexers/block-follower.ts";
import { createRedisCheckpointStore } from "../src/indexers/checkpoint-store.ts";
import type { RedisConnection } from "../src/runtime/redis-connection.ts";
import type { KeeperContext } from "./context.ts";
import { EVALUATE_GROUP_JOB } from "./evaluate-group-job.ts";
import { jobIds } from "./job-ids.ts";
import { type EvaluateGroupPayload, parsePayload, scanPayload } from "./payloads.ts";
import { pollsLeftInSlot } from "./scan-slot.ts";

export async function processScan(
  ctx: KeeperContext,
  redis: RedisConnection,
  job: Job,
  /** Aborted when the process stops: the slot ends after the poll in flight. */
  stopping: AbortSignal,
): Promise<{ blockNumber: string | null; polls: number }> {
  const payload = parsePayload(scanPayload, job.data, "scan");
  const { scanEveryMs, scanJobEveryMs } = ctx.common.config;
  // Real elapsed time, not the injected clock: the slot is measured against BullMQ's scheduler, which runs on it.
  const startedMs = performance.now();
  // Set by onBlock during a tick (the newest confirmed block it saw).
  let newest = null as bigint | null;
  const follower = createBlockFollower({
    client: ctx.client,
    checkpoints: createRedisCheckpointStore(redis, {
      prefix: ctx.common.config.redisPrefix,
      chainId: payload.chainId,
      name: "keeper-scan",
    }),
    confirmations: ctx.common.config.evaluateConfirmations,
    maxReorgDepth: 64,
    maxBlocksPerTick: 256,
    onBlock: async (event) => {
      if (event.confirmed && (newest === null || event.header.number > newest)) newest = event.header.number;
    },
    onReorg: async (event) => {
      ctx.common.logger.warn(
        {
          chain_id: payload.chainId,
          common_ancestor: event.commonAncestor.toString(),
          orphaned: event.orphaned.length,
        },
        "reorg: orphaned blocks are re-read",
      );
      await ctx.samples.removeFrom(event.commonAncestor + 1n);
    },
  });
  let enqueued = null as bigint | null;
  let polls = 0;
  for (;;) {
    newest = null;
    await follower.tick();
    polls += 1;
    if (newest !== null) {
      await enqueueGroups(ctx, payload.chainId, newest);
      enqueued = newest;
    }
    const elapsedMs = performance.now() - startedMs;
    if (stopping.aborted || pollsLeftInSlot({ elapsedMs, scanEveryMs, scanJobEveryMs }) === 0) break;
    await sleepUnlessAborted(scanEveryMs, stopping);
  }
  return { blockNumber: enqueued === null ? null : enqueued.toString(), polls };
}

/** One job per group of books reading the same chain state (book-groups.ts), not one per book. */
async function enqueueGroups(ctx: KeeperContext, chainId: number, blockNumber: bigint): Promise<void> {
  await ctx.queues.evaluate.addBulk(
    [...ctx.bookGroups.keys()].map((groupId) => {
      const data: EvaluateGroupPayload = {
        v: 1,
        chainId,
        groupId,
        blockNumber: blockNumber.toString(),
      };
      return {
        name: EVALUATE_GROUP_JOB,
        data,
        opts: { jobId: jobIds.evaluateGroup(chainId, groupId, blockNumber) },
      };
    }),
  );
}

function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
