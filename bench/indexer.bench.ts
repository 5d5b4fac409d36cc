// `npm run bench:indexer`: one full book snapshot on the devnet with 1,000 generated LP positions, half Uniswap v3
// (500 across 25 pools) and half Uniswap v4 (500 across 25 pools in the PoolManager: native ETH, static-fee and
// hooked dynamic-fee pools), beside the devnet's own starting book (v3 and v4), 10 Chainlink feeds and the perp,
// read by the book indexer (Multicall3, pinned to one block, cached statics) and the naive way (one eth_call per
// value), over HTTP to a real `hardhat node`, in the same run. Writes bench/results/indexer.json.
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { type Abi, type Address, encodeFunctionData, erc20Abi, type Hex, maxUint256 } from "viem";
import { POSITION_MANAGER_ABI, SWAP_ROUTER_ABI } from "../src/chain/abis/uniswap-v3-abi.ts";
import {
  POOL_SWAP_TEST_ABI,
  STATE_VIEW_ABI,
  V4_POSITION_MANAGER_ABI,
} from "../src/chain/abis/uniswap-v4-abi.ts";
import { createChainClient } from "../src/chain/client.ts";
import type { ContractRead } from "../src/chain/read-at-block.ts";
import { bookSourcesFromConfig } from "../src/config/adapters.ts";
import { DEVNET_BOOK_ID, devnetConfig } from "../src/devnet/devnet-config.ts";
import { generatedV4PoolKeys, generateV4Positions } from "../src/devnet/generated-v4-positions.ts";
import { startDevnet } from "../src/devnet/index.ts";
import { sendInOneBlock, withManualMining } from "../src/devnet/transactions.ts";
import { MIN_SQRT_RATIO } from "../src/engine/tick-math.ts";
import { NATIVE_CURRENCY } from "../src/engine/v4-position.ts";
import { createBookIndexer } from "../src/indexers/book-indexer.ts";
import { feedReads } from "../src/indexers/chainlink-reads.ts";
import { poolStateReads, tickRead } from "../src/indexers/uniswap-v3-reads.ts";
import { computeV4PoolId, discoverV4TokenIds, v4PositionSalt } from "../src/indexers/uniswap-v4-reads.ts";
import { freeLoopbackPort } from "../src/runtime/free-port.ts";
import { percentile } from "./percentile.ts";

const POOLS = 25;
const V4_POOLS = 25;
const POSITIONS_PER_POOL = 20;
const EXTRA_FEEDS = 6;
const RUNS = 15;
/** Cold snapshots by fresh indexers after the first (a restart's path, measured several times: one is noise). */
const RESTARTS = 5;

const artifact = (path: string) => JSON.parse(readFileSync(path, "utf8")) as { abi: Abi; bytecode: Hex };
const mockToken = artifact(
  "artifacts/@chainlink/contracts/src/v0.8/shared/mocks/ERC20Mock.sol/ERC20Mock.json",
);
const mockFeed = artifact(
  "artifacts/@chainlink/contracts/src/v0.8/shared/mocks/MockV3Aggregator.sol/MockV3Aggregator.json",
);

