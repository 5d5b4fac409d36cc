import type { Address, Hash, Hex, LocalAccount } from "viem";
import {
  encodeExecTransaction,
  readSafeNonce,
  type SafeOperation,
  signSafeTransaction,
} from "../chain/safe-transaction.ts";
import type { DevnetClient } from "./devnet-client.ts";
import { sendDevnetTransaction } from "./transactions.ts";

/**
 * Executes one transaction from a Safe, signed with EIP-712 by `signers` (at least the threshold) and sent by
 * the first of them. Gas is explicit because a Safe transaction with safeTxGas 0 hides inner failures from
 * estimation; the Safe reverts with GS013 when the inner call fails.
 */
export async function execSafeTransaction(
  client: DevnetClient,
  safe: Address,
  signers: readonly LocalAccount[],
  call: { to: Address; data: Hex; value?: bigint; operation?: SafeOperation; label: string },
): Promise<Hash> {
  const sender = signers[0];
  if (!sender) throw new Error("a Safe transaction needs at least one signer");
  const tx = {
    to: call.to,
    value: call.value ?? 0n,
    data: call.data,
    operation: call.operation ?? 0,
    nonce: await readSafeNonce(client.publicClient, safe),
  };
  const signatures = await signSafeTransaction(signers, client.chain.id, safe, tx);
  return sendDevnetTransaction(client, `Safe ${call.label}`, {
    from: sender.address,
    to: safe,
    data: encodeExecTransaction(tx, signatures),
    gas: 15_000_000n,
  });
}
