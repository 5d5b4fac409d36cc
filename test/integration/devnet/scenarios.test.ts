import { describe, expect, it } from "vitest";
import { AGGREGATOR_V3_ABI } from "../../../src/chain/abis/chainlink-abi.ts";
import { UNISWAP_V3_POOL_ABI } from "../../../src/chain/abis/uniswap-v3-abi.ts";
import { type ChainlinkUpdateRule, roundTrigger } from "../../../src/devnet/chainlink-update-rule.ts";
import { readFeed, readPerpPrices, readPoolPrice, type ScenarioReport } from "../../../src/devnet/index.ts";
import { readV4PoolState } from "../../../src/devnet/market-state.ts";
import type { DevnetPool } from "../../../src/devnet/pools.ts";
import { v4PoolOfManifest } from "../../../src/devnet/pools-v4.ts";
import { quoteFromSqrtPriceX96 } from "../../../src/devnet/price-math.ts";
import { useDevnet } from "../../support/devnet.ts";

const devnet = useDevnet();

async function marketState() {
  const { client, manifest } = devnet();
  const v4 = manifest.uniswapV4!;
  const v4Price = async (name: keyof typeof v4.pools) =>
    (await readV4PoolState(client, v4.stateView, v4PoolOfManifest(v4.pools[name]))).price;
  const [ethPool, daiUsdc, usdcUsdt, ethUsd, usdcUsd, daiUsd, perp, v4EthUsdc, v4EthUsdcDynamic, v4UsdcUsdt] =
    await Promise.all([
      readPoolPrice(client, manifest.pools.usdcWeth500),
      readPoolPrice(client, manifest.pools.daiUsdc100),
      readPoolPrice(client, manifest.pools.usdcUsdt100),
      readFeed(client, manifest.feeds.ethUsd.address),
      readFeed(client, manifest.feeds.usdcUsd.address),
      readFeed(client, manifest.feeds.daiUsd.address),
      readPerpPrices(client, manifest.contracts.perp),
      v4Price("ethUsdc500"),
      v4Price("ethUsdcDynamic"),
      v4Price("usdcUsdt10"),
    ]);
  return {
    ethPool,
    daiUsdc,
    usdcUsdt,
    ethUsd,
    usdcUsd,
    daiUsd,
    perp,
    v4EthUsdc,
    v4EthUsdcDynamic,
    v4UsdcUsdt,
  };
}

/** Every value a report recorded for `what`, in step order (before of the first, then each after). */
function path(report: ScenarioReport, what: string): number[] {
  const moves = report.steps.flatMap((step) => step.moved.filter((moved) => moved.what === what));
  return moves.length === 0 ? [] : [moves[0]!.before, ...moves.map((moved) => moved.after)];
}

/** What the chain held at one block: the feed's latest round and the market price of its asset (from the pools). */
interface FeedAtBlock {
  blockNumber: bigint;
  timestampSec: number;
  marketUsd: number;
  roundId: bigint;
  answer: number;
  updatedAtSec: number;
}

/** Reads, block by block, a feed's rounds and its asset's market price over `[from, to]`. */
async function feedHistory(
  asset: "eth" | "usdc",
  fromBlock: bigint,
  toBlock: bigint,
): Promise<FeedAtBlock[]> {
  const { publicClient, manifest } = devnet();
  const poolPrice = async (pool: DevnetPool, blockNumber: bigint) => {
    const [sqrtPriceX96] = await publicClient.readContract({
      address: pool.address,
      abi: UNISWAP_V3_POOL_ABI,
      functionName: "slot0",
      blockNumber,
    });
    return quoteFromSqrtPriceX96(pool, sqrtPriceX96);
  };
  const feed = manifest.feeds[asset === "eth" ? "ethUsd" : "usdcUsd"].address;
  const history: FeedAtBlock[] = [];
  for (let blockNumber = fromBlock; blockNumber <= toBlock; blockNumber++) {
    const [block, [roundId, answer, , updatedAt], usdc, ethInUsdc] = await Promise.all([
      publicClient.getBlock({ blockNumber }),
      publicClient.readContract({
        address: feed,
        abi: AGGREGATOR_V3_ABI,
        functionName: "latestRoundData",
        blockNumber,
      }),
      poolPrice(manifest.pools.usdcUsdt100, blockNumber),
      poolPrice(manifest.pools.usdcWeth500, blockNumber),
    ]);
    history.push({
      blockNumber,
      timestampSec: Number(block.timestamp),
      // USDT at $1 (its feed does not move in these scenarios); the ETH pool is quoted in USDC.
      marketUsd: asset === "eth" ? ethInUsdc * usdc : usdc,
      roundId,
      answer: Number(answer) / 1e8,
      updatedAtSec: Number(updatedAt),
    });
  }
  return history;
}

