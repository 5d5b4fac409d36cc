import { type Address, encodeFunctionData, erc20Abi, type Hash, pad, parseAbi, toHex } from "viem";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import type { Keeper } from "../../../keeper/keeper.ts";
import { AAVE_V3_POOL_ABI } from "../../../src/chain/abis/aave-v3-abi.ts";
import { AGGREGATOR_V3_ABI } from "../../../src/chain/abis/chainlink-abi.ts";
import {
  PERP_ACCOUNT_BALANCE_ABI,
  PERP_EXCHANGE_ABI,
  PERP_FUNDING_SETTLED_ABI,
  PERP_VAULT_ABI,
} from "../../../src/chain/abis/perp-v2-abi.ts";
import { POSITION_MANAGER_ABI, UNISWAP_V3_POOL_ABI } from "../../../src/chain/abis/uniswap-v3-abi.ts";
import { STATE_VIEW_ABI, V4_POSITION_MANAGER_ABI } from "../../../src/chain/abis/uniswap-v4-abi.ts";
import { encodeModifyLiquidities } from "../../../src/chain/uniswap-v4-actions.ts";
import { DEVNET_ACCOUNT_INDEXES, devnetAccount } from "../../../src/devnet/accounts.ts";
import { swapV4PoolTo, v4PoolOfManifest } from "../../../src/devnet/pools-v4.ts";
import { writeDevnetContract } from "../../../src/devnet/transactions.ts";
import { execSafeTransaction } from "../../../src/devnet/treasury-transaction.ts";
import { aaveSwapQuotes } from "../../../src/engine/aave-swap-quotes.ts";
import type { Plan } from "../../../src/engine/plan.ts";
import type { V3PoolSnapshot } from "../../../src/engine/snapshot.ts";
import { readAaveAccount } from "../../../src/indexers/aave-v3-reads.ts";
import { decodePositionInfo } from "../../../src/indexers/uniswap-v4-reads.ts";
import { attributeStep } from "../../../src/performance/attribution.ts";
import type { HistoryStore } from "../../../src/store/history-store.ts";
import { openHistoryStore } from "../../../src/store/open-history-store.ts";
import { readReportPeriod } from "../../../src/store/report-period.ts";
import { aaveAction, aavePlan, shortMorePlan, usdcToUsdtPlan, wethSale } from "../../support/devnet-plans.ts";
import { poolManagerPayouts } from "../../support/pool-manager-payouts.ts";
import {
  ownersDepositPerpCollateral,
  ownersSettleFunding,
  ownersWithdrawQuarterOfV3Position,
  SETTLE_ALL_FUNDING_ABI,
  safeOwners,
} from "../../support/safe-owner-transactions.ts";
import { BOOK_ID, keeperAddress, waitFor } from "./keeper-harness.ts";
import { useKeeperTestbed } from "./keeper-testbed.ts";

// Realized execution cost on the devnet: the keeper mines a perp rebalance and a de-peg swap through the real Perp
// v2 and Uniswap v3 bytecode, and what it records (realized price, venue fees, gas) equals what the chain's own
// state says happened: the Perp AccountBalance's position and open notional, the Safe's token balances and the
// keeper's ether, read at the block before and the block of the transaction.
const bed = useKeeperTestbed("keeper-realized-cost");
const { devnet } = bed;

const MARKET_REGISTRY_ABI = parseAbi(["function getFeeRatio(address baseToken) view returns (uint24)"]);

let history: HistoryStore;
beforeAll(async () => {
  history = await openHistoryStore({ dataDir: "memory://" });
});
afterAll(async () => {
  await history?.close();
});

/** Runs one plan through a keeper (execute mode, recording into the history) until its transaction is final. */
async function mine(plan: Plan) {
  const keeper = bed.keeperFor({ history, role: "worker" });
  await bed.queuePlan(keeper, plan);
  await keeper.start();
  const record = await waitFor("the plan mined", async () => {
    const r = await keeper.plans.record(plan.planId);
    return r?.status === "mined" ? r : undefined;
  });
  const receipt = await devnet().publicClient.getTransactionReceipt({ hash: record.minedTxHash! });
  // By plan id: the testbed reverts the chain between tests, so an earlier test's execution can share this one's
  // block number and timestamp, and the newest-first order alone cannot tell them apart.
  const execution = (await history.executions({ bookId: plan.bookId, limit: 100 })).find(
    (e) => e.planId === plan.planId,
  );
  if (execution === undefined) throw new Error(`no execution recorded for plan ${plan.planId}`);
  return { receipt, execution };
}

/** The keeper's ether spent in the block: what its account paid for gas, read from balances, not the receipt. */
async function keeperGasWei(block: bigint): Promise<bigint> {
  const d = devnet();
  const before = await d.publicClient.getBalance({ address: keeperAddress(), blockNumber: block - 1n });
  const after = await d.publicClient.getBalance({ address: keeperAddress(), blockNumber: block });
  return before - after;
}

