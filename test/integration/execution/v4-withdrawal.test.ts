import { type Address, erc20Abi, type Hex, pad, toFunctionSelector, zeroAddress } from "viem";
import { formatAbiItem } from "viem/utils";
import { beforeAll, describe, expect, it } from "vitest";
import { rolesAbi } from "zodiac-roles-sdk";
import { V4_POSITION_MANAGER_ABI } from "../../../src/chain/abis/uniswap-v4-abi.ts";
import { encodeModifyLiquidities, type V4Action } from "../../../src/chain/uniswap-v4-actions.ts";
import {
  DEVNET_V4_WITHDRAWAL_MAX_DEADLINE_SEC,
  type DevnetKeeperSetup,
  setUpDevnetKeeper,
} from "../../../src/devnet/devnet-keeper-setup.ts";
import type { Plan, PlanAction } from "../../../src/engine/plan.ts";
import { planId } from "../../../src/engine/plan-id.ts";
import { valueV4Position } from "../../../src/engine/v4-position.ts";
import { V4_WITHDRAWAL_BOUNDS_ABI } from "../../../src/execution/abis.ts";
import { CALL } from "../../../src/execution/multisend.ts";
import { planToRolesCall } from "../../../src/execution/plan-batch.ts";
import { KEEPER_ROLE_KEY } from "../../../src/execution/role-keys.ts";
import { encodeDeadlineExtra } from "../../../src/execution/v4-withdrawal-condition.ts";
import { readV4PositionStatics, readV4Snapshot } from "../../../src/indexers/uniswap-v4-reads.ts";
import { expectCustomError } from "../../support/custom-error.ts";
import { useDevnet } from "../../support/devnet.ts";
import { chainNowSec, feedAnswer } from "../../support/devnet-plans.ts";

// The keeper withdraws the treasury's v4 stable position through Zodiac Roles v2, on the devnet's real Safe,
// Roles, PoolManager and PositionManager: the plan's modifyLiquidities passes V4WithdrawalBounds and pays the
// Safe, to the wei the engine computed; the same key cannot send the liquidity elsewhere or touch a position the
// Safe does not own, each refused by Roles with V4WithdrawalBounds' reason.
const devnet = useDevnet();
let setup: DevnetKeeperSetup;
const d = () => devnet();
const v4 = () => {
  const section = d().manifest.uniswapV4;
  if (!section) throw new Error("the devnet manifest has no uniswapV4 section");
  return section;
};
/** Zodiac Roles v2 `Status.CustomConditionViolation` (ConditionViolation's first argument). */
const CUSTOM_CONDITION_VIOLATION = 16;

beforeAll(async () => {
  setup = await setUpDevnetKeeper(d().client, d().manifest, { uniswapV4Withdrawals: true });
}, 120_000);

/** The reason V4WithdrawalBounds gives Roles: the error's selector, left-aligned in 32 bytes. */
function boundsReason(errorName: string): Hex {
  const item = V4_WITHDRAWAL_BOUNDS_ABI.find((entry) => entry.type === "error" && entry.name === errorName);
  if (item?.type !== "error") throw new Error(`V4WithdrawalBounds has no error ${errorName}`);
  return pad(toFunctionSelector(formatAbiItem(item).replace(/^error /, "function ")), {
    dir: "right",
    size: 32,
  });
}

async function asKeeper(to: Address, data: Hex) {
  const wallet = d().walletFor("keeper");
  const { request } = await d().publicClient.simulateContract({
    address: setup.scope.roles,
    abi: rolesAbi,
    functionName: "execTransactionWithRole",
    args: [to, 0n, data, CALL, KEEPER_ROLE_KEY, true],
    account: wallet.account,
  });
  const receipt = await d().publicClient.waitForTransactionReceipt({
    hash: await wallet.writeContract(request),
  });
  expect(receipt.status).toBe("success");
  return receipt;
}

/** What V4WithdrawalBounds says about `data` (the arguments Roles' reason leaves out). */
const why = (data: Hex) =>
  d().publicClient.readContract({
    address: setup.scope.uniswapV4!.withdrawalBounds,
    abi: V4_WITHDRAWAL_BOUNDS_ABI,
    functionName: "enforce",
    args: [v4().positionManager, data, encodeDeadlineExtra(DEVNET_V4_WITHDRAWAL_MAX_DEADLINE_SEC)],
  });

const balanceOf = (token: Address) =>
  d().publicClient.readContract({
    address: token,
    abi: erc20Abi,
    functionName: "balanceOf",
    args: [setup.scope.safe],
  });

/** The Safe's USDC/USDT position as the chain has it now, with the engine's exact withdrawal amounts. */
async function stablePosition() {
  const tokenId = BigInt(v4().lpTokenIds[1]!);
  const blockNumber = await d().publicClient.getBlockNumber({ cacheTime: 0 });
  const statics = await readV4PositionStatics(d().publicClient, {
    positionManager: v4().positionManager,
    tokenIds: [tokenId],
    blockNumber,
  });
  const snapshot = await readV4Snapshot(d().publicClient, {
    positionManager: v4().positionManager,
    stateView: v4().stateView,
    owner: setup.scope.safe,
    positions: statics,
    blockNumber,
  });
  const position = snapshot.positions[0]!;
  const value = valueV4Position(position, snapshot.pools[0]!, { base: d().manifest.contracts.weth });
  return { tokenId, key: statics[0]!.key, position, value, blockNumber };
}

