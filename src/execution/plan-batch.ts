import { encodeFunctionData, type Hex, zeroHash } from "viem";
import { AAVE_V3_POOL_ABI, AAVE_VARIABLE_RATE_MODE } from "../chain/abis/aave-v3-abi.ts";
import { PERP_CLEARING_HOUSE_ABI, PERP_VAULT_ABI } from "../chain/abis/perp-v2-abi.ts";
import { SWAP_ROUTER_ABI } from "../chain/abis/uniswap-v3-abi.ts";
import { encodeModifyLiquidities } from "../chain/uniswap-v4-actions.ts";
import type { AaveAction, Address, Plan, PlanAction } from "../engine/plan.ts";
import { HEDGE_GUARD_ABI, ROLES_ABI } from "./abis.ts";
import { bookKey } from "./book-key.ts";
import type { ExecutionTargets } from "./execution-targets.ts";
import { DELEGATE_CALL, encodeMultiSend, type MetaTransaction } from "./multisend.ts";

/**
 * A plan as the MultiSend batch the treasury Safe executes: HedgeGuard's premise check first (which also admits
 * the plan once: newer than its book's last), the venue calls, then HedgeGuard's post-state check (DeFi Saver's
 * "trigger still holds and target reached" in one transaction). A revert anywhere reverts everything.
 */
export function planToBatch(plan: Plan, targets: ExecutionTargets): MetaTransaction[] {
  const premise = premiseCall(plan, targets);
  const actions = plan.actions.map((action) => actionCall(action, plan, targets));
  const post = postCall(plan, targets);
  const health = healthFactorCall(plan, targets);
  return [
    premise,
    ...actions,
    ...(post === undefined ? [] : [post]),
    ...(health === undefined ? [] : [health]),
  ];
}

/** The plan action a call of its batch (planToBatch) carries, by the call's index; undefined for the guard's checks. */
export function planActionIndexOfBatchCall(plan: Plan, batchIndex: number): number | undefined {
  // The premise check is call 0; the actions follow in order; the post checks come after them.
  const actionIndex = batchIndex - 1;
  return actionIndex >= 0 && actionIndex < plan.actions.length ? actionIndex : undefined;
}

/** The keeper's transaction: the batch, delegate-called into MultiSendCallOnly by the Safe via the keeper's role. */
export function planToRolesCall(plan: Plan, targets: ExecutionTargets): { to: `0x${string}`; data: Hex } {
  return rolesCallOfBatch(planToBatch(plan, targets), targets);
}

/** The keeper's transaction for a plan's batch already built (planToBatch), so it is built once per use. */
export function rolesCallOfBatch(
  batch: readonly MetaTransaction[],
  targets: ExecutionTargets,
): { to: `0x${string}`; data: Hex } {
  return {
    to: targets.roles,
    data: encodeFunctionData({
      abi: ROLES_ABI,
      functionName: "execTransactionWithRole",
      args: [
        targets.multiSendCallOnly,
        0n,
        encodeMultiSend(batch),
        DELEGATE_CALL,
        targets.keeperRoleKey,
        true,
      ],
    }),
  };
}

function premiseCall(plan: Plan, targets: ExecutionTargets): MetaTransaction {
  const { premise } = plan;
  const oracle = {
    feed: premise.oracle.feed,
    minAnswer: premise.oracle.minAnswer,
    maxAnswer: premise.oracle.maxAnswer,
  };
  const deadline = BigInt(premise.deadlineSec);
  const planRef = { planId: plan.planId, bookKey: bookKey(plan.bookId), planBlock: plan.blockNumber };
  const data =
    premise.perp === undefined
      ? encodeFunctionData({
          abi: HEDGE_GUARD_ABI,
          functionName: "checkOraclePremise",
          args: [planRef, deadline, oracle],
        })
      : encodeFunctionData({
          abi: HEDGE_GUARD_ABI,
          functionName: "checkPremise",
          args: [
            planRef,
            deadline,
            oracle,
            {
              baseToken: premise.perp.baseToken,
              size: premise.perp.expectedSize,
              tolerance: premise.perp.toleranceBase,
            },
          ],
        });
  return { to: targets.hedgeGuard, value: 0n, data };
}

function postCall(plan: Plan, targets: ExecutionTargets): MetaTransaction | undefined {
  const { post } = plan;
  const minBalances = post.minBalances.map((b) => ({ token: b.token, amount: b.amount }));
  if (post.perp !== undefined) {
    return {
      to: targets.hedgeGuard,
      value: 0n,
      data: encodeFunctionData({
        abi: HEDGE_GUARD_ABI,
        functionName: "checkPost",
        args: [
          plan.planId,
          { baseToken: post.perp.baseToken, size: post.perp.targetSize, tolerance: post.perp.toleranceBase },
          minBalances,
        ],
      }),
    };
  }
  if (minBalances.length === 0) return undefined;
  return {
    to: targets.hedgeGuard,
    value: 0n,
    data: encodeFunctionData({
      abi: HEDGE_GUARD_ABI,
      functionName: "checkBalances",
      args: [plan.planId, minBalances],
    }),
  };
}

