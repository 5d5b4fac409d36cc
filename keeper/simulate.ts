// Check before perform: the keeper's transaction is simulated at the latest block before a nonce is
// reserved. A revert is decoded to a name an operator can act on: Roles refusals from the Roles ABI; a
// failed batch (Roles' ModuleTransactionFailed hides the inner revert, MultiSendCallOnly drops it) is
// diagnosed from the Safe itself: the guard's premise check, then each venue call alone, the first revert named and
// handed on (details.failedCall) so the submit job can tell a swap its moved pool refused (superseded-premise.ts).
import { type Abi, decodeErrorResult, type Hex, type PublicClient } from "viem";
import { rolesAbi } from "zodiac-roles-sdk";
import type { Plan } from "../src/engine/plan.ts";
import { HEDGE_GUARD_ABI } from "../src/execution/abis.ts";
import type { ExecutionTargets } from "../src/execution/execution-targets.ts";
import type { MetaTransaction } from "../src/execution/multisend.ts";
import { readAllowancesAt } from "../src/execution/read-allowances.ts";
import { causeChain } from "../src/runtime/error-chain.ts";
import { SimulationRevertedError } from "./errors.ts";

export interface Simulation {
  gasEstimate: bigint;
}

const ABIS: Abi[] = [HEDGE_GUARD_ABI as Abi, rolesAbi as Abi];

export function revertData(error: unknown): Hex | undefined {
  for (const link of causeChain(error)) {
    const data = (link as { data?: unknown }).data;
    if (typeof data === "string" && data.startsWith("0x") && data.length >= 10) return data as Hex;
    if (data && typeof data === "object" && typeof (data as { data?: unknown }).data === "string") {
      return (data as { data: Hex }).data;
    }
    const details = (link as { details?: unknown }).details;
    if (typeof details === "string") {
      const match = /return data: (0x[0-9a-fA-F]+)/.exec(details);
      if (match) return match[1] as Hex;
    }
  }
  return undefined;
}

