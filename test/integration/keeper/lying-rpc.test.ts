import { type Address, parseAbi, parseTransaction } from "viem";
import { describe, expect, it, onTestFinished } from "vitest";
import type { Keeper } from "../../../keeper/keeper.ts";
import type { Devnet } from "../../../src/devnet/index.ts";
import { oraclePerpQuoteBound, oracleSwapMinOut } from "../../../src/engine/oracle-bounds.ts";
import { type VenueBound, venueBoundsOf } from "../../support/keeper-calldata.ts";
import { lyingPrices } from "../../support/lying-price-rpc.ts";
import { BOOK_ID, produceBlocks, settleStep, waitFor } from "./keeper-harness.ts";
import { useKeeperTestbed } from "./keeper-testbed.ts";

// A lying RPC can delay the keeper, never steer it: the node in front of the keeper rewrites the answers that
// read the perp's index price and a pool's slot0 (inside the indexer's Multicall3 batches). Whatever the keeper
// then sends carries slippage bounds within the configured slippage of the real Chainlink answer, read from
// the chain itself; the honest node is the positive control.
const bed = useKeeperTestbed("keeper-lying-rpc");
const { devnet, keeperFor, keeperNonce } = bed;

const FEED_ABI = parseAbi([
  "function latestRoundData() view returns (uint80, int256, uint256, uint256, uint80)",
]);
/** keeperTestParams: perp trades within 1% of the feed; de-peg swaps (the devnet book's maxSlippageBps) within 0.5%. */
const PERP_SLIPPAGE_BPS = 100n;
const SWAP_SLIPPAGE_BPS = 50n;

/** A feed's answer at a block, from the node itself (not through the proxy). */
async function feedAt(d: Devnet, feed: Address, blockNumber: bigint): Promise<bigint> {
  const [, answer] = await d.publicClient.readContract({
    address: feed,
    abi: FEED_ABI,
    functionName: "latestRoundData",
    blockNumber,
  });
  return answer;
}

/**
 * Every transaction the keeper signed, read from the signed bytes it recorded, with its plan's block; and a
 * check that the chain saw no other transaction from the keeper.
 */
async function sentByKeeper(keeper: Keeper, nonceBefore: number) {
  const records = await keeper.plans.list();
  const sent: { planBlock: bigint; bounds: VenueBound[] }[] = [];
  for (const record of records) {
    for (const tx of record.txs) {
      if (tx.kind === "cancel") continue;
      sent.push({ planBlock: record.blockNumber, bounds: venueBoundsOf(parseTransaction(tx.raw).data!) });
    }
  }
  const mined = records.filter((r) => r.minedTxHash !== undefined).length;
  expect((await keeperNonce()) - nonceBefore).toBe(mined);
  return sent;
}

/** The perp bound is on the treasury's side of the feed's notional ∓ the configured slippage. */
function perpWithinSlippage(bound: Extract<VenueBound, { kind: "perp" }>, answer: bigint): boolean {
  const den = 10n ** 8n * 10_000n;
  return bound.isBaseToQuote
    ? bound.oppositeAmountBound * den >= bound.amountBase * answer * (10_000n - PERP_SLIPPAGE_BPS)
    : bound.oppositeAmountBound * den <= bound.amountBase * answer * (10_000n + PERP_SLIPPAGE_BPS);
}

/** A swap's minimum is at least its input valued at the two feeds, less the configured slippage. */
async function swapWithinSlippage(
  d: Devnet,
  bound: Extract<VenueBound, { kind: "swap" }>,
  planBlock: bigint,
): Promise<boolean> {
  const { contracts: c, feeds: f } = d.manifest;
  const tokens = new Map([
    [c.usdc.toLowerCase(), { feed: f.usdcUsd, decimals: 6n }],
    [c.usdt.toLowerCase(), { feed: f.usdtUsd, decimals: 6n }],
    [c.dai.toLowerCase(), { feed: f.daiUsd, decimals: 18n }],
  ]);
  const tokenIn = tokens.get(bound.tokenIn.toLowerCase())!;
  const tokenOut = tokens.get(bound.tokenOut.toLowerCase())!;
  const pIn = await feedAt(d, tokenIn.feed.address, planBlock);
  const pOut = await feedAt(d, tokenOut.feed.address, planBlock);
  const scale = (decimals: bigint, feedDecimals: number) => 10n ** (decimals + BigInt(feedDecimals));
  return (
    bound.amountOutMinimum * pOut * scale(tokenIn.decimals, tokenIn.feed.decimals) * 10_000n >=
    bound.amountIn * pIn * scale(tokenOut.decimals, tokenOut.feed.decimals) * (10_000n - SWAP_SLIPPAGE_BPS)
  );
}

