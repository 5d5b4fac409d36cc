import hre from "hardhat";
import { afterAll, describe, expect, it } from "vitest";
import { createChainClient } from "../../../src/chain/client.ts";
import { RpcUnavailableError } from "../../../src/chain/errors.ts";
import {
  type BlockEvent,
  createBlockFollower,
  type ReorgEvent,
} from "../../../src/indexers/block-follower.ts";
import { createRedisCheckpointStore } from "../../../src/indexers/checkpoint-store.ts";
import { startFaultInjectingRpcProxy } from "../../support/fault-injecting-rpc-proxy.ts";
import { isolatedRedis } from "../../support/redis-prefix.ts";

// A real chain (Hardhat in-process, behind a real HTTP front that can go down) and real Redis.
const { provider } = await hre.network.connect();
const proxy = await startFaultInjectingRpcProxy(provider);
const { redis, prefix, cleanup } = isolatedRedis("block-follower");
afterAll(async () => {
  await proxy.stop();
  await cleanup();
});

const client = createChainClient({
  chainId: 31337,
  rpcUrls: [proxy.url],
  retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1, rateLimitBudgetMs: 0 },
});
const rpc = (method: string, params: unknown[] = []) => provider.request({ method, params });
const mine = async (blocks: number) => {
  for (let i = 0; i < blocks; i += 1) {
    await rpc("evm_increaseTime", [1]);
    await rpc("evm_mine");
  }
};

function recordingFollower(name: string, overrides: { maxBlocksPerTick?: number; startBlock?: bigint } = {}) {
  const blocks: BlockEvent[] = [];
  const reorgs: ReorgEvent[] = [];
  const follower = createBlockFollower({
    client,
    checkpoints: createRedisCheckpointStore(redis, { prefix, chainId: 31337, name }),
    confirmations: 2,
    maxReorgDepth: 32,
    maxBlocksPerTick: overrides.maxBlocksPerTick ?? 100,
    ...(overrides.startBlock === undefined ? {} : { startBlock: overrides.startBlock }),
    onBlock: async (event) => {
      blocks.push(event);
    },
    onReorg: async (event) => {
      reorgs.push(event);
    },
  });
  return { follower, blocks, reorgs };
}

describe("block follower", () => {
  it("delivers every block once, in order, flagging which are confirmed", async () => {
    await mine(3);
    const start = await client.getBlockNumber({ cacheTime: 0 });
    const { follower, blocks } = recordingFollower("in-order", { startBlock: start });
    await follower.tick();
    await mine(4);
    await follower.tick();
    expect(blocks.map((b) => b.header.number)).toEqual([0n, 1n, 2n, 3n, 4n].map((i) => start + i));
    // Head is start+4 with 2 confirmations: depths 3, 2, 1, 0.
    const lastTick = blocks.slice(1);
    expect(lastTick.map((b) => b.confirmed)).toEqual([true, true, false, false]);
    // Only start+1 was first seen deeper than the confirmations: it is history, not a trigger.
    expect(lastTick.map((b) => b.backfilled)).toEqual([true, false, false, false]);
  });

  it("detects a reorg (different blocks at the same height), reports the orphans and reads the new branch", async () => {
    const start = await client.getBlockNumber({ cacheTime: 0 });
    const { follower, blocks, reorgs } = recordingFollower("reorg", { startBlock: start });
    await follower.tick();
    const fork = (await rpc("evm_snapshot")) as string;
    await mine(3);
    await follower.tick();
    const orphanedHashes = blocks.slice(-3).map((b) => b.header.hash);

    await rpc("evm_revert", [fork]);
    await rpc("evm_increaseTime", [100]); // a different timestamp makes every new block differ
    await mine(4);
    await follower.tick();

    expect(reorgs).toHaveLength(1);
    expect(reorgs[0]!.commonAncestor).toBe(start);
    expect(reorgs[0]!.orphaned.map((h) => h.hash)).toEqual(orphanedHashes);
    const afterReorg = blocks.slice(-4);
    expect(afterReorg.map((b) => b.header.number)).toEqual([1n, 2n, 3n, 4n].map((i) => start + i));
    for (const event of afterReorg) {
      const canonical = await client.getBlock({ blockNumber: event.header.number });
      expect(event.header.hash).toBe(canonical.hash);
    }
  });

  it("resumes from its Redis checkpoint after the node dies and comes back, losing no block and flagging the gap", async () => {
    const start = await client.getBlockNumber({ cacheTime: 0 });
    const first = recordingFollower("restart", { startBlock: start });
    await first.follower.tick();

    proxy.setFaults({ down: true });
    await mine(6);
    await expect(first.follower.tick()).rejects.toBeInstanceOf(RpcUnavailableError);
    proxy.setFaults({});

    // A new process: same checkpoint key, nothing in memory.
    const second = recordingFollower("restart", { maxBlocksPerTick: 4 });
    const tick1 = await second.follower.tick();
    expect(tick1).toMatchObject({ processed: 4, behind: 2n });
    const tick2 = await second.follower.tick();
    expect(tick2).toMatchObject({ processed: 2, behind: 0n });

    expect(second.blocks.map((b) => b.header.number)).toEqual([1n, 2n, 3n, 4n, 5n, 6n].map((i) => start + i));
    // Head is start+6: the first three were already deeper than the 2 confirmations when first seen.
    expect(second.blocks.map((b) => b.backfilled)).toEqual([true, true, true, false, false, false]);
  });
});