/** The Safe's balance of an ERC-20, in the token's units, at a block (the head without one). */
function safeTokenBalance(token: Address, blockNumber?: bigint): Promise<bigint> {
  return devnet().publicClient.readContract({
    address: token,
    abi: erc20Abi,
    functionName: "balanceOf",
    args: [bed.setup.scope.safe],
    ...(blockNumber === undefined ? {} : { blockNumber }),
  });
}

/** The Safe's collateral in the Perp v2 Vault (USDC, 6 decimals) at a block, in USD. */
async function perpVaultBalanceUsd(blockNumber: bigint): Promise<number> {
  const d = devnet();
  const balance = await d.publicClient.readContract({
    address: d.manifest.contracts.perp.vault,
    abi: PERP_VAULT_ABI,
    functionName: "getBalance",
    args: [bed.setup.scope.safe],
    blockNumber,
  });
  return Number(balance) / 1e6;
}

/** `units` of WETH, USDC or USDT in USD at its Chainlink feed's answer at a block. */
async function usdAtFeed(token: Address, units: bigint, blockNumber: bigint): Promise<number> {
  const d = devnet();
  const { weth, usdc, usdt } = d.manifest.contracts;
  const { ethUsd, usdcUsd, usdtUsd } = d.manifest.feeds;
  const priced = [
    { token: weth, decimals: 18, feed: ethUsd.address },
    { token: usdc, decimals: 6, feed: usdcUsd.address },
    { token: usdt, decimals: 6, feed: usdtUsd.address },
  ].find((t) => t.token.toLowerCase() === token.toLowerCase());
  if (priced === undefined) throw new Error(`no devnet feed prices token ${token}`);
  const [, answer] = await d.publicClient.readContract({
    address: priced.feed,
    abi: AGGREGATOR_V3_ABI,
    functionName: "latestRoundData",
    blockNumber,
  });
  const feedDecimals = await d.publicClient.readContract({
    address: priced.feed,
    abi: AGGREGATOR_V3_ABI,
    functionName: "decimals",
  });
  return (Number(units) / 10 ** priced.decimals) * (Number(answer) / 10 ** feedDecimals);
}

/**
 * The owners take a quarter of a v4 position's liquidity out to the Safe through the v4 PositionManager
 * (DECREASE_LIQUIDITY + TAKE_PAIR). Returns the position's liquidity as it stood before.
 */
async function ownersWithdrawQuarterOfV4Position(
  tokenId: bigint,
  pool: { currency0: Address; currency1: Address },
): Promise<{ txHash: Hash; liquidity: bigint }> {
  const d = devnet();
  const positionManager = d.manifest.uniswapV4!.positionManager;
  const safe = bed.setup.scope.safe;
  const liquidity = await d.publicClient.readContract({
    address: positionManager,
    abi: V4_POSITION_MANAGER_ABI,
    functionName: "getPositionLiquidity",
    args: [tokenId],
  });
  const decreaseAndTake = encodeModifyLiquidities(
    [
      { action: "DECREASE_LIQUIDITY", tokenId, liquidity: liquidity / 4n, amount0Min: 0n, amount1Min: 0n },
      { action: "TAKE_PAIR", currency0: pool.currency0, currency1: pool.currency1, recipient: safe },
    ],
    2n ** 63n,
  );
  const txHash = await execSafeTransaction(d.client, safe, safeOwners(), {
    to: positionManager,
    data: decreaseAndTake,
    label: `owners take a quarter of v4 position ${tokenId} out`,
  });
  return { txHash, liquidity };
}

/** Waits until the keeper has evaluated `block` (or later) with nothing queued. */
const evaluatedUpTo = (keeper: Keeper, block: bigint) =>
  waitFor(`the keeper evaluated block ${block}`, async () => {
    const health = await keeper.health();
    const evaluated = health.books.every((b) => (b.lastEvaluation?.blockNumber ?? -1n) >= block);
    const busy = Object.entries(health.queues).some(
      ([name, q]) => /evaluate/.test(name) && q.waiting + q.prioritized + q.active + q.delayed > 0,
    );
    return evaluated && !busy;
  });

/** Mines one block, `afterSec` of chain time on, and waits until the keeper has evaluated it. */
async function mineEvaluatedBlock(keeper: Keeper, afterSec = 0): Promise<bigint> {
  const d = devnet();
  if (afterSec > 0) await d.client.testClient.increaseTime({ seconds: afterSec });
  await d.client.testClient.mine({ blocks: 1 });
  const block = await d.publicClient.getBlockNumber({ cacheTime: 0 });
  await evaluatedUpTo(keeper, block);
  return block;
}

