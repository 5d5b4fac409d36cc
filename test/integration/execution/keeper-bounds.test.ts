import {
  type Address,
  encodeFunctionData,
  erc20Abi,
  type Hex,
  pad,
  parseAbi,
  toFunctionSelector,
  zeroHash,
} from "viem";
import { formatAbiItem } from "viem/utils";
import { beforeAll, describe, expect, it } from "vitest";
import { rolesAbi } from "zodiac-roles-sdk";
import { PERP_CLEARING_HOUSE_ABI, PERP_VAULT_ABI } from "../../../src/chain/abis/perp-v2-abi.ts";
import { POSITION_MANAGER_ABI, SWAP_ROUTER_ABI } from "../../../src/chain/abis/uniswap-v3-abi.ts";
import { DEVNET_ACCOUNT_INDEXES, devnetAccount } from "../../../src/devnet/accounts.ts";
import {
  DEVNET_KEEPER_BOUNDS,
  DEVNET_KEEPER_CAPS,
  type DevnetKeeperSetup,
  setUpDevnetKeeper,
} from "../../../src/devnet/devnet-keeper-setup.ts";
import { perpMoveTransaction, poolMoveTransaction } from "../../../src/devnet/market-moves.ts";
import { readPerpPrices, readPoolState } from "../../../src/devnet/market-state.ts";
import {
  type LabelledTransaction,
  NO_DEADLINE,
  sendDevnetTransaction,
} from "../../../src/devnet/transactions.ts";
import { execSafeTransaction } from "../../../src/devnet/treasury-transaction.ts";
import { oraclePerpQuoteBound, oracleSwapMinOut } from "../../../src/engine/oracle-bounds.ts";
import { HEDGE_BOUNDS_ABI, HEDGE_GUARD_ABI } from "../../../src/execution/abis.ts";
import { accruedAllowance } from "../../../src/execution/allowance-balance.ts";
import { describeAllowances } from "../../../src/execution/allowance-report.ts";
import { maxSpendWithin } from "../../../src/execution/allowance-window.ts";
import { encodeBoundsExtra } from "../../../src/execution/hedge-bounds-condition.ts";
import { CALL, DELEGATE_CALL, encodeMultiSend } from "../../../src/execution/multisend.ts";
import { planToBatch, planToRolesCall } from "../../../src/execution/plan-batch.ts";
import { readKeeperAllowances } from "../../../src/execution/read-allowances.ts";
import { KEEPER_ROLE_KEY, swapDailyAllowanceKey } from "../../../src/execution/role-keys.ts";
import { keeperAllowances } from "../../../src/execution/role-statements.ts";
import { expectCustomError } from "../../support/custom-error.ts";
import { useDevnet } from "../../support/devnet.ts";
import { feedAnswer, perpSize, usdcToUsdtPlan } from "../../support/devnet-plans.ts";

// The keeper's hot key in a thief's hands, on the devnet's real Safe 1.4.1, Zodiac Roles v2, Uniswap v3 and
// Perpetual Protocol v2: whatever the thief puts in the transaction (HedgeGuard or not, one call or a batch), and
// whatever it does to the markets with its own funds (the devnet trader's), the treasury loses at most the
// configured slippage on the notional, no more than the caps move in any window, and no plan runs twice.
const devnet = useDevnet();
let setup: DevnetKeeperSetup;

const ETH = 10n ** 18n;
const USDC = 10n ** 6n;
const BPS = 10_000n;
/** Zodiac Roles v2 `Status` (ConditionViolation's first argument). */
const STATUS = {
  OrViolation: 5,
  ParameterNotAllowed: 7,
  CustomConditionViolation: 16,
  AllowanceExceeded: 17,
  CallAllowanceExceeded: 18,
} as const;
const ACCOUNT_BALANCE_ABI = parseAbi([
  "function getTakerOpenNotional(address trader, address baseToken) view returns (int256)",
]);

beforeAll(async () => {
  const d = devnet();
  setup = await setUpDevnetKeeper(d.client, d.manifest);
}, 120_000);

