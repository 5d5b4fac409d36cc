import {
  type Address,
  createWalletClient,
  decodeFunctionData,
  encodeFunctionData,
  erc20Abi,
  type Hex,
  toFunctionSelector,
} from "viem";
import { beforeAll, describe, expect, it } from "vitest";
import { rolesAbi } from "zodiac-roles-sdk";
import { AAVE_V3_ORACLE_ABI, AAVE_V3_POOL_ABI } from "../../../src/chain/abis/aave-v3-abi.ts";
import { SWAP_ROUTER_ABI } from "../../../src/chain/abis/uniswap-v3-abi.ts";
import { OWNED_ROLE_KEY_PREFIXES } from "../../../src/cli/check.ts";
import { DEVNET_ACCOUNT_INDEXES, devnetAccount } from "../../../src/devnet/accounts.ts";
import {
  DEVNET_KEEPER_CAPS,
  type DevnetKeeperSetup,
  devnetDeleverager,
  setUpDevnetKeeper,
} from "../../../src/devnet/devnet-keeper-setup.ts";
import { execSafeTransaction } from "../../../src/devnet/treasury-transaction.ts";
import type { Plan } from "../../../src/engine/plan.ts";
import { HEDGE_GUARD_ABI } from "../../../src/execution/abis.ts";
import { CALL } from "../../../src/execution/multisend.ts";
import { callsToFixDrift, diffPermissions } from "../../../src/execution/permission-drift.ts";
import { planToBatch, planToRolesCall } from "../../../src/execution/plan-batch.ts";
import { readDeployedRoleState } from "../../../src/execution/read-role-statements.ts";
import { DELEVERAGER_ROLE_KEY, KEEPER_ROLE_KEY } from "../../../src/execution/role-keys.ts";
import { desiredStatements } from "../../../src/execution/role-statements.ts";
import { expectCustomError } from "../../support/custom-error.ts";
import { useDevnet } from "../../support/devnet.ts";
import { aaveAction, aavePlan, wethSale } from "../../support/devnet-plans.ts";

// The keeper's and the deleverager's power over the treasury's Aave v3 account, tested adversarially on the
// devnet: real Safe 1.4.1, Zodiac Roles v2, MultiSendCallOnly, Uniswap v3 and Aave v3 (core-v3 1.19.3) bytecode.
// Every refusal sits next to its positive control: the legitimate call, same setup, passes.
const devnet = useDevnet();
let setup: DevnetKeeperSetup;

const ETH = 10n ** 18n;
const USDC = 10n ** 6n;
const WAD = 10n ** 18n;
/** The Safe's collateral, supplied by its owners before the keeper acts: ~1.69M USD of borrowing power. */
const SUPPLIED_USDC = 900_000n * USDC;
const STATUS = {
  TargetAddressNotAllowed: 2,
  FunctionNotAllowed: 3,
  OrViolation: 5,
  ParameterNotAllowed: 7,
  AllowanceExceeded: 17,
} as const;

const d = () => devnet();
const m = () => d().manifest;
const aave = () => {
  const market = m().aave;
  if (market === undefined) throw new Error("the devnet has no Aave v3 market");
  return market;
};

beforeAll(async () => {
  setup = await setUpDevnetKeeper(d().client, d().manifest);
  const [first, second] = DEVNET_ACCOUNT_INDEXES.owners;
  await execSafeTransaction(d().client, setup.scope.safe, [devnetAccount(first), devnetAccount(second)], {
    to: aave().pool,
    data: encodeFunctionData({
      abi: AAVE_V3_POOL_ABI,
      functionName: "supply",
      args: [m().contracts.usdc, SUPPLIED_USDC, setup.scope.safe, 0],
    }),
    label: "owners supply USDC collateral on Aave",
  });
}, 120_000);

type Actor = "keeper" | "deleverager";

function walletOf(actor: Actor) {
  if (actor === "keeper") return d().walletFor("keeper");
  return createWalletClient({
    account: devnetDeleverager(),
    chain: d().client.chain,
    transport: d().client.transport,
  });
}

