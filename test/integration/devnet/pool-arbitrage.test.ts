import { describe, expect, it } from "vitest";
import { poolMoveTransaction } from "../../../src/devnet/market-moves.ts";
import { readPoolState } from "../../../src/devnet/market-state.ts";
import type { MarketReference } from "../../../src/devnet/pool-arbitrage.ts";
import { rawPriceFromQuote, tickFromRawPrice } from "../../../src/devnet/price-math.ts";
import type { Scenario } from "../../../src/devnet/scenario.ts";
import { runScenario, type ScenarioReport } from "../../../src/devnet/scenario-runner.ts";
import { sendDevnetTransaction } from "../../../src/devnet/transactions.ts";
import { useDevnet } from "../../support/devnet.ts";

const devnet = useDevnet();

/** Three quiet blocks (12 s apart): nothing in them but what others queued, and the arbitrageur's swaps. */
const QUIET_BLOCKS: Scenario = {
  name: "quiet-blocks",
  description: "three blocks that move nothing",
  feedRules: {},
  steps: [1, 2, 3].map((n) => ({
    kind: "time.advance" as const,
    seconds: 12,
    refreshFeeds: [],
    label: `quiet block ${n}`,
  })),
};

/**
 * Plays QUIET_BLOCKS with the arbitrageur on, the market at 3000 USDC/WETH; after the first block a swap taking
 * USDC/WETH 0.05% to `pushedTo` is queued (as a keeper queues its trade after a block): it is mined in the second.
 */
/** The trader's swap taking the USDC/WETH pool to `price`, sent into the block the scenario holds (a keeper's trade). */
async function pushPool(price: number) {
  const { client, manifest } = devnet();
  const pool = manifest.pools.usdcWeth500;
  const { sqrtPriceX96 } = await readPoolState(client, pool, "pending");
  const push = poolMoveTransaction(
    manifest.accounts.trader.address,
    manifest.contracts.swapRouter,
    pool,
    sqrtPriceX96,
    price,
  )!;
  await sendDevnetTransaction(client, push.label, push);
}

async function pushThenArbitrage(pushedTo: number) {
  const { client, manifest, publicClient } = devnet();
  const pool = manifest.pools.usdcWeth500;
  const reference: MarketReference = new Map([["usdcWeth500", 3000]]);
  const txCounts: number[] = [];
  const report: ScenarioReport = await runScenario(client, manifest, QUIET_BLOCKS, {
    arbitrage: { reference },
    onStep: async (step) => {
      const block = await publicClient.getBlock({ blockTag: "latest" });
      txCounts.push(block.transactions.length);
      if (step.index !== 0) return;
      await pushPool(pushedTo);
    },
  });
  return { report, reference, txCounts, priceAfter: (await readPoolState(client, pool)).price };
}