/** The book's report from block `a`'s time to block `b`'s: its first and last points. */
async function reportBetween(history: HistoryStore, a: bigint, b: bigint) {
  const d = devnet();
  const [start, end] = await Promise.all([
    d.publicClient.getBlock({ blockNumber: a }),
    d.publicClient.getBlock({ blockNumber: b }),
  ]);
  const { points } = await readReportPeriod(history, {
    bookId: BOOK_ID,
    fromSec: Number(start.timestamp),
    toSec: Number(end.timestamp),
  });
  return { first: points[0]!, last: points.at(-1)! };
}

/** The one LP principal flow the history holds at `block`, after checking it is the owners' transaction's. */
async function theLpFlowAt(
  history: HistoryStore,
  block: bigint,
  expected: { txHash: Hash; position: string },
) {
  const recorded = await history.lpPrincipalFlows(BOOK_ID, { fromBlock: block, toBlock: block });
  expect(recorded.map((f) => [f.txHash.toLowerCase(), f.position])).toEqual([
    [expected.txHash.toLowerCase(), expected.position],
  ]);
  return recorded[0]!;
}

/**
 * The report's gamma from `a` to the withdrawal's block adds the principal back: it equals an independent gamma,
 * the LP's change (without fees owed) + the principal read from the chain − δ·ΔS, and is far from −principal.
 */
async function expectGammaAddsPrincipalBack(
  history: HistoryStore,
  a: bigint,
  withdrawnAt: bigint,
  principalUsd: number,
) {
  const { first: from, last: to } = await reportBetween(history, a, withdrawnAt);
  expect([from.blockNumber, to.blockNumber]).toEqual([a, withdrawnAt]);
  const terms = attributeStep(from, to);
  const gamma =
    to.lpValueUsd - from.lpValueUsd + principalUsd - from.lpDeltaBase * (to.basePriceUsd - from.basePriceUsd);
  expect(terms.gammaUsd).toBeCloseTo(gamma, 6);
  // Positive control of what it guards: without the principal, gamma would be about −principal.
  expect(Math.abs(terms.gammaUsd)).toBeLessThan(principalUsd / 1_000);
  expect(Math.abs(terms.unexplainedUsd)).toBeLessThan(1e-6 * principalUsd);
}