/**
 * Checks a feed against Chainlink's rule at every block: a new round only where the rule fired (deviation from
 * the last answer or heartbeat), at the market's price; and no block where the rule fired without one. Returns
 * the new rounds with their trigger.
 */
function expectRuleFollowed(history: readonly FeedAtBlock[], rule: ChainlinkUpdateRule) {
  const rounds: { blockNumber: bigint; answer: number; trigger: string }[] = [];
  for (let i = 1; i < history.length; i++) {
    const before = history[i - 1]!;
    const at = history[i]!;
    const last = { answer: before.answer, updatedAtSec: before.updatedAtSec };
    const trigger = roundTrigger(rule, last, at.marketUsd, at.timestampSec);
    const where = `block ${at.blockNumber}`;
    if (at.roundId === before.roundId) {
      expect(trigger, `${where}: the rule fired but the feed did not post`).toBeNull();
      continue;
    }
    expect(at.roundId, where).toBe(before.roundId + 1n);
    expect(at.updatedAtSec, where).toBe(at.timestampSec);
    expect(at.answer / at.marketUsd - 1, `${where}: posted the market price`).toBeCloseTo(0, 6);
    expect(trigger, `${where}: posted although the rule did not fire`).not.toBeNull();
    rounds.push({ blockNumber: at.blockNumber, answer: at.answer, trigger: trigger! });
  }
  return rounds;
}

const ETH_USD_RULE = { deviationBps: 50, heartbeatSec: 3_600 };
const USDC_USD_RULE = { deviationBps: 25, heartbeatSec: 86_400 };