/** A call made by the Safe through `actor`'s role, simulated first so a refusal is decoded from the Roles ABI. */
async function execAs(actor: Actor, to: Address, data: Hex, operation: number = CALL) {
  const wallet = walletOf(actor);
  const role = actor === "keeper" ? KEEPER_ROLE_KEY : DELEVERAGER_ROLE_KEY;
  const { request } = await d().publicClient.simulateContract({
    address: setup.scope.roles,
    abi: rolesAbi,
    functionName: "execTransactionWithRole",
    args: [to, 0n, data, operation, role, true],
    account: wallet.account,
  });
  const hash = await wallet.writeContract(request);
  const receipt = await d().publicClient.waitForTransactionReceipt({ hash });
  expect(receipt.status).toBe("success");
  return receipt;
}

async function keeperExecPlan(plan: Plan) {
  const call = planToRolesCall(plan, setup.targets);
  const { args } = decodeFunctionData({ abi: rolesAbi, data: call.data }) as {
    args: readonly [Address, bigint, Hex, number, Hex, boolean];
  };
  return execAs("keeper", args[0], args[2], args[3]);
}

const poolCall = (data: Hex) => [aave().pool, data] as const;
const borrow = (asset: Address, amount: bigint, onBehalfOf: Address, rateMode = 2n) =>
  poolCall(
    encodeFunctionData({
      abi: AAVE_V3_POOL_ABI,
      functionName: "borrow",
      args: [asset, amount, rateMode, 0, onBehalfOf],
    }),
  );
const withdraw = (asset: Address, amount: bigint, to: Address) =>
  poolCall(
    encodeFunctionData({ abi: AAVE_V3_POOL_ABI, functionName: "withdraw", args: [asset, amount, to] }),
  );
const repay = (asset: Address, amount: bigint, onBehalfOf: Address) =>
  poolCall(
    encodeFunctionData({
      abi: AAVE_V3_POOL_ABI,
      functionName: "repay",
      args: [asset, amount, 2n, onBehalfOf],
    }),
  );
const sellWeth = (amountIn: bigint, recipient: Address) =>
  [
    setup.scope.uniswap.swapRouter,
    encodeFunctionData({
      abi: SWAP_ROUTER_ABI,
      functionName: "exactInputSingle",
      args: [
        {
          tokenIn: m().contracts.weth,
          tokenOut: m().contracts.usdc,
          fee: 500,
          recipient,
          deadline: 2n ** 40n,
          amountIn,
          amountOutMinimum: 0n,
          sqrtPriceLimitX96: 0n,
        },
      ],
    }),
  ] as const;

async function chainNow(): Promise<number> {
  return Number((await d().publicClient.getBlock()).timestamp);
}

async function wethDebt(): Promise<bigint> {
  return d().publicClient.readContract({
    address: aave().reserves.weth.variableDebtToken,
    abi: erc20Abi,
    functionName: "balanceOf",
    args: [setup.scope.safe],
  });
}
async function balanceOf(token: Address, account: Address): Promise<bigint> {
  return d().publicClient.readContract({
    address: token,
    abi: erc20Abi,
    functionName: "balanceOf",
    args: [account],
  });
}
async function healthFactor(): Promise<bigint> {
  const data = await d().publicClient.readContract({
    address: aave().pool,
    abi: AAVE_V3_POOL_ABI,
    functionName: "getUserAccountData",
    args: [setup.scope.safe],
  });
  return data[5];
}

