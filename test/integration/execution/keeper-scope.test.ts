import fc from "fast-check";
import { type Address, encodeFunctionData, erc20Abi, type Hex, keccak256, parseAbi, toHex } from "viem";
import { beforeAll, describe, expect, it } from "vitest";
import { rolesAbi } from "zodiac-roles-sdk";
import { PERP_CLEARING_HOUSE_ABI } from "../../../src/chain/abis/perp-v2-abi.ts";
import { SWAP_ROUTER_ABI } from "../../../src/chain/abis/uniswap-v3-abi.ts";
import { DEVNET_ACCOUNT_INDEXES, devnetAccount } from "../../../src/devnet/accounts.ts";
import { type DevnetKeeperSetup, setUpDevnetKeeper } from "../../../src/devnet/devnet-keeper-setup.ts";
import { execSafeTransaction } from "../../../src/devnet/treasury-transaction.ts";
import type { Plan } from "../../../src/engine/plan.ts";
import { HEDGE_GUARD_ABI } from "../../../src/execution/abis.ts";
import { bookKey } from "../../../src/execution/book-key.ts";
import { deployRolesModifierForSafe } from "../../../src/execution/deploy-treasury-contracts.ts";
import { CALL } from "../../../src/execution/multisend.ts";
import { callsToFixDrift, diffPermissions } from "../../../src/execution/permission-drift.ts";
import { planToBatch, planToRolesCall } from "../../../src/execution/plan-batch.ts";
import { readDeployedRoleState } from "../../../src/execution/read-role-statements.ts";
import { GUARDIAN_ROLE_KEY, KEEPER_ROLE_KEY } from "../../../src/execution/role-keys.ts";
import { desiredStatements } from "../../../src/execution/role-statements.ts";
import { expectCustomError } from "../../support/custom-error.ts";
import { useDevnet } from "../../support/devnet.ts";
import {
  chainNowSec,
  feedAnswer as feedAnswerOf,
  perpSize as perpSizeOf,
  shortMorePlan as shortMorePlanOf,
  usdcToUsdtPlan as usdcToUsdtPlanOf,
} from "../../support/devnet-plans.ts";

// The keeper's power over the treasury, tested adversarially on the devnet: real Safe 1.4.1, Zodiac Roles v2,
// MultiSendCallOnly, Uniswap v3 and Perpetual Protocol v2 bytecode; our HedgeGuard only asserts.
const devnet = useDevnet();
let setup: DevnetKeeperSetup;

const ETH = 10n ** 18n;
const STATUS = {
  TargetAddressNotAllowed: 2,
  FunctionNotAllowed: 3,
  OrViolation: 5,
  ParameterNotAllowed: 7,
  AllowanceExceeded: 17,
} as const;

beforeAll(async () => {
  const d = devnet();
  setup = await setUpDevnetKeeper(d.client, d.manifest);
}, 120_000);

const d = () => devnet();
const m = () => d().manifest;
const keeper = () => d().walletFor("keeper");
const perpSize = () => perpSizeOf(d(), setup);
const feedAnswer = (feed: Address) => feedAnswerOf(d(), feed);
const nowSec = () => chainNowSec(d());
const shortMorePlan = (amountBase: bigint, label?: string) => shortMorePlanOf(d(), setup, amountBase, label);
const usdcToUsdtPlan = (amountIn: bigint) => usdcToUsdtPlanOf(d(), setup, amountIn);

/** The keeper's transaction through its role, simulated first so a refusal is decoded from the Roles ABI. */
async function keeperExec(
  to: Address,
  data: Hex,
  options: { operation?: number; role?: Hex; as?: "keeper" | "guardian" } = {},
) {
  const wallet = d().walletFor(options.as ?? "keeper");
  const args = [to, 0n, data, options.operation ?? CALL, options.role ?? KEEPER_ROLE_KEY, true] as const;
  const { request } = await d().publicClient.simulateContract({
    address: setup.scope.roles,
    abi: rolesAbi,
    functionName: "execTransactionWithRole",
    args,
    account: wallet.account,
  });
  const hash = await wallet.writeContract(request);
  const receipt = await d().publicClient.waitForTransactionReceipt({ hash });
  expect(receipt.status).toBe("success");
  return receipt;
}