export function decodeRevert(data: Hex | undefined): string | undefined {
  if (data === undefined) return undefined;
  for (const abi of ABIS) {
    try {
      const decoded = decodeErrorResult({ abi, data });
      const args = (decoded.args ?? []).map((a) => (typeof a === "bigint" ? a.toString() : String(a)));
      return `${decoded.errorName}(${args.join(", ")})`;
    } catch {
      // not this ABI
    }
  }
  if (/^0x08c379a0/.test(data)) {
    try {
      return decodeErrorResult({ abi: [], data }).args?.[0] as string;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function isRevert(error: unknown): boolean {
  return revertData(error) !== undefined || /revert|VM Exception/i.test(String((error as Error)?.message));
}

/** The batch call the Safe's own view names as the one that reverts (its index in the batch, premise at 0). */
export interface FailedBatchCall {
  batchIndex: number;
  to: `0x${string}`;
  reason: string;
}

/** One call of the batch made alone by the Safe at the pending block: its decoded revert, or null when it passes. */
async function revertOfSafeCall(
  client: PublicClient,
  call: MetaTransaction,
  targets: ExecutionTargets,
): Promise<string | null> {
  try {
    await client.call({
      account: targets.safe,
      to: call.to,
      data: call.data,
      value: call.value,
      blockTag: "pending",
    });
    return null;
  } catch (error) {
    if (!isRevert(error)) throw error;
    return decodeRevert(revertData(error)) ?? "reverted without data";
  }
}

/**
 * Why the batch fails, from the Safe's own view: the guard's premise check first (its custom error); when the
 * premise holds, each venue call alone, in the batch's order, at the pending block, whose first revert is named
 * (the router's "Too little received", an Aave or Perp error). A venue call is judged without the calls before it,
 * which is exact for the first and a hint for the rest; when every one passes alone, the post-state check (or the
 * calls together) is what fails.
 */
async function diagnoseBatch(
  client: PublicClient,
  batch: readonly MetaTransaction[],
  targets: ExecutionTargets,
): Promise<{ text: string; failedCall?: FailedBatchCall }> {
  const revertOf = (call: MetaTransaction) => revertOfSafeCall(client, call, targets);
  const guard = targets.hedgeGuard.toLowerCase();
  for (const [batchIndex, call] of batch.entries()) {
    // The premise check (first) alone; the guard's post checks are only meaningful after the venue calls.
    if (batchIndex > 0 && call.to.toLowerCase() === guard) continue;
    const reason = await revertOf(call);
    if (reason === null) continue;
    const failedCall = { batchIndex, to: call.to, reason };
    if (batchIndex === 0) return { text: reason, failedCall };
    return {
      text: `the premise holds; venue call ${batchIndex} (to ${call.to}) reverts: ${reason}`,
      failedCall,
    };
  }
  return {
    text: "the premise holds and each venue call passes alone; the post-state check (or the calls together) fails",
  };
}

/**
 * eth_call then eth_estimateGas on the pending block, from the signer, of the call and the batch it carries (both
 * built once from the verified plan, verified-plan.ts): the block the transaction would land in. Roles judges its
 * allowances at that block's timestamp, and the keeper's scope allows one perp open per block (role-keys.ts), so
 * right after a plan mined the latest block would refuse the next one that the next block accepts. A revert is
 * final for this plan (SimulationRevertedError, with the decoded reason); node errors propagate as classified
 * chain errors.
 */
export async function simulatePlanCall(
  client: PublicClient,
  from: `0x${string}`,
  transaction: { call: { to: `0x${string}`; data: Hex }; batch: readonly MetaTransaction[] },
  plan: Plan,
  targets: ExecutionTargets,
): Promise<Simulation> {
  const { call } = transaction;
  try {
    await client.call({ account: from, to: call.to, data: call.data, blockTag: "pending" });
    const gasEstimate = await client.estimateGas({
      account: from,
      to: call.to,
      data: call.data,
      blockTag: "pending",
    });
    return { gasEstimate };
  } catch (error) {
    if (!isRevert(error)) throw error;
    const data = revertData(error);
    let reason = decodeRevert(data) ?? data ?? "reverted without data";
    let failedCall: FailedBatchCall | undefined;
    let premiseRefused: string | undefined;
    if (reason.startsWith("ModuleTransactionFailed")) {
      const diagnosis = await diagnoseBatch(client, transaction.batch, targets);
      reason = `${reason}: ${diagnosis.text}`;
      failedCall = diagnosis.failedCall;
    } else if (reason.startsWith("ConditionViolation") && transaction.batch.length > 0) {
      // Roles judged the calls before any ran, so the guard's premise check never did: run it alone from the Safe
      // at the same pending block. When the feed left the plan's band, Roles' refusal is of a plan the chain has
      // moved past (superseded-premise.ts).
      premiseRefused = (await revertOfSafeCall(client, transaction.batch[0]!, targets)) ?? undefined;
      if (premiseRefused !== undefined) reason = `${reason}; the premise no longer holds: ${premiseRefused}`;
      else {
        // Roles names no allowance when a pair's Or fails: name any of the keeper's that is empty now.
        const exhausted = await exhaustedAllowances(client, targets);
        if (exhausted.length > 0) reason = `${reason}; exhausted allowances: ${exhausted.join(", ")}`;
      }
    }
    throw new SimulationRevertedError(`plan ${plan.planId} would revert: ${reason}`, {
      cause: error,
      details: { reason, ...(failedCall && { failedCall }), ...(premiseRefused && { premiseRefused }) },
    });
  }
}

/**
 * The keeper's allowances empty for the pending block, by label; none when they cannot be read
 * (the refusal itself stands either way).
 */
async function exhaustedAllowances(client: PublicClient, targets: ExecutionTargets): Promise<string[]> {
  if (targets.allowanceKeys === undefined || targets.allowanceKeys.length === 0) return [];
  try {
    const latest = await client.getBlockNumber({ cacheTime: 0 });
    // Accrued to the pending block's earliest time, as the simulation ran: a per-block allowance spent in the
    // latest block has refilled by then, and is not named.
    const now = await readAllowancesAt(client, targets.roles, targets.allowanceKeys, latest, 1n);
    return now.filter((a) => a.balance === 0n && a.maxRefill > 0n).map((a) => a.label);
  } catch {
    return [];
  }
}