describe("the keeper can", () => {
  it("borrow WETH on the Safe's account and sell it for USDC to the Safe, HedgeGuard asserting the health factor", async () => {
    const { weth, usdc } = m().contracts;
    const [usdcBefore, wethBefore] = [
      await balanceOf(usdc, setup.scope.safe),
      await balanceOf(weth, setup.scope.safe),
    ];
    const plan = await aavePlan(
      d(),
      [aaveAction(d(), "aave.borrow", weth, 20n * ETH), await wethSale(d(), 20n * ETH)],
      { minHealthFactorWad: (3n * WAD) / 2n, label: "borrow-short" },
    );
    const sale = plan.actions[1] as { amountOutMinimum: bigint };
    await keeperExecPlan(plan);
    expect(await wethDebt()).toBeGreaterThanOrEqual(20n * ETH);
    expect(await balanceOf(weth, setup.scope.safe)).toBe(wethBefore);
    expect(await balanceOf(usdc, setup.scope.safe)).toBeGreaterThanOrEqual(
      usdcBefore + sale.amountOutMinimum,
    );
    expect(await healthFactor()).toBeGreaterThanOrEqual((3n * WAD) / 2n);
  });

  it("repay the Safe's WETH debt and withdraw collateral to the Safe", async () => {
    const { weth, usdc } = m().contracts;
    await keeperExecPlan(
      await aavePlan(d(), [aaveAction(d(), "aave.borrow", weth, 10n * ETH)], { minHealthFactorWad: WAD }),
    );
    const usdcBefore = await balanceOf(usdc, setup.scope.safe);
    await keeperExecPlan(
      await aavePlan(
        d(),
        [
          aaveAction(d(), "aave.repay", weth, 10n * ETH),
          aaveAction(d(), "aave.withdraw", usdc, 50_000n * USDC),
        ],
        { minHealthFactorWad: WAD, label: "deleverage" },
      ),
    );
    // Interest of a block or two is left over: the repay covered the principal.
    expect(await wethDebt()).toBeLessThan(ETH / 1_000n);
    expect(await balanceOf(usdc, setup.scope.safe)).toBe(usdcBefore + 50_000n * USDC);
  });
});

