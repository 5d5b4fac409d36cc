import { parseEther, parseEventLogs, zeroHash } from "viem";
import { beforeAll, describe, expect, it } from "vitest";
import { PERP_CLEARING_HOUSE_ABI } from "../../../src/chain/abis/perp-v2-abi.ts";
import { UNISWAP_V3_POOL_ABI } from "../../../src/chain/abis/uniswap-v3-abi.ts";
import { bookParamsFromConfig, bookSourcesFromConfig } from "../../../src/config/adapters.ts";
import { perpArtifact } from "../../../src/devnet/deploy-perp.ts";
import { DEVNET_BOOK_ID, devnetConfig } from "../../../src/devnet/devnet-config.ts";
import { type DevnetKeeperSetup, setUpDevnetKeeper } from "../../../src/devnet/devnet-keeper-setup.ts";
import { NO_DEADLINE } from "../../../src/devnet/transactions.ts";
import { decide } from "../../../src/engine/decide.ts";
import type { BookParams } from "../../../src/engine/params.ts";
import { perpTradeCost } from "../../../src/engine/perp-trade-cost.ts";
import type { PerpAdjustPositionAction } from "../../../src/engine/plan.ts";
import { planToRolesCall } from "../../../src/execution/plan-batch.ts";
import { createBookIndexer } from "../../../src/indexers/book-indexer.ts";
import { useDevnet } from "../../support/devnet.ts";

// The perp cost model against the chain: the indexer reads the Perp v2 market pool's depth in its batch, decide()
// prices the hedge trade's impact from it (perp-trade-cost.ts), the keeper sends the plan through Roles, and the
// ClearingHouse's PositionChanged says what the real Perp v2 and Uniswap v3 bytecode filled. They agree to the wei,
// for a large trade and a small one, in both directions, and for trades that cross initialized ticks.
const devnet = useDevnet();
let setup: DevnetKeeperSetup;
beforeAll(async () => {
  const d = devnet();
  setup = await setUpDevnetKeeper(d.client, d.manifest);
}, 120_000);

const MEMORY = { keeper: { hedgeTriggered: false, lastPlanAtSec: null }, samples: [] };

/**
 * The devnet book's policy, made to trade: a target hedge ratio that leaves the book far from it, no cooldown, and
 * maxTradeUsd sizing the trade.
 */
function paramsFor(targetHedgeRatio: number, maxTradeUsd: number): BookParams {
  const base = bookParamsFromConfig(devnetConfig(devnet().manifest), DEVNET_BOOK_ID);
  return {
    ...base,
    targetHedgeRatio,
    cooldownSec: 0,
    caps: { ...base.caps, maxTradeUsd },
    margin: { ...base.margin, ceilingRatio: 1_000 },
    // The cost test is not what this file checks: a small trade whose gas outweighs its risk reduction still goes.
    costMargin: 0,
  };
}