describe("the devnet arbitrageur", () => {
  it("trades a pool a swap pushed beyond its band back to the band's edge in the next block, not in the swap's own", async () => {
    const market = 3000;
    const edge = market * (1 - 0.0005);
    const { report, reference, txCounts, priceAfter } = await pushThenArbitrage(market * (1 - 0.003));
    const [first, pushed, next] = report.steps;
    // Block 2 mines the push (one transaction), the arbitrageur sees it only once mined: nothing in that block.
    expect(first?.arbitrage).toEqual([]);
    expect(pushed?.arbitrage).toEqual([]);
    expect(txCounts.slice(0, 2)).toEqual([0, 1]);
    // Block 3: one swap, USDC/WETH only (the v4 pools and the stable pools sat at their market).
    expect(txCounts[2]).toBe(1);
    expect(next?.arbitrage).toHaveLength(1);
    expect(next?.arbitrage?.[0]).toMatchObject({ pool: "usdcWeth500", toPrice: edge });
    expect(next?.arbitrage?.[0]?.fromPrice).toBeCloseTo(market * (1 - 0.003), 6);
    // To the band's edge, within a tick: not to the market.
    const pool = devnet().manifest.pools.usdcWeth500;
    const tickOf = (price: number) => tickFromRawPrice(rawPriceFromQuote(pool, price));
    expect(Math.abs(tickOf(priceAfter) - tickOf(edge))).toBeLessThanOrEqual(1);
    expect(priceAfter / market - 1).toBeCloseTo(-0.0005, 6);
    // The reference kept the market it was given and took the pools it lacked from the chain.
    expect(reference.get("usdcWeth500")).toBe(market);
    expect(reference.get("usdcUsdt100")).toBeCloseTo(1, 6);
    expect(reference.get("daiUsdc100")).toBeCloseTo(1, 6);
  });

  it("leaves a pool a swap pushed less than its fee from the market: no transaction", async () => {
    const market = 3000;
    const pushedTo = market * (1 - 0.0003); // 3 bps under, inside the 5 bps band
    const { report, txCounts, priceAfter } = await pushThenArbitrage(pushedTo);
    expect(report.steps.map((step) => step.arbitrage)).toEqual([[], [], []]);
    expect(txCounts).toEqual([0, 1, 0]);
    expect(priceAfter).toBeCloseTo(pushedTo, 6);
  });

  it("records the price each step sets, and leaves the pool that block moves to the step", async () => {
    const { client, manifest } = devnet();
    const reference: MarketReference = new Map();
    const report = await runScenario(
      client,
      manifest,
      {
        name: "usdt-repriced",
        description: "USDC/USDT moves to 0.99",
        feedRules: {},
        steps: [{ kind: "pool.movePrice", pool: "usdcUsdt100", price: 0.99 }],
      },
      { arbitrage: { reference } },
    );
    // Against the reference's 1.000 it was 1% under the band when the step moved it: the move, not an arbitrage.
    expect(report.steps[0]?.arbitrage).toEqual([]);
    expect(reference.get("usdcUsdt100")).toBe(0.99);
    expect((await readPoolState(client, manifest.pools.usdcUsdt100)).price).toBeCloseTo(0.99, 6);
  });

  it("mines what others queued before a time jump a slot later, with the option; in the jump's block without it", async () => {
    const { client, manifest, publicClient } = devnet();
    const jump = async (reactionsBeforeTimeJumps: boolean) => {
      const reactionBlocks: { blockNumber: bigint; atSec: number; reaction: boolean }[] = [];
      let quietSec = 0;
      const report = await runScenario(
        client,
        manifest,
        {
          name: "push-then-jump",
          description: "a quiet block, then an hour",
          feedRules: {},
          steps: [
            { kind: "time.advance", seconds: 12, refreshFeeds: [] },
            { kind: "time.advance", seconds: 3_600, refreshFeeds: [] },
          ],
        },
        {
          arbitrage: { reference: new Map([["usdcWeth500", 3000]]) },
          reactionsBeforeTimeJumps,
          onBlock: (block) => {
            reactionBlocks.push(block);
          },
          onStep: async (step) => {
            if (step.index !== 0) return;
            quietSec = Number((await publicClient.getBlock()).timestamp);
            await pushPool(3000 * (1 - 0.003));
          },
        },
      );
      const head = await publicClient.getBlock();
      return { report, reactionBlocks, quietSec, endSec: Number(head.timestamp), head };
    };
    const snapshot = await devnet().snapshot();
    const live = await jump(true);
    await devnet().revert(snapshot);
    const oneBlock = await jump(false);

    // With the option: the push is mined 12 s after the quiet block, in a reaction block; the arbitrageur trades
    // the pool back at the start of the next block, the jump's, which lands an hour after the quiet block.
    expect(live.reactionBlocks).toHaveLength(1);
    expect(live.reactionBlocks[0]).toMatchObject({ reaction: true, atSec: live.quietSec + 12 });
    const reactionBlock = await publicClient.getBlock({ blockNumber: live.reactionBlocks[0]!.blockNumber });
    expect(reactionBlock.transactions).toHaveLength(1);
    expect(live.report.steps[1]?.blocks).toBe(2);
    expect(live.report.steps[1]?.arbitrage).toHaveLength(1);
    expect(live.head.transactions).toHaveLength(1);
    expect(live.endSec - live.quietSec).toBeGreaterThanOrEqual(3_600);
    expect(live.endSec - live.quietSec).toBeLessThan(3_610);
    // Positive control, without it: one block, the push mined in the jump's block an hour later.
    expect(oneBlock.reactionBlocks).toEqual([]);
    expect(oneBlock.report.steps[1]?.blocks).toBe(1);
    expect(oneBlock.report.steps[1]?.arbitrage).toEqual([]);
    expect(oneBlock.head.transactions).toHaveLength(1);
    expect(oneBlock.endSec - oneBlock.quietSec).toBeGreaterThanOrEqual(3_600);
  });
});
