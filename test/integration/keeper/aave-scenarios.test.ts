import { type Address, erc20Abi, parseEventLogs } from "viem";
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { parseDocument } from "yaml";
import type { Keeper } from "../../../keeper/keeper.ts";
import {
  AAVE_V3_DATA_PROVIDER_ABI,
  AAVE_V3_ORACLE_ABI,
  AAVE_V3_POOL_ABI,
} from "../../../src/chain/abis/aave-v3-abi.ts";
import { UNISWAP_V3_POOL_ABI } from "../../../src/chain/abis/uniswap-v3-abi.ts";
import { renderDevnetConfig } from "../../../src/cli/config-templates.ts";
import { DEVNET_AAVE_HEALTH_FACTOR } from "../../../src/cli/devnet-aave-treasury-template.ts";
import { bookParamsFromConfig, bookSourcesFromConfig } from "../../../src/config/adapters.ts";
import { parseConfig } from "../../../src/config/load-config.ts";
import { liquidateUnhealthyAaveAccounts } from "../../../src/devnet/aave-liquidator.ts";
import { DEVNET_ACCOUNT_INDEXES, devnetAccount, devnetPrivateKey } from "../../../src/devnet/accounts.ts";
import { DEVNET_AAVE_BOOK_ID, DEVNET_BOOK_ID } from "../../../src/devnet/devnet-config.ts";
import {
  type DevnetKeeperSetup,
  deployedOf,
  setUpDevnetKeeper,
} from "../../../src/devnet/devnet-keeper-setup.ts";
import { scenarioSchema } from "../../../src/devnet/scenario.ts";
import { runScenario } from "../../../src/devnet/scenario-runner.ts";
import { openAaveBorrowShort } from "../../../src/devnet/starting-book-aave.ts";
import { evaluateBook } from "../../../src/engine/book-metrics.ts";
import { chooseHedgeLeg } from "../../../src/engine/leg-choice.ts";
import { chooseLegShift, legShiftCostUsd } from "../../../src/engine/leg-shift.ts";
import type { BookParams } from "../../../src/engine/params.ts";
import type { AaveAction, PerpAdjustPositionAction } from "../../../src/engine/plan.ts";
import { gasUsd } from "../../../src/engine/plan-assembly.ts";
import { createBookIndexer } from "../../../src/indexers/book-indexer.ts";
import { attributePeriod } from "../../../src/performance/attribution.ts";
import { performanceReport } from "../../../src/performance/performance-report.ts";
import { openHistoryStore } from "../../../src/store/open-history-store.ts";
import { readReportPeriod } from "../../../src/store/report-period.ts";
import { useDevnet } from "../../support/devnet.ts";
import { perpSize } from "../../support/devnet-plans.ts";
import {
  type FaultInjectingRpcProxy,
  startFaultInjectingRpcProxy,
} from "../../support/fault-injecting-rpc-proxy.ts";
import { isolatedRedis } from "../../support/redis-prefix.ts";
import { hireKeeperForRebalances } from "./hire-keeper.ts";
import { keeperTestParams, produceBlocks, testKeeper, waitFor } from "./keeper-harness.ts";

// The Aave treasury's book (spot WETH hedged by an Aave v3 borrow short alone) through eth-rally-aave, on real
// Aave v3 bytecode: with the keeper on, every block's health factor (read from the Pool at that block) stays above
// the configured floor; with the keeper off, the devnet liquidator liquidates it. One devnet for the file; each
// test reverts to the hired chain.
const devnet = useDevnet({ inProcess: true, aaveTreasury: true });
let setup: DevnetKeeperSetup;
/** The first treasury (LP + perp book), hired too: rate-spike hedges its book on two legs. */
let firstSetup: DevnetKeeperSetup;
let proxy: FaultInjectingRpcProxy;
let redis: ReturnType<typeof isolatedRedis> | undefined;
const keepers: Keeper[] = [];

const WAD = 10n ** 18n;
const FLOOR_WAD = BigInt(DEVNET_AAVE_HEALTH_FACTOR.floor * 1e6) * 10n ** 12n;

beforeAll(async () => {
  const d = devnet();
  setup = await setUpDevnetKeeper(d.client, d.manifest, { treasury: "aave", caps: { callsPerHour: 100 } });
  firstSetup = await hireKeeperForRebalances(d.client, d.manifest);
  proxy = await startFaultInjectingRpcProxy({ request: (args) => d.publicClient.request(args as never) });
}, 120_000);
afterAll(async () => {
  await proxy?.stop();
});
afterEach(async () => {
  await Promise.all(keepers.splice(0).map((k) => k.stop(2_000)));
  await redis?.cleanup();
  redis = undefined;
});

const aave = () => {
  const market = devnet().manifest.aave;
  if (!market) throw new Error("the devnet has no Aave market");
  return market;
};
const safe = (): Address => setup.scope.safe;

