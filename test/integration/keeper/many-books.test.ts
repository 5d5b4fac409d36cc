// Many treasuries × many books on one network: the devnet generator's Safes and positions are real (minted through
// the position manager), `startHedgekeeper` (what `hedgekeeper run` starts) watches every generated book, and
// each new block is read once per treasury however many books the treasury has.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { getAddress, hexToBigInt } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobIds } from "../../../keeper/job-ids.ts";
import { type Hedgekeeper, startHedgekeeper } from "../../../keeper/start-hedgekeeper.ts";
import { POSITION_MANAGER_ABI } from "../../../src/chain/abis/uniswap-v3-abi.ts";
import { createChainClient } from "../../../src/chain/client.ts";
import { createSharedBlockReads } from "../../../src/chain/shared-block-reads.ts";
import { bookSourcesFromConfig } from "../../../src/config/adapters.ts";
import type { HedgekeeperConfig } from "../../../src/config/schema.ts";
import { devnetConfigWithGeneratedBooks } from "../../../src/devnet/devnet-config.ts";
import { submitFeedAnswer } from "../../../src/devnet/feed-answer.ts";
import { type GeneratedTreasury, generateManyBooks } from "../../../src/devnet/generated-books.ts";
import { type Devnet, startDevnet } from "../../../src/devnet/index.ts";
import { createBookIndexer, type IndexedBook } from "../../../src/indexers/book-indexer.ts";
import {
  type FaultInjectingRpcProxy,
  type FaultPlan,
  startFaultInjectingRpcProxy,
} from "../../support/fault-injecting-rpc-proxy.ts";
import { isolatedRedis } from "../../support/redis-prefix.ts";

const SHAPE = { treasuries: 3, booksPerTreasury: 2, positionsPerTreasury: 4 };
const memory = { keeper: { hedgeTriggered: false, lastPlanAtSec: null }, samples: [] };

let devnet: Devnet;
let proxy: FaultInjectingRpcProxy;
let generated: GeneratedTreasury[];
let config: HedgekeeperConfig;
/** eth_calls the proxy forwarded, by the block they were pinned to. */
const ethCallsAt = new Map<bigint, number>();
/** The proxy's plan: no fault, each eth_call counted (a test that injects faults puts this back). */
const countingEthCalls: FaultPlan = {
  rewriteResult: (call, result) => {
    const block = (call.params as unknown[] | undefined)?.[1];
    if (call.method === "eth_call" && typeof block === "string" && block.startsWith("0x")) {
      const at = hexToBigInt(block as `0x${string}`);
      ethCallsAt.set(at, (ethCallsAt.get(at) ?? 0) + 1);
    }
    return result;
  },
};

beforeAll(async () => {
  devnet = await startDevnet({ inProcess: true });
  proxy = await startFaultInjectingRpcProxy({
    request: (args) => devnet.publicClient.request(args as never),
  });
  proxy.setFaults(countingEthCalls);
  generated = await generateManyBooks(devnet.client, devnet.manifest, SHAPE);
  config = devnetConfigWithGeneratedBooks(devnet.manifest, generated, { rpcUrl: proxy.url });
}, 180_000);
afterAll(async () => {
  await proxy?.stop();
  await devnet?.stop();
});

