import { erc20Abi, getAddress, maxUint256, parseAbi } from "viem";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { PERP_FUNDING_SETTLED_ABI } from "../../../src/chain/abis/perp-v2-abi.ts";
import { POSITION_MANAGER_ABI } from "../../../src/chain/abis/uniswap-v3-abi.ts";
import { STATE_VIEW_ABI } from "../../../src/chain/abis/uniswap-v4-abi.ts";
import { createChainClient } from "../../../src/chain/client.ts";
import { InconsistentBlockError, MalformedReturnDataError } from "../../../src/chain/errors.ts";
import { bookSourcesFromConfig } from "../../../src/config/adapters.ts";
import { DEVNET_BOOK_ID, devnetConfig } from "../../../src/devnet/devnet-config.ts";
import { type Devnet, runScenario, startDevnet } from "../../../src/devnet/index.ts";
import { swapV4PoolTo, v4PoolOfManifest } from "../../../src/devnet/pools-v4.ts";
import { writeDevnetContract } from "../../../src/devnet/transactions.ts";
import { poolIdOf } from "../../../src/engine/pool-identity.ts";
import { syntheticSamples } from "../../../src/engine/samples-fixture.test-support.ts";
import { createBookIndexer } from "../../../src/indexers/book-indexer.ts";
import { createSharedBookSnapshots } from "../../../src/indexers/shared-book-snapshots.ts";
import { v4PositionSalt } from "../../../src/indexers/uniswap-v4-reads.ts";
import { freeLoopbackPort } from "../../../src/runtime/free-port.ts";
import {
  type FaultInjectingRpcProxy,
  startFaultInjectingRpcProxy,
} from "../../support/fault-injecting-rpc-proxy.ts";
import {
  ownersDepositPerpCollateral,
  ownersSettleFunding,
  ownersWithdrawQuarterOfV3Position,
} from "../../support/safe-owner-transactions.ts";

// A real `hardhat node` carrying the devnet, read over HTTP through a proxy that counts requests and can
// corrupt answers or reorg the chain mid-snapshot.
let devnet: Devnet;
let proxy: FaultInjectingRpcProxy;
let snapshotId: `0x${string}`;
const memory = { keeper: { hedgeTriggered: false, lastPlanAtSec: null }, samples: [] };

beforeAll(async () => {
  devnet = await startDevnet({ port: await freeLoopbackPort() });
  proxy = await startFaultInjectingRpcProxy(devnet.rpcUrl);
}, 120_000);
afterAll(async () => {
  await proxy?.stop();
  await devnet?.stop();
});
beforeEach(async () => {
  proxy.setFaults({});
  if (snapshotId) await devnet.revert(snapshotId);
  snapshotId = await devnet.snapshot();
});

const newIndexer = () => {
  const client = createChainClient({
    chainId: devnet.manifest.chainId,
    rpcUrls: [proxy.url],
    retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1, rateLimitBudgetMs: 0 },
  });
  return {
    client,
    indexer: createBookIndexer(
      client,
      bookSourcesFromConfig(devnetConfig(devnet.manifest, { uniswapV4Positions: true }), DEVNET_BOOK_ID),
    ),
  };
};

