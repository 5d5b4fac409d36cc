import { type Address, erc20Abi, parseAbi } from "viem";
import type { DevnetKeeperSetup } from "../../src/devnet/devnet-keeper-setup.ts";
import type { Devnet } from "../../src/devnet/index.ts";
import { oraclePerpQuoteBound, oracleSwapMinOut } from "../../src/engine/oracle-bounds.ts";
import type { AaveAction, Plan, PlanAction, SwapExactInputSingleAction } from "../../src/engine/plan.ts";
import { planId } from "../../src/engine/plan-id.ts";

// Hand-built plans against the devnet treasury, for tests and benchmarks of the execution path that must not
// depend on the engine's decisions. Each carries the id the engine would give it (book, block, actions): the
// keeper signs nothing from a plan whose id is not its own.

const ACCOUNT_BALANCE_ABI = parseAbi([
  "function getTakerPositionSize(address, address) view returns (int256)",
]);
const FEED_ABI = parseAbi([
  "function latestRoundData() view returns (uint80, int256, uint256, uint256, uint80)",
]);

/** The treasury's perp taker position (18 decimals, negative = short), at the head or at `blockNumber`. */
export async function perpSize(
  devnet: Devnet,
  setup: DevnetKeeperSetup,
  blockNumber?: bigint,
): Promise<bigint> {
  return devnet.publicClient.readContract({
    address: devnet.manifest.contracts.perp.accountBalance,
    abi: ACCOUNT_BALANCE_ABI,
    functionName: "getTakerPositionSize",
    args: [setup.scope.safe, devnet.manifest.contracts.perp.baseToken],
    ...(blockNumber === undefined ? {} : { blockNumber }),
  });
}

export async function feedAnswer(devnet: Devnet, feed: Address): Promise<bigint> {
  const [, answer] = await devnet.publicClient.readContract({
    address: feed,
    abi: FEED_ABI,
    functionName: "latestRoundData",
  });
  return answer;
}

export async function chainNowSec(devnet: Devnet): Promise<number> {
  return Number((await devnet.publicClient.getBlock()).timestamp);
}

const BOOK_ID = "treasury-eth";
const NO_COST = { gasUsd: 0, feesUsd: 0, slippageUsd: 0, fundingUsd: 0, totalUsd: 0 };
/** The keeper's own slippage on these plans, from the oracle (the devnet book's perp and de-peg figures). */
const PERP_SLIPPAGE_BPS = 100n;
const SWAP_SLIPPAGE_BPS = 50n;

/** A Chainlink USD answer (8 decimals) as a float price. */
const usdOf = (answer: bigint) => Number(answer) / 1e8;

/**
 * Grow the treasury's vETH short by `amountBase`, premise: ETH/USD within ±2%, the position as it is now. Its
 * quote is the ETH/USD answer (where the engine's would be the venue's mark).
 */
export async function shortMorePlan(
  devnet: Devnet,
  setup: DevnetKeeperSetup,
  amountBase: bigint,
  label = "grow-short",
): Promise<Plan> {
  const m = devnet.manifest;
  const size = await perpSize(devnet, setup);
  const answer = await feedAnswer(devnet, m.feeds.ethUsd.address);
  const base = m.contracts.perp.baseToken;
  const blockNumber = await devnet.publicClient.getBlockNumber({ cacheTime: 0 });
  const actions: PlanAction[] = [
    {
      kind: "perp.adjustPosition",
      venue: "perp-v2",
      baseToken: base,
      isBaseToQuote: true,
      amountBase,
      oppositeAmountBound: oraclePerpQuoteBound({
        amountBase,
        isBaseToQuote: true,
        price: { answer, decimals: 8 },
        slippageBps: PERP_SLIPPAGE_BPS,
      }),
      expectedSizeBefore: size,
      expectedSizeAfter: size - amountBase,
    },
  ];
  return {
    planId: planId(BOOK_ID, blockNumber, actions),
    bookId: BOOK_ID,
    blockNumber,
    lane: "routine",
    reason: label,
    actions,
    premise: {
      deadlineSec: (await chainNowSec(devnet)) + 600,
      oracle: {
        feed: m.feeds.ethUsd.address,
        heartbeatSec: 3600,
        minAnswer: (answer * 98n) / 100n,
        maxAnswer: (answer * 102n) / 100n,
      },
      perp: { baseToken: base, expectedSize: size, toleranceBase: 10n ** 9n },
    },
    post: {
      perp: { baseToken: base, targetSize: size - amountBase, toleranceBase: 10n ** 9n },
      minBalances: [],
    },
    expectedRiskReductionUsd: 0,
    expectedCost: NO_COST,
    quote: {
      basePriceUsd: usdOf(answer),
      legs: [{ kind: "perp", actionIndex: 0, priceUsd: usdOf(answer) }],
    },
    driftBpsBefore: 0,
    driftBpsAfter: 0,
  };
}