describe("realized execution cost on the devnet", () => {
  it("records a perp rebalance's fill, fee and gas as the ClearingHouse's own accounting shows them", async () => {
    const d = devnet();
    const perp = d.manifest.contracts.perp;
    const safe = bed.setup.scope.safe;
    const plan = await shortMorePlan(d, bed.setup, 2n * 10n ** 18n, "realized-cost short");
    const position = (blockNumber: bigint) =>
      Promise.all(
        (["getTakerPositionSize", "getTakerOpenNotional"] as const).map((functionName) =>
          d.publicClient.readContract({
            address: perp.accountBalance,
            abi: PERP_ACCOUNT_BALANCE_ABI,
            functionName,
            args: [safe, perp.baseToken],
            blockNumber,
          }),
        ),
      );
    const { receipt, execution } = await mine(plan);
    const [sizeBefore, notionalBefore] = await position(receipt.blockNumber - 1n);
    const [sizeAfter, notionalAfter] = await position(receipt.blockNumber);

    // Growing a short realizes nothing: the taker's open notional grows by the quote received less the fee, and
    // the fee is the market's fee ratio on that quote (Perp v2 Exchange.swap).
    const feeRatio =
      (await d.publicClient.readContract({
        address: perp.marketRegistry,
        abi: MARKET_REGISTRY_ABI,
        functionName: "getFeeRatio",
        args: [perp.baseToken],
      })) / 1e6;
    const soldBase = Number(sizeBefore! - sizeAfter!) / 1e18;
    const openNotionalGain = Number(notionalAfter! - notionalBefore!) / 1e18;
    const quoteReceived = openNotionalGain / (1 - feeRatio);
    expect(soldBase).toBeCloseTo(2, 12);
    const quoted = plan.quote.legs[0]!.kind === "perp" ? plan.quote.legs[0]!.priceUsd : Number.NaN;

    expect(execution).toMatchObject({
      planId: plan.planId,
      chainId: d.manifest.chainId,
      bookId: plan.bookId,
      blockNumber: receipt.blockNumber,
      txHash: receipt.transactionHash,
      gasUsed: receipt.gasUsed,
      effectiveGasPrice: receipt.effectiveGasPrice,
      quotedPrice: quoted,
    });
    expect(execution.realizedPrice!).toBeCloseTo(quoteReceived / soldBase, 6);
    expect(execution.feesUsd).toBeCloseTo(quoteReceived - openNotionalGain, 6);
    expect(execution.slippageBps!).toBeCloseTo(((quoted - quoteReceived / soldBase) / quoted) * 10_000, 4);
    const gasEth = Number(await keeperGasWei(receipt.blockNumber)) / 1e18;
    expect(execution.gasUsd).toBeCloseTo(gasEth * plan.quote.basePriceUsd, 9);
    expect(execution.totalCostUsd).toBeCloseTo(
      execution.gasUsd + execution.feesUsd + execution.slippageUsd,
      9,
    );
    expect(execution.minedAtSec).toBe(
      Number((await d.publicClient.getBlock({ blockNumber: receipt.blockNumber })).timestamp),
    );
    // A trade that realizes nothing settles nothing into the vault: its balance moves by the collateral the plan
    // moved (its Deposited/Withdrawn events), which the execution records.
    expect(execution.perpCollateralMovedUsd).toBeCloseTo(
      (await perpVaultBalanceUsd(receipt.blockNumber)) -
        (await perpVaultBalanceUsd(receipt.blockNumber - 1n)),
      6,
    );
    // The trade settled the short's pending funding: the ClearingHouse's FundingPaymentSettled for the Safe in the
    // block (read by log filter, not from the receipt) is what the execution records, and nothing is left pending.
    const settled = await d.publicClient.getContractEvents({
      address: perp.clearingHouse,
      abi: PERP_FUNDING_SETTLED_ABI,
      eventName: "FundingPaymentSettled",
      args: { trader: safe },
      fromBlock: receipt.blockNumber,
      toBlock: receipt.blockNumber,
    });
    expect(settled).toHaveLength(1);
    expect(execution.perpFundingSettledUsd).toBe(Number(settled[0]!.args.fundingPayment) / 1e18);
    expect(
      await d.publicClient.readContract({
        address: perp.exchange,
        abi: PERP_EXCHANGE_ABI,
        functionName: "getAllPendingFundingPayment",
        args: [safe],
        blockNumber: receipt.blockNumber,
      }),
    ).toBe(0n);
  });

  it("records a de-peg swap's fill and pool fee as the Safe's token balances show them", async () => {
    const d = devnet();
    const { usdc, usdt } = d.manifest.contracts;
    const amountIn = 2_000n * 10n ** 6n;
    const plan = await usdcToUsdtPlan(d, bed.setup, amountIn);
    const { receipt, execution } = await mine(plan);
    const block = receipt.blockNumber;
    const paidUsdc = (await safeTokenBalance(usdc, block - 1n)) - (await safeTokenBalance(usdc, block));
    const gotUsdt = (await safeTokenBalance(usdt, block)) - (await safeTokenBalance(usdt, block - 1n));
    expect(paidUsdc).toBe(amountIn);

    const leg = plan.quote.legs[0]!;
    if (leg.kind !== "swap") throw new Error("expected a swap quote");
    const realized = Number(gotUsdt) / Number(paidUsdc);
    expect(execution.realizedPrice!).toBeCloseTo(realized, 12);
    expect(execution.quotedPrice).toBe(leg.priceNetOfFee);
    expect(execution.slippageBps!).toBeCloseTo(
      ((leg.priceNetOfFee - realized) / leg.priceNetOfFee) * 10_000,
      6,
    );
    // The USDC/USDT pool's 0.01% tier on 2,000 USDC, at USDC's price when the plan was decided.
    expect(execution.feesUsd).toBeCloseTo(2_000 * 0.0001 * leg.tokenInPriceUsd, 9);
    expect(execution.notionalUsd).toBeCloseTo(2_000 * leg.tokenInPriceUsd, 9);
    const gasEth = Number(await keeperGasWei(block)) / 1e18;
    expect(execution.gasUsd).toBeCloseTo(gasEth * plan.quote.basePriceUsd, 9);
    expect(execution.legs).toHaveLength(1);
    // A swap moves nothing into or out of the perp vault and settles no funding.
    expect(execution.perpCollateralMovedUsd).toBe(0);
    expect(execution.perpFundingSettledUsd).toBe(0);
  });

  it("records an Aave plan's swap leg (borrowed WETH sold for USDC) against its quote, as the Safe's balances show", async () => {
    const d = devnet();
    const m = d.manifest;
    const { usdc, weth } = m.contracts;
    const aave = m.aave!;
    const safe = bed.setup.scope.safe;
    await execSafeTransaction(d.client, safe, safeOwners(), {
      to: aave.pool,
      data: encodeFunctionData({
        abi: AAVE_V3_POOL_ABI,
        functionName: "supply",
        args: [usdc, 200_000n * 10n ** 6n, safe, 0],
      }),
      label: "owners supply USDC collateral on Aave",
    });
    const amountIn = 2n * 10n ** 18n;
    const plan = await aavePlan(
      d,
      [aaveAction(d, "aave.borrow", weth, amountIn), await wethSale(d, amountIn)],
      {
        minHealthFactorWad: 10n ** 18n,
      },
    );
    // The engine's quote, from the chain at the plan's block: the 0.05% pool's state and the Aave oracle's prices.
    const at = { blockNumber: plan.blockNumber };
    const market = m.pools.usdcWeth500;
    const [[sqrtPriceX96, tick], liquidity] = await Promise.all([
      d.publicClient.readContract({
        address: market.address,
        abi: UNISWAP_V3_POOL_ABI,
        functionName: "slot0",
        ...at,
      }),
      d.publicClient.readContract({
        address: market.address,
        abi: UNISWAP_V3_POOL_ABI,
        functionName: "liquidity",
        ...at,
      }),
    ]);
    const decimals = (token: Address) => (token.toLowerCase() === usdc.toLowerCase() ? 6 : 18);
    const pool: V3PoolSnapshot = {
      kind: "uniswap-v3",
      address: market.address,
      token0: { address: market.token0, symbol: "t0", decimals: decimals(market.token0) },
      token1: { address: market.token1, symbol: "t1", decimals: decimals(market.token1) },
      fee: market.fee,
      tickSpacing: market.tickSpacing,
      sqrtPriceX96,
      tick,
      liquidity,
      feeGrowthGlobal0X128: 0n,
      feeGrowthGlobal1X128: 0n,
      ticks: [],
    };
    const account = await readAaveAccount(
      d.publicClient,
      {
        contracts: { pool: aave.pool, protocolDataProvider: aave.protocolDataProvider, oracle: aave.oracle },
        account: safe,
        assets: [weth, usdc],
      },
      plan.blockNumber,
    );
    const quoted = {
      ...plan,
      quote: { ...plan.quote, legs: aaveSwapQuotes({ pools: [pool] }, account, plan.actions) },
    };
    expect(quoted.quote.legs).toHaveLength(1);
    const leg = quoted.quote.legs[0]!;
    if (leg.kind !== "swap") throw new Error("expected a swap quote");
    expect(leg.actionIndex).toBe(1);

    const { receipt, execution } = await mine(quoted);
    const block = receipt.blockNumber;
    const gotUsdc = (await safeTokenBalance(usdc, block)) - (await safeTokenBalance(usdc, block - 1n));
    // Borrowed and sold in one batch: the Safe's WETH balance ends where it started.
    expect(await safeTokenBalance(weth, block)).toBe(await safeTokenBalance(weth, block - 1n));
    const realized = Number(gotUsdc) / 1e6 / 2;
    expect(execution.realizedPrice!).toBeCloseTo(realized, 9);
    expect(execution.quotedPrice).toBe(leg.priceNetOfFee);
    expect(execution.slippageBps!).toBeCloseTo(
      ((leg.priceNetOfFee - realized) / leg.priceNetOfFee) * 10_000,
      6,
    );
    // The 0.05% tier on 2 WETH at the Aave oracle's WETH price when the plan was decided.
    expect(execution.feesUsd).toBeCloseTo(2 * 0.0005 * leg.tokenInPriceUsd, 9);
    expect(execution.legs).toHaveLength(1);
  });
});