async function quoteAndFill(targetHedgeRatio: number, tradeEth: number) {
  const d = devnet();
  const block = await d.publicClient.getBlockNumber({ cacheTime: 0 });
  const indexer = createBookIndexer(
    d.publicClient,
    bookSourcesFromConfig(devnetConfig(d.manifest), DEVNET_BOOK_ID),
  );
  const { snapshot } = await indexer.snapshotAt(block, MEMORY);
  const perp = snapshot.perp!;
  const pool = d.manifest.contracts.perp.pool;
  // The snapshot's depth is the pool's own state at the block.
  const [sqrtPriceX96, tick] = await d.publicClient.readContract({
    address: pool,
    abi: UNISWAP_V3_POOL_ABI,
    functionName: "slot0",
    blockNumber: block,
  });
  expect(perp.marketDepth).toMatchObject({ pool, sqrtPriceX96, tick, tickSpacing: 60, feePips: 3000 });
  // The window a trade can reach in a block (maxTickCrossedWithinBlock 1,000), and the maker's ticks in it as the
  // pool holds them.
  const { knownTicks, initializedTicks } = perp.marketDepth;
  expect(knownTicks.lower).toBeLessThanOrEqual(tick - 1_000);
  expect(knownTicks.upper).toBeGreaterThan(tick + 1_000);
  for (const { tick: t, liquidityNet } of initializedTicks) {
    const info = await d.publicClient.readContract({
      address: pool,
      abi: UNISWAP_V3_POOL_ABI,
      functionName: "ticks",
      args: [t],
      blockNumber: block,
    });
    expect([info[1], info[7]]).toEqual([liquidityNet, true]);
  }
  expect(perp.marketDepth.liquidity).toBe(
    await d.publicClient.readContract({
      address: pool,
      abi: UNISWAP_V3_POOL_ABI,
      functionName: "liquidity",
      blockNumber: block,
    }),
  );

  const price = Number(perp.indexPriceE18) / 1e18;
  const params = paramsFor(targetHedgeRatio, tradeEth * price);
  const decision = decide(snapshot, params, snapshot.blockTimestampSec);
  if (decision.kind !== "plan") throw new Error(`no plan: ${JSON.stringify(decision)}`);
  const plan = decision.plan;
  const action = plan.actions.find((a): a is PerpAdjustPositionAction => a.kind === "perp.adjustPosition");
  if (action === undefined) throw new Error(`the plan does not trade: ${plan.reason}`);
  expect(Number(action.amountBase) / 1e18).toBeCloseTo(tradeEth, 3);
  const quoted = perpTradeCost(perp.marketDepth, {
    amountBase: action.amountBase,
    isBaseToQuote: action.isBaseToQuote,
    feeBps: params.costs.perpTakerFeeBps,
    toleranceBps: params.costs.perpSlippageBps,
  });
  // decide() costed the plan with this very quote.
  expect(plan.expectedCost.slippageUsd).toBe(quoted.impactUsd);
  expect(plan.expectedCost.feesUsd).toBe(quoted.feeUsd);

  const rolesCall = planToRolesCall(plan, setup.targets);
  const hash = await d.walletFor("keeper").sendTransaction({ to: rolesCall.to, data: rolesCall.data });
  const receipt = await d.publicClient.waitForTransactionReceipt({ hash });
  expect(receipt.status).toBe("success");
  const [changed] = parseEventLogs({
    abi: PERP_CLEARING_HOUSE_ABI,
    eventName: "PositionChanged",
    logs: receipt.logs,
  });
  if (changed === undefined) throw new Error("no PositionChanged in the plan's receipt");
  const size = changed.args.exchangedPositionSize;
  const notional = changed.args.exchangedPositionNotional;
  expect(size < 0n ? -size : size).toBe(action.amountBase);
  const filledQuote = notional < 0n ? -notional : notional;
  const realizedImpactUsd =
    Number(action.isBaseToQuote ? quoted.spotQuote - filledQuote : filledQuote - quoted.spotQuote) / 1e18;
  return { quoted, filledQuote, realizedImpactUsd, plan };
}

describe("a perp plan's price impact from the market's depth, against the realized fill", () => {
  // On the bootstrapped devnet the market sits at tick 80,032; its maker ranges start about 1,050 ticks either side,
  // beyond what a trade can move it in a block, so these trades stay inside one range.
  it.each([
    { label: "large sale (60 ETH more short)", targetHedgeRatio: 3, tradeEth: 60 },
    { label: "small sale (1 ETH more short)", targetHedgeRatio: 3, tradeEth: 1 },
    { label: "small purchase (0.5 ETH bought back)", targetHedgeRatio: 0, tradeEth: 0.5 },
    { label: "large purchase (40 ETH bought back)", targetHedgeRatio: 0, tradeEth: 40 },
  ])(
    "quotes the $label to the wei of what the ClearingHouse filled",
    async ({ targetHedgeRatio, tradeEth }) => {
      const { quoted, filledQuote, realizedImpactUsd } = await quoteAndFill(targetHedgeRatio, tradeEth);
      expect(quoted.withinKnownRange).toBe(true);
      expect(quoted.exchangedQuote).toBe(filledQuote);
      expect(realizedImpactUsd).toBeGreaterThan(0);
      expect(Math.abs(quoted.impactUsd - realizedImpactUsd)).toBeLessThan(1e-12);
    },
  );
});