describe("book indexer on the devnet", () => {
  it("discovers the Safe's LP positions and reads the whole book at one block", async () => {
    const { client, indexer } = newIndexer();
    const block = await client.getBlockNumber({ cacheTime: 0 });
    const { snapshot, feedHealth } = await indexer.snapshotAt(block, memory);
    const m = devnet.manifest;

    expect(snapshot.blockNumber).toBe(block);
    // v3 NFTs first, then the v4 ones (native ETH/USDC, USDC/USDT, the hooked dynamic-fee pool).
    expect(
      snapshot.lpPositions.map((p) => (p.kind === "uniswap-v2" ? "v2" : `${p.kind}:${p.tokenId}`)),
    ).toEqual([
      ...m.positions.lpTokenIds.map((id) => `uniswap-v3:${id}`),
      ...(m.uniswapV4?.lpTokenIds ?? []).map((id) => `uniswap-v4:${id}`),
    ]);
    expect(snapshot.lpPositions.every((p) => p.kind !== "uniswap-v2" && p.liquidity > 0n)).toBe(true);
    const wethPosition = snapshot.lpPositions[0]!;
    expect(wethPosition.kind === "uniswap-v3" && wethPosition.pool).toBe(
      getAddress(m.pools.usdcWeth500.address),
    );
    expect(wethPosition.entry.kind === "amounts" && wethPosition.entry.amount0 > 0n).toBe(true);

    const pool = snapshot.pools.find((p) => poolIdOf(p) === m.pools.usdcWeth500.address.toLowerCase());
    const slot0 = await devnet.publicClient.readContract({
      address: m.pools.usdcWeth500.address,
      abi: parseAbi(["function slot0() view returns (uint160,int24,uint16,uint16,uint16,uint8,bool)"]),
      functionName: "slot0",
      blockNumber: block,
    });
    expect(pool?.kind === "uniswap-v3" && pool.sqrtPriceX96).toBe(slot0[0]);
    expect(pool?.kind === "uniswap-v3" && pool.ticks.length).toBe(2);

    expect(snapshot.perp?.sizeBase).toBeLessThan(0n);
    expect(snapshot.perp?.collateral.balance).toBeGreaterThan(0n);
    expect(snapshot.perp?.markPriceE18).toBeGreaterThan(0n);
    expect(snapshot.baseOracle.answer).toBeGreaterThan(0n);
    expect(snapshot.baseOracle.stale).toBe(false);
    expect(snapshot.oracles.map((o) => o.description)).toEqual(["USDC / USD", "DAI / USD", "USDT / USD"]);
    expect(Object.values(feedHealth).every((h) => h.usable)).toBe(true);
    expect(snapshot.spot.every((b) => b.balance > 0n)).toBe(true);
  });

  it("costs a handful of requests, fewer once the book's immutable facts are cached", async () => {
    const { client, indexer } = newIndexer();
    const block = await client.getBlockNumber({ cacheTime: 0 });
    const first = await indexer.snapshotAt(block, memory);
    const second = await indexer.snapshotAt(block, memory);
    // v3 and the rest: at most 9 (with no earlier price, the perp market's ticks are a round after the main one);
    // v4's cold facts: the Transfer log scan, getPoolAndPositionInfo, the mints' ModifyLiquidity logs and the pool
    // prices at the mint block. Then getBlock, the main round (the perp ticks in it, around the first snapshot's
    // price) and getBlock.
    expect(first.requests).toBeLessThanOrEqual(13);
    expect(second.requests).toBe(3);
  });

  it("builds each snapshot on the last one and still equals a cold read, after swaps cross ticks and liquidity leaves", async () => {
    const { client, indexer } = newIndexer();
    await indexer.snapshotAt(await client.getBlockNumber({ cacheTime: 0 }), memory);
    for (const scenario of ["eth-rally", "liquidity-gap"]) {
      await devnet.runScenario(scenario);
      const block = await client.getBlockNumber({ cacheTime: 0 });
      const incremental = await indexer.snapshotAt(block, memory);
      const cold = await newIndexer().indexer.snapshotAt(block, memory);
      expect(incremental.snapshot).toEqual(cold.snapshot);
      expect(incremental.requests).toBeLessThan(cold.requests);
    }
  });

  it("follows the v4 positions through swaps across their bounds (native ETH, stable, hooked pools): each incremental snapshot equals a cold read, and its fee growth inside and position states equal StateView's", async () => {
    const m = devnet.manifest;
    const v4 = m.uniswapV4!;
    const trader = m.accounts.trader.address;
    for (const token of [m.contracts.usdc, m.contracts.usdt]) {
      await writeDevnetContract(devnet.client, trader, {
        address: token,
        abi: erc20Abi,
        functionName: "approve",
        args: [v4.poolSwapTest, maxUint256],
      });
    }
    const { client, indexer } = newIndexer();
    await indexer.snapshotAt(await client.getBlockNumber({ cacheTime: 0 }), memory);
    // Out of each starting range and back: every bound tick of the Safe's v4 positions is crossed twice.
    const moves = [
      ["ethUsdc500", 2_300],
      ["usdcUsdt10", 1.006],
      ["ethUsdcDynamic", 4_600],
      ["ethUsdc500", 3_000],
      ["usdcUsdt10", 1],
      ["ethUsdcDynamic", 3_000],
    ] as const;
    for (const [name, price] of moves) {
      await swapV4PoolTo(devnet.client, v4, trader, v4PoolOfManifest(v4.pools[name]), price);
      const blockNumber = await client.getBlockNumber({ cacheTime: 0 });
      const incremental = await indexer.snapshotAt(blockNumber, memory);
      const cold = await newIndexer().indexer.snapshotAt(blockNumber, memory);
      expect(incremental.snapshot).toEqual(cold.snapshot);
      expect(incremental.requests).toBeLessThan(cold.requests);
      for (const pool of incremental.snapshot.pools) {
        if (pool.kind !== "uniswap-v4") continue;
        for (const range of pool.ranges) {
          const [inside0, inside1] = await devnet.publicClient.readContract({
            address: v4.stateView,
            abi: STATE_VIEW_ABI,
            functionName: "getFeeGrowthInside",
            args: [pool.poolId, range.tickLower, range.tickUpper],
            blockNumber,
          });
          expect([range.feeGrowthInside0X128, range.feeGrowthInside1X128]).toEqual([inside0, inside1]);
        }
      }
      // Position states come from the PoolManager's storage words (extsload): StateView's getter agrees.
      for (const p of incremental.snapshot.lpPositions) {
        if (p.kind !== "uniswap-v4") continue;
        const state = await devnet.publicClient.readContract({
          address: v4.stateView,
          abi: STATE_VIEW_ABI,
          functionName: "getPositionInfo",
          args: [p.poolId, v4.positionManager, p.tickLower, p.tickUpper, v4PositionSalt(p.tokenId)],
          blockNumber,
        });
        expect([p.liquidity, p.feeGrowthInside0LastX128, p.feeGrowthInside1LastX128]).toEqual(state);
      }
    }
    const v4Positions = (await indexer.snapshotAt(await client.getBlockNumber({ cacheTime: 0 }), memory))
      .snapshot.lpPositions;
    expect(v4Positions.filter((p) => p.kind === "uniswap-v4").map((p) => String(p.tokenId))).toEqual(
      v4.lpTokenIds,
    );
  });

  it("asks the PoolManager only for the events of the pools the Safe's v4 positions are in, and a child block costs 5 requests", async () => {
    const m = devnet.manifest;
    const v4 = m.uniswapV4!;
    const poolManagerQueries: { topics: unknown[]; logs: { topics: string[] }[] }[] = [];
    proxy.setFaults({
      rewriteResult: (call, result) => {
        const [filter] = (call.params ?? []) as { address?: string | string[]; topics?: unknown[] }[];
        const addresses = [filter?.address ?? []].flat().map((a) => a.toLowerCase());
        if (call.method === "eth_getLogs" && addresses.includes(v4.poolManager.toLowerCase())) {
          poolManagerQueries.push({ topics: filter?.topics ?? [], logs: result as { topics: string[] }[] });
        }
        return result;
      },
    });
    const { client, indexer } = newIndexer();
    const first = await indexer.snapshotAt(await client.getBlockNumber({ cacheTime: 0 }), memory);
    const watched = [
      ...new Set(first.snapshot.lpPositions.flatMap((p) => (p.kind === "uniswap-v4" ? [p.poolId] : []))),
    ];
    expect(watched).toHaveLength(3);
    poolManagerQueries.length = 0;

    const swapped = v4.pools.usdcUsdt10.poolId;
    await swapV4PoolTo(
      devnet.client,
      v4,
      m.accounts.trader.address,
      v4PoolOfManifest(v4.pools.usdcUsdt10),
      1.006,
    );
    const next = await indexer.snapshotAt(first.snapshot.blockNumber + 1n, memory);

    // getBlock, the v3 side's getLogs, the PoolManager's getLogs, the main round (the perp market's ticks in it),
    // getBlock (the child block's parent hash proves the cached block canonical).
    expect(next.requests).toBe(5);
    expect(poolManagerQueries).toHaveLength(1);
    const [query] = poolManagerQueries;
    expect([...(query!.topics[1] as string[])].sort()).toEqual(watched.map((id) => id.toLowerCase()).sort());
    // The swap in a watched pool came back (and nothing from any other pool).
    expect(query!.logs.map((log) => log.topics[1])).toEqual([swapped.toLowerCase()]);
    const tickOf = (book: typeof first) => {
      const pool = book.snapshot.pools.find((p) => p.kind === "uniswap-v4" && p.poolId === swapped);
      return pool?.kind === "uniswap-v4" ? pool.tick : undefined;
    };
    expect(tickOf(next)).not.toBe(tickOf(first));
  });

  it("reads the perp market's ticks in the main round around the last snapshot's price, and in one more round when the price has moved beyond that window: the same snapshot as a cold read either way", async () => {
    // Perp keeps the mark within maxTickCrossedWithinBlock (1,000 on the devnet) of a reference tick it refreshes at
    // most every 15 s, and within 10% of the index: 9% under the index, then at it, then 9% over is about 940 + 860
    // ticks in two blocks, which the scenario runner times so that each fits its reference (perp-price-limit.ts).
    const moveMark = (...premiums: number[]) =>
      runScenario(devnet.client, devnet.manifest, {
        name: "perp-mark-moves",
        description: "the perp mark moves to the given premiums over the index, one block each",
        feedRules: {},
        steps: premiums.map((premium) => ({ kind: "perp.moveMark" as const, premium })),
      });
    await moveMark(-0.09);
    const { client, indexer } = newIndexer();
    const start = await indexer.snapshotAt(await client.getBlockNumber({ cacheTime: 0 }), memory);
    const depthOf = (book: typeof start) => book.snapshot.perp!.marketDepth;

    // Positive control: two blocks on with the perp price where it was, the main round's window holds the depth.
    await devnet.testClient.mine({ blocks: 2 });
    const quiet = await indexer.snapshotAt(start.snapshot.blockNumber + 2n, memory);
    expect(quiet.requests).toBe(5);
    expect(quiet.snapshot).toEqual(
      (await newIndexer().indexer.snapshotAt(quiet.snapshot.blockNumber, memory)).snapshot,
    );

    await moveMark(0, 0.09);
    const head = await client.getBlockNumber({ cacheTime: 0 });
    const moved = await indexer.snapshotAt(head, memory);
    expect(depthOf(moved).tick - depthOf(quiet).tick).toBeGreaterThan(1_000);
    // The same reads as the quiet snapshot, and one more round for the ticks the window missed.
    expect(moved.requests).toBe(6);
    const cold = await newIndexer().indexer.snapshotAt(head, memory);
    expect(moved.snapshot).toEqual(cold.snapshot);
    expect(depthOf(moved).knownTicks.upper).toBeGreaterThan(depthOf(moved).tick + 1_000);
    // The maker's ranges begin about 1,050 ticks above the devnet's starting price: from here a trade reaches them.
    expect(depthOf(moved).initializedTicks.length).toBeGreaterThan(0);

    // From the new price on, the window holds again, initialized ticks and all.
    await devnet.testClient.mine({ blocks: 1 });
    const settled = await indexer.snapshotAt(head + 1n, memory);
    expect(settled.requests).toBe(5);
    expect(settled.snapshot).toEqual((await newIndexer().indexer.snapshotAt(head + 1n, memory)).snapshot);
  });

  it("proves a cached block some blocks back canonical within its main round (5 requests), and reads everything when it was reorged away", async () => {
    const m = devnet.manifest;
    const v4 = m.uniswapV4!;
    const trader = m.accounts.trader.address;
    const { client, indexer } = newIndexer();
    const fork = await devnet.snapshot();
    // The cache is built on a block whose swap crosses the bounds of the Safe's USDC/USDT v4 positions.
    await swapV4PoolTo(devnet.client, v4, trader, v4PoolOfManifest(v4.pools.usdcUsdt10), 1.006);
    const orphan = await client.getBlockNumber({ cacheTime: 0 });
    await indexer.snapshotAt(orphan, memory);
    // Positive control: three blocks on, on the same chain, the incremental snapshot costs 5 and equals a cold read.
    await devnet.testClient.mine({ blocks: 3 });
    const later = orphan + 3n;
    const onSameChain = await indexer.snapshotAt(later, memory);
    expect(onSameChain.requests).toBe(5);
    expect(onSameChain.snapshot).toEqual((await newIndexer().indexer.snapshotAt(later, memory)).snapshot);

    // A reorg replaces the swap's block: the new chain has no swap, and is longer than the cache's block.
    await devnet.revert(fork);
    await devnet.testClient.mine({ blocks: 6 });
    const head = await client.getBlockNumber({ cacheTime: 0 });
    expect(head).toBeGreaterThan(later);
    const afterReorg = await indexer.snapshotAt(head, memory);
    const cold = await newIndexer().indexer.snapshotAt(head, memory);
    expect(afterReorg.snapshot).toEqual(cold.snapshot);
    // The incremental attempt (5), then the book read again (its immutable facts still cached).
    expect(afterReorg.requests).toBeGreaterThan(5);
  });

  it("after a restart, a fresh indexer given the book's last sample finds the owners' funding settlement, vault deposit and v3 withdrawal made while it was down; without it, none", async () => {
    const m = devnet.manifest;
    const perp = m.contracts.perp;
    const { client, indexer } = newIndexer();
    // vETH over the index, so the Safe's short has funding to settle.
    await devnet.runScenario("basis-blowout");
    const sampled = await client.getBlockNumber({ cacheTime: 0 });
    const before = await indexer.snapshotAt(sampled, memory);
    expect(before.fundingSettlements?.scannedFromBlock).toBe(sampled);
    // The process stops (the indexer is discarded). Meanwhile the Safe's owners settle its funding, deposit
    // collateral and withdraw LP liquidity in transactions of their own, and the chain moves on.
    const safe = before.snapshot.safe;
    await devnet.testClient.increaseTime({ seconds: 120 });
    await ownersSettleFunding(devnet, safe);
    const deposited = 1_000n * 10n ** 6n;
    await ownersDepositPerpCollateral(devnet, safe, deposited);
    // And take a quarter of the first v3 position's liquidity out (decrease + collect to the Safe).
    const npm = m.contracts.positionManager;
    const tokenId = BigInt(m.positions.lpTokenIds[0]!);
    await ownersWithdrawQuarterOfV3Position(devnet, safe, tokenId);
    await devnet.testClient.mine({ blocks: 2 });
    const head = await client.getBlockNumber({ cacheTime: 0 });
    const [decrease] = await client.getContractEvents({
      address: npm,
      abi: POSITION_MANAGER_ABI,
      eventName: "DecreaseLiquidity",
      args: { tokenId },
      fromBlock: sampled + 1n,
      toBlock: head,
    });
    const settledOnChain = await client.getContractEvents({
      address: perp.clearingHouse,
      abi: PERP_FUNDING_SETTLED_ABI,
      eventName: "FundingPaymentSettled",
      args: { trader: safe },
      fromBlock: sampled + 1n,
      toBlock: head,
    });
    expect(settledOnChain).toHaveLength(1);

    // The restarted process: a fresh indexer, handed the book's samples (the newest at `sampled`).
    const lastSample = { ...syntheticSamples(1, 1)[0]!, blockNumber: sampled };
    const resumed = await newIndexer().indexer.snapshotAt(head, { ...memory, samples: [lastSample] });
    expect(resumed.fundingSettlements?.scannedFromBlock).toBe(sampled + 1n);
    expect(
      resumed.fundingSettlements?.settlements.map((f) => [
        f.transactionHash,
        f.logIndex,
        f.fundingPaymentWad,
      ]),
    ).toEqual(settledOnChain.map((e) => [e.transactionHash, e.logIndex, e.args.fundingPayment]));
    expect(resumed.fundingSettlements?.collateralMoves?.map((c) => c.movedUnits)).toEqual([deposited]);
    expect(
      resumed.lpFlows?.flows.map((f) => [f.position, f.transactionHash, f.principal0, f.principal1]),
    ).toEqual([
      [`uniswap-v3:${tokenId}`, decrease!.transactionHash, decrease!.args.amount0, decrease!.args.amount1],
    ]);
    // The book's v4 positions' flows are not read over a restart's span: the scan vouches for no block of them.
    expect(resumed.lpFlows?.scannedFromBlock).toBe(head + 1n);
    // Positive control: without the resume block a cold snapshot reads its own block alone and finds neither.
    const cold = await newIndexer().indexer.snapshotAt(head, memory);
    expect(cold.fundingSettlements).toEqual({ scannedFromBlock: head, settlements: [], collateralMoves: [] });
    expect(cold.lpFlows).toBeUndefined();
    // The span costs one getLogs more than the block alone: the position manager's (the streams' one each way).
    expect(resumed.requests).toBe(cold.requests + 1);
    // Books sharing one indexer (one treasury): its cold snapshot resumes from the earliest of their last samples,
    // so a book sampled a block earlier is covered too.
    const sharedSnapshots = createSharedBookSnapshots(client);
    const sources = bookSourcesFromConfig(
      devnetConfig(devnet.manifest, { uniswapV4Positions: true }),
      DEVNET_BOOK_ID,
    );
    const [ofThisBook, ofAnother] = await Promise.all([
      sharedSnapshots.readerFor("treasury", sources).snapshotAt(head, { ...memory, samples: [lastSample] }),
      sharedSnapshots
        .readerFor("treasury", { ...sources, bookId: "another-book" })
        .snapshotAt(head, { ...memory, samples: [{ ...lastSample, blockNumber: sampled - 1n }] }),
    ]);
    expect(sharedSnapshots.indexerCount).toBe(1);
    expect(ofThisBook.fundingSettlements?.scannedFromBlock).toBe(sampled);
    expect(ofAnother.fundingSettlements).toEqual(ofThisBook.fundingSettlements);
  });

  it("flags a feed older than its heartbeat as stale instead of using it", async () => {
    const { client, indexer } = newIndexer();
    await devnet.testClient.increaseTime({ seconds: devnet.manifest.feeds.ethUsd.heartbeatSec + 60 });
    await devnet.testClient.mine({ blocks: 1 });
    const { snapshot, feedHealth } = await indexer.snapshotAt(
      await client.getBlockNumber({ cacheTime: 0 }),
      memory,
    );
    expect(snapshot.baseOracle.stale).toBe(true);
    expect(feedHealth[snapshot.baseOracle.feed]?.problems).toContain("stale");
  });

  it("flags a feed answering 0 (after its proxy switched to a broken aggregator), with the new phase", async () => {
    const { client, indexer } = newIndexer();
    const before = await indexer.snapshotAt(await client.getBlockNumber({ cacheTime: 0 }), memory);
    await switchEthFeedToZeroAggregator(devnet);
    const { snapshot, feedHealth } = await indexer.snapshotAt(
      await client.getBlockNumber({ cacheTime: 0 }),
      memory,
    );
    expect(snapshot.baseOracle.answer).toBe(0n);
    expect(snapshot.baseOracle.stale).toBe(true);
    expect(feedHealth[snapshot.baseOracle.feed]?.problems).toContain("non-positive-answer");
    expect(feedHealth[snapshot.baseOracle.feed]?.phaseId).toBe(feedHealthPhase(before) + 1);
  });

  it("treats malformed return data as an error, never as zeros", async () => {
    const { client, indexer } = newIndexer();
    const block = await client.getBlockNumber({ cacheTime: 0 });
    proxy.setFaults({ corruptResult: { method: "eth_call", times: 1, result: "0x" } });
    await expect(indexer.snapshotAt(block, memory)).rejects.toBeInstanceOf(MalformedReturnDataError);
  });

  it("refuses a snapshot whose block was replaced while it was being read", async () => {
    const { client, indexer } = newIndexer();
    const beforeBlock = await devnet.testClient.snapshot();
    await devnet.testClient.mine({ blocks: 1 });
    const block = await client.getBlockNumber({ cacheTime: 0 });
    // Reorg at the first eth_call: the block being read is replaced by a different block at the same height. The
    // snapshot sends its eth_calls concurrently, so every request that arrives once the reorg has begun waits for
    // it: forwarded in between, it would ask for a block the revert removed and the node has not mined again, and
    // the node's refusal (RpcRequestRejectedError) would stand in for the reorg the test is about.
    let reorg: Promise<void> | undefined;
    proxy.setFaults({
      beforeForward: async (method) => {
        if (reorg === undefined) {
          if (method !== "eth_call") return;
          reorg = (async () => {
            await devnet.testClient.revert({ id: beforeBlock });
            await devnet.testClient.increaseTime({ seconds: 1_000 });
            await devnet.testClient.mine({ blocks: 1 });
          })();
        }
        await reorg;
      },
    });
    await expect(indexer.snapshotAt(block, memory)).rejects.toBeInstanceOf(InconsistentBlockError);
    expect(reorg).toBeDefined();
    proxy.setFaults({});
    // Positive control: the replacement block at that height reads whole.
    const replaced = await newIndexer().indexer.snapshotAt(block, memory);
    expect(replaced.snapshot.blockNumber).toBe(block);
  });
});