async function accountAt(blockNumber?: bigint) {
  const [collateralBase, debtBase, , , , healthFactorWad] = await devnet().publicClient.readContract({
    address: aave().pool,
    abi: AAVE_V3_POOL_ABI,
    functionName: "getUserAccountData",
    args: [safe()],
    ...(blockNumber === undefined ? {} : { blockNumber }),
  });
  return { collateralBase, debtBase, healthFactorWad };
}

async function balanceOf(token: Address, account: Address, blockNumber?: bigint): Promise<bigint> {
  return devnet().publicClient.readContract({
    address: token,
    abi: erc20Abi,
    functionName: "balanceOf",
    args: [account],
    ...(blockNumber === undefined ? {} : { blockNumber }),
  });
}

const wethDebt = (blockNumber?: bigint) =>
  balanceOf(aave().reserves.weth.variableDebtToken, safe(), blockNumber);
const usdcCollateral = (blockNumber?: bigint) => balanceOf(aave().reserves.usdc.aToken, safe(), blockNumber);

/** Waits until the keeper has evaluated `block` (or later) and has no evaluation or submission queued. */
const settledOn = (keeper: Keeper) => (block: bigint) =>
  waitFor(`the keeper settled on block ${block}`, async () => {
    const health = await keeper.health();
    const evaluated = health.books.every((b) => (b.lastEvaluation?.blockNumber ?? -1n) >= block);
    const busy = Object.entries(health.queues).some(
      ([name, q]) => /evaluate|submit/.test(name) && q.waiting + q.prioritized + q.active + q.delayed > 0,
    );
    return evaluated && !busy;
  });

/** The report over blocks [first, last] as `hedgekeeper report` reads it. */
async function reportOver(
  history: Awaited<ReturnType<typeof openHistoryStore>>,
  first: bigint,
  last: bigint,
) {
  return performanceReport(await periodOver(history, first, last));
}

/** The report's input over blocks [first, last]: its book points, as `hedgekeeper report` reads them. */
async function periodOver(
  history: Awaited<ReturnType<typeof openHistoryStore>>,
  first: bigint,
  last: bigint,
) {
  const d = devnet();
  const [startBlock, endBlock] = await Promise.all([
    d.publicClient.getBlock({ blockNumber: first }),
    d.publicClient.getBlock({ blockNumber: last }),
  ]);
  // The period in block time alone: the devnet's blocks run hours ahead of the keeper's clock (the bootstrap and
  // the scenario warp time), and the report puts plans in it by the block they were decided at, not by that clock.
  return readReportPeriod(history, {
    bookId: DEVNET_AAVE_BOOK_ID,
    fromSec: Number(startBlock.timestamp),
    toSec: Number(endBlock.timestamp),
  });
}

/** WETH the Safe sold to (−) or bought from (+) the Uniswap pools in a transaction: its WETH Transfers with them. */
function wethSwappedBySafe(logs: Parameters<typeof parseEventLogs>[0]["logs"]): number {
  const m = devnet().manifest;
  const pools = new Set(Object.values(m.pools).map((p) => p.address.toLowerCase()));
  let swapped = 0n;
  for (const log of parseEventLogs({ abi: erc20Abi, eventName: "Transfer", logs })) {
    if (log.address.toLowerCase() !== m.contracts.weth.toLowerCase()) continue;
    const [from, to] = [log.args.from.toLowerCase(), log.args.to.toLowerCase()];
    if (from === safe().toLowerCase() && pools.has(to)) swapped -= log.args.value;
    if (to === safe().toLowerCase() && pools.has(from)) swapped += log.args.value;
  }
  return Number(swapped) / 1e18;
}

