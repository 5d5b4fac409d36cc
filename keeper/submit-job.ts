// `submit`: one plan, once. Under the signer lock: verify the stored plan and build its batch and calldata from
// it (once: the simulation and the signature use the same), simulate at the latest block, reserve a nonce from
// the ledger, sign, persist the signed bytes, broadcast, hand over to `confirm`. A plan that already holds a signed transaction is never signed again: its bytes, once
// shown to be ours and the plan's, are re-sent (same hash) and confirm takes over. A plan whose record lost its
// transaction (a Redis failover) but which the chain shows executed is recorded from the chain (plan-on-chain.ts).
import type { Job } from "bullmq";
import { UnrecoverableError } from "bullmq";
import { isKnown, sendRaw, signRecordAndSend } from "./broadcast.ts";
import type { KeeperContext } from "./context.ts";
import { SimulationRevertedError, WaitError } from "./errors.ts";
import { quoteFees } from "./fees.ts";
import { enqueueConfirm, feeCaps, suggestedTip } from "./next-stage.ts";
import { reconcileNonces } from "./nonce-repair.ts";
import { parsePayload, submitPayload } from "./payloads.ts";
import { failPlan, recordSigned, supersedePlan, TERMINAL_STATUSES } from "./plan-lifecycle.ts";
import { planTransactionOnChain } from "./plan-on-chain.ts";
import { simulatePlanCall } from "./simulate.ts";
import { supersededPremise } from "./superseded-premise.ts";
import { verifyForSending } from "./verified-plan.ts";

export async function processSubmit(
  ctx: KeeperContext,
  job: Job,
): Promise<{ txHash?: string; status: string }> {
  const { planId } = parsePayload(submitPayload, job.data, "submit");
  const id = planId as `0x${string}`;
  return ctx.lock.with(async () => {
    const record = await ctx.plans.record(id);
    if (!record) throw new UnrecoverableError(`plan ${id} is not stored`);
    if (TERMINAL_STATUSES.has(record.status)) return { status: record.status };
    const last = record.txs.at(-1);
    const verified = await verifyForSending(ctx, id, record, last === undefined ? [] : [last]);
    if (verified === undefined) return { status: "failed" };
    const { plan, book, call, batch } = verified;
    const log = ctx.common.logger.child({ plan_id: id, book_id: plan.bookId, lane: plan.lane });

    // Signed before (a worker died after persisting): re-send the same bytes, never sign anew.
    if (last !== undefined) {
      if (!(await isKnown(ctx.client, last.hash))) await sendRaw(ctx.client, ctx.sendClient, last);
      await enqueueConfirm(ctx, id);
      log.info({ tx_hash: last.hash }, "plan already signed: re-sent the recorded transaction");
      return { txHash: last.hash, status: "submitted" };
    }

    // Nothing recorded, yet the chain may have it: a Redis failover can lose the record of bytes already mined.
    const mined = await planTransactionOnChain(ctx, {
      planId: id,
      planBlock: plan.blockNumber,
      hedgeGuard: book.targets.hedgeGuard,
    });
    if (mined !== undefined) {
      await recordSigned(ctx, id, mined);
      await enqueueConfirm(ctx, id);
      log.warn(
        { tx_hash: mined.hash, nonce: mined.nonce },
        "plan found executed on chain: its lost record restored",
      );
      return { txHash: mined.hash, status: "submitted" };
    }

    try {
      const startedAtMs = ctx.common.clock.nowMs();
      const head = await ctx.client.getBlock({ blockTag: "latest" });
      if (Number(head.timestamp) > plan.premise.deadlineSec) {
        await failPlan(ctx, id, plan.bookId, `deadline ${plan.premise.deadlineSec} passed before sending`);
        return { status: "failed" };
      }
      // One transaction in flight per signer: a pending transaction (ours from before a crash or a lost
      // Redis, or anyone's with this key) must land first, or this plan's premise is already stale.
      const [latestNonce, pendingNonce] = await Promise.all([
        ctx.client.getTransactionCount({ address: ctx.signer.address, blockTag: "latest" }),
        ctx.client.getTransactionCount({ address: ctx.signer.address, blockTag: "pending" }),
      ]);
      if (pendingNonce > latestNonce) {
        throw new WaitError(
          `signer has ${pendingNonce - latestNonce} transaction(s) pending`,
          ctx.common.config.confirmPollMs,
        );
      }

      const simulation = await simulatePlanCall(
        ctx.client,
        ctx.signer.address,
        { call, batch },
        plan,
        book.targets,
      );
      await ctx.plans.update(id, (r) => ({
        ...r,
        timings: {
          ...r.timings,
          submitStartedAtMs: r.timings.submitStartedAtMs ?? startedAtMs,
          simulatedAtMs: ctx.common.clock.nowMs(),
        },
      }));

      let nonce = await ctx.ledger.reserve(pendingNonce);
      if (nonce !== pendingNonce) {
        // The ledger was ahead of a chain with nothing pending: reservations that were never sent.
        await reconcileNonces(ctx);
        nonce = await ctx.ledger.reserve(pendingNonce);
      }
      const fees = quoteFees(head.baseFeePerGas ?? 0n, await suggestedTip(ctx), feeCaps(ctx, plan.lane));
      const gas = (simulation.gasEstimate * BigInt(10_000 + ctx.common.config.gasHeadroomBps)) / 10_000n;
      const tx = await signRecordAndSend(
        ctx,
        id,
        { to: call.to, data: call.data, gas, nonce, fees, kind: "plan" },
        head.number,
      );
      await ctx.hooks.afterBroadcast?.(id, tx.hash);
      await enqueueConfirm(ctx, id);
      return { txHash: tx.hash, status: "submitted" };
    } catch (error) {
      if (error instanceof SimulationRevertedError) {
        // A swap refused by a pool or a feed that moved since the plan's block: planned again, not failed.
        const superseded = await supersededPremise(ctx.client, plan, error);
        if (superseded !== undefined) {
          await supersedePlan(ctx, id, plan.bookId, superseded);
          log.info(
            { reason: superseded },
            "plan superseded by a moved market: not sent, re-planned on the next block",
          );
          return { status: "superseded" };
        }
        await failPlan(ctx, id, plan.bookId, String(error.details.reason ?? error.message));
        log.warn({ reason: error.details.reason }, "plan refused by simulation: not sent");
        throw error;
      }
      if (!(error instanceof WaitError)) await reconcileNonces(ctx).catch(() => {});
      throw error;
    }
  });
}