const devnet = await startDevnet({ port: await freeLoopbackPort() });
try {
  const setupStarted = performance.now();
  const m = devnet.manifest;
  const v4 = m.uniswapV4;
  if (v4 === undefined) throw new Error("the devnet manifest has no Uniswap v4 deployment");
  const deployer = devnet.walletFor("deployer");
  const from = deployer.account.address;
  const deploy = async (a: { abi: Abi; bytecode: Hex }, args: unknown[]) => {
    const hash = await deployer.deployContract({ abi: a.abi, bytecode: a.bytecode, args });
    return (await devnet.publicClient.waitForTransactionReceipt({ hash })).contractAddress as Address;
  };

  // 26 tokens: a common quote and one base per pool (v3 and v4 pools share them); every pool at price 1
  // (sqrtPriceX96 = 2^96); v3 pools at fee 0.3%, v4 pools as generatedV4PoolKeys shapes them.
  const tokens: Address[] = [];
  for (let i = 0; i <= Math.max(POOLS, V4_POOLS); i += 1) tokens.push(await deploy(mockToken, [18]));
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
      .slice(1, POOLS + 1)
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
  // The v4 half: one pool per base token in the PoolManager, 20 positions each, minted 20 to a modifyLiquidities.
  const v4SetupStarted = performance.now();
  const v4Keys = generatedV4PoolKeys({
    quote: tokens[0]!,
    bases: tokens.slice(1, V4_POOLS + 1),
    hook: v4.dynamicFeeHook,
  });
  await generateV4Positions(devnet.client, {
    payer: from,
    recipient: m.contracts.treasurySafe,
    contracts: v4,
    keys: v4Keys,
    positionsPerPool: POSITIONS_PER_POOL,
  });
  const v4SetupMs = performance.now() - v4SetupStarted;
  // Age the new pools past the TWAP window, as a real pool's oracle history would be.
  await devnet.testClient.increaseTime({ seconds: 600 });
  await devnet.testClient.mine({ blocks: 1 });
  const extraFeeds: Address[] = [];
  for (let i = 0; i < EXTRA_FEEDS; i += 1)
    extraFeeds.push(await deploy(mockFeed, [8, BigInt(100 + i) * 10n ** 8n]));
  const setupMs = performance.now() - setupStarted;
  console.log(
    `setup ${Math.round(setupMs)} ms (v4 pools and positions ${Math.round(v4SetupMs)} ms); first snapshot...`,
  );

  const sources = bookSourcesFromConfig(devnetConfig(m, { uniswapV4Positions: true }), DEVNET_BOOK_ID);
  const benchSources = {
    ...sources,
    feeds: [
      ...sources.feeds,
      ...extraFeeds.map((address) => ({ address, asset: address, heartbeatSec: 86_400, decimals: 8 })),
    ],
    tokens: [...sources.tokens, ...tokens.map((address, i) => ({ address, symbol: `T${i}`, decimals: 18 }))],
  };
  // A long timeout: on a loaded machine the node can take more than the default 10 s over the first snapshot's
  // batches, which it executes one after another; the bench measures that time rather than failing on it.
  const client = createChainClient({
    chainId: m.chainId,
    rpcUrls: [devnet.rpcUrl],
    pollingIntervalMs: 50,
    timeoutMs: 120_000,
  });
  // Every naive read is one readContract, which this client sends as exactly one eth_call (no batching).
  let naiveRequests = 0;
  const block = await client.getBlockNumber({ cacheTime: 0 });
  const memory = { keeper: { hedgeTriggered: false, lastPlanAtSec: null }, samples: [] };

  // The indexer: the first snapshot discovers and caches immutable facts; later ones are the per-block cost.
  const indexer = createBookIndexer(client, benchSources);
  let t = performance.now();
  const first = await indexer.snapshotAt(block, memory);
  const firstMs = performance.now() - t;
  // The same book without its v4 side, read at the same blocks: what the v4 positions add, measured under the same
  // load (the two alternate which goes first at each block).
  const { uniswapV4: _v4Sources, ...v3OnlySources } = benchSources;
  const v3Indexer = createBookIndexer(client, v3OnlySources);
  t = performance.now();
  const firstV3 = await v3Indexer.snapshotAt(block, memory);
  const firstV3Ms = performance.now() - t;
  // A restart after a crash: a fresh indexer (nothing cached) against a node that is already serving. The very first
  // snapshot above also pays this process's warm-up (JIT, connection); these pay the indexer's cold path alone.
  const restartMs: number[] = [];
  let restartRequests = 0;
  for (let i = 0; i < RESTARTS; i++) {
    const restarted = createBookIndexer(client, benchSources);
    t = performance.now();
    const cold = await restarted.snapshotAt(block, memory);
    restartMs.push(performance.now() - t);
    restartRequests = Math.max(restartRequests, cold.requests);
  }
  const restartMedianMs = percentile(restartMs, 0.5);
  // Steady state: each run is the next block, as when following the chain; every other block carries a v3 swap and
  // a v4 swap (in turn through the native-ETH, static-fee and hooked pools) that move their pools across some of
  // their tracked ticks, so changed state really has to be found and re-read on both sides.
  const approveRouter = await deployer.writeContract({
    address: tokens[1]!,
    abi: erc20Abi,
    functionName: "approve",
    args: [m.contracts.swapRouter, maxUint256],
  });
  await devnet.publicClient.waitForTransactionReceipt({ hash: approveRouter });
  const swappedV4Keys = v4Keys.slice(0, 3);
  for (const token of new Set(swappedV4Keys.flatMap((k) => [k.currency0, k.currency1]))) {
    if (token === NATIVE_CURRENCY) continue;
    const hash = await deployer.writeContract({
      address: token,
      abi: erc20Abi,
      functionName: "approve",
      args: [v4.poolSwapTest, maxUint256],
    });
    await devnet.publicClient.waitForTransactionReceipt({ hash });
  }
  const swapIn = 3n * 10n ** 17n;
  const v3Swap = tx(
    m.contracts.swapRouter,
    encodeFunctionData({
      abi: SWAP_ROUTER_ABI,
      functionName: "exactInputSingle",
      args: [
        {
          tokenIn: tokens[1]!,
          tokenOut: tokens[0]!,
          fee: 3000,
          recipient: from,
          deadline: 2n ** 40n,
          amountIn: swapIn,
          amountOutMinimum: 0n,
          sqrtPriceLimitX96: 0n,
        },
      ],
    }),
    "v3 swap",
    1_000_000n,
  );
  // Exact input of currency0 (native ETH paid as value): the price falls across the lower half of the ranges.
  const v4Swap = (key: (typeof v4Keys)[number]) => ({
    ...tx(
      v4.poolSwapTest,
      encodeFunctionData({
        abi: POOL_SWAP_TEST_ABI,
        functionName: "swap",
        args: [
          key,
          { zeroForOne: true, amountSpecified: -swapIn, sqrtPriceLimitX96: MIN_SQRT_RATIO + 1n },
          { takeClaims: false, settleUsingBurn: false },
          "0x",
        ],
      }),
      "v4 swap",
      1_000_000n,
    ),
    value: key.currency0 === NATIVE_CURRENCY ? swapIn : 0n,
  });
  const steadyMs: number[] = [];
  const steadyRequestCounts: number[] = [];
  const steadyV3Ms: number[] = [];
  const steadyV3RequestCounts: number[] = [];
  let last = first;
  for (let run = 0; run < RUNS; run += 1) {
    if (run % 2 === 0) {
      const v4Key = swappedV4Keys[(run / 2) % swappedV4Keys.length]!;
      await withManualMining(devnet.client, () => sendInOneBlock(devnet.client, [v3Swap, v4Swap(v4Key)]));
    } else {
      await devnet.testClient.mine({ blocks: 1 });
    }
    const next = await client.getBlockNumber({ cacheTime: 0 });
    const readWithV4 = async () => {
      const started = performance.now();
      last = await indexer.snapshotAt(next, memory);
      steadyMs.push(performance.now() - started);
      steadyRequestCounts.push(last.requests);
    };
    const readV3Only = async () => {
      const started = performance.now();
      const book = await v3Indexer.snapshotAt(next, memory);
      steadyV3Ms.push(performance.now() - started);
      steadyV3RequestCounts.push(book.requests);
    };
    if (run % 2 === 0) {
      await readWithV4();
      await readV3Only();
    } else {
      await readV3Only();
      await readWithV4();
    }
  }
  const steadyRequests = Math.max(...steadyRequestCounts);
  // The workload is what it claims: every generated position (and the starting book's) in the first snapshot and
  // the last, and each swapped v4 pool's price moved, as the indexer saw it.
  const expected = {
    "uniswap-v3": POOLS * POSITIONS_PER_POOL + m.positions.lpTokenIds.length,
    "uniswap-v4": V4_POOLS * POSITIONS_PER_POOL + v4.lpTokenIds.length,
  };
  const countOf = (book: typeof first, kind: keyof typeof expected) =>
    book.snapshot.lpPositions.filter((p) => p.kind === kind).length;
  for (const book of [first, last]) {
    for (const kind of ["uniswap-v3", "uniswap-v4"] as const) {
      if (countOf(book, kind) !== expected[kind]) {
        throw new Error(`expected ${expected[kind]} ${kind} positions, found ${countOf(book, kind)}`);
      }
    }
  }
  const v4TickOf = (book: typeof first, poolId: string) => {
    const pool = book.snapshot.pools.find((p) => p.kind === "uniswap-v4" && p.poolId === poolId);
    return pool?.kind === "uniswap-v4" ? pool.tick : undefined;
  };
  for (const poolId of swappedV4Keys.map(computeV4PoolId)) {
    if (v4TickOf(first, poolId) === v4TickOf(last, poolId)) {
      throw new Error(`the v4 swaps did not move pool ${poolId} as the indexer read it`);
    }
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
  // v4: the PositionManager does not enumerate, so a naive client too finds the Safe's token ids in Transfer logs
  // (one getLogs), then reads each id's owner and what it points at, then each position's and pool's state.
  naiveRequests += 1;
  const v4Ids = await discoverV4TokenIds(client, {
    positionManager: v4.positionManager,
    owner: safe,
    fromBlock: BigInt(v4.positionManagerBlock),
    toBlock: block,
  });
  await Promise.all(
    v4Ids.flatMap((id) => [
      readOne({
        address: v4.positionManager,
        abi: V4_POSITION_MANAGER_ABI,
        functionName: "ownerOf",
        args: [id],
      }),
      readOne({
        address: v4.positionManager,
        abi: V4_POSITION_MANAGER_ABI,
        functionName: "getPoolAndPositionInfo",
        args: [id],
      }),
    ]),
  );
  const v4NaiveReads: ContractRead[] = [];
  const v4Bounds = new Map<string, Set<number>>();
  for (const p of first.snapshot.lpPositions) {
    if (p.kind !== "uniswap-v4") continue;
    v4NaiveReads.push(
      {
        address: v4.stateView,
        abi: STATE_VIEW_ABI,
        functionName: "getPositionInfo",
        args: [p.poolId, v4.positionManager, p.tickLower, p.tickUpper, v4PositionSalt(p.tokenId)],
      },
      {
        address: v4.positionManager,
        abi: V4_POSITION_MANAGER_ABI,
        functionName: "positionInfo",
        args: [p.tokenId],
      },
    );
    const bounds = v4Bounds.get(p.poolId) ?? new Set<number>();
    bounds.add(p.tickLower).add(p.tickUpper);
    v4Bounds.set(p.poolId, bounds);
  }
  for (const [poolId, bounds] of v4Bounds) {
    v4NaiveReads.push(
      ...(["getSlot0", "getLiquidity", "getFeeGrowthGlobals"] as const).map((functionName) => ({
        address: v4.stateView,
        abi: STATE_VIEW_ABI,
        functionName,
        args: [poolId],
      })),
      ...[...bounds].map((tick) => ({
        address: v4.stateView,
        abi: STATE_VIEW_ABI,
        functionName: "getTickInfo",
        args: [poolId, tick],
      })),
    );
  }
  await Promise.all(v4NaiveReads.map(readOne));
  const naiveMs = performance.now() - t;

  const sorted = [...steadyMs].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const p95 = sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)]!;
  const result = {
    benchmark: "indexer",
    generatedAt: new Date().toISOString(),
    // The machine is shared with the node it reads from (and, here, other jobs): timings are read against its load.
    machine: { cpus: cpus().length, node: process.version, loadAverage1m: Number(loadavg()[0]!.toFixed(2)) },
    workload: {
      positions: first.snapshot.lpPositions.length,
      v3Positions: countOf(first, "uniswap-v3"),
      v4Positions: countOf(first, "uniswap-v4"),
      pools: first.snapshot.pools.length,
      v4Pools: first.snapshot.pools.filter((p) => p.kind === "uniswap-v4").length,
      feeds: benchSources.feeds.length + 1,
      perp: true,
      transport: "HTTP to hardhat node",
    },
    setupMs: Math.round(setupMs),
    v4SetupMs: Math.round(v4SetupMs),
    indexer: {
      steadyState: {
        requests: steadyRequests,
        medianMs: Number(median.toFixed(1)),
        p95Ms: Number(p95.toFixed(1)),
        runs: RUNS,
      },
      firstSnapshot: { requests: first.requests, ms: Number(firstMs.toFixed(1)) },
      restartSnapshot: {
        requests: restartRequests,
        medianMs: Number(restartMedianMs.toFixed(1)),
        allMs: restartMs.map((ms) => Number(ms.toFixed(1))),
      },
    },
    withoutV4: {
      steadyState: {
        requests: Math.max(...steadyV3RequestCounts),
        medianMs: Number(percentile(steadyV3Ms, 0.5).toFixed(1)),
        p95Ms: Number(percentile(steadyV3Ms, 0.95).toFixed(1)),
        runs: RUNS,
      },
      firstSnapshot: { requests: firstV3.requests, ms: Number(firstV3Ms.toFixed(1)) },
    },
    naive: { requests: naiveRequests, ms: Number(naiveMs.toFixed(1)) },
    ratio: {
      requests: Number((naiveRequests / steadyRequests).toFixed(1)),
      time: Number((naiveMs / median).toFixed(1)),
    },
    targets: { maxRequests: 10, maxMs: 300 },
  };
  console.log(
    `\nBook snapshot: ${result.workload.positions} positions (${result.workload.v3Positions} v3, ${result.workload.v4Positions} v4), ${result.workload.pools} pools (${result.workload.v4Pools} v4), ${result.workload.feeds} feeds, the perp (setup ${result.setupMs} ms)\n`,
  );
  console.log(`${"".padEnd(34)} ${"requests".padStart(9)} ${"time (ms)".padStart(10)}`);
  console.log(
    `${"indexer, steady state (median)".padEnd(34)} ${String(steadyRequests).padStart(9)} ${median.toFixed(1).padStart(10)}   p95 ${p95.toFixed(1)} ms`,
  );
  console.log(
    `${"indexer, first snapshot (discovery)".padEnd(34)} ${String(first.requests).padStart(9)} ${firstMs.toFixed(1).padStart(10)}`,
  );
  console.log(
    `${"indexer, restart (fresh indexer)".padEnd(34)} ${String(restartRequests).padStart(9)} ${restartMedianMs.toFixed(1).padStart(10)}   median of ${RESTARTS}`,
  );
  console.log(
    `${"same book without v4, steady".padEnd(34)} ${String(result.withoutV4.steadyState.requests).padStart(9)} ${result.withoutV4.steadyState.medianMs.toFixed(1).padStart(10)}   p95 ${result.withoutV4.steadyState.p95Ms.toFixed(1)} ms`,
  );
  console.log(
    `${"same book without v4, first".padEnd(34)} ${String(firstV3.requests).padStart(9)} ${firstV3Ms.toFixed(1).padStart(10)}`,
  );
  console.log(
    `${"naive, one eth_call per value".padEnd(34)} ${String(naiveRequests).padStart(9)} ${naiveMs.toFixed(1).padStart(10)}`,
  );
  console.log(`ratio naive / indexer: ${result.ratio.requests}x requests, ${result.ratio.time}x time`);
  writeFileSync("bench/results/indexer.json", `${JSON.stringify(result, null, 2)}\n`);
  console.log("wrote bench/results/indexer.json");
  if (steadyRequests > 10 || median > 300) process.exitCode = 1;
} finally {
  await devnet.stop();
}
