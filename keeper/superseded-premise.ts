// Whether a plan its simulation refused was planned on a premise the chain no longer holds, then superseded, not
// failed: the simulation named one of the plan's swaps as refused on its minimum out (simulate.ts), and that swap's
// pool moved between the plan's block and the pending block the simulation ran on (moved-swap-premise.ts); or the
// guard's oracle premise fails at that block (its feed left the plan's band), whether inside the batch or, when Roles
// refused the calls first, checked alone. Any other refusal is the plan's failure.
import type { PublicClient } from "viem";
import { readV3PoolPrice } from "../src/chain/v3-pool-price.ts";
import type { Plan } from "../src/engine/plan.ts";
import { supersededSwapReason, swapRefusedOnMinimumOut } from "../src/execution/moved-swap-premise.ts";
import type { SimulationRevertedError } from "./errors.ts";
import type { FailedBatchCall } from "./simulate.ts";

/** HedgeGuard's refusal of a plan whose feed answer left the plan's band (IHedgeGuard). */
const ORACLE_OUT_OF_BAND = "HedgeGuardPriceOutOfBand(";

/** Why the refused plan is superseded, in words; undefined when the refusal is the plan's own failure. */
export async function supersededPremise(
  client: PublicClient,
  plan: Plan,
  refusal: SimulationRevertedError,
): Promise<string | undefined> {
  // The guard's oracle premise fails at the pending block: the feed left the plan's band since its block (a de-peg
  // recovering, a step a plan queued behind another did not see). Found inside the batch (the premise check, call 0,
  // named by the diagnosis) or, when Roles refused the calls before any ran (a swap's minimum out under the bound the
  // moved feed now sets), by running the premise check alone. Re-planned on the fresh round, not failed.
  const failedCall = refusal.details.failedCall as FailedBatchCall | undefined;
  const premiseRefused =
    (refusal.details.premiseRefused as string | undefined) ??
    (failedCall?.batchIndex === 0 ? failedCall.reason : undefined);
  if (premiseRefused?.startsWith(ORACLE_OUT_OF_BAND)) {
    const roles =
      refusal.details.premiseRefused === undefined
        ? ""
        : `, Roles refusing its calls first (${String(refusal.details.reason).split(";")[0]})`;
    return `superseded: the feed left the plan's oracle band since block ${plan.blockNumber} (${premiseRefused})${roles}: re-planned on the next block`;
  }
  if (failedCall === undefined) return undefined;
  const pool = swapRefusedOnMinimumOut(plan, failedCall);
  if (pool === undefined) return undefined;
  const [atPlan, atSimulation] = await Promise.all([
    readV3PoolPrice(client, pool, { blockNumber: plan.blockNumber }),
    readV3PoolPrice(client, pool, { blockTag: "pending" }),
  ]);
  return supersededSwapReason({ pool, planBlock: plan.blockNumber, atPlan, atSimulation });
}