describe("the keeper cannot", () => {
  it("borrow on behalf of another account; the same borrow for the Safe passes", async () => {
    const { weth } = m().contracts;
    // The keeper would need the victim's credit delegation; the scope refuses before Aave is asked.
    await expectCustomError(
      execAs("keeper", ...borrow(weth, ETH, walletOf("keeper").account.address)),
      "ConditionViolation",
      [STATUS.ParameterNotAllowed, expect.any(String)],
    );
    await execAs("keeper", ...borrow(weth, ETH, setup.scope.safe));
    expect(await wethDebt()).toBeGreaterThanOrEqual(ETH);
  });

  it("withdraw collateral to another address; the same withdrawal to the Safe passes", async () => {
    const { usdc } = m().contracts;
    const thief = walletOf("keeper").account.address;
    await expectCustomError(execAs("keeper", ...withdraw(usdc, 1_000n * USDC, thief)), "ConditionViolation", [
      STATUS.ParameterNotAllowed,
      expect.any(String),
    ]);
    const before = await balanceOf(usdc, setup.scope.safe);
    await execAs("keeper", ...withdraw(usdc, 1_000n * USDC, setup.scope.safe));
    expect(await balanceOf(usdc, setup.scope.safe)).toBe(before + 1_000n * USDC);
    expect(await balanceOf(usdc, thief)).toBe(0n);
  });

  it("borrow an asset that is not configured, or at the stable rate; a variable WETH borrow passes", async () => {
    const { dai, weth } = m().contracts;
    await expectCustomError(
      execAs("keeper", ...borrow(dai, 1_000n * ETH, setup.scope.safe)),
      "ConditionViolation",
      [STATUS.ParameterNotAllowed, expect.any(String)],
    );
    await expectCustomError(
      execAs("keeper", ...borrow(weth, ETH, setup.scope.safe, 1n)),
      "ConditionViolation",
      [STATUS.ParameterNotAllowed, expect.any(String)],
    );
    await execAs("keeper", ...borrow(weth, ETH, setup.scope.safe));
  });

  it("borrow past its daily allowance; after one refill period it may borrow one step more", async () => {
    const { weth } = m().contracts;
    const cap = BigInt(DEVNET_KEEPER_CAPS.aaveBorrowEthPerDay) * ETH;
    const period = DEVNET_KEEPER_CAPS.refillPeriodSec;
    const step = (cap * BigInt(period)) / 86_400n;
    // Refills land on multiples of the period (the allowance's timestamp starts at 0): start just past one, so
    // advancing one period crosses exactly one boundary.
    const now = BigInt(await chainNow());
    await d().testClient.setNextBlockTimestamp({
      timestamp: (now / BigInt(period) + 1n) * BigInt(period) + 10n,
    });
    await execAs("keeper", ...borrow(weth, cap, setup.scope.safe));
    await expectCustomError(execAs("keeper", ...borrow(weth, 1n, setup.scope.safe)), "ConditionViolation", [
      STATUS.AllowanceExceeded,
      expect.any(String),
    ]);
    await d().testClient.increaseTime({ seconds: DEVNET_KEEPER_CAPS.refillPeriodSec });
    await d().testClient.mine({ blocks: 1 });
    await expectCustomError(
      execAs("keeper", ...borrow(weth, step + 1n, setup.scope.safe)),
      "ConditionViolation",
      [STATUS.AllowanceExceeded, expect.any(String)],
    );
    await execAs("keeper", ...borrow(weth, step, setup.scope.safe));
    expect(await wethDebt()).toBeGreaterThanOrEqual(cap + step);
  });

  it("swap borrowed WETH to another recipient; the same swap to the Safe passes", async () => {
    const { weth, usdc } = m().contracts;
    const wethBefore = await balanceOf(weth, setup.scope.safe);
    await execAs("keeper", ...borrow(weth, 2n * ETH, setup.scope.safe));
    const thief = walletOf("keeper").account.address;
    // Several configured pairs: Roles reports the refused branch set as OrViolation.
    await expectCustomError(execAs("keeper", ...sellWeth(2n * ETH, thief)), "ConditionViolation", [
      STATUS.OrViolation,
      expect.any(String),
    ]);
    const sale = await wethSale(d(), 2n * ETH);
    const before = await balanceOf(usdc, setup.scope.safe);
    await execAs("keeper", setup.scope.uniswap.swapRouter, encodeSale(sale.amountIn, sale.amountOutMinimum));
    expect(await balanceOf(weth, setup.scope.safe)).toBe(wethBefore);
    expect(await balanceOf(usdc, setup.scope.safe)).toBeGreaterThanOrEqual(before + sale.amountOutMinimum);
    expect(await balanceOf(usdc, thief)).toBe(0n);
  });

  it("carry out a plan whose health factor after the batch would be below its floor; the same plan meets a lower floor", async () => {
    const { weth } = m().contracts;
    const amount = 100n * ETH;
    // Aave's health factor after the borrow: collateral × liquidation threshold / debt, in the oracle's base
    // currency (ValidationLogic / GenericLogic.calculateUserAccountData). The floor sits 10% above it.
    const [collateralBase, , , thresholdBps] = await d().publicClient.readContract({
      address: aave().pool,
      abi: AAVE_V3_POOL_ABI,
      functionName: "getUserAccountData",
      args: [setup.scope.safe],
    });
    const ethPrice = await d().publicClient.readContract({
      address: aave().oracle,
      abi: AAVE_V3_ORACLE_ABI,
      functionName: "getAssetPrice",
      args: [weth],
    });
    const expectedHealth = (collateralBase * thresholdBps * WAD) / 10_000n / ((amount * ethPrice) / ETH);
    const floor = expectedHealth + expectedHealth / 10n;
    const plan = await aavePlan(d(), [aaveAction(d(), "aave.borrow", weth, amount)], {
      minHealthFactorWad: floor,
    });
    await expectCustomError(keeperExecPlan(plan), "ModuleTransactionFailed", []);
    expect(await wethDebt()).toBe(0n);

    // The guard's own error, seen as the Safe sees it: the premise and the borrow carried out by the Safe itself,
    // then the post check as the Safe would call it.
    const batch = planToBatch(plan, setup.targets);
    const safe = setup.scope.safe;
    const asSafe = createWalletClient({
      account: safe,
      chain: d().client.chain,
      transport: d().client.transport,
    });
    await d().testClient.impersonateAccount({ address: safe });
    await d().testClient.setBalance({ address: safe, value: 10n ** 20n });
    const snapshot = await d().testClient.snapshot();
    for (const tx of batch.slice(0, -1)) {
      const hash = await asSafe.sendTransaction({ to: tx.to, data: tx.data });
      expect((await d().publicClient.waitForTransactionReceipt({ hash })).status).toBe("success");
    }
    const healthAfter = await healthFactor();
    // Within a wei or so of the independent figure (Aave rounds each base-currency value on its own).
    expect(healthAfter).toBeGreaterThan((expectedHealth * 999n) / 1_000n);
    expect(healthAfter).toBeLessThan(floor);
    const postCheck = batch.at(-1)!;
    await expectCustomError(
      d().publicClient.call({ account: safe, to: postCheck.to, data: postCheck.data }),
      "HedgeGuardHealthFactorTooLow",
      [plan.planId, aave().pool, healthAfter, floor],
      HEDGE_GUARD_ABI,
    );
    await d().testClient.stopImpersonatingAccount({ address: safe });
    await d().testClient.revert({ id: snapshot });

    // Positive control: the same borrow with a floor 10% below the health factor it leaves passes through Roles.
    const lowerFloor = expectedHealth - expectedHealth / 10n;
    await keeperExecPlan(
      await aavePlan(d(), [aaveAction(d(), "aave.borrow", weth, amount)], { minHealthFactorWad: lowerFloor }),
    );
    expect(await wethDebt()).toBeGreaterThanOrEqual(amount);
    expect(await healthFactor()).toBeGreaterThanOrEqual(lowerFloor);
  });
});