async function keeperExecPlan(plan: Plan) {
  const call = planToRolesCall(plan, setup.targets);
  const { args } = (await import("viem")).decodeFunctionData({ abi: rolesAbi, data: call.data }) as {
    args: readonly [Address, bigint, Hex, number, Hex, boolean];
  };
  return keeperExec(args[0], args[2], { operation: args[3] });
}

/** The premise check as the Safe would make it: decodes HedgeGuard's own error when the batch would fail. */
function premiseAsSafe(plan: Plan) {
  const [premise] = planToBatch(plan, setup.targets);
  return d().publicClient.call({ account: setup.scope.safe, to: premise!.to, data: premise!.data });
}

describe("the keeper can", () => {
  it("execute an in-bounds hedge adjustment through Roles, Safe, MultiSend and HedgeGuard", async () => {
    const before = await perpSize();
    await keeperExecPlan(await shortMorePlan(ETH / 2n));
    expect(await perpSize()).toBe(before - ETH / 2n);
  });

  it("execute a de-peg swap whose output lands in the Safe", async () => {
    const { usdc, usdt } = m().contracts;
    const balance = (token: Address) =>
      d().publicClient.readContract({
        address: token,
        abi: erc20Abi,
        functionName: "balanceOf",
        args: [setup.scope.safe],
      });
    const [usdcBefore, usdtBefore] = [await balance(usdc), await balance(usdt)];
    await keeperExecPlan(await usdcToUsdtPlan(10_000n * 10n ** 6n));
    expect(await balance(usdc)).toBe(usdcBefore - 10_000n * 10n ** 6n);
    expect(await balance(usdt)).toBeGreaterThan(usdtBefore + 9_900n * 10n ** 6n);
  });
});