describe("eth-rally-aave", () => {
  it("with the keeper on: it repays with the Safe's WETH in a handful of plans, and every block's health factor stays above the floor", async () => {
    const d = devnet();
    redis = isolatedRedis("keeper-aave-rally");
    // The history the report is read from (embedded PGlite, in memory).
    const history = await openHistoryStore({ dataDir: "memory://" });
    onTestFinished(() => history.close());
    const keeper = testKeeper({
      devnet: d,
      setup,
      rpcUrl: proxy.url,
      redisUrl: process.env.REDIS_URL!,
      prefix: redis.prefix,
      bookId: DEVNET_AAVE_BOOK_ID,
      history,
    });
    keepers.push(keeper);
    await keeper.start();
    const settled = settledOn(keeper);
    const firstBlock = await d.publicClient.getBlockNumber({ cacheTime: 0 });
    const before = await accountAt(firstBlock);
    const debtBefore = await wethDebt(firstBlock);
    const collateralBefore = await usdcCollateral(firstBlock);
    await settled(firstBlock);
    await d.runScenario("eth-rally-aave", {
      onBlock: async (block) => {
        await settled(block.blockNumber);
      },
    });
    const lastBlock = await d.publicClient.getBlockNumber({ cacheTime: 0 });

    // Every block of the rally, read from the Pool at that block.
    const healthFactors: bigint[] = [];
    for (let block = firstBlock; block <= lastBlock; block++) {
      healthFactors.push((await accountAt(block)).healthFactorWad);
    }
    const lowest = healthFactors.reduce((a, b) => (b < a ? b : a));
    expect(healthFactors.length).toBeGreaterThan(30);
    expect(lowest).toBeGreaterThanOrEqual(FLOOR_WAD);
    // The rally did press on it (1.204 at the start; unattended it ends near 0.93, see the next test), and the keeper
    // let it fall under the recalibration trigger before acting.
    expect(lowest).toBeLessThan(before.healthFactorWad);
    expect(lowest).toBeLessThan(1_150_000n * 10n ** 12n);

    const records = await keeper.plans.list();
    const mined = records.filter((r) => r.status === "mined");
    // The health factor band's hysteresis (aave-leg.ts): a routine restore to the target only once the health factor is
    // under halfway from floor to target (1.15), not on every round that nudges it under the target. 5 plans
    // measured (26 when every round under the target was restored), the lowest health factor 1.142.
    expect(records.length).toBeLessThanOrEqual(8);
    expect(mined.length).toBeGreaterThan(0);
    const kinds = new Set<string>();
    const regrowths: string[][] = [];
    for (const record of mined) {
      const plan = await keeper.plans.plan(record.planId);
      for (const action of plan?.actions ?? []) kinds.add(action.kind);
      if (plan?.reason.startsWith("hedge under on aave-v3-borrow"))
        regrowths.push(plan.actions.map((a) => a.kind));
    }
    // The Safe holds spot WETH: the keeper repays with it first (spot and debt fall together, the hedge ratio's
    // numerator and denominator alike), before supplying USDC (aave-plan.ts). That lowers the hedge ratio; once the
    // book is under its band the keeper grows the short back: held USDC supplied first (at the target health factor
    // the sale's proceeds alone leave no room), borrow WETH, sell it at the feeds' minimum (sized to the pool), supply.
    expect(kinds.has("aave.repay")).toBe(true);
    expect([...kinds].every((kind) => kind.startsWith("aave.") || kind === "swap.exactInputSingle")).toBe(
      true,
    );
    for (const regrowth of regrowths)
      expect(regrowth).toEqual(expect.arrayContaining(["aave.borrow", "swap.exactInputSingle"]));
    for (const record of mined) {
      const receipt = await d.publicClient.getTransactionReceipt({ hash: record.minedTxHash! });
      expect(receipt.status).toBe("success");
      expect(receipt.to?.toLowerCase()).toBe(setup.scope.roles.toLowerCase());
    }
    // What the report says of the run (`hedgekeeper report` reads the same period the same way): the repays, each a
    // mined routine recalibration of the Aave leg, no alert, no liquidation, and a health factor never under the floor.
    const report = await reportOver(history, firstBlock, lastBlock);
    expect(report.liquidations).toEqual([]);
    expect(report.attribution.total.liquidationBonusUsd).toBe(0);
    expect(report.aaveHealth?.samples).toBeGreaterThan(30);
    expect(report.aaveHealth?.floor).toBe(DEVNET_AAVE_HEALTH_FACTOR.floor);
    expect(report.aaveHealth?.minHealthFactor).toBeGreaterThanOrEqual(DEVNET_AAVE_HEALTH_FACTOR.floor);
    // Blocks evaluated while a plan was in flight leave no sample: the samples' lowest is at or above the chain's.
    expect(report.aaveHealth?.minHealthFactor).toBeGreaterThanOrEqual(Number(lowest) / 1e18 - 1e-12);
    expect(report.aaveHealth?.secondsUnderFloor).toBe(0);
    const reportedMined = report.plans.filter((p) => p.status === "mined");
    expect(reportedMined.length).toBe(mined.length);
    expect(reportedMined.some((p) => /^aave recalibration: health factor/.test(p.reason))).toBe(true);
    expect(
      reportedMined.every((p) =>
        /^(aave recalibration: health factor|hedge under on aave-v3-borrow)/.test(p.reason),
      ),
    ).toBe(true);
    expect(report.alerts).toEqual([]);

    // The keeper's own Aave trades in the attribution (issue 19): each regrowth's sale of borrowed WETH (its WETH
    // Transfer to the pool, read from the receipt) is a hedge trade counted at its block, a repay from held WETH or a
    // supply of held USDC none; and with them the book's value change is explained but for a small remainder.
    const period = await periodOver(history, firstBlock, lastBlock);
    let soldInAll = 0;
    for (const record of mined) {
      const receipt = await d.publicClient.getTransactionReceipt({ hash: record.minedTxHash! });
      const swapped = wethSwappedBySafe(receipt.logs);
      soldInAll += swapped;
      const before = period.points.filter((p) => p.blockNumber! < receipt.blockNumber).at(-1)!;
      const atOrAfter = period.points.find((p) => p.blockNumber! >= receipt.blockNumber)!;
      expect(atOrAfter.hedgeTradedBase - before.hedgeTradedBase, record.planId).toBeCloseTo(swapped, 9);
    }
    expect(regrowths.length === 0 || soldInAll < 0).toBe(true);
    expect(period.points.at(-1)!.hedgeTradedBase).toBeCloseTo(soldInAll, 9);
    const attribution = report.attribution;
    // Measured before the lending short's carry was attributed: −$0.39 of a $133,207 gross P&L (0.0003%; the debt's
    // interest, and the first-order error of marking a step at its start); with it, $0.0004 of $133,191. Without
    // the regrowth's sale as a trade, its 3.26 WETH (~$10,000) would be in the remainder. The bound: 0.1%.
    expect(attribution.unexplainedShareOfGross).toBeLessThan(0.001);
    expect(attribution.grossPnlUsd).toBeGreaterThan(100);

    // The swaps' pool fee in the report (migration 10): each plan's sales of WETH (its WETH Transfers to the pool, from
    // the receipt) × the pool's fee tier (read from the pool) × the WETH price the plan was quoted at. A repay from
    // held WETH pays none.
    let swapFeesUsd = 0;
    for (const record of mined) {
      const receipt = await d.publicClient.getTransactionReceipt({ hash: record.minedTxHash! });
      const plan = await keeper.plans.plan(record.planId);
      const swapQuote = plan?.quote.legs.find((leg) => leg.kind === "swap");
      const sold = -wethSwappedBySafe(receipt.logs);
      if (swapQuote === undefined || swapQuote.kind !== "swap" || sold <= 0) continue;
      const feeTier = await d.publicClient.readContract({
        address: swapQuote.pool,
        abi: UNISWAP_V3_POOL_ABI,
        functionName: "fee",
      });
      swapFeesUsd += sold * (feeTier / 1_000_000) * swapQuote.tokenInPriceUsd;
    }
    expect(attribution.total.venueFeesUsd).toBeCloseTo(swapFeesUsd, 6);
    expect(regrowths.length === 0 || attribution.total.venueFeesUsd > 0).toBe(true);

    // A month on the hedged book (issue 19's carry): 30 days pass in one block, the feeds post their heartbeat. The
    // debt grows by its interest alone (no plan in between), and so does the USDC collateral; the report's carry over
    // that span is the USDC aToken balance's growth × the Aave oracle's USDC price less the WETH debt's growth (net of
    // any supplied WETH's) × its WETH price, each read from Aave (getUserReserveData) at the span's two samples.
    // Tolerance: the report's indexes are doubles (≈1e-16 relative each), the chain's balances round to a wei (a
    // micro-USDC) per rayMul: far below 1e-6 of a month's interest.
    await runScenario(
      d.client,
      d.manifest,
      scenarioSchema.parse({
        name: "a-month-later",
        description: "30 days pass; every feed posts its answer, USDC's 20 bps under the peg.",
        steps: [
          {
            kind: "time.advance",
            seconds: 30 * 86_400,
            refreshFeeds: ["ethUsd", "usdcUsd", "daiUsd", "usdtUsd"],
          },
          // Under the de-peg watch tier (25 bps): no de-peg plan, but the collateral's interest must be valued at the
          // AaveOracle's $0.998 (its Chainlink USDC/USD), not at $1: 20 bps is 2,000 times the test's tolerance.
          { kind: "feed.set", feed: "usdcUsd", answer: 0.998, label: "USDC/USD 20 bps under the peg" },
        ],
      }),
    );
    const monthLater = await d.publicClient.getBlockNumber({ cacheTime: 0 });
    await settled(monthLater);
    const month = await periodOver(history, lastBlock, monthLater);
    const opening = month.points[0]!;
    const closing = month.points.at(-1)!;
    expect(closing.blockNumber).toBe(monthLater);
    expect(closing.timestampSec - opening.timestampSec).toBeGreaterThanOrEqual(30 * 86_400);
    expect(closing.hedgeTradedBase).toBe(opening.hedgeTradedBase);
    const position = async (asset: Address, blockNumber: bigint, decimals: number) => {
      const [supplied, , owed] = await d.publicClient.readContract({
        address: aave().protocolDataProvider,
        abi: AAVE_V3_DATA_PROVIDER_ABI,
        functionName: "getUserReserveData",
        args: [asset, safe()],
        blockNumber,
      });
      return Number(supplied - owed) / 10 ** decimals;
    };
    const oraclePriceUsd = async (asset: Address) =>
      Number(
        await d.publicClient.readContract({
          address: aave().oracle,
          abi: AAVE_V3_ORACLE_ABI,
          functionName: "getAssetPrice",
          args: [asset],
          blockNumber: monthLater,
        }),
      ) / 1e8;
    const growth = async (asset: Address, decimals: number) =>
      ((await position(asset, closing.blockNumber!, decimals)) -
        (await position(asset, opening.blockNumber!, decimals))) *
      (await oraclePriceUsd(asset));
    const wethInterestUsd = await growth(d.manifest.contracts.weth, 18);
    const usdcInterestUsd = await growth(aave().reserves.usdc.asset, 6);
    expect(await oraclePriceUsd(aave().reserves.usdc.asset)).toBe(0.998);
    const interestUsd = wethInterestUsd + usdcInterestUsd;
    // The attribution alone: the report's rolling statistics need more than the span's two samples.
    const monthAttribution = attributePeriod(month.points);
    const reportedCollateralUsd = closing.collateralInterestUsd! - opening.collateralInterestUsd!;
    console.info(
      `a month of the Aave short: carry ${monthAttribution.total.carryUsd} USD (of it collateral ` +
        `${reportedCollateralUsd}); chain: WETH ${wethInterestUsd}, USDC ${usdcInterestUsd}; unexplained ` +
        `${monthAttribution.total.unexplainedUsd} of gross ${monthAttribution.grossPnlUsd}`,
    );
    // Measured: carry −$77.5944989739 against the chain's −$77.5944988350: the debt of ~46 WETH −$281.972463754964
    // over 30 days (the report's WETH part 2.7e-11 from it), ~271,000 USDC +$204.377964919990 at $0.998 (the report's
    // +$204.377964781065, 1.4e-7 apart: the aToken balance is whole micro-USDC; at $1 it would be $0.41 more),
    // unexplained $2.1e-11. Before the collateral's interest was counted the carry was the WETH part alone. The
    // rally's one regrowth paid $5.68 of pool fee.
    expect(wethInterestUsd).toBeLessThan(-1);
    // Positive control: the USDC collateral earns interest that matters against the debt's (the reserve is 50% used).
    expect(usdcInterestUsd).toBeGreaterThan(Math.abs(wethInterestUsd) * 0.1);
    expect(Math.abs(reportedCollateralUsd - usdcInterestUsd)).toBeLessThan(usdcInterestUsd * 1e-6);
    expect(Math.abs(monthAttribution.total.carryUsd - interestUsd)).toBeLessThan(
      (Math.abs(wethInterestUsd) + usdcInterestUsd) * 1e-6,
    );
    expect(closing.collateralInterestUnknownSteps).toBe(opening.collateralInterestUnknownSteps);
    expect(monthAttribution.unexplainedShareOfGross).toBeLessThan(0.001);

    const debtAfter = await wethDebt(lastBlock);
    const collateralAfter = await usdcCollateral(lastBlock);
    // ~60 → ~46 WETH owed; the collateral never withdrawn (it grows by its interest alone).
    expect(debtAfter).toBeLessThan((debtBefore * 85n) / 100n);
    expect(collateralAfter).toBeGreaterThanOrEqual(collateralBefore);
  }, 240_000);

  it("with the keeper off: the devnet liquidator liquidates the book once its health factor falls under 1, and the report lists it as the chain's LiquidationCall has it", async () => {
    const d = devnet();
    // The keeper watching in shadow mode (it decides, records and pages; it sends nothing), with the history the
    // report reads.
    redis = isolatedRedis("keeper-aave-rally-off");
    const history = await openHistoryStore({ dataDir: "memory://" });
    onTestFinished(() => history.close());
    const keeper = testKeeper({
      devnet: d,
      setup,
      rpcUrl: proxy.url,
      redisUrl: process.env.REDIS_URL!,
      prefix: redis.prefix,
      bookId: DEVNET_AAVE_BOOK_ID,
      history,
      mode: "shadow",
    });
    keepers.push(keeper);
    await keeper.start();
    const settled = settledOn(keeper);
    const market = {
      pool: aave().pool,
      protocolDataProvider: aave().protocolDataProvider,
      oracle: aave().oracle,
      assets: Object.values(aave().reserves).map((r) => r.asset),
    };
    const liquidator = d.manifest.accounts.maker.address;
    const firstBlock = await d.publicClient.getBlockNumber({ cacheTime: 0 });
    const debtBefore = await wethDebt(firstBlock);
    const collateralBefore = await usdcCollateral(firstBlock);
    const liquidations: Awaited<ReturnType<typeof liquidateUnhealthyAaveAccounts>> = [];
    await settled(firstBlock);
    await d.runScenario("eth-rally-aave", {
      onBlock: async (block) => {
        await settled(block.blockNumber);
        const { healthFactorWad } = await accountAt(block.blockNumber);
        if (healthFactorWad >= WAD) return;
        // The liquidator's bot mines its own block right after the one that made the account liquidatable.
        await d.testClient.setAutomine(true);
        let found: typeof liquidations;
        try {
          found = await liquidateUnhealthyAaveAccounts(d.client, market, liquidator, [safe()]);
        } finally {
          await d.testClient.setAutomine(false);
        }
        liquidations.push(...found);
        // The keeper reads the liquidation's block before the scenario moves the price again.
        if (found.length > 0) await settled(await d.publicClient.getBlockNumber({ cacheTime: 0 }));
      },
    });
    const lastBlock = await d.publicClient.getBlockNumber({ cacheTime: 0 });
    await settled(lastBlock);
    expect(liquidations.length).toBeGreaterThan(0);
    const [first] = liquidations;
    const receipt = await d.publicClient.getTransactionReceipt({ hash: first!.txHash });
    const [event] = parseEventLogs({
      abi: AAVE_V3_POOL_ABI,
      eventName: "LiquidationCall",
      logs: receipt.logs,
    });
    expect(event?.args.user).toBe(safe());
    expect(first!.healthFactorBeforeWad).toBeLessThan(WAD);
    expect(await wethDebt()).toBeLessThan(debtBefore);
    expect(await usdcCollateral()).toBeLessThan(collateralBefore);

    // The report over the run lists every liquidation with the figures of its LiquidationCall, read here from the
    // receipts, and values them at the Aave oracle's prices of the liquidation's block.
    const report = await reportOver(history, firstBlock, lastBlock);
    expect(report.liquidations).toHaveLength(liquidations.length);
    let bonusUsd = 0;
    for (const [i, made] of liquidations.entries()) {
      const chainReceipt = await d.publicClient.getTransactionReceipt({ hash: made.txHash });
      const [logged] = parseEventLogs({
        abi: AAVE_V3_POOL_ABI,
        eventName: "LiquidationCall",
        logs: chainReceipt.logs,
      });
      const [collateralPrice, debtPrice] = await Promise.all(
        [logged!.args.collateralAsset, logged!.args.debtAsset].map((asset) =>
          d.publicClient.readContract({
            address: aave().oracle,
            abi: AAVE_V3_ORACLE_ABI,
            functionName: "getAssetPrice",
            args: [asset],
            blockNumber: chainReceipt.blockNumber,
          }),
        ),
      );
      const reported = report.liquidations[i]!;
      expect(reported.txHash).toBe(made.txHash);
      expect(reported.blockNumber).toBe(chainReceipt.blockNumber);
      expect(reported.liquidator.toLowerCase()).toBe(logged!.args.liquidator.toLowerCase());
      expect(reported.collateralSeized).toBe(logged!.args.liquidatedCollateralAmount);
      expect(reported.debtCovered).toBe(logged!.args.debtToCover);
      expect([reported.collateralSymbol, reported.debtSymbol]).toEqual(["USDC", "WETH"]);
      // USDC 6 decimals, WETH 18; the oracle's prices are USD × 1e8.
      const seizedUsd =
        (Number(logged!.args.liquidatedCollateralAmount) / 1e6) * (Number(collateralPrice) / 1e8);
      const coveredUsd = (Number(logged!.args.debtToCover) / 1e18) * (Number(debtPrice) / 1e8);
      expect(reported.collateralSeizedUsd).toBeCloseTo(seizedUsd, 6);
      expect(reported.debtCoveredUsd).toBeCloseTo(coveredUsd, 6);
      // What the Safe lost in collateral, from its aToken balance either side of the liquidation (one block's supply
      // interest, a fraction of a cent, apart): the liquidator's amount and Aave's protocol fee on the bonus.
      const lostUsd =
        Number(
          (await usdcCollateral(chainReceipt.blockNumber - 1n)) -
            (await usdcCollateral(chainReceipt.blockNumber)),
        ) / 1e6;
      expect(Math.abs(reported.collateralSeizedUsd + reported.protocolFeeUsd - lostUsd)).toBeLessThan(0.05);
      expect(reported.protocolFeeUsd).toBeGreaterThan(0);
      expect(reported.bonusUsd).toBeCloseTo(seizedUsd + reported.protocolFeeUsd - coveredUsd, 6);
      // The bonus is the collateral reserve's liquidation bonus on the debt covered (USDC's, aave-v3-reserves.ts).
      const [, , , liquidationBonusBps] = await d.publicClient.readContract({
        address: aave().protocolDataProvider,
        abi: AAVE_V3_DATA_PROVIDER_ABI,
        functionName: "getReserveConfigurationData",
        args: [logged!.args.collateralAsset],
      });
      expect(reported.bonusUsd / reported.debtCoveredUsd).toBeCloseTo(
        Number(liquidationBonusBps - 10_000n) / 1e4,
        4,
      );
      bonusUsd += reported.bonusUsd;
    }
    // The bonus is its own term of the attribution, and the health factor went under 1 (and the floor) on the way.
    expect(report.attribution.total.liquidationBonusUsd).toBeCloseTo(bonusUsd, 6);
    expect(report.aaveHealth?.minHealthFactor).toBeLessThan(1);
    expect(report.aaveHealth?.secondsUnderFloor).toBeGreaterThan(0);
    // Paged: one keeper event per liquidation (the alert router turns each into a critical alert).
    expect((await keeper.events.counters()).aave_liquidations).toBe(liquidations.length);
    // The keeper in shadow mode sent nothing.
    expect((await keeper.plans.list()).some((r) => r.status === "mined")).toBe(false);
  }, 240_000);
});