describe("the deleverager", () => {
  it("repays the Safe's debt from the Safe's balance, the approve included", async () => {
    const { weth } = m().contracts;
    await execAs("keeper", ...borrow(weth, 5n * ETH, setup.scope.safe));
    const approve = encodeFunctionData({
      abi: erc20Abi,
      functionName: "approve",
      args: [aave().pool, 5n * ETH],
    });
    await execAs("deleverager", weth, approve);
    await execAs("deleverager", ...repay(weth, 3n * ETH, setup.scope.safe));
    const debt = await wethDebt();
    expect(debt).toBeGreaterThanOrEqual(2n * ETH);
    expect(debt).toBeLessThan(2n * ETH + ETH / 1_000n);
  });

  it("repays with the Safe's own aTokens of the borrowed asset (repayWithATokens)", async () => {
    const { weth } = m().contracts;
    await execAs("keeper", ...borrow(weth, 5n * ETH, setup.scope.safe));
    // The owners supply 3 of the borrowed WETH back to Aave: the Safe now holds aWETH as well as WETH debt.
    const [first, second] = DEVNET_ACCOUNT_INDEXES.owners;
    await execSafeTransaction(d().client, setup.scope.safe, [devnetAccount(first), devnetAccount(second)], {
      to: aave().pool,
      data: encodeFunctionData({
        abi: AAVE_V3_POOL_ABI,
        functionName: "supply",
        args: [weth, 3n * ETH, setup.scope.safe, 0],
      }),
      label: "owners supply WETH",
    });
    const aWeth = aave().reserves.weth.aToken;
    const [aBefore, debtBefore] = [await balanceOf(aWeth, setup.scope.safe), await wethDebt()];
    await execAs(
      "deleverager",
      ...poolCall(
        encodeFunctionData({
          abi: AAVE_V3_POOL_ABI,
          functionName: "repayWithATokens",
          args: [weth, 2n * ETH, 2n],
        }),
      ),
    );
    // A block of interest accrues on both sides: within a thousandth of an ETH of exactly 2 each.
    const aSpent = aBefore - (await balanceOf(aWeth, setup.scope.safe));
    const debtRepaid = debtBefore - (await wethDebt());
    expect(aSpent).toBeGreaterThan(2n * ETH - ETH / 1_000n);
    expect(aSpent).toBeLessThan(2n * ETH + ETH / 1_000n);
    expect(debtRepaid).toBeGreaterThan(2n * ETH - ETH / 1_000n);
    expect(debtRepaid).toBeLessThan(2n * ETH + ETH / 1_000n);
  });

  it("can do nothing but repay: borrow, withdraw, swap, or repay another account's debt are refused", async () => {
    const { weth, usdc } = m().contracts;
    await execAs("keeper", ...borrow(weth, 2n * ETH, setup.scope.safe));
    await expectCustomError(
      execAs("deleverager", ...borrow(weth, ETH, setup.scope.safe)),
      "ConditionViolation",
      [STATUS.FunctionNotAllowed, expect.any(String)],
    );
    await expectCustomError(
      execAs("deleverager", ...withdraw(usdc, USDC, setup.scope.safe)),
      "ConditionViolation",
      [STATUS.FunctionNotAllowed, expect.any(String)],
    );
    await expectCustomError(execAs("deleverager", ...sellWeth(ETH, setup.scope.safe)), "ConditionViolation", [
      STATUS.TargetAddressNotAllowed,
      expect.any(String),
    ]);
    const approveRouter = encodeFunctionData({
      abi: erc20Abi,
      functionName: "approve",
      args: [setup.scope.uniswap.swapRouter, ETH],
    });
    await expectCustomError(execAs("deleverager", weth, approveRouter), "ConditionViolation", [
      STATUS.ParameterNotAllowed,
      expect.any(String),
    ]);
    await expectCustomError(
      execAs("deleverager", ...repay(weth, ETH, walletOf("keeper").account.address)),
      "ConditionViolation",
      [STATUS.ParameterNotAllowed, expect.any(String)],
    );
    // Positive control, same setup: the repay it is hired for.
    await execAs("deleverager", ...repay(weth, ETH, setup.scope.safe));
    expect(await wethDebt()).toBeLessThan(ETH + ETH / 1_000n);
  });
});

