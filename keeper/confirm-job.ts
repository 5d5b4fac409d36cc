// `confirm`: follows a plan's transaction to finality. Waits (re-delayed, no attempt burned) until the
// receipt is N blocks deep; re-sends bytes a node lost; replaces a transaction stuck for K blocks with a
// fee bump, or cancels it (same nonce, zero-value self-transfer) once the plan's deadline has passed. What it
// re-sends or replaces is checked first (verified-plan.ts): a replacement is the verified plan's call, rebuilt
// and signed at the nonce of the keeper's own signed bytes, never the record's copy of them.
import type { Job } from "bullmq";
import { BaseError, type TransactionReceipt, TransactionReceiptNotFoundError } from "viem";
import { isKnown, sendRaw, signRecordAndSend } from "./broadcast.ts";
import type { KeeperContext } from "./context.ts";
import { WaitError } from "./errors.ts";
import { bumpFees } from "./fees.ts";
import { feeCaps, suggestedTip } from "./next-stage.ts";
import { reconcileNonces } from "./nonce-repair.ts";
import { confirmPayload, parsePayload } from "./payloads.ts";
import { dropPlan, finishPlan, TERMINAL_STATUSES } from "./plan-lifecycle.ts";
import type { PlanRecord, TxRecord } from "./plan-store.ts";
import { verifyForSending } from "./verified-plan.ts";

async function receiptOf(ctx: KeeperContext, hash: `0x${string}`): Promise<TransactionReceipt | undefined> {
  try {
    return await ctx.client.getTransactionReceipt({ hash });
  } catch (error) {
    const notFound =
      error instanceof BaseError && error.walk((e) => e instanceof TransactionReceiptNotFoundError) !== null;
    if (notFound) return undefined;
    throw error;
  }
}

export async function processConfirm(
  ctx: KeeperContext,
  job: Job,
): Promise<{ status: string; txHash?: string }> {
  const { planId } = parsePayload(confirmPayload, job.data, "confirm");
  const id = planId as `0x${string}`;
  const record = await ctx.plans.record(id);
  if (!record || TERMINAL_STATUSES.has(record.status) || record.txs.length === 0) {
    return { status: record?.status ?? "unknown" };
  }
  const { config, logger } = ctx.common;
  const log = logger.child({ plan_id: id, book_id: record.bookId });
  const head = await ctx.client.getBlockNumber({ cacheTime: 0 });

  for (const tx of [...record.txs].reverse()) {
    const receipt = await receiptOf(ctx, tx.hash);
    if (receipt === undefined) continue;
    const depth = head - receipt.blockNumber + 1n;
    if (depth < BigInt(config.txConfirmations)) {
      throw new WaitError(`${depth}/${config.txConfirmations} confirmations`, config.confirmPollMs);
    }
    return finish(ctx, record, tx, receipt);
  }

  // Nothing mined yet. Did another transaction take our nonce?
  const last = record.txs.at(-1) as TxRecord;
  const latestNonce = await ctx.client.getTransactionCount({
    address: ctx.signer.address,
    blockTag: "latest",
  });
  if (latestNonce > last.nonce) {
    // Re-check once: a receipt may have appeared between the reads.
    for (const tx of record.txs) {
      const receipt = await receiptOf(ctx, tx.hash);
      if (receipt) return finish(ctx, record, tx, receipt);
    }
    await dropPlan(ctx, record, last.nonce);
    await reconcileNonces(ctx);
    log.warn({ nonce: last.nonce }, "transaction dropped: its nonce was used by another transaction");
    return { status: "dropped" };
  }

  if (!(await isKnown(ctx.client, last.hash))) {
    if ((await verifyForSending(ctx, id, record, [last])) === undefined) return { status: "failed" };
    await sendRaw(ctx.client, ctx.sendClient, last);
  }

  const pendingTooLong =
    ctx.common.clock.nowMs() - last.signedAtMs >= config.lanes[record.lane].replaceAfterSec * 1000;
  if (head - last.sentAtBlock >= BigInt(config.stuckAfterBlocks) || pendingTooLong) {
    const refused = await ctx.lock.with(() => replaceOrCancel(ctx, record, last, head));
    if (refused) return { status: "failed" };
  }
  throw new WaitError("pending", config.confirmPollMs);
}

async function finish(
  ctx: KeeperContext,
  record: PlanRecord,
  tx: TxRecord,
  receipt: TransactionReceipt,
): Promise<{ status: string; txHash: string }> {
  const status = await finishPlan(ctx, record, tx, receipt);
  ctx.common.logger.info(
    { plan_id: record.planId, tx_hash: tx.hash, block_number: receipt.blockNumber.toString(), status },
    "plan transaction final",
  );
  return { status, txHash: tx.hash };
}

/** True when the plan was refused as tampered (nothing sent). */
async function replaceOrCancel(
  ctx: KeeperContext,
  record: PlanRecord,
  last: TxRecord,
  head: bigint,
): Promise<boolean> {
  const fresh = await ctx.plans.record(record.planId);
  if (!fresh || fresh.txs.at(-1)?.hash !== last.hash) return false; // someone replaced it meanwhile
  const verified = await verifyForSending(ctx, record.planId, fresh, [last]);
  if (verified === undefined) return true;
  const { plan, call } = verified;
  const signed = verified.signed[0]!;
  const block = await ctx.client.getBlock({ blockTag: "latest" });
  const fees = bumpFees(
    signed,
    block.baseFeePerGas ?? 0n,
    await suggestedTip(ctx),
    feeCaps(ctx, plan.lane),
    ctx.common.config.lanes[plan.lane].feeBumpBps,
  );
  if (fees === null) {
    ctx.common.logger.warn(
      { plan_id: record.planId, tx_hash: last.hash },
      "stuck, but the fee cap leaves no room to bump",
    );
    return false;
  }
  const deadlinePassed = Number(block.timestamp) > plan.premise.deadlineSec;
  const cancel = deadlinePassed || last.kind === "cancel";
  const next = await signRecordAndSend(
    ctx,
    record.planId,
    cancel
      ? {
          to: ctx.signer.address,
          data: "0x",
          value: 0n,
          gas: 21_000n,
          nonce: signed.nonce,
          fees,
          kind: "cancel",
        }
      : { to: call.to, data: call.data, gas: signed.gas, nonce: signed.nonce, fees, kind: "replacement" },
    head,
  );
  if (cancel) {
    await ctx.events.emit(
      {
        kind: "tx.cancelled",
        planId: record.planId,
        lane: plan.lane,
        txHash: next.hash,
        nonce: next.nonce,
      },
      "tx_cancelled",
    );
  } else {
    await ctx.events.emit(
      {
        kind: "tx.replaced",
        planId: record.planId,
        lane: plan.lane,
        txHash: next.hash,
        replaces: last.hash,
        nonce: next.nonce,
      },
      "tx_replaced",
    );
  }
  return false;
}
