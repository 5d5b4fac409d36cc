// Sign locally, compute the hash, persist the signed transaction, then send the raw bytes. A crash at any
// point leaves either nothing sent (no record, or a record whose bytes a retry re-sends: the same hash) or
// a recorded transaction; never an unrecorded one.
import { type Hex, keccak256, type PublicClient } from "viem";
import type { KeeperContext } from "./context.ts";
import { errorText, NonceConflictError } from "./errors.ts";
import type { Fees } from "./fees.ts";
import { recordSigned } from "./plan-lifecycle.ts";
import type { TxRecord } from "./plan-store.ts";

export interface UnsignedKeeperTx {
  to: `0x${string}`;
  data: Hex;
  value?: bigint;
  gas: bigint;
  nonce: number;
  fees: Fees;
  kind: TxRecord["kind"];
}

export async function signRecordAndSend(
  ctx: KeeperContext,
  planId: `0x${string}`,
  tx: UnsignedKeeperTx,
  headBlock: bigint,
): Promise<TxRecord> {
  const raw = await ctx.signer.signTransaction({
    type: "eip1559",
    chainId: ctx.chainId,
    nonce: tx.nonce,
    to: tx.to,
    data: tx.data,
    value: tx.value ?? 0n,
    gas: tx.gas,
    maxFeePerGas: tx.fees.maxFeePerGas,
    maxPriorityFeePerGas: tx.fees.maxPriorityFeePerGas,
  });
  const record: TxRecord = {
    hash: keccak256(raw),
    raw,
    nonce: tx.nonce,
    kind: tx.kind,
    to: tx.to,
    data: tx.data,
    gas: tx.gas,
    maxFeePerGas: tx.fees.maxFeePerGas,
    maxPriorityFeePerGas: tx.fees.maxPriorityFeePerGas,
    signedAtMs: ctx.common.clock.nowMs(),
    sentAtBlock: headBlock,
  };
  const { lane } = await recordSigned(ctx, planId, record);
  await ctx.hooks.afterSigned?.(planId, record.hash);
  await sendRaw(ctx.client, ctx.sendClient, record);
  await ctx.plans.update(planId, (r) => ({
    ...r,
    timings: { ...r.timings, broadcastAtMs: r.timings.broadcastAtMs ?? ctx.common.clock.nowMs() },
  }));
  await ctx.events.emit(
    { kind: "tx.broadcast", planId, lane, txHash: record.hash, nonce: record.nonce, txKind: record.kind },
    "tx_broadcast",
  );
  ctx.common.logger.info(
    { plan_id: planId, tx_hash: record.hash, nonce: record.nonce, kind: record.kind },
    "transaction broadcast",
  );
  return record;
}

/**
 * Send recorded bytes; idempotent. A node that already has them (or mined them) is success. "Nonce too
 * low" for bytes the node does not know means another transaction took the nonce: a NonceConflictError.
 */
export async function sendRaw(reader: PublicClient, sender: PublicClient, tx: TxRecord): Promise<void> {
  try {
    await sender.sendRawTransaction({ serializedTransaction: tx.raw });
  } catch (error) {
    const text = errorText(error).toLowerCase();
    if (/already known|known transaction|already imported|already exists/.test(text)) return;
    if (/nonce too low|nonce has already been used|replacement transaction underpriced/.test(text)) {
      if (await isKnown(reader, tx.hash)) return;
      throw new NonceConflictError(`nonce ${tx.nonce} is taken by another transaction`, { cause: error });
    }
    throw error;
  }
}

export async function isKnown(client: PublicClient, hash: `0x${string}`): Promise<boolean> {
  try {
    await client.getTransaction({ hash });
    return true;
  } catch {
    return false;
  }
}