const d = () => devnet();
const m = () => d().manifest;

/** The reason HedgeBounds gives Roles for a refusal: the error's selector, left-aligned in 32 bytes. */
function boundsReason(errorName: string): Hex {
  const item = HEDGE_BOUNDS_ABI.find((entry) => entry.type === "error" && entry.name === errorName);
  if (item?.type !== "error") throw new Error(`HedgeBounds has no error ${errorName}`);
  return pad(toFunctionSelector(formatAbiItem(item).replace(/^error /, "function ")), {
    dir: "right",
    size: 32,
  });
}

/** A call through the keeper's role, as the thief would send it: simulated, so a refusal decodes from Roles. */
async function asKeeper(to: Address, data: Hex, operation: number = CALL) {
  const wallet = d().walletFor("keeper");
  const { request } = await d().publicClient.simulateContract({
    address: setup.scope.roles,
    abi: rolesAbi,
    functionName: "execTransactionWithRole",
    args: [to, 0n, data, operation, KEEPER_ROLE_KEY, true],
    account: wallet.account,
  });
  const receipt = await d().publicClient.waitForTransactionReceipt({
    hash: await wallet.writeContract(request),
  });
  expect(receipt.status).toBe("success");
  return receipt;
}

/** The thief's own trade (the devnet trader's funds), mined on its own. */
async function thiefTrades(tx: LabelledTransaction | undefined) {
  if (tx === undefined) throw new Error("the market is already there");
  const hash = await sendDevnetTransaction(d().client, tx.label, tx);
  expect((await d().publicClient.waitForTransactionReceipt({ hash })).status).toBe("success");
}

const balanceOf = (token: Address, owner: Address) =>
  d().publicClient.readContract({ address: token, abi: erc20Abi, functionName: "balanceOf", args: [owner] });

async function usdcToUsdtSwap(amountIn: bigint, amountOutMinimum: bigint): Promise<Hex> {
  return encodeFunctionData({
    abi: SWAP_ROUTER_ABI,
    functionName: "exactInputSingle",
    args: [
      {
        tokenIn: m().contracts.usdc,
        tokenOut: m().contracts.usdt,
        fee: 100,
        recipient: setup.scope.safe,
        deadline: NO_DEADLINE,
        amountIn,
        amountOutMinimum,
        sqrtPriceLimitX96: 0n,
      },
    ],
  });
}

/** The loosest minimum out the chain accepts for a USDC → USDT swap: the oracles' cross price less the bound. */
async function loosestUsdcToUsdtMinimum(
  amountIn: bigint,
  slippageBps = DEVNET_KEEPER_BOUNDS.swapSlippageBps,
) {
  const [pIn, pOut] = await Promise.all([
    feedAnswer(d(), m().feeds.usdcUsd.address),
    feedAnswer(d(), m().feeds.usdtUsd.address),
  ]);
  return oracleSwapMinOut({
    amountIn,
    tokenInDecimals: 6,
    tokenOutDecimals: 6,
    priceIn: { answer: pIn, decimals: 8 },
    priceOut: { answer: pOut, decimals: 8 },
    slippageBps: BigInt(slippageBps),
  });
}

/** USD value at the Chainlink answers of USDC paid and USDT received (6 decimals each, feeds 8). */
async function swapLossUsd(
  usdcPaid: bigint,
  usdtReceived: bigint,
): Promise<{ lossE6: bigint; notionalE6: bigint }> {
  const [pIn, pOut] = await Promise.all([
    feedAnswer(d(), m().feeds.usdcUsd.address),
    feedAnswer(d(), m().feeds.usdtUsd.address),
  ]);
  const notionalE6 = (usdcPaid * pIn) / 10n ** 8n;
  return { lossE6: notionalE6 - (usdtReceived * pOut) / 10n ** 8n, notionalE6 };
}