describe("hedgekeeper check's permission drift", () => {
  it("reports a borrow granted to the deleverager outside config, and the fix takes it away again", async () => {
    const { weth } = m().contracts;
    const [first, second] = DEVNET_ACCOUNT_INDEXES.owners;
    const owners = [devnetAccount(first), devnetAccount(second)];
    const read = async () =>
      readDeployedRoleState(d().publicClient, setup.scope.roles, {
        fromBlock: 0n,
        toBlock: await d().publicClient.getBlockNumber({ cacheTime: 0 }),
      });
    const desired = desiredStatements(setup.scope);
    expect(diffPermissions(desired, await read(), OWNED_ROLE_KEY_PREFIXES)).toEqual({
      missing: [],
      unexpected: [],
    });

    const borrowSelector = toFunctionSelector("borrow(address,uint256,uint256,uint16,address)");
    await execSafeTransaction(d().client, setup.scope.safe, owners, {
      to: setup.scope.roles,
      data: encodeFunctionData({
        abi: rolesAbi,
        functionName: "allowFunction",
        args: [DELEVERAGER_ROLE_KEY, aave().pool, borrowSelector, 0],
      }),
      label: "grant the deleverager borrow outside config",
    });
    // The grant is real: the deleverager can now borrow on the Safe's account.
    await execAs("deleverager", ...borrow(weth, ETH, setup.scope.safe));
    const drift = diffPermissions(desired, await read(), OWNED_ROLE_KEY_PREFIXES);
    expect(drift.missing).toEqual([]);
    expect(drift.unexpected.map((u) => u.key)).toEqual([
      `function:${DELEVERAGER_ROLE_KEY}:${aave().pool.toLowerCase()}:${borrowSelector}`,
    ]);
    for (const call of callsToFixDrift(drift, desired, setup.scope.roles)) {
      await execSafeTransaction(d().client, setup.scope.safe, owners, { ...call, label: "fix drift" });
    }
    expect(diffPermissions(desired, await read(), OWNED_ROLE_KEY_PREFIXES)).toEqual({
      missing: [],
      unexpected: [],
    });
    await expectCustomError(
      execAs("deleverager", ...borrow(weth, ETH, setup.scope.safe)),
      "ConditionViolation",
      [STATUS.FunctionNotAllowed, expect.any(String)],
    );
  });
});

function encodeSale(amountIn: bigint, amountOutMinimum: bigint): Hex {
  return encodeFunctionData({
    abi: SWAP_ROUTER_ABI,
    functionName: "exactInputSingle",
    args: [
      {
        tokenIn: m().contracts.weth,
        tokenOut: m().contracts.usdc,
        fee: 500,
        recipient: setup.scope.safe,
        deadline: 2n ** 40n,
        amountIn,
        amountOutMinimum,
        sqrtPriceLimitX96: 0n,
      },
    ],
  });
}
