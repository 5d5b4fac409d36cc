// Check before perform: the keeper's transaction is simulated at the latest block before a nonce is
// reserved. A revert is decoded to a name an operator can act on: Roles refusals from the Roles ABI; a
// failed batch (Roles' ModuleTransactionFailed hides the inner revert, MultiSendCallOnly drops it) is
// diagnosed by calling the guard's premise check from the Safe itself.
import { type Abi, decodeErrorResult, type Hex, type PublicClient } from "viem";
import { rolesAbi } from "zodiac-roles-sdk";
import type { Plan } from "../src/engine/plan.ts";
import { HEDGE_GUARD_ABI } from "../src/execution/abis.ts";
import type { ExecutionTargets } from "../src/execution/execution-targets.ts";
import type { MetaTransaction } from "../src/execution/multisend.ts";
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

/** Why the batch fails, from the Safe's own view of its premise check (the guard's custom error). */
async function diagnoseBatch(
  client: PublicClient,
  batch: readonly MetaTransaction[],
  targets: ExecutionTargets,
): Promise<string | undefined> {
  const [premise] = batch;
  if (!premise) return undefined;
  try {
    await client.call({ account: targets.safe, to: premise.to, data: premise.data });
    return "the premise holds; a venue call or the post-state check fails";
  } catch (error) {
    return decodeRevert(revertData(error));
  }
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
    if (reason.startsWith("ModuleTransactionFailed")) {
      reason = `${reason}: ${(await diagnoseBatch(client, transaction.batch, targets)) ?? "inner revert not decodable"}`;
    }
    throw new SimulationRevertedError(`plan ${plan.planId} would revert: ${reason}`, {
      cause: error,
      details: { reason },
    });
  }
}
