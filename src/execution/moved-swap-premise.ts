// When a plan refused by its simulation was planned on a pool that has moved since. A swap's minimum out is fixed at
// planning, from the block the plan was decided on (the feeds' bound, or the pool's quote when that is tighter). If
// the pool trades in between (another Safe's swap sent by the same keeper, anyone's trade), the router's check
// `require(amountOut >= amountOutMinimum, 'Too little received')` (v3-periphery SwapRouter.exactInputSingle) can
// refuse a swap that paid its bound on the plan's block. The bound is right and stays: the plan is superseded, and the
// next plan is sized on the moved pool (depeg-plan.ts: largestSwapPaying at the feeds' minimum). Any other refusal
// (the Roles scope, a guard check, another venue error), or the same refusal on a pool that did not move, is the
// plan's failure.
import type { V3PoolPrice } from "../chain/v3-pool-price.ts";
import type { Address, Plan } from "../engine/plan.ts";
import { planActionIndexOfBatchCall } from "./plan-batch.ts";

/** The SwapRouter's minimum-out revert as the keeper's simulation decodes it (an Error(string)). */
export const SWAP_ROUTER_MINIMUM_OUT_REVERT = "Error(Too little received)";

/**
 * The pool of the plan's swap that the failed batch call is, when the router refused it on its minimum out;
 * undefined for any other call or reason (or a swap whose pool the plan's quote does not name).
 */
export function swapRefusedOnMinimumOut(
  plan: Plan,
  failedCall: { batchIndex: number; reason: string },
): Address | undefined {
  if (failedCall.reason !== SWAP_ROUTER_MINIMUM_OUT_REVERT) return undefined;
  const actionIndex = planActionIndexOfBatchCall(plan, failedCall.batchIndex);
  if (actionIndex === undefined || plan.actions[actionIndex]?.kind !== "swap.exactInputSingle")
    return undefined;
  const leg = plan.quote.legs.find((l) => l.kind === "swap" && l.actionIndex === actionIndex);
  return leg?.kind === "swap" ? leg.pool : undefined;
}

/**
 * Why the plan is superseded, in words, when its pool moved between the plan's block and the simulation's (price or
 * in-range liquidity); undefined when it did not, so the refusal is the plan's own.
 */
export function supersededSwapReason(input: {
  pool: Address;
  planBlock: bigint;
  atPlan: V3PoolPrice;
  atSimulation: V3PoolPrice;
}): string | undefined {
  const { atPlan, atSimulation } = input;
  if (atPlan.sqrtPriceX96 === atSimulation.sqrtPriceX96 && atPlan.liquidity === atSimulation.liquidity)
    return undefined;
  return `superseded: pool ${input.pool} moved since block ${input.planBlock} (tick ${atPlan.tick} → ${atSimulation.tick}, liquidity ${atPlan.liquidity} → ${atSimulation.liquidity}) and no longer pays the swap's minimum out (${SWAP_ROUTER_MINIMUM_OUT_REVERT}): re-planned on the next block`;
}
