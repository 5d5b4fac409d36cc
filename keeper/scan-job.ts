// `scan`: produced by one BullMQ job scheduler per chain. Follows the chain (reorg-aware, checkpointed in
// Redis) and enqueues one `evaluate-group` job per group of books (book-groups.ts) for the newest confirmed
// block. Older blocks a catch-up passes over are not evaluated: a decision on a past block would act on a stale
// premise.
import type { Job } from "bullmq";
import { createBlockFollower } from "../src/indexers/block-follower.ts";
import { createRedisCheckpointStore } from "../src/indexers/checkpoint-store.ts";
import type { RedisConnection } from "../src/runtime/redis-connection.ts";
import type { KeeperContext } from "./context.ts";
import { EVALUATE_GROUP_JOB } from "./evaluate-group-job.ts";
import { jobIds } from "./job-ids.ts";
import { type EvaluateGroupPayload, parsePayload, scanPayload } from "./payloads.ts";

export async function processScan(
  ctx: KeeperContext,
  redis: RedisConnection,
  job: Job,
): Promise<{ blockNumber: string | null }> {
  const payload = parsePayload(scanPayload, job.data, "scan");
  let newest: bigint | null = null;
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
  await follower.tick();
  if (newest === null) return { blockNumber: null };
  const blockNumber: bigint = newest;
  // One job per group of books reading the same chain state (book-groups.ts), not one per book.
  await ctx.queues.evaluate.addBulk(
    [...ctx.bookGroups.keys()].map((groupId) => {
      const data: EvaluateGroupPayload = {
        v: 1,
        chainId: payload.chainId,
        groupId,
        blockNumber: blockNumber.toString(),
      };
      return {
        name: EVALUATE_GROUP_JOB,
        data,
        opts: { jobId: jobIds.evaluateGroup(payload.chainId, groupId, blockNumber) },
      };
    }),
  );
  return { blockNumber: blockNumber.toString() };
}