// Funding settled outside the keeper's plans (issue 19): the Safe's owners call ClearingHouse.settleAllFunding from the
// Safe in a transaction of their own (a stranger is refused: the test shows it). The keeper
// (shadow mode: it samples every block, sends nothing) records the settlement from its indexer's logs, and the
// report's carry over the period is what the chain says: the fall in pending funding less the settled funding, read
// here from the Exchange and the ClearingHouse's events, apart from the history.
describe("funding settled outside the keeper's plans", () => {
  it("takes a settleAllFunding the keeper never planned into carry exactly; without one, carry is the fall in pending funding", async () => {
    const d = devnet();
    const perp = d.manifest.contracts.perp;
    const safe = bed.setup.scope.safe;
    // vETH 6% over the index: the Safe's short receives funding (Perp v2 pays shorts when mark > index).
    await d.runScenario("basis-blowout");
    const keeper = bed.keeperFor({ history, mode: "shadow" });
    await keeper.start();
    /** Funding accrues for two minutes, in a block of its own, which the keeper then evaluates. */
    const accrue = () => mineEvaluatedBlock(keeper, 120);
    const pendingUsd = async (blockNumber: bigint) =>
      Number(
        await d.publicClient.readContract({
          address: perp.exchange,
          abi: PERP_EXCHANGE_ABI,
          functionName: "getAllPendingFundingPayment",
          args: [safe],
          blockNumber,
        }),
      ) / 1e18;
    const settledUsd = async (fromBlock: bigint, toBlock: bigint) =>
      (
        await d.publicClient.getContractEvents({
          address: perp.clearingHouse,
          abi: PERP_FUNDING_SETTLED_ABI,
          eventName: "FundingPaymentSettled",
          args: { trader: safe },
          fromBlock,
          toBlock,
        })
      ).map((e) => Number(e.args.fundingPayment) / 1e18);
    /** The report's carry between two blocks, and the chain's: pending_a − pending_b − Σ settled in (a, b]. */
    const carryOver = async (a: bigint, b: bigint) => {
      const { first, last } = await reportBetween(history, a, b);
      const settled = await settledUsd(first.blockNumber! + 1n, last.blockNumber!);
      const sum = settled.reduce((x, y) => x + y, 0);
      return {
        first,
        last,
        settled,
        report: last.carryUsd - first.carryUsd,
        chain: (await pendingUsd(first.blockNumber!)) - (await pendingUsd(last.blockNumber!)) - sum,
        pendingFall: (await pendingUsd(first.blockNumber!)) - (await pendingUsd(last.blockNumber!)),
      };
    };

    const a0 = await accrue();
    // Positive control: two minutes with no settlement. Carry is the fall in pending funding, as before.
    const a1 = await accrue();
    const quiet = await carryOver(a0, a1);
    expect([quiet.first.blockNumber, quiet.last.blockNumber]).toEqual([a0, a1]);
    expect(quiet.settled).toEqual([]);
    expect(quiet.report).toBeGreaterThan(0);
    expect(quiet.report).toBeCloseTo(quiet.pendingFall, 9);
    expect(quiet.report).toBeCloseTo(quiet.chain, 9);

    // A stranger (the scenarios' trader account) may not settle the Safe's funding: Perp v2 admits only the trader
    // or the vault. The Safe's owners may, in a Safe transaction the keeper never planned.
    await expect(
      writeDevnetContract(d.client, devnetAccount(DEVNET_ACCOUNT_INDEXES.trader).address, {
        address: perp.clearingHouse,
        abi: SETTLE_ALL_FUNDING_ABI,
        functionName: "settleAllFunding",
        args: [safe],
      }),
    ).rejects.toThrow(/CH_OVOT/);
    await ownersSettleFunding(d, safe);
    const settledAt = await d.publicClient.getBlockNumber({ cacheTime: 0 });
    await evaluatedUpTo(keeper, settledAt);
    const b = await accrue();
    const outside = await carryOver(a1, b);
    // Measured: the owners settled $623.84 the short was owed; the report's carry, $19.81, equals the chain's to 10⁻¹³
    // (the quiet span's: $19.65); read as accrued, the settlement would have made it −$604.03.
    expect(outside.settled).toHaveLength(1);
    // Received, so negative: what the short was owed moved into its owed realized P&L.
    expect(outside.settled[0]!).toBeLessThan(0);
    expect(outside.report).toBeCloseTo(outside.chain, 9);
    expect(outside.last.carryEstimatedUsd).toBe(outside.first.carryEstimatedUsd);
    // The settlement is what separates the carry from the fall in pending funding.
    expect(outside.pendingFall - outside.report).toBeCloseTo(outside.settled[0]!, 9);
    // The carry received over a settled span is of the quiet span's order (same premium, one more block).
    expect(outside.report).toBeGreaterThan(0);
  }, 240_000);
});