function openPosition(args: {
  isBaseToQuote: boolean;
  isExactInput?: boolean;
  amount: bigint;
  oppositeAmountBound: bigint;
}): Hex {
  return encodeFunctionData({
    abi: PERP_CLEARING_HOUSE_ABI,
    functionName: "openPosition",
    args: [
      {
        baseToken: m().contracts.perp.baseToken,
        isBaseToQuote: args.isBaseToQuote,
        isExactInput: args.isExactInput ?? args.isBaseToQuote,
        amount: args.amount,
        oppositeAmountBound: args.oppositeAmountBound,
        deadline: NO_DEADLINE,
        sqrtPriceLimitX96: 0n,
        referralCode: zeroHash,
      },
    ],
  });
}

async function loosestPerpBound(amountBase: bigint, isBaseToQuote: boolean) {
  return oraclePerpQuoteBound({
    amountBase,
    isBaseToQuote,
    price: { answer: await feedAnswer(d(), m().feeds.ethUsd.address), decimals: 8 },
    slippageBps: BigInt(DEVNET_KEEPER_BOUNDS.perpSlippageBps),
  });
}

const refusedBy = (reason: string) => [STATUS.CustomConditionViolation, boundsReason(reason)];

describe("a stolen keeper key, with the thief's own funds", () => {
  it("cannot swap below the oracle price less the bound, alone, in a batch without HedgeGuard, or at zero minimum", async () => {
    const amountIn = 250_000n * USDC;
    const loosest = await loosestUsdcToUsdtMinimum(amountIn);
    const router = setup.scope.uniswap.swapRouter;
    // Two pairs are configured, so Roles reports the refused branch as OrViolation (an Or keeps no reason);
    // HedgeBounds.enforce on the same calldata names it, and the loosest bound passing proves it is the reason.
    const why = (data: Hex) =>
      d().publicClient.readContract({
        address: setup.scope.bounds.hedgeBounds,
        abi: HEDGE_BOUNDS_ABI,
        functionName: "enforce",
        args: [router, data, encodeBoundsExtra(DEVNET_KEEPER_BOUNDS.swapSlippageBps)],
      });
    for (const minimum of [0n, loosest - 1n]) {
      const data = await usdcToUsdtSwap(amountIn, minimum);
      await expectCustomError(asKeeper(router, data), "ConditionViolation", [STATUS.OrViolation, zeroHash]);
      await expectCustomError(why(data), "HedgeBoundsMinOutBelowOracle", [
        m().contracts.usdc,
        m().contracts.usdt,
        minimum,
        loosest,
      ]);
    }
    const batch = encodeMultiSend([
      { to: router, value: 0n, data: await usdcToUsdtSwap(amountIn, loosest - 1n) },
    ]);
    await expectCustomError(
      asKeeper(setup.scope.multiSendCallOnly, batch, DELEGATE_CALL),
      "ConditionViolation",
      [STATUS.OrViolation, zeroHash],
    );
    // Positive control: the loosest minimum the chain accepts goes through, alone, with no HedgeGuard.
    await why(await usdcToUsdtSwap(amountIn, loosest));
    const usdtBefore = await balanceOf(m().contracts.usdt, setup.scope.safe);
    await asKeeper(router, await usdcToUsdtSwap(amountIn, loosest));
    expect((await balanceOf(m().contracts.usdt, setup.scope.safe)) - usdtBefore).toBeGreaterThanOrEqual(
      loosest,
    );
  });

  it("sandwiches a 250,000 USDC swap for at most the configured slippage on its notional", async () => {
    const amountIn = 250_000n * USDC;
    const pool = m().pools.usdcUsdt100;
    const trader = m().accounts.trader.address;
    const router = setup.scope.uniswap.swapRouter;
    const traderUsdcBefore = await balanceOf(m().contracts.usdc, trader);
    const traderUsdtBefore = await balanceOf(m().contracts.usdt, trader);

    // Front-run: the thief makes USDT 1% dearer in the pool the Safe must swap through.
    const before = await readPoolState(d().client, pool);
    const start = before.price;
    const usdtInUsdc = pool.base === m().contracts.usdt ? start : 1 / start;
    const target = pool.base === m().contracts.usdt ? usdtInUsdc * 1.01 : 1 / (usdtInUsdc * 1.01);
    await thiefTrades(poolMoveTransaction(trader, router, pool, before.sqrtPriceX96, target));

    // The keeper key swaps with the loosest minimum the chain accepts.
    const minimum = await loosestUsdcToUsdtMinimum(amountIn);
    const usdcBefore = await balanceOf(m().contracts.usdc, setup.scope.safe);
    const usdtBefore = await balanceOf(m().contracts.usdt, setup.scope.safe);
    await asKeeper(router, await usdcToUsdtSwap(amountIn, minimum));
    const paid = usdcBefore - (await balanceOf(m().contracts.usdc, setup.scope.safe));
    const received = (await balanceOf(m().contracts.usdt, setup.scope.safe)) - usdtBefore;

    // Back-run: the thief takes the pool back to where it was.
    const after = await readPoolState(d().client, pool);
    await thiefTrades(poolMoveTransaction(trader, router, pool, after.sqrtPriceX96, start));

    const { lossE6, notionalE6 } = await swapLossUsd(paid, received);
    const bound = (notionalE6 * BigInt(DEVNET_KEEPER_BOUNDS.swapSlippageBps)) / BPS;
    expect(paid).toBe(amountIn);
    expect(lossE6).toBeGreaterThan(0n); // the sandwich did cost the treasury something…
    expect(lossE6).toBeLessThanOrEqual(bound); // …but never more than the configured slippage on the notional
    const thiefGainE6 =
      (await balanceOf(m().contracts.usdc, trader)) -
      traderUsdcBefore +
      ((await balanceOf(m().contracts.usdt, trader)) - traderUsdtBefore);
    expect(thiefGainE6).toBeLessThanOrEqual(bound);
  });

  it("finds a sandwich beyond the bound refused: the swap reverts and the treasury keeps its funds", async () => {
    const amountIn = 250_000n * USDC;
    const pool = m().pools.usdcUsdt100;
    const trader = m().accounts.trader.address;
    const before = await readPoolState(d().client, pool);
    const usdtInUsdc = pool.base === m().contracts.usdt ? before.price : 1 / before.price;
    const target = pool.base === m().contracts.usdt ? usdtInUsdc * 1.05 : 1 / (usdtInUsdc * 1.05);
    await thiefTrades(
      poolMoveTransaction(trader, setup.scope.uniswap.swapRouter, pool, before.sqrtPriceX96, target),
    );
    const usdcBefore = await balanceOf(m().contracts.usdc, setup.scope.safe);
    const call = asKeeper(
      setup.scope.uniswap.swapRouter,
      await usdcToUsdtSwap(amountIn, await loosestUsdcToUsdtMinimum(amountIn)),
    );
    await expectCustomError(call, "ModuleTransactionFailed", []);
    expect(await balanceOf(m().contracts.usdc, setup.scope.safe)).toBe(usdcBefore);
  });

  it("cannot open a perp position at a bound looser than the oracle allows, nor in quote terms", async () => {
    const clearingHouse = setup.scope.perp.clearingHouse;
    const amount = 5n * ETH;
    await expectCustomError(
      asKeeper(clearingHouse, openPosition({ isBaseToQuote: true, amount, oppositeAmountBound: 0n })),
      "ConditionViolation",
      refusedBy("HedgeBoundsPerpBoundBeyondOracle"),
    );
    const maxIn = await loosestPerpBound(amount, false);
    await expectCustomError(
      asKeeper(
        clearingHouse,
        openPosition({ isBaseToQuote: false, amount, oppositeAmountBound: maxIn + 1n }),
      ),
      "ConditionViolation",
      refusedBy("HedgeBoundsPerpBoundBeyondOracle"),
    );
    await expectCustomError(
      asKeeper(
        clearingHouse,
        openPosition({
          isBaseToQuote: true,
          isExactInput: false,
          amount: 10n * ETH, // $10 of quote: within the daily size allowance, so the refusal is HedgeBounds'

          oppositeAmountBound: amount,
        }),
      ),
      "ConditionViolation",
      refusedBy("HedgeBoundsQuoteDenominatedTrade"),
    );
    // Positive control: a buy at the loosest allowed bound executes.
    const sizeBefore = await perpSize(d(), setup);
    await asKeeper(clearingHouse, openPosition({ isBaseToQuote: false, amount, oppositeAmountBound: maxIn }));
    expect(await perpSize(d(), setup)).toBe(sizeBefore + amount);
  });

  it("sandwiches a 10 ETH perp short for at most the configured slippage on its notional", async () => {
    const perp = m().contracts.perp;
    const trader = m().accounts.trader.address;
    const amount = 10n * ETH;
    const openNotional = () =>
      d().publicClient.readContract({
        address: perp.accountBalance,
        abi: ACCOUNT_BALANCE_ABI,
        functionName: "getTakerOpenNotional",
        args: [setup.scope.safe, perp.baseToken],
      });
    // Front-run: the thief sells vETH, pushing the perp's price 1% under the oracle.
    const prices = await readPerpPrices(d().client, perp);
    await thiefTrades(perpMoveTransaction(trader, perp, prices.sqrtPriceX96, prices.indexPrice * 0.99));

    const bound = await loosestPerpBound(amount, true);
    const notionalBefore = await openNotional();
    await asKeeper(
      setup.scope.perp.clearingHouse,
      openPosition({ isBaseToQuote: true, amount, oppositeAmountBound: bound }),
    );
    const quoteReceived = (await openNotional()) - notionalBefore;

    const answer = await feedAnswer(d(), m().feeds.ethUsd.address);
    const oracleNotional = (amount * answer) / 10n ** 8n;
    const loss = oracleNotional - quoteReceived;
    expect(loss).toBeGreaterThan(0n);
    expect(loss).toBeLessThanOrEqual((oracleNotional * BigInt(DEVNET_KEEPER_BOUNDS.perpSlippageBps)) / BPS);
  });

  it("cannot take the perp position past its absolute ceiling, nor open twice in one transaction", async () => {
    const clearingHouse = setup.scope.perp.clearingHouse;
    const size = await perpSize(d(), setup);
    const ceiling = BigInt(DEVNET_KEEPER_CAPS.perpMaxAbsEth) * ETH;
    const pastCeiling = ceiling + (size < 0n ? size : -size) + 1n; // a short of ceiling + 1 wei
    await expectCustomError(
      asKeeper(
        clearingHouse,
        openPosition({
          isBaseToQuote: true,
          amount: pastCeiling,
          oppositeAmountBound: await loosestPerpBound(pastCeiling, true),
        }),
      ),
      "ConditionViolation",
      refusedBy("HedgeBoundsPositionAboveCeiling"),
    );
    const small = ETH;
    const one = {
      to: clearingHouse,
      value: 0n,
      data: openPosition({
        isBaseToQuote: true,
        amount: small,
        oppositeAmountBound: await loosestPerpBound(small, true),
      }),
    };
    await expectCustomError(
      asKeeper(setup.scope.multiSendCallOnly, encodeMultiSend([one, one]), DELEGATE_CALL),
      "ConditionViolation",
      [STATUS.CallAllowanceExceeded, expect.any(String)],
    );
    // Positive control: one open of the same size executes.
    await asKeeper(clearingHouse, one.data);
    expect(await perpSize(d(), setup)).toBe(size - small);
  });

  it("cannot deposit collateral past the vault ceiling", async () => {
    const vault = setup.scope.perp.vault;
    const deposit = (amount: bigint) =>
      encodeFunctionData({
        abi: PERP_VAULT_ABI,
        functionName: "deposit",
        args: [m().contracts.usdc, amount],
      });
    await expectCustomError(
      asKeeper(vault, deposit(BigInt(DEVNET_KEEPER_CAPS.collateralMaxUsdc) * USDC)),
      "ConditionViolation",
      refusedBy("HedgeBoundsCollateralAboveCeiling"),
    );
    await asKeeper(vault, deposit(1_000n * USDC)); // positive control
  });

  it("cannot remove liquidity while the pool is pushed off the oracle; can when it is not", async () => {
    const [tokenId] = m().positions.lpTokenIds;
    const positionManager = setup.scope.uniswap.positionManager;
    const decrease = encodeFunctionData({
      abi: POSITION_MANAGER_ABI,
      functionName: "decreaseLiquidity",
      args: [
        {
          tokenId: BigInt(tokenId!),
          liquidity: 1_000n,
          amount0Min: 0n,
          amount1Min: 0n,
          deadline: NO_DEADLINE,
        },
      ],
    });
    await asKeeper(positionManager, decrease); // positive control: the pool sits at the oracle
    const pool = m().pools.usdcWeth500;
    const state = await readPoolState(d().client, pool);
    await thiefTrades(
      poolMoveTransaction(
        m().accounts.trader.address,
        setup.scope.uniswap.swapRouter,
        pool,
        state.sqrtPriceX96,
        state.price * 1.05,
      ),
    );
    await expectCustomError(
      asKeeper(positionManager, decrease),
      "ConditionViolation",
      refusedBy("HedgeBoundsPoolOffOracle"),
    );
  });

  it("cannot run a plan twice: a de-peg swap plan replayed is refused on chain by HedgeGuard", async () => {
    const plan = await usdcToUsdtPlan(d(), setup, 10_000n * USDC);
    const rolesCall = planToRolesCall(plan, setup.targets);
    const send = () => d().walletFor("keeper").sendTransaction({ to: rolesCall.to, data: rolesCall.data });
    const first = await d().publicClient.waitForTransactionReceipt({ hash: await send() });
    expect(first.status).toBe("success"); // positive control
    const [premise] = planToBatch(plan, setup.targets);
    await expectCustomError(
      d().publicClient.call({ account: setup.scope.safe, to: premise!.to, data: premise!.data }),
      "HedgeGuardPlanNotNewer",
      undefined,
      HEDGE_GUARD_ABI,
    );
    const usdcBefore = await balanceOf(m().contracts.usdc, setup.scope.safe);
    await expectCustomError(
      d().publicClient.simulateContract({
        address: rolesCall.to,
        abi: rolesAbi,
        functionName: "execTransactionWithRole",
        args: [
          setup.scope.multiSendCallOnly,
          0n,
          encodeMultiSend(planToBatch(plan, setup.targets)),
          DELEGATE_CALL,
          KEEPER_ROLE_KEY,
          true,
        ],
        account: d().walletFor("keeper").account,
      }),
      "ModuleTransactionFailed",
      [],
    );
    expect(await balanceOf(m().contracts.usdc, setup.scope.safe)).toBe(usdcBefore);
  });

  it("moves at most the cap plus one refill step across an allowance boundary, not two caps", async () => {
    // The owners set the USDC swap allowance to a 48,000 USDC daily cap, exactly as the product configures one.
    const capUsdc = 48_000n * USDC;
    const { spec, swap } = await usdcSwapAllowanceOf(capUsdc);

    // Two seconds before a refill boundary: the whole cap; two seconds after it: one step, and not one unit more.
    // (Each swap is simulated on the latest block, then mined in the next: mine up to the second before.)
    const at = async (timestamp: bigint) => {
      await d().testClient.setNextBlockTimestamp({ timestamp: timestamp - 1n });
      await d().testClient.mine({ blocks: 1 });
    };
    // Refills land every period after the allowance's own timestamp (Roles sets it when the allowance is set).
    const [, , , , anchor] = await d().publicClient.readContract({
      address: setup.scope.roles,
      abi: rolesAbi,
      functionName: "allowances",
      args: [spec.key],
    });
    const now = (await d().publicClient.getBlock()).timestamp;
    const boundary = anchor + ((now - anchor) / spec.period + 2n) * spec.period;
    await at(boundary - 2n);
    await swap(capUsdc);
    await at(boundary + 2n);
    await swap(spec.refill);
    // The allowance's refusal inside the pairs' Or reads as OrViolation; the same unit passing after the next
    // refill shows it was the allowance, not the price.
    await expectCustomError(swap(USDC), "ConditionViolation", [STATUS.OrViolation, zeroHash]);
    await at(boundary + spec.period + 2n);
    await swap(USDC);
    const moved = capUsdc + spec.refill;
    expect(moved).toBe(maxSpendWithin(spec, 4n));
    expect(moved).toBe(capUsdc + capUsdc / 24n);
  });
  it("lets through exactly the accrued balance it reads (accruedAllowance), one unit more refused", async () => {
    const capUsdc = 48_000n * USDC;
    const { spec, swap } = await usdcSwapAllowanceOf(capUsdc);
    const stored = async () => {
      const [refill, maxRefill, period, balance, timestamp] = await d().publicClient.readContract({
        address: setup.scope.roles,
        abi: rolesAbi,
        functionName: "allowances",
        args: [spec.key],
      });
      return { refill, maxRefill, period, balance, timestamp };
    };
    // Mid-period, so the second or two between reading and mining crosses no refill.
    const midPeriod = async (periodsOn: bigint) => {
      const { timestamp } = await stored();
      const now = (await d().publicClient.getBlock()).timestamp;
      const target =
        timestamp + ((now - timestamp) / spec.period + periodsOn) * spec.period + spec.period / 2n;
      await d().testClient.setNextBlockTimestamp({ timestamp: target });
      await d().testClient.mine({ blocks: 1 });
      return target;
    };

    await midPeriod(1n);
    await swap(capUsdc - 1_000n * USDC);
    // Three refills later: 1,000 left plus three steps.
    const at = await midPeriod(3n);
    const expected = accruedAllowance(await stored(), at + 1n);
    expect(expected).toBe(1_000n * USDC + 3n * spec.refill);
    // The modifier's own answer: one unit over the accrued balance is refused, the balance itself passes.
    await expectCustomError(swap(expected + 1n), "ConditionViolation", [STATUS.OrViolation, zeroHash]);
    await swap(expected);
    expect((await stored()).balance).toBe(0n);
    // What `hedgekeeper check` reads and says of it: empty now, named as exhausted.
    const now = await readKeeperAllowances(
      d().publicClient,
      setup.scope,
      await d().publicClient.getBlockNumber(),
    );
    expect(now.find((a) => a.key === spec.key)).toMatchObject({
      label: `hk.swap.${m().contracts.usdc.slice(2, 14).toLowerCase()}`,
      balance: 0n,
      maxRefill: capUsdc,
    });
    expect(describeAllowances(now)).toContain(
      `exhausted until their next refill: hk.swap.${m().contracts.usdc.slice(2, 14).toLowerCase()}`,
    );
  });
});