describe("the many-books generator", () => {
  it("gives each treasury its own Safe with its positions spread across the pools, and M books on it", async () => {
    expect(generated).toHaveLength(SHAPE.treasuries);
    expect(new Set(generated.map((t) => t.safe)).size).toBe(SHAPE.treasuries);
    const pools = new Set<string>();
    for (const treasury of generated) {
      expect(treasury.lpTokenIds).toHaveLength(SHAPE.positionsPerTreasury);
      expect(treasury.bookIds).toHaveLength(SHAPE.booksPerTreasury);
      for (const bookId of treasury.bookIds) {
        expect(config.books[bookId]?.treasury).toBe(treasury.treasuryId);
        expect(config.books[bookId]?.mode).toBe("shadow");
      }
      expect(config.treasuries[treasury.treasuryId]?.safe).toBe(getAddress(treasury.safe));
      const owned = await devnet.publicClient.readContract({
        address: devnet.manifest.contracts.positionManager,
        abi: POSITION_MANAGER_ABI,
        functionName: "balanceOf",
        args: [treasury.safe],
      });
      expect(owned).toBe(BigInt(SHAPE.positionsPerTreasury));
    }
    // The books of one treasury differ in policy, not in what they read.
    const [first, second] = generated[0]!.bookIds;
    expect(config.books[first!]?.targetHedgeRatio).not.toBe(config.books[second!]?.targetHedgeRatio);

    const client = createChainClient({ chainId: devnet.manifest.chainId, rpcUrls: [proxy.url] });
    const block = await client.getBlockNumber({ cacheTime: 0 });
    for (const treasury of generated) {
      const sources = bookSourcesFromConfig(config, treasury.bookIds[0]!);
      const { snapshot } = await createBookIndexer(client, sources).snapshotAt(block, memory);
      const positions = snapshot.lpPositions.flatMap((p) => (p.kind === "uniswap-v3" ? [p] : []));
      expect(positions.map((p) => p.tokenId)).toEqual(treasury.lpTokenIds);
      for (const position of positions) {
        pools.add(position.pool);
        // A cold snapshot takes each position's struct from the round that learned its statics: it must be the
        // struct positions() returns at that block.
        const struct = await devnet.publicClient.readContract({
          address: devnet.manifest.contracts.positionManager,
          abi: POSITION_MANAGER_ABI,
          functionName: "positions",
          args: [position.tokenId],
          blockNumber: block,
        });
        expect(position.liquidity).toBe(struct[7]);
        expect(position.liquidity).toBeGreaterThan(0n);
        expect([position.tickLower, position.tickUpper]).toEqual([struct[5], struct[6]]);
        expect(position.feeGrowthInside0LastX128).toBe(struct[8]);
        expect(position.tokensOwed1).toBe(struct[11]);
      }
    }
    const m = devnet.manifest.pools;
    expect(pools).toEqual(
      new Set([m.usdcWeth500.address, m.daiUsdc100.address, m.usdcUsdt100.address].map((a) => getAddress(a))),
    );
  });
});

describe("reads the treasuries make alike, sent once per block", () => {
  const clientOf = () => createChainClient({ chainId: devnet.manifest.chainId, rpcUrls: [proxy.url] });
  const sourcesOf = (treasury: GeneratedTreasury) => bookSourcesFromConfig(config, treasury.bookIds[0]!);
  const ethUsd = () => devnet.manifest.feeds.ethUsd;

  it("gives every treasury the snapshot its own reads give, the node executing the pools', feeds' and market's reads once", async () => {
    const client = clientOf();
    const shared = createSharedBlockReads();
    const sharing = generated.map((t) => createBookIndexer(client, sourcesOf(t), { sharedReads: shared }));
    const alone = generated.map((t) => createBookIndexer(client, sourcesOf(t)));
    // Two blocks: a cold snapshot, then a steady one built on it.
    for (let round = 0; round < 2; round += 1) {
      await devnet.testClient.mine({ blocks: 1 });
      const block = await client.getBlockNumber({ cacheTime: 0 });
      const before = { ...shared.counts };
      const together = await Promise.all(sharing.map((indexer) => indexer.snapshotAt(block, memory)));
      const own: IndexedBook[] = [];
      for (const indexer of alone) own.push(await indexer.snapshotAt(block, memory));
      expect(together.map((b) => b.snapshot)).toEqual(own.map((b) => b.snapshot));
      // The treasuries' feeds and pools are the same: most reads are another treasury's, so the sharing
      // treasuries sent well under the reads they made, and each still made at most the requests it makes alone.
      const sent = shared.counts.sent - before.sent;
      const taken = shared.counts.shared - before.shared;
      expect(taken).toBeGreaterThan(sent / 2);
      for (const [i, b] of together.entries()) expect(b.requests).toBeLessThanOrEqual(own[i]!.requests);
    }
  });

  it("keeps no failed read: the readers that waited on it fail with its error, and their retries read it again", async () => {
    const client = clientOf();
    const shared = createSharedBlockReads();
    const [first, second] = generated.map((t) =>
      createBookIndexer(client, sourcesOf(t), { sharedReads: shared }),
    );
    const alone = createBookIndexer(client, sourcesOf(generated[1]!));
    await devnet.testClient.mine({ blocks: 1 });
    const warm = await client.getBlockNumber({ cacheTime: 0 });
    await first!.snapshotAt(warm, memory);
    await second!.snapshotAt(warm, memory);
    await alone.snapshotAt(warm, memory);

    // The node lies about every batch that reads the ETH/USD feed (only the first reader's carries the shared reads):
    // a batch whose answer does not decode.
    const feed = ethUsd().address.slice(2).toLowerCase();
    let lied = 0;
    proxy.setFaults({
      rewriteResult: (call, answered) => {
        const result = countingEthCalls.rewriteResult!(call, answered);
        const [tx] = (call.params as [{ data?: string; input?: string }] | undefined) ?? [];
        if (call.method !== "eth_call" || !(tx?.data ?? tx?.input ?? "").toLowerCase().includes(feed))
          return result;
        lied += 1;
        return "0x1234";
      },
    });
    await devnet.testClient.mine({ blocks: 1 });
    const block = await client.getBlockNumber({ cacheTime: 0 });
    const firstTry = first!.snapshotAt(block, memory);
    const secondTry = second!.snapshotAt(block, memory);
    await expect(firstTry).rejects.toThrow();
    // The second sent only its Safe's own reads, which the node answered: it fails on the first's failed read.
    await expect(secondTry).rejects.toThrow();
    expect(lied).toBe(1);

    proxy.setFaults(countingEthCalls);
    const sentBefore = shared.counts.sent;
    const [retriedFirst, retriedSecond] = await Promise.all([
      first!.snapshotAt(block, memory),
      second!.snapshotAt(block, memory),
    ]);
    // The failed reads were sent again, and the snapshots are what reads of their own give.
    expect(shared.counts.sent).toBeGreaterThan(sentBefore);
    expect(retriedSecond.snapshot).toEqual((await alone.snapshotAt(block, memory)).snapshot);
    expect(retriedFirst.snapshot.baseOracle).toEqual(retriedSecond.snapshot.baseOracle);
  });

  it("never answers a replacement block from the block it replaced: the reader that took the old header finds the reorg and its retry reads the new block", async () => {
    const client = clientOf();
    const shared = createSharedBlockReads();
    const [first, second] = generated.map((t) =>
      createBookIndexer(client, sourcesOf(t), { sharedReads: shared }),
    );
    const fork = await devnet.snapshot();
    await devnet.testClient.mine({ blocks: 1 });
    const height = await client.getBlockNumber({ cacheTime: 0 });
    const replaced = await first!.snapshotAt(height, memory);
    // The replacement block at the same height carries a new ETH/USD round the replaced one did not.
    await devnet.revert(fork);
    await submitFeedAnswer(
      devnet.client,
      devnet.manifest.accounts.deployer.address,
      ethUsd().aggregator,
      2_750,
    );
    expect(await client.getBlockNumber({ cacheTime: 0 })).toBe(height);
    const truth = await createBookIndexer(client, sourcesOf(generated[1]!)).snapshotAt(height, memory);
    const answer = 2_750n * 10n ** BigInt(truth.snapshot.baseOracle.decimals);
    expect(truth.snapshot.baseOracle.answer).toBe(answer);
    expect(replaced.snapshot.baseOracle.answer).not.toBe(answer);
    // The shared header is the replaced block's: the reads keyed by it are refused by the header read after them.
    await expect(second!.snapshotAt(height, memory)).rejects.toThrow(/changed while it was being read/);
    const retried = await second!.snapshotAt(height, memory);
    expect(retried.snapshot).toEqual(truth.snapshot);
  });
});