/** The devnet configuration with the first book hedged on two legs: its perp, and an Aave borrow short. */
function twoLegConfig(rpcUrl: string) {
  const manifest = devnet().manifest;
  const tree = parseDocument(
    renderDevnetConfig(manifest, {
      rpcUrl,
      ...deployedOf(firstSetup.scope),
      aaveTreasury: { hedgeGuard: setup.scope.hedgeGuard, hedgeBounds: setup.scope.bounds.hedgeBounds },
    }),
  ).toJS() as Record<string, any>;
  const book = tree.books[DEVNET_BOOK_ID];
  book.hedges = [
    book.hedge,
    {
      venue: "aave-v3-borrow",
      contracts: {
        pool: aave().pool,
        protocolDataProvider: aave().protocolDataProvider,
        oracle: aave().oracle,
      },
      collateral: "USDC",
      // The opening health factor (1.73) sits inside the band: no recalibration gets ahead of the hedge trade.
      healthFactor: { floor: 1.3, target: 1.5, ceiling: 3 },
      minLiquidationDistanceBps: 2000,
      swap: { fee: 500, maxSlippageBps: 30 },
      caps: { maxTradeUsd: 60_000, maxDebtUsd: 2_000_000, maxCollateralMoveUsd: 500_000 },
    },
  ];
  delete book.hedge;
  return parseConfig(JSON.stringify(tree), {
    source: "devnet configuration with a two-leg book",
    env: { HK_KEEPER_PRIVATE_KEY: devnetPrivateKey(DEVNET_ACCOUNT_INDEXES.keeper) },
  });
}