/** HedgeGuard.checkHealthFactor after the batch, when the plan sets an Aave health-factor floor. */
function healthFactorCall(plan: Plan, targets: ExecutionTargets): MetaTransaction | undefined {
  const { aave } = plan.post;
  if (aave === undefined) return undefined;
  return {
    to: targets.hedgeGuard,
    value: 0n,
    data: encodeFunctionData({
      abi: HEDGE_GUARD_ABI,
      functionName: "checkHealthFactor",
      args: [plan.planId, aave.pool, aave.minHealthFactorWad],
    }),
  };
}

function actionCall(action: PlanAction, plan: Plan, targets: ExecutionTargets): MetaTransaction {
  const deadline = BigInt(plan.premise.deadlineSec);
  switch (action.kind) {
    case "perp.adjustPosition":
      return {
        to: targets.perp.clearingHouse,
        value: 0n,
        data: encodeFunctionData({
          abi: PERP_CLEARING_HOUSE_ABI,
          functionName: "openPosition",
          args: [
            {
              baseToken: action.baseToken,
              isBaseToQuote: action.isBaseToQuote,
              // Perp v2: exact input means the input token's amount. Selling base: exact base in.
              // Buying base: exact base out. Either way `amount` is the base size the plan decided.
              isExactInput: action.isBaseToQuote,
              amount: action.amountBase,
              oppositeAmountBound: action.oppositeAmountBound,
              deadline,
              sqrtPriceLimitX96: 0n,
              referralCode: zeroHash,
            },
          ],
        }),
      };
    case "perp.depositCollateral":
    case "perp.withdrawCollateral":
      return {
        to: targets.perp.vault,
        value: 0n,
        data: encodeFunctionData({
          abi: PERP_VAULT_ABI,
          functionName: action.kind === "perp.depositCollateral" ? "deposit" : "withdraw",
          args: [action.token, action.amount],
        }),
      };
    case "swap.exactInputSingle":
      return {
        to: targets.uniswap.swapRouter,
        value: 0n,
        data: encodeFunctionData({
          abi: SWAP_ROUTER_ABI,
          functionName: "exactInputSingle",
          args: [
            {
              tokenIn: action.tokenIn,
              tokenOut: action.tokenOut,
              fee: action.fee,
              recipient: targets.safe,
              deadline,
              amountIn: action.amountIn,
              amountOutMinimum: action.amountOutMinimum,
              sqrtPriceLimitX96: 0n,
            },
          ],
        }),
      };
    case "aave.supply":
    case "aave.withdraw":
    case "aave.borrow":
    case "aave.repay":
    case "aave.repayWithATokens":
      return { to: action.pool, value: 0n, data: aaveCallData(action, targets.safe) };
    case "uniswapV4.decreaseLiquidity": {
      if (targets.uniswapV4 === undefined) {
        throw new Error("a v4 withdrawal needs the treasury's Uniswap v4 PositionManager in its targets");
      }
      return {
        to: targets.uniswapV4.positionManager,
        value: 0n,
        data: encodeModifyLiquidities(
          [
            {
              action: "DECREASE_LIQUIDITY",
              tokenId: action.tokenId,
              liquidity: action.liquidity,
              amount0Min: action.amount0Min,
              amount1Min: action.amount1Min,
            },
            {
              action: "TAKE_PAIR",
              currency0: action.currency0,
              currency1: action.currency1,
              recipient: targets.safe,
            },
          ],
          deadline,
        ),
      };
    }
  }
}

/** The Pool call, always on the Safe's own account (the Roles scope refuses any other onBehalfOf / to). */
function aaveCallData(action: AaveAction, safe: Address): Hex {
  const { asset, amount } = action;
  switch (action.kind) {
    case "aave.supply":
      return encodeFunctionData({
        abi: AAVE_V3_POOL_ABI,
        functionName: "supply",
        args: [asset, amount, safe, 0],
      });
    case "aave.withdraw":
      return encodeFunctionData({
        abi: AAVE_V3_POOL_ABI,
        functionName: "withdraw",
        args: [asset, amount, safe],
      });
    case "aave.borrow":
      return encodeFunctionData({
        abi: AAVE_V3_POOL_ABI,
        functionName: "borrow",
        args: [asset, amount, AAVE_VARIABLE_RATE_MODE, 0, safe],
      });
    case "aave.repay":
      return encodeFunctionData({
        abi: AAVE_V3_POOL_ABI,
        functionName: "repay",
        args: [asset, amount, AAVE_VARIABLE_RATE_MODE, safe],
      });
    case "aave.repayWithATokens":
      return encodeFunctionData({
        abi: AAVE_V3_POOL_ABI,
        functionName: "repayWithATokens",
        args: [asset, amount, AAVE_VARIABLE_RATE_MODE],
      });
  }
}