function feedHealthPhase(
  indexed: Awaited<ReturnType<ReturnType<typeof createBookIndexer>["snapshotAt"]>>,
): number {
  return indexed.feedHealth[indexed.snapshot.baseOracle.feed]!.phaseId;
}

const EAC_PROXY_ABI = parseAbi([
  "function owner() view returns (address)",
  "function proposeAggregator(address aggregator)",
  "function confirmAggregator(address aggregator)",
]);

/** Point the ETH/USD proxy at a new Chainlink MockV3Aggregator answering 0, as its owner would. */
async function switchEthFeedToZeroAggregator(devnet: Devnet): Promise<void> {
  const { default: mock } = await import("@chainlink/contracts-0.1.9/abi/v0.7/MockV3Aggregator.json", {
    with: { type: "json" },
  });
  const deployer = devnet.walletFor("deployer");
  const hash = await deployer.deployContract({
    abi: mock.compilerOutput.abi,
    bytecode: `0x${mock.compilerOutput.evm.bytecode.object.replace(/^0x/, "")}`,
    args: [8, 0n],
  });
  const aggregator = (await devnet.publicClient.waitForTransactionReceipt({ hash })).contractAddress!;
  const feed = devnet.manifest.feeds.ethUsd.address;
  const owner = await devnet.publicClient.readContract({
    address: feed,
    abi: EAC_PROXY_ABI,
    functionName: "owner",
  });
  await devnet.testClient.impersonateAccount({ address: owner });
  await devnet.testClient.setBalance({ address: owner, value: 10n ** 20n });
  for (const functionName of ["proposeAggregator", "confirmAggregator"] as const) {
    const tx = await devnet.client.publicClient.request({
      method: "eth_sendTransaction",
      params: [
        {
          from: owner,
          to: feed,
          data: (await import("viem")).encodeFunctionData({
            abi: EAC_PROXY_ABI,
            functionName,
            args: [aggregator],
          }),
        },
      ],
    } as never);
    await devnet.publicClient.waitForTransactionReceipt({ hash: tx as `0x${string}` });
  }
  await devnet.testClient.stopImpersonatingAccount({ address: owner });
}
