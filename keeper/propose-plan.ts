// `propose` mode: the plan as a Safe transaction for the owners to sign (DELEGATECALL of MultiSendCallOnly
// with the guarded batch, planToBatch's, built once by the caller), its EIP-712 safeTxHash at the Safe's current
// nonce, and a Safe Transaction Builder file they can import.
import { hashTypedData, type PublicClient } from "viem";
import { readSafeNonce, safeTransactionTypedData } from "../src/chain/safe-transaction.ts";
import type { Plan } from "../src/engine/plan.ts";
import type { ExecutionTargets } from "../src/execution/execution-targets.ts";
import type { MetaTransaction } from "../src/execution/multisend.ts";
import { asSafeBatch, transactionBuilderJson } from "../src/execution/treasury-setup.ts";
import type { Proposal } from "./plan-store.ts";

export async function buildProposal(
  client: PublicClient,
  chainId: number,
  plan: Plan,
  batch: MetaTransaction[],
  targets: ExecutionTargets,
  nowMs: number,
): Promise<Proposal> {
  const call = asSafeBatch({ multiSendCallOnly: targets.multiSendCallOnly }, batch);
  const safeNonce = await readSafeNonce(client, targets.safe);
  const tx = { to: call.to, value: 0n, data: call.data, operation: call.operation, nonce: safeNonce };
  return {
    safe: targets.safe,
    safeNonce,
    safeTxHash: hashTypedData(safeTransactionTypedData(chainId, targets.safe, tx)),
    to: call.to,
    data: call.data,
    operation: call.operation,
    transactionBuilder: transactionBuilderJson({
      chainId,
      safe: targets.safe,
      name: `hedgekeeper ${plan.bookId} ${plan.lane}`,
      description: `${plan.reason} (plan ${plan.planId}, block ${plan.blockNumber})`,
      createdAtMs: nowMs,
      transactions: batch,
    }),
  };
}