// Perp collateral the treasury's owners move themselves (issue 19): the Safe's owners deposit USDC into the Perp v2
// Vault (approve + Vault.deposit, Safe transactions the keeper never planned). The keeper (shadow mode, every block)
// records the Vault's Deposited from the scan its funding settlements ride on, and the report reads the vault
// balance's rise as a transfer: nothing settled into collateral. The move is read here from the chain's events,
// apart from the history.
describe("perp collateral the owners deposit outside the keeper's plans", () => {
  it("records the owners' Vault deposit as the event says it, and settled-to-collateral over the step stays 0", async () => {
    const d = devnet();
    const perp = d.manifest.contracts.perp;
    const usdc = d.manifest.contracts.usdc;
    const safe = bed.setup.scope.safe;
    // A history of its own: the testbed reverts the chain between tests, so samples this test leaves at blocks the
    // next test mines again (at nearby times) would land in that test's report periods.
    const history = await openHistoryStore({ dataDir: "memory://" });
    onTestFinished(() => history.close());
    const keeper = bed.keeperFor({ history, mode: "shadow" });
    await keeper.start();

    const a0 = await mineEvaluatedBlock(keeper);
    // Positive control: a block with nothing moved settles nothing into collateral.
    const a1 = await mineEvaluatedBlock(keeper);
    const quiet = await reportBetween(history, a0, a1);
    expect(quiet.last.settledToCollateralUsd - quiet.first.settledToCollateralUsd).toBe(0);

    const amount = 1_000n * 10n ** 6n;
    expect(await safeTokenBalance(usdc)).toBeGreaterThanOrEqual(amount);
    await ownersDepositPerpCollateral(d, safe, amount);
    const depositedAt = await d.publicClient.getBlockNumber({ cacheTime: 0 });
    await evaluatedUpTo(keeper, depositedAt);
    const b = await mineEvaluatedBlock(keeper);

    // The chain's events for the Safe over the step, and the vault balance's rise.
    const events = await d.publicClient.getContractEvents({
      address: perp.vault,
      abi: PERP_VAULT_ABI,
      eventName: "Deposited",
      args: { trader: safe },
      fromBlock: a1 + 1n,
      toBlock: b,
    });
    expect(events.map((e) => e.args.amount)).toEqual([amount]);
    expect((await perpVaultBalanceUsd(b)) - (await perpVaultBalanceUsd(a1))).toBe(1_000);
    const recorded = await history.collateralMoves(BOOK_ID, { fromBlock: a1 + 1n, toBlock: b });
    expect(recorded.map((m) => [m.blockNumber, m.txHash.toLowerCase(), m.logIndex, m.movedUsd])).toEqual([
      [events[0]!.blockNumber, events[0]!.transactionHash.toLowerCase(), events[0]!.logIndex, 1_000],
    ]);
    const step = await reportBetween(history, a1, b);
    expect([step.first.blockNumber, step.last.blockNumber]).toEqual([a1, b]);
    // Read as settled P&L, the deposit would have made this 1,000.
    expect(step.last.settledToCollateralUsd - step.first.settledToCollateralUsd).toBe(0);
  }, 240_000);
});