describe("the keeper cannot", () => {
  it("transfer any token out of the Safe, alone or hidden in a MultiSend batch", async () => {
    const transfer = encodeFunctionData({
      abi: erc20Abi,
      functionName: "transfer",
      args: [keeper().account.address, 1n],
    });
    await expectCustomError(keeperExec(m().contracts.usdt, transfer), "ConditionViolation", [
      STATUS.TargetAddressNotAllowed,
      expect.any(String),
    ]);
    // USDC is a scoped target (the keeper may approve it to the Aave Pool): any other function is refused.
    await expectCustomError(keeperExec(m().contracts.usdc, transfer), "ConditionViolation", [
      STATUS.FunctionNotAllowed,
      expect.any(String),
    ]);
    const plan = await shortMorePlan(ETH / 10n);
    const batch = [
      ...planToBatch(plan, setup.targets),
      { to: m().contracts.usdc, value: 0n, data: transfer },
    ];
    const { encodeMultiSend } = await import("../../../src/execution/multisend.ts");
    await expectCustomError(
      keeperExec(setup.scope.multiSendCallOnly, encodeMultiSend(batch), { operation: 1 }),
      "ConditionViolation",
      [STATUS.FunctionNotAllowed, expect.any(String)],
    );
  });

  it("swap to any recipient but the Safe", async () => {
    const { usdc, usdt } = m().contracts;
    const data = encodeFunctionData({
      abi: SWAP_ROUTER_ABI,
      functionName: "exactInputSingle",
      args: [
        {
          tokenIn: usdc,
          tokenOut: usdt,
          fee: 100,
          recipient: keeper().account.address,
          deadline: 2n ** 40n,
          amountIn: 10n ** 6n,
          amountOutMinimum: 0n,
          sqrtPriceLimitX96: 0n,
        },
      ],
    });
    await expectCustomError(keeperExec(setup.scope.uniswap.swapRouter, data), "ConditionViolation", [
      STATUS.OrViolation,
      expect.any(String),
    ]);
  });

  it("trade a market or a pair that is not configured", async () => {
    const { usdt, dai } = m().contracts;
    const otherMarket = encodeFunctionData({
      abi: PERP_CLEARING_HOUSE_ABI,
      functionName: "openPosition",
      args: [
        {
          baseToken: m().contracts.perp.quoteToken,
          isBaseToQuote: true,
          isExactInput: true,
          amount: ETH,
          oppositeAmountBound: 0n,
          deadline: 2n ** 40n,
          sqrtPriceLimitX96: 0n,
          referralCode: `0x${"00".repeat(32)}`,
        },
      ],
    });
    await expectCustomError(keeperExec(setup.scope.perp.clearingHouse, otherMarket), "ConditionViolation", [
      STATUS.ParameterNotAllowed,
      expect.any(String),
    ]);
    const otherPair = encodeFunctionData({
      abi: SWAP_ROUTER_ABI,
      functionName: "exactInputSingle",
      args: [
        {
          tokenIn: usdt,
          tokenOut: dai,
          fee: 100,
          recipient: setup.scope.safe,
          deadline: 2n ** 40n,
          amountIn: 10n ** 6n,
          amountOutMinimum: 0n,
          sqrtPriceLimitX96: 0n,
        },
      ],
    });
    await expectCustomError(keeperExec(setup.scope.uniswap.swapRouter, otherPair), "ConditionViolation", [
      STATUS.OrViolation,
      expect.any(String),
    ]);
  });

  it("exceed its daily perp allowance, even across several plans", async () => {
    // 150 ETH a day: 100 now, then 60 more is over.
    await keeperExecPlan(await shortMorePlan(100n * ETH, "first"));
    await expectCustomError(keeperExecPlan(await shortMorePlan(60n * ETH, "second")), "ConditionViolation", [
      STATUS.AllowanceExceeded,
      expect.any(String),
    ]);
  });

  it("act after the guardian paused it; the guardian cannot restore it; the owners can", async () => {
    const pause = encodeFunctionData({
      abi: rolesAbi,
      functionName: "assignRoles",
      args: [keeper().account.address, [KEEPER_ROLE_KEY], [false]],
    });
    await keeperExec(setup.scope.roles, pause, { as: "guardian", role: GUARDIAN_ROLE_KEY });
    await expectCustomError(keeperExecPlan(await shortMorePlan(ETH / 10n)), "NoMembership", []);

    const restore = encodeFunctionData({
      abi: rolesAbi,
      functionName: "assignRoles",
      args: [keeper().account.address, [KEEPER_ROLE_KEY], [true]],
    });
    await expectCustomError(
      keeperExec(setup.scope.roles, restore, { as: "guardian", role: GUARDIAN_ROLE_KEY }),
      "ConditionViolation",
      [STATUS.ParameterNotAllowed, expect.any(String)],
    );

    const [first, second] = DEVNET_ACCOUNT_INDEXES.owners;
    await execSafeTransaction(d().client, setup.scope.safe, [devnetAccount(first), devnetAccount(second)], {
      to: setup.scope.roles,
      data: restore,
      label: "owners restore the keeper",
    });
    await keeperExecPlan(await shortMorePlan(ETH / 10n, "after-restore"));
  });

  it("execute a plan whose oracle price left the band", async () => {
    const plan = await shortMorePlan(ETH / 10n);
    const answer = await feedAnswer(m().feeds.ethUsd.address);
    plan.premise.oracle.minAnswer = answer + 1n;
    plan.premise.oracle.maxAnswer = answer * 2n;
    await expectCustomError(keeperExecPlan(plan), "ModuleTransactionFailed", []);
    await expectCustomError(premiseAsSafe(plan), "HedgeGuardPriceOutOfBand", undefined, HEDGE_GUARD_ABI);
  });

  it("execute a plan whose deadline passed", async () => {
    const plan = await shortMorePlan(ETH / 10n);
    plan.premise.deadlineSec = (await nowSec()) - 1;
    await expectCustomError(keeperExecPlan(plan), "ModuleTransactionFailed", []);
    await expectCustomError(premiseAsSafe(plan), "HedgeGuardDeadlinePassed", undefined, HEDGE_GUARD_ABI);
  });

  it("execute the same plan twice", async () => {
    const plan = await shortMorePlan(ETH / 10n, "once");
    await keeperExecPlan(plan);
    // A later block: perp opens are one per block, and that is not the refusal under test here.
    await d().testClient.mine({ blocks: 1 });
    await expectCustomError(keeperExecPlan(plan), "ModuleTransactionFailed", []);
    await expectCustomError(premiseAsSafe(plan), "HedgeGuardUnexpectedPreSize", undefined, HEDGE_GUARD_ABI);
  });
});