/** Swap `amountIn` USDC into USDT (the Safe receives), asserting at least 99% of it arrived. */
export async function usdcToUsdtPlan(
  devnet: Devnet,
  setup: DevnetKeeperSetup,
  amountIn: bigint,
  bookId = BOOK_ID,
): Promise<Plan> {
  const m = devnet.manifest;
  const { usdc, usdt } = m.contracts;
  const usdtBefore = await devnet.publicClient.readContract({
    address: usdt,
    abi: erc20Abi,
    functionName: "balanceOf",
    args: [setup.scope.safe],
  });
  const answer = await feedAnswer(devnet, m.feeds.usdcUsd.address);
  const usdtAnswer = await feedAnswer(devnet, m.feeds.usdtUsd.address);
  const minOut = oracleSwapMinOut({
    amountIn,
    tokenInDecimals: 6,
    tokenOutDecimals: 6,
    priceIn: { answer, decimals: 8 },
    priceOut: { answer: usdtAnswer, decimals: 8 },
    slippageBps: SWAP_SLIPPAGE_BPS,
  });
  const ethUsd = await feedAnswer(devnet, m.feeds.ethUsd.address);
  const blockNumber = await devnet.publicClient.getBlockNumber({ cacheTime: 0 });
  const actions: PlanAction[] = [
    {
      kind: "swap.exactInputSingle",
      venue: "uniswap-v3",
      tokenIn: usdc,
      tokenOut: usdt,
      fee: 100,
      amountIn,
      amountOutMinimum: minOut,
    },
  ];
  return {
    planId: planId(bookId, blockNumber, actions),
    bookId,
    blockNumber,
    lane: "urgent",
    reason: "de-peg",
    actions,
    premise: {
      deadlineSec: (await chainNowSec(devnet)) + 600,
      oracle: {
        feed: m.feeds.usdcUsd.address,
        heartbeatSec: 86_400,
        minAnswer: answer / 2n,
        maxAnswer: answer * 2n,
      },
    },
    post: { minBalances: [{ token: usdt, amount: usdtBefore + minOut }] },
    expectedRiskReductionUsd: 0,
    expectedCost: NO_COST,
    // Quoted at the feeds' cross rate after the pool's 0.01% fee (where the engine's is the pool's own spot).
    quote: {
      basePriceUsd: usdOf(ethUsd),
      legs: [
        {
          kind: "swap",
          actionIndex: 0,
          pool: m.pools.usdcUsdt100.address,
          priceNetOfFee: (usdOf(answer) / usdOf(usdtAnswer)) * (1 - 100 / 1_000_000),
          tokenInPriceUsd: usdOf(answer),
          tokenOutPriceUsd: usdOf(usdtAnswer),
          tokenInDecimals: 6,
          tokenOutDecimals: 6,
        },
      ],
    },
    driftBpsBefore: 0,
    driftBpsAfter: 0,
  };
}

/**
 * An Aave v3 plan on the treasury's own account: `actions` in order, premise ETH/USD within ±2%, and HedgeGuard's
 * post check that the Safe's health factor is at least `minHealthFactorWad` after them.
 */
export async function aavePlan(
  devnet: Devnet,
  actions: PlanAction[],
  options: { minHealthFactorWad: bigint; label?: string },
): Promise<Plan> {
  const m = devnet.manifest;
  if (m.aave === undefined) throw new Error("this devnet has no Aave v3 market");
  const answer = await feedAnswer(devnet, m.feeds.ethUsd.address);
  const blockNumber = await devnet.publicClient.getBlockNumber({ cacheTime: 0 });
  return {
    planId: planId(BOOK_ID, blockNumber, actions),
    bookId: BOOK_ID,
    blockNumber,
    lane: "routine",
    reason: options.label ?? "aave-rebalance",
    actions,
    premise: {
      deadlineSec: (await chainNowSec(devnet)) + 600,
      oracle: {
        feed: m.feeds.ethUsd.address,
        heartbeatSec: 3600,
        minAnswer: (answer * 98n) / 100n,
        maxAnswer: (answer * 102n) / 100n,
      },
    },
    post: { minBalances: [], aave: { pool: m.aave.pool, minHealthFactorWad: options.minHealthFactorWad } },
    expectedRiskReductionUsd: 0,
    expectedCost: NO_COST,
    // Aave moves carry no quote: their realized cost is the gas alone.
    quote: { basePriceUsd: usdOf(answer), legs: [] },
    driftBpsBefore: 0,
    driftBpsAfter: 0,
  };
}

/** One Aave v3 Pool call on the devnet market (the plan-batch encodes it on the Safe's own account). */
export function aaveAction(
  devnet: Devnet,
  kind: AaveAction["kind"],
  asset: Address,
  amount: bigint,
): AaveAction {
  const pool = devnet.manifest.aave?.pool;
  if (pool === undefined) throw new Error("this devnet has no Aave v3 market");
  return { kind, venue: "aave-v3", pool, asset, amount };
}

/** Sell `amountIn` WETH for USDC in the 0.05% pool, the minimum out from the feeds less the keeper's slippage. */
export async function wethSale(devnet: Devnet, amountIn: bigint): Promise<SwapExactInputSingleAction> {
  const m = devnet.manifest;
  return {
    kind: "swap.exactInputSingle",
    venue: "uniswap-v3",
    tokenIn: m.contracts.weth,
    tokenOut: m.contracts.usdc,
    fee: 500,
    amountIn,
    amountOutMinimum: oracleSwapMinOut({
      amountIn,
      tokenInDecimals: 18,
      tokenOutDecimals: 6,
      priceIn: { answer: await feedAnswer(devnet, m.feeds.ethUsd.address), decimals: 8 },
      priceOut: { answer: await feedAnswer(devnet, m.feeds.usdcUsd.address), decimals: 8 },
      slippageBps: SWAP_SLIPPAGE_BPS,
    }),
  };
}