/**
 * The owners set the USDC swap allowance to a daily cap, full, exactly as the product configures one; `swap` then
 * sends a keeper swap of that much USDC at the loosest minimum the scope admits (so only the allowance can refuse it).
 */
async function usdcSwapAllowanceOf(capUsdc: bigint) {
  const spec = keeperAllowances({
    ...setup.scope,
    caps: {
      ...setup.scope.caps,
      swapAmountInPerDay: { ...setup.scope.caps.swapAmountInPerDay, [m().contracts.usdc]: capUsdc },
    },
  }).find((a) => a.key === swapDailyAllowanceKey(m().contracts.usdc))!;
  const [first, second] = DEVNET_ACCOUNT_INDEXES.owners;
  await execSafeTransaction(d().client, setup.scope.safe, [devnetAccount(first), devnetAccount(second)], {
    to: setup.scope.roles,
    data: encodeFunctionData({
      abi: rolesAbi,
      functionName: "setAllowance",
      args: [spec.key, spec.maxRefill, spec.maxRefill, spec.refill, spec.period, 0n],
    }),
    label: `owners set a ${capUsdc / USDC} USDC/day swap allowance`,
  });
  const router = setup.scope.uniswap.swapRouter;
  const swap = async (amount: bigint) =>
    asKeeper(router, await usdcToUsdtSwap(amount, await loosestUsdcToUsdtMinimum(amount)));
  return { spec, swap };
}