/** The de-peg withdrawal as a plan: all the stable position's liquidity, the Safe paid at least what it holds. */
async function withdrawStablePlan(): Promise<Plan> {
  const { tokenId, key, position, value, blockNumber } = await stablePosition();
  const [usdcBefore, usdtBefore] = [await balanceOf(key.currency0), await balanceOf(key.currency1)];
  const actions: PlanAction[] = [
    {
      kind: "uniswapV4.decreaseLiquidity",
      venue: "uniswap-v4",
      tokenId,
      liquidity: position.liquidity,
      amount0Min: value.amount0,
      amount1Min: value.amount1,
      currency0: key.currency0,
      currency1: key.currency1,
    },
  ];
  const feed = d().manifest.feeds.usdcUsd;
  const answer = await feedAnswer(d(), feed.address);
  return {
    planId: planId("treasury-eth", blockNumber, actions),
    bookId: "treasury-eth",
    blockNumber,
    lane: "urgent",
    reason: "withdraw the v4 USDC/USDT position",
    actions,
    premise: {
      deadlineSec: (await chainNowSec(d())) + 600,
      oracle: {
        feed: feed.address,
        heartbeatSec: feed.heartbeatSec,
        minAnswer: (answer * 90n) / 100n,
        maxAnswer: (answer * 110n) / 100n,
      },
    },
    post: {
      minBalances: [
        { token: key.currency0, amount: usdcBefore + value.amount0 + value.fees0 },
        { token: key.currency1, amount: usdtBefore + value.amount1 + value.fees1 },
      ],
    },
    expectedRiskReductionUsd: 0,
    expectedCost: { gasUsd: 0, feesUsd: 0, slippageUsd: 0, fundingUsd: 0, totalUsd: 0 },
    // A withdrawal is not a trade: nothing to quote (the swaps of a de-peg plan carry the quotes).
    quote: { basePriceUsd: 0, legs: [] },
    driftBpsBefore: 0,
    driftBpsAfter: 0,
  };
}

const withdrawal = async (
  tokenId: bigint,
  liquidity: bigint,
  recipient: Address,
  currencies: [Address, Address],
) =>
  encodeModifyLiquidities(
    [
      { action: "DECREASE_LIQUIDITY", tokenId, liquidity, amount0Min: 0n, amount1Min: 0n },
      { action: "TAKE_PAIR", currency0: currencies[0], currency1: currencies[1], recipient },
    ] satisfies V4Action[],
    BigInt((await chainNowSec(d())) + 600),
  );

describe("v4 withdrawal through Roles", () => {
  it("withdraws the Safe's stable position with the plan's batch, paying the Safe exactly what the engine valued", async () => {
    const plan = await withdrawStablePlan();
    const { value, key, tokenId } = await stablePosition();
    const [usdcBefore, usdtBefore] = [await balanceOf(key.currency0), await balanceOf(key.currency1)];
    const rolesCall = planToRolesCall(plan, setup.targets);
    const wallet = d().walletFor("keeper");
    const hash = await wallet.sendTransaction({
      to: rolesCall.to,
      data: rolesCall.data,
      account: wallet.account,
      chain: wallet.chain,
    });
    expect((await d().publicClient.waitForTransactionReceipt({ hash })).status).toBe("success");
    // Nothing happened on chain between the read and the withdrawal: the amounts are the engine's, to the wei.
    expect(await balanceOf(key.currency0)).toBe(usdcBefore + value.amount0 + value.fees0);
    expect(await balanceOf(key.currency1)).toBe(usdtBefore + value.amount1 + value.fees1);
    const left = await d().publicClient.readContract({
      address: v4().positionManager,
      abi: V4_POSITION_MANAGER_ABI,
      functionName: "getPositionLiquidity",
      args: [tokenId],
    });
    expect(left).toBe(0n);
  });

  it("refuses liquidity taken to another recipient (the keeper's own address), after the same call to the Safe passes", async () => {
    const { tokenId, key, position } = await stablePosition();
    const keeper = d().manifest.accounts.keeper.address;
    const currencies: [Address, Address] = [key.currency0, key.currency1];
    const half = position.liquidity / 2n;
    // Positive control: the same withdrawal, paid to the Safe, goes through Roles.
    await asKeeper(v4().positionManager, await withdrawal(tokenId, half, setup.scope.safe, currencies));
    const toKeeper = await withdrawal(tokenId, half, keeper, currencies);
    await expectCustomError(asKeeper(v4().positionManager, toKeeper), "ConditionViolation", [
      CUSTOM_CONDITION_VIOLATION,
      boundsReason("V4WithdrawalBoundsRecipientNotTreasury"),
    ]);
    await expectCustomError(why(toKeeper), "V4WithdrawalBoundsRecipientNotTreasury", [keeper]);
  });

  it("refuses a position the Safe does not own (the maker's), after the Safe's own passes", async () => {
    const { tokenId, key } = await stablePosition();
    const currencies: [Address, Address] = [key.currency0, key.currency1];
    await asKeeper(v4().positionManager, await withdrawal(tokenId, 1n, setup.scope.safe, currencies));
    const maker = d().manifest.accounts.maker.address;
    const makersToken = 1n;
    const owner = await d().publicClient.readContract({
      address: v4().positionManager,
      abi: V4_POSITION_MANAGER_ABI,
      functionName: "ownerOf",
      args: [makersToken],
    });
    expect(owner).toBe(maker);
    const foreign = await withdrawal(makersToken, 1n, setup.scope.safe, [
      zeroAddress,
      d().manifest.contracts.usdc,
    ]);
    await expectCustomError(asKeeper(v4().positionManager, foreign), "ConditionViolation", [
      CUSTOM_CONDITION_VIOLATION,
      boundsReason("V4WithdrawalBoundsNotTreasuryPosition"),
    ]);
    await expectCustomError(why(foreign), "V4WithdrawalBoundsNotTreasuryPosition", [makersToken, maker]);
  });
});