describe("rate-spike", () => {
  it("WETH utilisation at 95% makes the Aave short dearer than moving it costs: the keeper shifts the existing Aave debt onto the perp", async () => {
    const d = devnet();
    const m = d.manifest;
    await openAaveBorrowShort(d.client, {
      safe: firstSetup.scope.safe,
      signers: m.accounts.owners.slice(0, 2).map((owner) => devnetAccount(owner.index)),
      multiSendCallOnly: m.contracts.multiSendCallOnly,
      pool: aave().pool,
      usdc: m.contracts.usdc,
      weth: m.contracts.weth,
    });
    const configured = twoLegConfig(proxy.url);
    // The devnet book's policy as the keeper suites run it: the book's own perp slippage bound of 100 bps (the devnet
    // perp is thin: keeperTestParams caps a resize at $60k, as a larger one moves its price past that bound), so a perp resize is costed at 110 bps (fee + bound) and an Aave one at
    // 35 bps (swap fee + bound), plus gas. A shift is paid once and earns the carry gap for as long as it stays:
    // counted over 30 days, not the 1-day risk horizon.
    const params: BookParams = {
      ...keeperTestParams(d),
      aave: bookParamsFromConfig(configured, DEVNET_BOOK_ID).aave!,
      legShiftHorizonSec: 30 * 86_400,
    };
    const indexer = createBookIndexer(d.publicClient, bookSourcesFromConfig(configured, DEVNET_BOOK_ID));
    const shiftInput = (priceUsd: number) => ({
      priceUsd,
      horizonSec: params.legShiftHorizonSec!,
      gasUsdPerUnit: gasUsd(params, 1, priceUsd),
      gasBase: params.costs.gasBase,
      costMargin: params.costMargin,
      minTradeUsd: params.minTradeUsd,
    });
    const legsNow = async () => {
      const block = await d.publicClient.getBlockNumber({ cacheTime: 0 });
      const { snapshot } = await indexer.snapshotAt(block, {
        keeper: { hedgeTriggered: false, lastPlanAtSec: null },
        samples: [],
      });
      const metrics = evaluateBook(snapshot, params, snapshot.blockTimestampSec);
      const aaveLeg = metrics.hedgeLegs.find((leg) => leg.venue === "aave-v3-borrow")!;
      const gasUsdPerUnit = gasUsd(params, 1, metrics.basePriceUsd);
      // A 10 ETH growth of the short: which leg it goes to.
      const choice = chooseHedgeLeg(metrics.hedgeLegs, -10, {
        priceUsd: metrics.basePriceUsd,
        horizonSec: params.risk.horizonSec,
        gasUsdPerUnit,
      });
      const shift = chooseLegShift(metrics.hedgeLegs, shiftInput(metrics.basePriceUsd));
      const perpLeg = metrics.hedgeLegs.find((leg) => leg.venue === "perp-v2")!;
      return {
        aaveLeg,
        perpLeg,
        choice,
        shift,
        driftBps: metrics.drift.driftBps,
        price: metrics.basePriceUsd,
      };
    };
    const before = await legsNow();
    const worthShifting = (legs: typeof before, base: number) =>
      base * legs.price * legs.aaveLeg.shortCarryApr * (30 / 365) >
      legShiftCostUsd(legs.aaveLeg, legs.perpLeg, base, shiftInput(legs.price)) * params.costMargin;
    // Before the spike the Aave short's own carry (~1%/year) is no reason to move it: 20 WETH of it over 30 days
    // saves ~$50 against ~$950 × 1.5 of moving.
    expect(worthShifting(before, 20)).toBe(false);

    const report = await d.runScenario("rate-spike");
    const [utilisation, borrowRate] = report.steps[0]!.moved;
    expect(utilisation!.after).toBeGreaterThanOrEqual(0.949);
    const after = await legsNow();
    // The carry jumps with the rate (the second slope): growth goes to the perp, and the debt already there pays
    // more over 30 days than moving it costs.
    expect(after.aaveLeg.shortCarryApr).toBeGreaterThan(before.aaveLeg.shortCarryApr + 0.3);
    expect(borrowRate!.after).toBeGreaterThan(borrowRate!.before * 5);
    expect(after.choice?.venue).toBe("perp-v2");
    expect(after.shift.shift).toMatchObject({ from: "aave-v3-borrow", to: "perp-v2" });
    // The 10% fall leaves the total hedge inside the book's band: what the keeper does is the shift, not a trade.
    expect(Math.abs(after.driftBps)).toBeLessThan(params.armBps);
    // The perp's funding moves with its mark's premium over the index (the fall opens one): the Aave carry alone,
    // perp funding taken as zero, pays for the shift: ~$60k × 0.62 × 30/365 ≈ $3,000 saved against ~$940 × 1.5.
    expect(worthShifting(after, after.shift.shift!.base)).toBe(true);

    redis = isolatedRedis("keeper-aave-rate-spike");
    const keeper = testKeeper({
      devnet: d,
      setup: firstSetup,
      rpcUrl: proxy.url,
      redisUrl: process.env.REDIS_URL!,
      prefix: redis.prefix,
      configured,
      params,
    });
    keepers.push(keeper);
    await keeper.start();
    const blocks = produceBlocks(d);
    onTestFinished(() => blocks.stop());
    const record = await waitFor("a mined plan", async () =>
      (await keeper.plans.list()).find((r) => r.status === "mined"),
    );
    blocks.stop();
    const plan = await keeper.plans.plan(record.planId);
    expect(plan?.reason).toMatch(/^hedge shift aave-v3-borrow → perp-v2/);
    const kinds = plan?.actions.map((a) => a.kind) ?? [];
    expect(kinds.slice(-2)).toEqual(["aave.repay", "perp.adjustPosition"]);
    const repay = plan!.actions.find((a) => a.kind === "aave.repay") as AaveAction;
    const resize = plan!.actions.find((a) => a.kind === "perp.adjustPosition") as PerpAdjustPositionAction;
    expect(resize.isBaseToQuote).toBe(true);
    expect(resize.amountBase).toBe(repay.amount);
    // Mined: the ClearingHouse filled the sale within the plan's bound, 100 bps under the ETH/USD feed's answer.

    // Read from the chain around the plan's own block: the debt falls and the perp short grows by the same base.
    const { blockNumber } = await d.publicClient.getTransactionReceipt({ hash: record.minedTxHash! });
    const debtBefore = await balanceOf(
      aave().reserves.weth.variableDebtToken,
      firstSetup.scope.safe,
      blockNumber - 1n,
    );
    const debtAfter = await balanceOf(
      aave().reserves.weth.variableDebtToken,
      firstSetup.scope.safe,
      blockNumber,
    );
    const perpBefore = await perpSize(d, firstSetup, blockNumber - 1n);
    const perpAfter = await perpSize(d, firstSetup, blockNumber);
    const debtFell = debtBefore - debtAfter;
    const shortGrew = perpBefore - perpAfter;
    expect(debtFell).toBeGreaterThan(10n ** 18n);
    expect(shortGrew).toBe(resize.amountBase);
    // The debt falls by the repay less one block's interest at the spiked rate (well under 0.001 WETH).
    const diff = shortGrew - debtFell;
    expect(diff >= 0n && diff < 10n ** 15n).toBe(true);
  }, 180_000);
});
