import { describe, expect, it } from "vitest";
import { readFeed, readPerpPrices, readPoolPrice, type ScenarioReport } from "../../../src/devnet/index.ts";
import { useDevnet } from "../../support/devnet.ts";

const devnet = useDevnet();

async function marketState() {
  const { client, manifest } = devnet();
  const [ethPool, daiUsdc, usdcUsdt, ethUsd, usdcUsd, daiUsd, perp] = await Promise.all([
    readPoolPrice(client, manifest.pools.usdcWeth500),
    readPoolPrice(client, manifest.pools.daiUsdc100),
    readPoolPrice(client, manifest.pools.usdcUsdt100),
    readFeed(client, manifest.feeds.ethUsd.address),
    readFeed(client, manifest.feeds.usdcUsd.address),
    readFeed(client, manifest.feeds.daiUsd.address),
    readPerpPrices(client, manifest.contracts.perp),
  ]);
  return { ethPool, daiUsdc, usdcUsdt, ethUsd, usdcUsd, daiUsd, perp };
}

/** Every value a report recorded for `what`, in step order (before of the first, then each after). */
function path(report: ScenarioReport, what: string): number[] {
  const moves = report.steps.flatMap((step) => step.moved.filter((moved) => moved.what === what));
  return moves.length === 0 ? [] : [moves[0]!.before, ...moves.map((moved) => moved.after)];
}

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
    const after = await marketState();
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

  it("puts each step in exactly one block: the oracle round first, then the spot swap, then the perp trade", async () => {
    const { publicClient, manifest } = devnet();
    const startBlock = await publicClient.getBlockNumber({ cacheTime: 0 });
    const report = await devnet().runScenario("eth-rally");
    const endBlock = await publicClient.getBlockNumber({ cacheTime: 0 });
    expect(endBlock - startBlock).toBe(BigInt(report.steps.length));
    // The first step moves ETH: its block carries the three moves, in the order the step documents.
    const block = await publicClient.getBlock({ blockNumber: startBlock + 1n, includeTransactions: true });
    expect(block.transactions.map((tx) => tx.to?.toLowerCase())).toEqual(
      [
        manifest.feeds.ethUsd.aggregator,
        manifest.contracts.swapRouter,
        manifest.contracts.perp.clearingHouse,
      ].map((address) => address.toLowerCase()),
    );
    for (const step of report.steps) expect(step.durationMs).toBeGreaterThan(0);
  });

  it("starts every test from the same bootstrapped chain (snapshot and revert)", async () => {
    const { ethPool, ethUsd, perp } = await marketState();
    expect(ethPool).toBeCloseTo(3000, 6);
    expect(ethUsd.answer).toBe(3000);
    expect(perp.indexPrice).toBeCloseTo(3000, 6);
  });
});
