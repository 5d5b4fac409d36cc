// Whether a plan its simulation refused was planned on a premise the chain no longer holds: the simulation named one
// of the plan's swaps as refused on its minimum out (simulate.ts), and that swap's pool moved between the plan's block
// and the pending block the simulation ran on (moved-swap-premise.ts). Then the plan is superseded, not failed.
import type { PublicClient } from "viem";
import { readV3PoolPrice } from "../src/chain/v3-pool-price.ts";
import type { Plan } from "../src/engine/plan.ts";
import { supersededSwapReason, swapRefusedOnMinimumOut } from "../src/execution/moved-swap-premise.ts";
import type { SimulationRevertedError } from "./errors.ts";
import type { FailedBatchCall } from "./simulate.ts";

/** Why the refused plan is superseded, in words; undefined when the refusal is the plan's own failure. */
export async function supersededPremise(
  client: PublicClient,
  plan: Plan,
  refusal: SimulationRevertedError,
): Promise<string | undefined> {
  const failedCall = refusal.details.failedCall as FailedBatchCall | undefined;
  if (failedCall === undefined) return undefined;
  const pool = swapRefusedOnMinimumOut(plan, failedCall);
  if (pool === undefined) return undefined;
  const [atPlan, atSimulation] = await Promise.all([
    readV3PoolPrice(client, pool, { blockNumber: plan.blockNumber }),
    readV3PoolPrice(client, pool, { blockTag: "pending" }),
  ]);
  return supersededSwapReason({ pool, planBlock: plan.blockNumber, atPlan, atSimulation });
}