describe("hedgekeeper run with the generated books", () => {
  let running: Hedgekeeper | undefined;
  let historyDir: string | undefined;
  const redis = isolatedRedis("many-books");
  const generatedBookIds = () => generated.flatMap((t) => t.bookIds);
  /** The books whose evaluation the keeper reported, by block. */
  const evaluated = new Map<bigint, Set<string>>();
  const evaluatedAt = async (block: bigint, bookIds: readonly string[]) => {
    const deadline = Date.now() + 45_000;
    while (!bookIds.every((id) => evaluated.get(block)?.has(id))) {
      if (Date.now() > deadline)
        throw new Error(`books evaluated at ${block}: ${[...(evaluated.get(block) ?? [])]}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const mineOne = async () => {
    await devnet.testClient.mine({ blocks: 1 });
    return devnet.publicClient.getBlockNumber({ cacheTime: 0 });
  };
  afterAll(async () => {
    await running?.stop();
    await redis.cleanup();
    if (historyDir !== undefined) rmSync(historyDir, { recursive: true, force: true });
  });

  it("evaluates every generated book at each new block, reading each treasury once per block", async () => {
    historyDir = mkdtempSync(join(tmpdir(), "hk-many-books-"));
    const runConfig: HedgekeeperConfig = {
      ...config,
      books: Object.fromEntries(generatedBookIds().map((id) => [id, config.books[id]!])),
      networks: { devnet: { ...config.networks.devnet!, pollIntervalMs: 100, confirmations: 0 } },
      redis: { ...config.redis, url: process.env.REDIS_URL!, keyPrefix: redis.prefix },
      metrics: { host: "127.0.0.1", port: 0 },
      api: { ...config.api, host: "127.0.0.1", port: 0 },
      history: { ...config.history, dataDir: historyDir },
    };
    running = await startHedgekeeper(runConfig, {
      role: "all",
      logger: pino({ level: process.env.KEEPER_TEST_LOG ?? "silent" }),
      onEvaluation: async ({ bookId, blockNumber }) => {
        const books = evaluated.get(blockNumber) ?? new Set<string>();
        books.add(bookId);
        evaluated.set(blockNumber, books);
      },
    });
    expect(running.bookIds.sort()).toEqual([...generatedBookIds()].sort());

    // Two new blocks, one at a time: the first snapshots discover the positions, the second build on them.
    for (let round = 0; round < 2; round += 1) {
      const block = await mineOne();
      await evaluatedAt(block, generatedBookIds());
      expect(evaluated.get(block)).toEqual(new Set(generatedBookIds()));
      if (round === 1) {
        // A steady-state snapshot is one eth_call (its batch of reads); one per treasury, not one per book.
        expect(ethCallsAt.get(block)).toBe(SHAPE.treasuries);
      }
    }
  }, 240_000); // the embedded history's start (PGlite, migrations) takes most of it on a busy machine

  it("evaluates each treasury's books in one job per block, and hands a book that fails back as its own job", async () => {
    const { keeper } = running!;
    const chainId = devnet.manifest.chainId;
    const groupIdOf = (bookId: string) =>
      [...keeper.ctx.bookGroups].find(([, books]) => books.some((b) => b.bookId === bookId))![0];
    // One group per treasury, each holding the treasury's books.
    expect(keeper.ctx.bookGroups.size).toBe(SHAPE.treasuries);
    for (const treasury of generated)
      expect(keeper.ctx.bookGroups.get(groupIdOf(treasury.bookIds[0]!))!.map((b) => b.bookId)).toEqual(
        treasury.bookIds,
      );
    const [failing, sibling] = generated[0]!.bookIds as [string, string];
    // The book's engine memory in Redis no longer parses: its evaluation throws, its sibling's must not.
    const stateKey = `${keeper.ctx.common.config.redisPrefix}:book-state:${failing}`;
    await redis.redis.set(stateKey, "{not json");
    const block = await mineOne();
    await evaluatedAt(
      block,
      generatedBookIds().filter((id) => id !== failing),
    );
    const groupJob = await waitForJob(keeper, jobIds.evaluateGroup(chainId, groupIdOf(failing), block));
    expect(groupJob.returnvalue.evaluated.map((e: { bookId: string }) => e.bookId)).toEqual([sibling]);
    expect(groupJob.returnvalue.handedBack).toEqual([
      { bookId: failing, error: expect.stringMatching(/JSON/) },
    ]);
    // Its own job retries and then fails under its own id; the book is not reported evaluated at the block.
    const own = await waitForJob(keeper, jobIds.evaluate(chainId, failing, block));
    expect(await own.getState()).toBe("failed");
    expect(own.attemptsMade).toBe(3);
    expect(own.failedReason).toMatch(/JSON/);
    expect(evaluated.get(block)?.has(failing)).toBe(false);
    // The other treasuries' groups had nothing to hand back.
    for (const treasury of generated.slice(1)) {
      const job = await waitForJob(
        keeper,
        jobIds.evaluateGroup(chainId, groupIdOf(treasury.bookIds[0]!), block),
      );
      expect(job.returnvalue.handedBack).toEqual([]);
    }

    // Positive control: its memory readable again (a fresh book's), the book is evaluated with its group.
    await redis.redis.del(stateKey);
    const next = await mineOne();
    await evaluatedAt(next, generatedBookIds());
    const healed = await waitForJob(keeper, jobIds.evaluateGroup(chainId, groupIdOf(failing), next));
    expect(healed.returnvalue.handedBack).toEqual([]);
    expect(await keeper.queues.evaluate.getJob(jobIds.evaluate(chainId, failing, next))).toBeUndefined();
  }, 120_000);
});

/** The job once it has finished (completed, or failed after its last attempt). */
async function waitForJob(keeper: Hedgekeeper["keeper"], jobId: string) {
  const deadline = Date.now() + 45_000;
  for (;;) {
    // State first, then the job: a job read before its state could still be the running job (no return value
    // yet) while the state read after it already says completed.
    const state = await keeper.queues.evaluate.getJobState(jobId);
    if (state === "completed" || state === "failed") {
      const job = await keeper.queues.evaluate.getJob(jobId);
      if (job !== undefined) return job;
    }
    if (Date.now() > deadline) throw new Error(`job ${jobId} did not finish`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