/** Maker liquidity on [lowerTick, upperTick] of the market, through the real ClearingHouse. */
async function addMakerRange(lowerTick: number, upperTick: number, baseEth: number) {
  const d = devnet();
  const perp = d.manifest.contracts.perp;
  const hash = await d.walletFor("maker").writeContract({
    address: perp.clearingHouse,
    abi: perpArtifact("ClearingHouse").abi,
    functionName: "addLiquidity",
    args: [
      {
        baseToken: perp.baseToken,
        base: parseEther(String(baseEth)),
        quote: parseEther(String(baseEth * 3_000)),
        lowerTick,
        upperTick,
        minBase: 0n,
        minQuote: 0n,
        useTakerBalance: false,
        deadline: NO_DEADLINE,
      },
    ],
  });
  expect((await d.publicClient.waitForTransactionReceipt({ hash })).status).toBe("success");
}

/** The trader's taker trade through the ClearingHouse: what PositionChanged says it exchanged. */
async function traderFill(amountBase: bigint, isBaseToQuote: boolean) {
  const d = devnet();
  const perp = d.manifest.contracts.perp;
  const hash = await d.walletFor("trader").writeContract({
    address: perp.clearingHouse,
    abi: PERP_CLEARING_HOUSE_ABI,
    functionName: "openPosition",
    args: [
      {
        baseToken: perp.baseToken,
        isBaseToQuote,
        isExactInput: isBaseToQuote,
        amount: amountBase,
        oppositeAmountBound: 0n,
        deadline: NO_DEADLINE,
        sqrtPriceLimitX96: 0n,
        referralCode: zeroHash,
      },
    ],
  });
  const receipt = await d.publicClient.waitForTransactionReceipt({ hash });
  expect(receipt.status).toBe("success");
  const [changed] = parseEventLogs({
    abi: PERP_CLEARING_HOUSE_ABI,
    eventName: "PositionChanged",
    logs: receipt.logs,
  });
  if (changed === undefined) throw new Error("no PositionChanged in the trade's receipt");
  const size = changed.args.exchangedPositionSize;
  const notional = changed.args.exchangedPositionNotional;
  expect(size < 0n ? -size : size).toBe(amountBase);
  return notional < 0n ? -notional : notional;
}

describe("a perp trade across initialized ticks, against the ClearingHouse's fill", () => {
  // Two narrow maker ranges around the price (tick 80,032): initialized ticks at 79,860 and 79,920 below it, 80,100
  // and 80,160 above, each changing the liquidity a trade meets.
  it.each([
    { label: "sale of 1,000 ETH", isBaseToQuote: true, eth: "1000", crossed: 2 },
    { label: "purchase of 1,000 ETH", isBaseToQuote: false, eth: "1000", crossed: 2 },
    // Positive control: a trade that stays between the price's two nearest initialized ticks.
    { label: "sale of 2 ETH", isBaseToQuote: true, eth: "2", crossed: 0 },
  ])(
    "predicts the $label from the indexed ticks to the wei of the fill",
    async ({ isBaseToQuote, eth, crossed }) => {
      const d = devnet();
      await addMakerRange(79_920, 80_100, 100);
      await addMakerRange(79_860, 80_160, 100);
      const indexer = createBookIndexer(
        d.publicClient,
        bookSourcesFromConfig(devnetConfig(d.manifest), DEVNET_BOOK_ID),
      );
      const block = await d.publicClient.getBlockNumber({ cacheTime: 0 });
      const { snapshot } = await indexer.snapshotAt(block, MEMORY);
      const depth = snapshot.perp!.marketDepth;
      expect(depth.initializedTicks.map((t) => t.tick)).toEqual(
        expect.arrayContaining([79_860, 79_920, 80_100, 80_160]),
      );
      const amountBase = parseEther(eth);
      const quoted = perpTradeCost(depth, { amountBase, isBaseToQuote, feeBps: 10, toleranceBps: 100 });
      expect(quoted.withinKnownRange).toBe(true);
      expect(quoted.ticksCrossed).toBe(crossed);
      expect(await traderFill(amountBase, isBaseToQuote)).toBe(quoted.exchangedQuote);
    },
  );
});
