// `npm run bench:indexer`: one full book snapshot on the devnet with 1,000 tracked v3 positions across 50 pools,
// 10 Chainlink feeds and the perp, read by the book indexer (Multicall3, pinned to one block, cached statics)
// and the naive way (one eth_call per value), over HTTP to a real `hardhat node`, in the same run; then as a
// restarted process reads it: a new indexer resuming from what the first one stored in Redis (book-cache-store.ts).
// Writes bench/results/indexer.json.
import { readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { Redis } from "ioredis";
import { type Abi, type Address, encodeFunctionData, erc20Abi, type Hex, maxUint256 } from "viem";
import { POSITION_MANAGER_ABI, SWAP_ROUTER_ABI } from "../src/chain/abis/uniswap-v3-abi.ts";
import { createChainClient } from "../src/chain/client.ts";
import type { ContractRead } from "../src/chain/read-at-block.ts";
import { bookSourcesFromConfig } from "../src/config/adapters.ts";
import { DEVNET_BOOK_ID, devnetConfig } from "../src/devnet/devnet-config.ts";
import { startDevnet } from "../src/devnet/index.ts";
import { sendInOneBlock, withManualMining } from "../src/devnet/transactions.ts";
import { createRedisBookCacheStore } from "../src/indexers/book-cache-store.ts";
import { createBookIndexer } from "../src/indexers/book-indexer.ts";
import { feedReads } from "../src/indexers/chainlink-reads.ts";
import { poolStateReads, tickRead } from "../src/indexers/uniswap-v3-reads.ts";
import { freeLoopbackPort } from "../src/runtime/free-port.ts";
import { ensureRedis } from "../src/runtime/redis-server.ts";

const POOLS = 50;
const big = (_key: string, value: unknown) => (typeof value === "bigint" ? value.toString() : value);
const POSITIONS_PER_POOL = 20;
const EXTRA_FEEDS = 6;
const RUNS = 15;

const artifact = (path: string) => JSON.parse(readFileSync(path, "utf8")) as { abi: Abi; bytecode: Hex };
const mockToken = artifact(
  "artifacts/@chainlink/contracts/src/v0.8/shared/mocks/ERC20Mock.sol/ERC20Mock.json",
);
const mockFeed = artifact(
  "artifacts/@chainlink/contracts/src/v0.8/shared/mocks/MockV3Aggregator.sol/MockV3Aggregator.json",
);

const redisHandle = await ensureRedis({ configuredUrl: process.env.REDIS_URL });
const redis = new Redis(redisHandle.url);
const storeKey = { prefix: `hk-bench-indexer-${Date.now()}`, chainId: 31337, name: "bench-book" };
const devnet = await startDevnet({ port: await freeLoopbackPort() });
try {
  const setupStarted = performance.now();
  const m = devnet.manifest;
  const deployer = devnet.walletFor("deployer");
  const from = deployer.account.address;
  const deploy = async (a: { abi: Abi; bytecode: Hex }, args: unknown[]) => {
    const hash = await deployer.deployContract({ abi: a.abi, bytecode: a.bytecode, args });
    return (await devnet.publicClient.waitForTransactionReceipt({ hash })).contractAddress as Address;
  };

  // 51 tokens: a common quote and one base per pool; every pool at price 1 (sqrtPriceX96 = 2^96), fee 0.3%.
  const tokens: Address[] = [];
  for (let i = 0; i <= POOLS; i += 1) tokens.push(await deploy(mockToken, [18]));
  const tx = (to: Address, data: Hex, label: string, gas: bigint) => ({ label, from, to, data, gas });
  type Tx = ReturnType<typeof tx>;
  // Several blocks when the transactions' gas limits exceed what one block holds (30M).
  const inBlocks = async (txs: Tx[]) => {
    let block: Tx[] = [];
    let gas = 0n;
    for (const t of txs) {
      if (gas + t.gas > 29_000_000n) {
        await sendInOneBlock(devnet.client, block);
        block = [];
        gas = 0n;
      }
      block.push(t);
      gas += t.gas;
    }
    if (block.length > 0) await sendInOneBlock(devnet.client, block);
  };
  await withManualMining(devnet.client, async () => {
    await inBlocks(
      tokens.flatMap((token) => [
        tx(
          token,
          encodeFunctionData({ abi: mockToken.abi, functionName: "mint", args: [from, 10n ** 30n] }),
          "mint",
          100_000n,
        ),
        tx(
          token,
          encodeFunctionData({
            abi: erc20Abi,
            functionName: "approve",
            args: [m.contracts.positionManager, maxUint256],
          }),
          "approve",
          100_000n,
        ),
      ]),
    );
    const quote = tokens[0]!;
    const pairs = tokens
      .slice(1)
      .map((base) => (BigInt(base) < BigInt(quote) ? [base, quote] : [quote, base]) as [Address, Address]);
    await inBlocks(
      pairs.map(([t0, t1]) =>
        tx(
          m.contracts.positionManager,
          encodeFunctionData({
            abi: POSITION_MANAGER_ABI,
            functionName: "createAndInitializePoolIfNecessary",
            args: [t0, t1, 3000, 2n ** 96n],
          }),
          "create pool",
          5_500_000n,
        ),
      ),
    );
    for (const [t0, t1] of pairs) {
      await inBlocks(
        Array.from({ length: POSITIONS_PER_POOL }, (_, k) =>
          tx(
            m.contracts.positionManager,
            encodeFunctionData({
              abi: POSITION_MANAGER_ABI,
              functionName: "mint",
              args: [
                {
                  token0: t0,
                  token1: t1,
                  fee: 3000,
                  tickLower: -60 * (k + 1),
                  tickUpper: 60 * (k + 1),
                  amount0Desired: 10n ** 18n,
                  amount1Desired: 10n ** 18n,
                  amount0Min: 0n,
                  amount1Min: 0n,
                  recipient: m.contracts.treasurySafe,
                  deadline: 2n ** 40n,
                },
              ],
            }),
            "mint position",
            700_000n,
          ),
        ),
      );
    }
  });
  // Age the new pools past the TWAP window, as a real pool's oracle history would be.
  await devnet.testClient.increaseTime({ seconds: 600 });
  await devnet.testClient.mine({ blocks: 1 });
  const extraFeeds: Address[] = [];
  for (let i = 0; i < EXTRA_FEEDS; i += 1)
    extraFeeds.push(await deploy(mockFeed, [8, BigInt(100 + i) * 10n ** 8n]));
  const setupMs = performance.now() - setupStarted;

  const sources = bookSourcesFromConfig(devnetConfig(m), DEVNET_BOOK_ID);
  const benchSources = {
    ...sources,
    feeds: [
      ...sources.feeds,
      ...extraFeeds.map((address) => ({ address, asset: address, heartbeatSec: 86_400, decimals: 8 })),
    ],
    tokens: [...sources.tokens, ...tokens.map((address, i) => ({ address, symbol: `T${i}`, decimals: 18 }))],
  };
  const client = createChainClient({ chainId: m.chainId, rpcUrls: [devnet.rpcUrl], pollingIntervalMs: 50 });
  // Every naive read is one readContract, which this client sends as exactly one eth_call (no batching).
  let naiveRequests = 0;
  const block = await client.getBlockNumber({ cacheTime: 0 });
  const memory = { keeper: { hedgeTriggered: false, lastPlanAtSec: null }, samples: [] };

  // The indexer: the first snapshot discovers and caches immutable facts; later ones are the per-block cost.
  const store = createRedisBookCacheStore(redis, storeKey);
  const indexer = createBookIndexer(client, benchSources, { store });
  let t = performance.now();
  const first = await indexer.snapshotAt(block, memory);
  const firstMs = performance.now() - t;
  // Steady state: each run is the next block, as when following the chain; every other block carries a swap
  // that moves a pool across some of its tracked ticks, so changed state really has to be found and re-read.
  const approveRouter = await deployer.writeContract({
    address: tokens[1]!,
    abi: erc20Abi,
    functionName: "approve",
    args: [m.contracts.swapRouter, maxUint256],
  });
  await devnet.publicClient.waitForTransactionReceipt({ hash: approveRouter });
  const steadyMs: number[] = [];
  const steadyRequestCounts: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    if (run % 2 === 0) {
      const hash = await deployer.writeContract({
        address: m.contracts.swapRouter,
        abi: SWAP_ROUTER_ABI,
        functionName: "exactInputSingle",
        args: [
          {
            tokenIn: tokens[1]!,
            tokenOut: tokens[0]!,
            fee: 3000,
            recipient: from,
            deadline: 2n ** 40n,
            amountIn: 3n * 10n ** 17n,
            amountOutMinimum: 0n,
            sqrtPriceLimitX96: 0n,
          },
        ],
      });
      await devnet.publicClient.waitForTransactionReceipt({ hash });
    } else {
      await devnet.testClient.mine({ blocks: 1 });
    }
    const next = await client.getBlockNumber({ cacheTime: 0 });
    t = performance.now();
    const again = await indexer.snapshotAt(next, memory);
    steadyMs.push(performance.now() - t);
    steadyRequestCounts.push(again.requests);
  }
  const steadyRequests = Math.max(...steadyRequestCounts);
  // A restart: a new process's indexer with the store the first one wrote (at the first snapshot's block, 15
  // blocks and 8 swaps ago), reading the head.
  const head = await client.getBlockNumber({ cacheTime: 0 });
  t = performance.now();
  const restarted = await createBookIndexer(client, benchSources, { store }).snapshotAt(head, memory);
  const restartMs = performance.now() - t;
  const unstoredAtHead = await createBookIndexer(client, benchSources).snapshotAt(head, memory);
  if (JSON.stringify(restarted.snapshot, big) !== JSON.stringify(unstoredAtHead.snapshot, big)) {
    throw new Error("the restarted snapshot differs from a cold read of the same block");
  }
  if (first.snapshot.lpPositions.length !== POOLS * POSITIONS_PER_POOL + 2) {
    throw new Error(
      `expected ${POOLS * POSITIONS_PER_POOL + 2} positions, found ${first.snapshot.lpPositions.length}`,
    );
  }

  // The naive way: the same values, one eth_call each (concurrently, as a straightforward client would).
  const readOne = (read: ContractRead) => {
    naiveRequests += 1;
    return client.readContract({
      address: read.address,
      abi: read.abi,
      functionName: read.functionName,
      args: read.args ?? [],
      blockNumber: block,
    } as never);
  };
  t = performance.now();
  const safe = m.contracts.treasurySafe;
  const count = (await readOne({
    address: m.contracts.positionManager,
    abi: POSITION_MANAGER_ABI,
    functionName: "balanceOf",
    args: [safe],
  })) as bigint;
  const ids = (await Promise.all(
    Array.from({ length: Number(count) }, (_, i) =>
      readOne({
        address: m.contracts.positionManager,
        abi: POSITION_MANAGER_ABI,
        functionName: "tokenOfOwnerByIndex",
        args: [safe, BigInt(i)],
      }),
    ),
  )) as bigint[];
  await Promise.all(
    ids.map((id) =>
      readOne({
        address: m.contracts.positionManager,
        abi: POSITION_MANAGER_ABI,
        functionName: "positions",
        args: [id],
      }),
    ),
  );
  const naiveReads: ContractRead[] = [];
  for (const pool of first.snapshot.pools) {
    if (pool.kind !== "uniswap-v3") continue;
    naiveReads.push(
      ...Object.values(poolStateReads(pool.address, 300)),
      ...pool.ticks.map((tick) => tickRead(pool.address, tick.tick)),
    );
  }
  for (const feed of [benchSources.baseFeed, ...benchSources.feeds])
    naiveReads.push(...Object.values(feedReads(feed.address)));
  naiveReads.push(...sources.perp!.venue.positionReads(safe, sources.perp!.market));
  for (const token of sources.spotTokens)
    naiveReads.push({ address: token.address, abi: erc20Abi, functionName: "balanceOf", args: [safe] });
  await Promise.all(naiveReads.map(readOne));
  const naiveMs = performance.now() - t;

  const sorted = [...steadyMs].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const p95 = sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)]!;
  const result = {
    benchmark: "indexer",
    generatedAt: new Date().toISOString(),
    machine: { cpus: cpus().length, node: process.version },
    workload: {
      positions: first.snapshot.lpPositions.length,
      pools: first.snapshot.pools.length,
      feeds: benchSources.feeds.length + 1,
      perp: true,
      transport: "HTTP to hardhat node",
    },
    setupMs: Math.round(setupMs),
    indexer: {
      steadyState: {
        requests: steadyRequests,
        medianMs: Number(median.toFixed(1)),
        p95Ms: Number(p95.toFixed(1)),
        runs: RUNS,
      },
      firstSnapshot: { requests: first.requests, ms: Number(firstMs.toFixed(1)) },
      afterRestart: { requests: restarted.requests, ms: Number(restartMs.toFixed(1)) },
    },
    naive: { requests: naiveRequests, ms: Number(naiveMs.toFixed(1)) },
    ratio: {
      requests: Number((naiveRequests / steadyRequests).toFixed(1)),
      time: Number((naiveMs / median).toFixed(1)),
      naiveVsFirstSnapshot: Number((naiveMs / firstMs).toFixed(2)),
      firstSnapshotVsRestart: Number((firstMs / restartMs).toFixed(1)),
    },
    targets: { maxRequests: 10, maxMs: 300, maxColdMs: 2_000 },
  };
  console.log(
    `\nBook snapshot: ${result.workload.positions} positions, ${result.workload.pools} pools, ${result.workload.feeds} feeds, the perp (setup ${result.setupMs} ms)\n`,
  );
  console.log(`${"".padEnd(34)} ${"requests".padStart(9)} ${"time (ms)".padStart(10)}`);
  console.log(
    `${"indexer, steady state (median)".padEnd(34)} ${String(steadyRequests).padStart(9)} ${median.toFixed(1).padStart(10)}   p95 ${p95.toFixed(1)} ms`,
  );
  console.log(
    `${"indexer, first snapshot (discovery)".padEnd(34)} ${String(first.requests).padStart(9)} ${firstMs.toFixed(1).padStart(10)}`,
  );
  console.log(
    `${"indexer, after a restart (stored)".padEnd(34)} ${String(restarted.requests).padStart(9)} ${restartMs.toFixed(1).padStart(10)}`,
  );
  console.log(
    `${"naive, one eth_call per value".padEnd(34)} ${String(naiveRequests).padStart(9)} ${naiveMs.toFixed(1).padStart(10)}`,
  );
  console.log(`ratio naive / indexer: ${result.ratio.requests}x requests, ${result.ratio.time}x time`);
  console.log(
    `first snapshot: naive / first ${result.ratio.naiveVsFirstSnapshot}x, first / after a restart ${result.ratio.firstSnapshotVsRestart}x`,
  );
  writeFileSync("bench/results/indexer.json", `${JSON.stringify(result, null, 2)}\n`);
  console.log("wrote bench/results/indexer.json");
  if (steadyRequests > 10 || median > 300 || restartMs > 2_000) process.exitCode = 1;
} finally {
  const keys = await redis.keys(`${storeKey.prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  await devnet.stop();
  await redisHandle.stop();
}