describe("HedgeGuard's perp premise (property, on the real venue)", () => {
  it("passes exactly when the Safe's position is within tolerance of the expected size", async () => {
    const actual = await perpSize();
    const answer = await feedAnswer(m().feeds.ethUsd.address);
    const deadline = BigInt((await nowSec()) + 3_600);
    // Calls only (nothing is recorded): a plan of its own book at the latest block is always newer.
    const plan = {
      planId: keccak256(toHex("property")),
      bookKey: bookKey("property"),
      planBlock: await d().publicClient.getBlockNumber({ cacheTime: 0 }),
    };
    await fc.assert(
      fc.asyncProperty(
        fc.bigInt({ min: -(10n ** 18n), max: 10n ** 18n }),
        fc.bigInt({ min: 0n, max: 10n ** 18n }),
        async (offset, tolerance) => {
          const data = encodeFunctionData({
            abi: HEDGE_GUARD_ABI,
            functionName: "checkPremise",
            args: [
              plan,
              deadline,
              { feed: m().feeds.ethUsd.address, minAnswer: answer, maxAnswer: answer },
              { baseToken: m().contracts.perp.baseToken, size: actual + offset, tolerance },
            ],
          });
          const call = d().publicClient.call({ account: setup.scope.safe, to: setup.scope.hedgeGuard, data });
          const within = (offset < 0n ? -offset : offset) <= tolerance;
          if (within) await expect(call).resolves.toBeDefined();
          else await expectCustomError(call, "HedgeGuardUnexpectedPreSize", undefined, HEDGE_GUARD_ABI);
        },
      ),
      { numRuns: 40, seed: 7 },
    );
  });
});

describe("permissions as code", () => {
  it("reads back exactly the reviewed permission set after the owners applied it", async () => {
    const deployed = await readDeployedRoleState(d().publicClient, setup.scope.roles, {
      fromBlock: 0n,
      toBlock: await d().publicClient.getBlockNumber({ cacheTime: 0 }),
    });
    expect(diffPermissions(desiredStatements(setup.scope), deployed, OWNED)).toEqual({
      missing: [],
      unexpected: [],
    });
  });

  it("reports a permission granted outside config as drift, and the fix removes it", async () => {
    const [first, second] = DEVNET_ACCOUNT_INDEXES.owners;
    const owners = [devnetAccount(first), devnetAccount(second)];
    const sneaky = encodeFunctionData({
      abi: rolesAbi,
      functionName: "allowFunction",
      args: [KEEPER_ROLE_KEY, m().contracts.usdc, "0xa9059cbb", 0],
    });
    await execSafeTransaction(d().client, setup.scope.safe, owners, {
      to: setup.scope.roles,
      data: sneaky,
      label: "grant transfer outside config",
    });
    const read = async () =>
      readDeployedRoleState(d().publicClient, setup.scope.roles, {
        fromBlock: 0n,
        toBlock: await d().publicClient.getBlockNumber({ cacheTime: 0 }),
      });
    const desired = desiredStatements(setup.scope);
    const drift = diffPermissions(desired, await read(), OWNED);
    expect(drift.missing).toEqual([]);
    expect(drift.unexpected.map((u) => u.key)).toEqual([
      `function:${KEEPER_ROLE_KEY}:${m().contracts.usdc.toLowerCase()}:0xa9059cbb`,
    ]);
    for (const call of callsToFixDrift(drift, desired, setup.scope.roles)) {
      await execSafeTransaction(d().client, setup.scope.safe, owners, { ...call, label: "fix drift" });
    }
    expect(diffPermissions(desired, await read(), OWNED)).toEqual({ missing: [], unexpected: [] });
  });

  it("deploys a Roles modifier for an existing Safe through the ModuleProxyFactory", async () => {
    const wallet = d().walletFor("deployer");
    const roles = await deployRolesModifierForSafe(d().publicClient, wallet, {
      safe: setup.scope.safe,
      saltNonce: 42n,
    });
    const read = (functionName: "owner" | "avatar" | "target") =>
      d().publicClient.readContract({
        address: roles,
        abi: parseAbi([`function ${functionName}() view returns (address)`]),
        functionName,
      });
    expect([await read("owner"), await read("avatar"), await read("target")]).toEqual([
      setup.scope.safe,
      setup.scope.safe,
      setup.scope.safe,
    ]);
  });
});

const OWNED = [KEEPER_ROLE_KEY, GUARDIAN_ROLE_KEY].flatMap((key) => [
  `target:${key}`,
  `function:${key}`,
  `member:${key}`,
]);