/**
 * Run usdc-depeg-2023 with the keeper up: after each step (automine is off while a scenario runs), blocks are
 * mined until the keeper has evaluated the step's block and settled what it decided there.
 */
async function depegWithKeeper(keeper: Keeper): Promise<void> {
  const d = devnet();
  await keeper.start();
  await d.runScenario("usdc-depeg-2023", {
    onStep: async () => {
      await settleStep(d, keeper, { timeoutMs: 15_000 });
    },
  });
}

/** Run eth-rally with the keeper up until it has settled `plans` plans (or `timeoutMs` passed). */
async function rallyAndRebalance(keeper: Keeper, plans: number, timeoutMs: number): Promise<void> {
  await devnet().runScenario("eth-rally");
  await keeper.start();
  const blocks = produceBlocks(devnet());
  onTestFinished(() => blocks.stop());
  await waitFor(
    `${plans} settled plans`,
    async () => {
      const records = await keeper.plans.list();
      const settled = records.filter((r) => r.status !== "planned" && r.status !== "submitted");
      return settled.length >= plans && (await keeper.plans.inFlight(BOOK_ID)) === null;
    },
    timeoutMs,
    100,
  ).catch(() => undefined);
  blocks.stop();
  await waitFor("nothing in flight", async () => (await keeper.plans.inFlight(BOOK_ID)) === null, 10_000);
}