describe("market scenarios", () => {
  it("eth-rally lifts the USDC/WETH pool, the ETH/USD feed and the perp mark together by 30%", async () => {
    const report = await devnet().runScenario("eth-rally");
    const after = await marketState();
    expect(after.ethPool).toBeCloseTo(3900, 0);
    expect(after.ethUsd.answer).toBe(3900);
    expect(after.perp.marketPrice).toBeCloseTo(3900, 0);
    expect(after.perp.indexPrice).toBeCloseTo(3900, 6);
    const poolPath = path(report, "usdcWeth500 price");
    expect(poolPath).toHaveLength(7);
    for (const [i, price] of poolPath.slice(1).entries()) expect(price).toBeGreaterThan(poolPath[i]!);
    // The v4 ETH/USDC pools (native ETH, and the hooked dynamic-fee one) moved with it, step by step.
    expect(after.v4EthUsdc).toBeCloseTo(3900, 0);
    expect(after.v4EthUsdcDynamic).toBeCloseTo(3900, 0);
    const v4Path = path(report, "v4 ethUsdc500 price");
    expect(v4Path.map((price) => price.toFixed(2))).toEqual(poolPath.map((price) => price.toFixed(2)));
  });

  it("eth-crash drops pool, feed and perp mark together by 40%, never more than perp's 10% per block", async () => {
    const report = await devnet().runScenario("eth-crash");
    const after = await marketState();
    expect(after.ethPool).toBeCloseTo(1800, 0);
    expect(after.ethUsd.answer).toBe(1800);
    expect(after.perp.marketPrice).toBeCloseTo(1800, 0);
    const perpPath = path(report, "perp market price");
    for (const [i, price] of perpPath.slice(1).entries()) expect(price / perpPath[i]!).toBeGreaterThan(0.89);
  });

  it("usdc-depeg-2023 walks USDC 1.000 → 0.8774 → 0.96 → 1.000 on the feed and the stable pools, DAI following to 0.88", async () => {
    const report = await devnet().runScenario("usdc-depeg-2023");
    expect(path(report, "usdcUsd answer")).toEqual([1, 0.8774, 0.96, 1]);
    expect(path(report, "daiUsd answer")).toEqual([1, 0.88, 0.965, 1]);
    const usdcInUsdt = path(report, "usdcUsdt100 price");
    expect(usdcInUsdt.map((price) => Number(price.toFixed(4)))).toEqual([1, 0.8774, 0.96, 1]);
    // DAI priced in USDC while both de-peg: 0.88 / 0.8774.
    expect(path(report, "daiUsdc100 price")[1]).toBeCloseTo(1.003, 4);
    // The v4 USDC/USDT pool walks the same path; the v4 ETH pools stay where ETH is.
    const v4UsdcInUsdt = path(report, "v4 usdcUsdt10 price");
    expect(v4UsdcInUsdt.map((price) => Number(price.toFixed(4)))).toEqual([1, 0.8774, 0.96, 1]);
    const after = await marketState();
    expect(after.v4EthUsdc).toBeCloseTo(3000, 6);
    expect(after.usdcUsd.answer).toBe(1);
    expect(after.usdcUsdt).toBeCloseTo(1, 4);
    expect(after.daiUsdc).toBeCloseTo(1, 4);
    expect(after.ethUsd.answer).toBe(3000);
  });

  it("basis-blowout lifts the perp mark 6% over an unchanged index", async () => {
    await devnet().runScenario("basis-blowout");
    const { perp, ethUsd } = await marketState();
    expect(ethUsd.answer).toBe(3000);
    expect(perp.indexPrice).toBeCloseTo(3000, 6);
    expect(perp.marketPrice / perp.indexPrice - 1).toBeCloseTo(0.06, 3);
  });

  it("oracle-stale leaves ETH/USD past its 3600 s heartbeat while the other feeds stay fresh", async () => {
    const report = await devnet().runScenario("oracle-stale");
    const { ethUsd, usdcUsd, daiUsd } = await marketState();
    const now = Number((await devnet().publicClient.getBlock()).timestamp);
    expect(now - ethUsd.updatedAt).toBeGreaterThan(devnet().manifest.feeds.ethUsd.heartbeatSec);
    expect(now - usdcUsd.updatedAt).toBeLessThan(60);
    expect(now - daiUsd.updatedAt).toBeLessThan(60);
    expect(path(report, "ethUsd age (s)").at(-1)).toBeGreaterThan(3600);
  });

  it("liquidity-gap takes most in-range liquidity out of the USDC/WETH pool", async () => {
    const report = await devnet().runScenario("liquidity-gap");
    const [before, after] = path(report, "usdcWeth500 in-range liquidity");
    expect(after! / before!).toBeLessThan(0.25);
    expect((await marketState()).ethPool).toBeCloseTo(2910, 0);
  });

  it("puts each step in exactly one block: the oracle round first, then the spot swaps (v3, then v4), then the perp trade", async () => {
    const { publicClient, manifest } = devnet();
    const startBlock = await publicClient.getBlockNumber({ cacheTime: 0 });
    const report = await devnet().runScenario("eth-rally");
    const endBlock = await publicClient.getBlockNumber({ cacheTime: 0 });
    expect(endBlock - startBlock).toBe(BigInt(report.steps.length));
    // The first step moves ETH: its block carries the moves, in the order the step documents (both v4 ETH pools
    // through PoolSwapTest).
    const block = await publicClient.getBlock({ blockNumber: startBlock + 1n, includeTransactions: true });
    expect(block.transactions.map((tx) => tx.to?.toLowerCase())).toEqual(
      [
        manifest.feeds.ethUsd.aggregator,
        manifest.contracts.swapRouter,
        manifest.uniswapV4!.poolSwapTest,
        manifest.uniswapV4!.poolSwapTest,
        manifest.contracts.perp.clearingHouse,
      ].map((address) => address.toLowerCase()),
    );
    for (const step of report.steps) expect(step.durationMs).toBeGreaterThan(0);
  });

  it("quiet-drift walks the pool 3% up over two hours while ETH/USD posts only on Chainlink's rule", async () => {
    const { publicClient } = devnet();
    const startBlock = await publicClient.getBlockNumber({ cacheTime: 0 });
    const startSec = Number((await publicClient.getBlock({ blockNumber: startBlock })).timestamp);
    const report = await devnet().runScenario("quiet-drift");
    const endBlock = await publicClient.getBlockNumber({ cacheTime: 0 });
    const after = await marketState();
    expect(after.ethPool).toBeCloseTo(3090, 6);
    expect(after.perp.marketPrice).toBeCloseTo(3090, 6);
    expect(Math.abs(after.ethUsd.answer / 3090 - 1)).toBeLessThan(0.005);
    const endSec = Number((await publicClient.getBlock({ blockNumber: endBlock })).timestamp);
    expect(endSec - startSec).toBe(7_200);
    // Time warped, not waited: a few dozen blocks for two hours.
    expect(Number(endBlock - startBlock)).toBe(report.steps.reduce((n, step) => n + step.blocks, 0));
    expect(Number(endBlock - startBlock)).toBeLessThan(30);

    const history = await feedHistory("eth", startBlock, endBlock);
    const rounds = expectRuleFollowed(history, ETH_USD_RULE);
    // The quiet hour stays inside the 0.5% band: only the heartbeat; then one round per 0.5% step.
    expect(rounds.map((r) => r.trigger)).toEqual([
      "heartbeat",
      "deviation",
      "deviation",
      "deviation",
      "deviation",
      "deviation",
    ]);
    expect(report.steps.flatMap((s) => s.rounds ?? []).filter((r) => r.feed === "ethUsd")).toHaveLength(6);
    // The oracle is flat-ish: the pool moved in every block, the feed in a third of them.
    const poolMoves = history.filter((h, i) => i > 0 && h.marketUsd !== history[i - 1]!.marketUsd).length;
    expect(poolMoves).toBe(history.length - 1);
  });

  it("crash-and-depeg takes ETH 25% down and USDC to $0.88 within the hour, each feed on its own rule", async () => {
    const { publicClient } = devnet();
    const startBlock = await publicClient.getBlockNumber({ cacheTime: 0 });
    const startSec = Number((await publicClient.getBlock({ blockNumber: startBlock })).timestamp);
    const report = await devnet().runScenario("crash-and-depeg");
    const endBlock = await publicClient.getBlockNumber({ cacheTime: 0 });
    const endSec = Number((await publicClient.getBlock({ blockNumber: endBlock })).timestamp);
    expect(endSec - startSec).toBe(3_600);
    const after = await marketState();
    expect(after.perp.marketPrice).toBeCloseTo(2250, 6);
    expect(after.usdcUsdt).toBeCloseTo(0.88, 6);
    expect(after.ethPool).toBeCloseTo(2250 / 0.88, 4);
    expect(after.v4EthUsdc).toBeCloseTo(2250 / 0.88, 4);
    expect(after.v4EthUsdcDynamic).toBeCloseTo(2250 / 0.88, 4);
    expect(after.v4UsdcUsdt).toBeCloseTo(0.88, 6);
    // Each feed ends within its own threshold of the market, not on it.
    expect(Math.abs(after.ethUsd.answer / 2250 - 1)).toBeLessThan(0.005);
    expect(Math.abs(after.usdcUsd.answer / 0.88 - 1)).toBeLessThan(0.0025);
    expect(after.daiUsd.answer).toBe(1);

    const eth = expectRuleFollowed(await feedHistory("eth", startBlock, endBlock), ETH_USD_RULE);
    const usdc = expectRuleFollowed(await feedHistory("usdc", startBlock, endBlock), USDC_USD_RULE);
    // −25% in 0.5% steps is about 57 rounds; 12% in 0.25% steps about 50: the real cadence of a fast market.
    expect(eth.length).toBeGreaterThan(50);
    expect(usdc.length).toBeGreaterThan(45);
    expect([...eth, ...usdc].every((r) => r.trigger === "deviation")).toBe(true);
    expect(report.steps[0]!.blocks).toBe(Number(endBlock - startBlock));
  });

  it("starts every test from the same bootstrapped chain (snapshot and revert)", async () => {
    const { ethPool, ethUsd, perp } = await marketState();
    expect(ethPool).toBeCloseTo(3000, 6);
    expect(ethUsd.answer).toBe(3000);
    expect(perp.indexPrice).toBeCloseTo(3000, 6);
  });
});