// LP principal the treasury's owners move themselves (issue 19): the Safe's owners take a quarter of the WETH/USDC v3
// position's liquidity out (decreaseLiquidity + collect to the Safe, in a Safe transaction the keeper never planned).
// The keeper (shadow mode, every block) records the flow from the position manager's logs its indexer already reads,
// and the report's gamma over the step is the LP's change with that principal added back, not the principal lost.
// The principal is read here from the transaction's own events at the block's feeds, apart from the history.
describe("LP principal the owners withdraw outside the keeper's plans", () => {
  it("records an owners' v3 decrease at the events' amounts × feeds, and gamma adds it back", async () => {
    const d = devnet();
    const safe = bed.setup.scope.safe;
    const npm = d.manifest.contracts.positionManager;
    const tokenId = BigInt(d.manifest.positions.lpTokenIds[0]!);
    const keeper = bed.keeperFor({ history, mode: "shadow" });
    await keeper.start();
    await mineEvaluatedBlock(keeper);
    const a0 = await mineEvaluatedBlock(keeper);

    const { txHash, token0, token1, liquidity } = await ownersWithdrawQuarterOfV3Position(d, safe, tokenId);
    expect(liquidity).toBeGreaterThan(0n);
    const receipt = await d.publicClient.getTransactionReceipt({ hash: txHash });
    const withdrawnAt = receipt.blockNumber;
    await evaluatedUpTo(keeper, withdrawnAt);

    // The chain's figures: the decrease's amounts (principal), each token at its feed at that block.
    const [decrease] = await d.publicClient.getContractEvents({
      address: npm,
      abi: POSITION_MANAGER_ABI,
      eventName: "DecreaseLiquidity",
      args: { tokenId },
      blockHash: receipt.blockHash,
    });
    const { weth } = d.manifest.contracts;
    const amounts = [decrease!.args.amount0!, decrease!.args.amount1!];
    const principalUsd =
      (await usdAtFeed(token0, amounts[0]!, withdrawnAt)) +
      (await usdAtFeed(token1, amounts[1]!, withdrawnAt));
    const wethPrincipalUsd = await usdAtFeed(
      weth,
      token0.toLowerCase() === weth.toLowerCase() ? amounts[0]! : amounts[1]!,
      withdrawnAt,
    );
    expect(principalUsd).toBeGreaterThan(1_000);

    const recorded = await theLpFlowAt(history, withdrawnAt, { txHash, position: `uniswap-v3:${tokenId}` });
    expect(recorded.principalUsd).toBeCloseTo(principalUsd, 6);
    // Collected to the Safe, whose WETH the book holds as spot: that share moved within the hedged item.
    expect(recorded.principalToSpotUsd).toBeCloseTo(wethPrincipalUsd, 6);
    await expectGammaAddsPrincipalBack(history, a0, withdrawnAt, principalUsd);

    // Positive control: a quiet step after it records no flow, and its gamma is the LP's change − δ·ΔS alone.
    const quietAt = await mineEvaluatedBlock(keeper);
    expect(
      await history.lpPrincipalFlows(BOOK_ID, { fromBlock: withdrawnAt + 1n, toBlock: quietAt }),
    ).toEqual([]);
    const { first: q0, last: q1 } = await reportBetween(history, withdrawnAt, quietAt);
    expect(q1.lpWithdrawnUsd - q0.lpWithdrawnUsd).toBe(0);
    expect(attributeStep(q0, q1).gammaUsd).toBeCloseTo(
      q1.lpValueUsd - q0.lpValueUsd - q0.lpDeltaBase * (q1.basePriceUsd - q0.basePriceUsd),
      9,
    );
  }, 240_000);

  // The v4 half: the owners take a quarter of the Safe's v4 USDC/USDT position out through the v4 PositionManager
  // (DECREASE_LIQUIDITY + TAKE_PAIR to the Safe). ModifyLiquidity carries no amounts: the keeper computes them from
  // liquidityDelta at the pool's price; here they are what the PoolManager paid the Safe less the fees it paid with them.
  it("records an owners' v4 decrease at the PoolManager's payout less fees × feeds, and gamma adds it back", async () => {
    const d = devnet();
    const v4 = d.manifest.uniswapV4!;
    const safe = bed.setup.scope.safe;
    const tokenId = BigInt(v4.lpTokenIds[1]!);
    const pool = v4.pools.usdcUsdt10;
    // A history of its own: the testbed reverts the chain between tests, so the v3 test's flow can share these blocks.
    const history = await openHistoryStore({ dataDir: "memory://" });
    onTestFinished(() => history.close());
    const keeper = bed.keeperFor({ history, mode: "shadow" });
    await keeper.start();
    // A swap through the position's range first: the decrease then pays fees with its principal, kept apart.
    await swapV4PoolTo(d.client, v4, d.manifest.accounts.trader.address, v4PoolOfManifest(pool), 1.0004);
    await mineEvaluatedBlock(keeper);
    const a0 = await mineEvaluatedBlock(keeper);
    const [, info] = await d.publicClient.readContract({
      address: v4.positionManager,
      abi: V4_POSITION_MANAGER_ABI,
      functionName: "getPoolAndPositionInfo",
      args: [tokenId],
    });
    const { tickLower, tickUpper } = decodePositionInfo(info);
    const { txHash, liquidity } = await ownersWithdrawQuarterOfV4Position(tokenId, pool);
    expect(liquidity).toBeGreaterThan(0n);
    const receipt = await d.publicClient.getTransactionReceipt({ hash: txHash });
    expect(receipt.status).toBe("success");
    const withdrawnAt = receipt.blockNumber;
    await evaluatedUpTo(keeper, withdrawnAt);

    // The chain's figures: what the PoolManager transferred to the Safe, less the fees the position was owed just
    // before (v4 pays them on any modification; no swap ran in between, so the block before's fee growth is the
    // transaction's): Position.update's (inside − last) · L / 2^128.
    const { recipients, paidIn } = poolManagerPayouts(receipt, v4.poolManager);
    expect([...recipients]).toEqual([safe.toLowerCase()]);
    const before = withdrawnAt - 1n;
    const [inside0, inside1] = await d.publicClient.readContract({
      address: v4.stateView,
      abi: STATE_VIEW_ABI,
      functionName: "getFeeGrowthInside",
      args: [pool.poolId, tickLower, tickUpper],
      blockNumber: before,
    });
    const [, last0, last1] = await d.publicClient.readContract({
      address: v4.stateView,
      abi: STATE_VIEW_ABI,
      functionName: "getPositionInfo",
      args: [pool.poolId, v4.positionManager, tickLower, tickUpper, pad(toHex(tokenId), { size: 32 })],
      blockNumber: before,
    });
    const M = 2n ** 256n;
    const fees0 = (((((inside0 - last0) % M) + M) % M) * liquidity) >> 128n;
    const fees1 = (((((inside1 - last1) % M) + M) % M) * liquidity) >> 128n;
    expect(fees0 + fees1).toBeGreaterThan(0n);
    const principal = [paidIn(pool.currency0) - fees0, paidIn(pool.currency1) - fees1];
    expect(principal[0]! + principal[1]!).toBeGreaterThan(0n);
    const usdOf = (currency: Address, units: bigint) => usdAtFeed(currency, units, withdrawnAt);
    const principalUsd =
      (await usdOf(pool.currency0, principal[0]!)) + (await usdOf(pool.currency1, principal[1]!));
    const feesUsd = (await usdOf(pool.currency0, fees0)) + (await usdOf(pool.currency1, fees1));
    expect(principalUsd).toBeGreaterThan(1_000);

    const recorded = await theLpFlowAt(history, withdrawnAt, { txHash, position: `uniswap-v4:${tokenId}` });
    // Rounded as the PoolManager rounds: within a unit of each token (1e-6 USD) of the payout less fees.
    expect(Math.abs(recorded.principalUsd - principalUsd)).toBeLessThan(1e-5);
    expect(Math.abs(recorded.feesCollectedUsd - feesUsd)).toBeLessThan(1e-5);
    await expectGammaAddsPrincipalBack(history, a0, withdrawnAt, principalUsd);
  }, 240_000);
});