describe("a lying RPC", () => {
  it("positive control: through an honest node the keeper rebalances with the feed's bound, exactly", async () => {
    const d = devnet();
    const nonceBefore = await keeperNonce();
    const keeper = keeperFor();
    await rallyAndRebalance(keeper, 1, 30_000);
    const sent = await sentByKeeper(keeper, nonceBefore);
    const trades = sent.flatMap((s) => s.bounds.map((b) => ({ ...s, bound: b })));
    expect(trades.length).toBeGreaterThanOrEqual(1);
    for (const { planBlock, bound } of trades) {
      if (bound.kind !== "perp") throw new Error(`unexpected ${bound.kind} in a rally`);
      const answer = await feedAt(d, d.manifest.feeds.ethUsd.address, planBlock);
      expect(bound.oppositeAmountBound).toBe(
        oraclePerpQuoteBound({
          amountBase: bound.amountBase,
          isBaseToQuote: bound.isBaseToQuote,
          price: { answer, decimals: 8 },
          slippageBps: PERP_SLIPPAGE_BPS,
        }),
      );
      expect(perpWithinSlippage(bound, answer)).toBe(true);
    }
    expect((await keeper.plans.list()).some((r) => r.status === "mined")).toBe(true);
  });

  it("that reports the perp index 25% high (in the indexer's Multicall3 batches) moves no perp bound off the feed", async () => {
    const d = devnet();
    const lie = lyingPrices({
      indexPrices: [{ baseToken: d.manifest.contracts.perp.baseToken, factor: 1.25 }],
    });
    bed.proxy.setFaults({ rewriteResult: lie.rewrite });
    const nonceBefore = await keeperNonce();
    const keeper = keeperFor();
    await rallyAndRebalance(keeper, 1, 30_000);
    // The lie reached the keeper: through Multicall3, and into what its engine read.
    expect(lie.counts.insideMulticall).toBeGreaterThan(0);
    const [sample] = await keeper.ctx.samples.recent(BOOK_ID, { limit: 1, uptoBlock: 1n << 62n });
    expect(sample!.perpIndexPriceUsd / sample!.basePriceUsd).toBeCloseTo(1.25, 2);
    const sent = await sentByKeeper(keeper, nonceBefore);
    for (const { planBlock, bounds } of sent) {
      const answer = await feedAt(d, d.manifest.feeds.ethUsd.address, planBlock);
      for (const bound of bounds) {
        if (bound.kind !== "perp") throw new Error(`unexpected ${bound.kind} in a rally`);
        expect(perpWithinSlippage(bound, answer)).toBe(true);
      }
    }
  });

  it("positive control: through an honest node the de-peg swap goes, its minimum at the feeds' value less slippage", async () => {
    const d = devnet();
    const nonceBefore = await keeperNonce();
    const keeper = keeperFor();
    await depegWithKeeper(keeper);
    const swaps = (await sentByKeeper(keeper, nonceBefore)).flatMap((s) =>
      s.bounds.filter((b) => b.kind === "swap").map((bound) => ({ planBlock: s.planBlock, bound })),
    );
    expect(swaps.length).toBeGreaterThanOrEqual(1);
    const { contracts: c, feeds: f } = d.manifest;
    for (const { planBlock, bound } of swaps) {
      expect([bound.tokenIn.toLowerCase(), bound.tokenOut.toLowerCase()]).toEqual([
        c.usdc.toLowerCase(),
        c.usdt.toLowerCase(),
      ]);
      // The pool sits at the feed and charges its fee: its quote less slippage is below the feeds' minimum,
      // which is the bound, exactly.
      const feedsMinimum = oracleSwapMinOut({
        amountIn: bound.amountIn,
        tokenInDecimals: 6,
        tokenOutDecimals: 6,
        priceIn: { answer: await feedAt(d, f.usdcUsd.address, planBlock), decimals: 8 },
        priceOut: { answer: await feedAt(d, f.usdtUsd.address, planBlock), decimals: 8 },
        slippageBps: SWAP_SLIPPAGE_BPS,
      });
      expect(bound.amountOutMinimum).toBe(feedsMinimum);
      expect(await swapWithinSlippage(d, bound, planBlock)).toBe(true);
    }
    const urgent = (await keeper.plans.list()).filter((r) => r.lane === "urgent");
    expect(urgent.some((r) => r.status === "mined")).toBe(true);
  });

  it("that reports the USDC/USDT pool 0.4% below the chain (in Multicall3 batches) moves no swap minimum off the feeds", async () => {
    const d = devnet();
    const pool = d.manifest.pools.usdcUsdt100;
    // USDC a little cheaper than the chain says: small enough that USDT still looks healthy to the de-peg tiers.
    const usdcIsToken0 = pool.token0.toLowerCase() === d.manifest.contracts.usdc.toLowerCase();
    const lie = lyingPrices({
      pools: [{ address: pool.address, priceFactor: usdcIsToken0 ? 0.996 : 1 / 0.996 }],
    });
    bed.proxy.setFaults({ rewriteResult: lie.rewrite });
    let lowestPoolUsdc = Number.POSITIVE_INFINITY;
    const nonceBefore = await keeperNonce();
    const keeper = keeperFor({
      hooks: {
        onEvaluation: async ({ metrics }) => {
          const usdc = metrics.depeg.find((r) => r.symbol === "USDC");
          for (const source of usdc?.sources ?? [])
            if (source.ref.toLowerCase() === pool.address.toLowerCase())
              lowestPoolUsdc = Math.min(lowestPoolUsdc, source.priceUsd);
        },
      },
    });
    await depegWithKeeper(keeper);
    // The lie reached the keeper's engine: the pool source priced USDC below the low the chain printed (0.8774).
    expect(lie.counts.insideMulticall).toBeGreaterThan(0);
    expect(lowestPoolUsdc).toBeLessThan(0.8774 * 0.997);
    for (const { planBlock, bounds } of await sentByKeeper(keeper, nonceBefore)) {
      for (const bound of bounds) {
        if (bound.kind === "swap") expect(await swapWithinSlippage(d, bound, planBlock)).toBe(true);
      }
    }
  });
});
