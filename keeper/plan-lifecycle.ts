// A plan's lifecycle, in one place. A decided plan is created (sealed, announced) and carried out in its book's
// mode: shadowed, proposed, or sent, which first takes the book's in-flight lease (an urgent plan may supersede a
// routine one that holds it unsigned). From there it is signed, then finished (mined, reverted, cancelled), or
// it ends early: failed, refused as tampered, dropped. Every transition writes the plan's record, releases the
// book's lease when it ends the plan, and only then emits the plan's event, so the history's copy (made on each
// event, history-recorder.ts) always reads the record the transition left.
import type { TransactionReceipt } from "viem";
import type { Plan } from "../src/engine/plan.ts";
import type { PlanStatus } from "../src/evaluation/plan-lifecycle.ts";
import { planToBatch } from "../src/execution/plan-batch.ts";
import type { KeeperBook, KeeperContext } from "./context.ts";
import type { KeeperCounter, KeeperEvent } from "./events.ts";
import { jobIds } from "./job-ids.ts";
import type { SubmitPayload } from "./payloads.ts";
import { sealPlan } from "./plan-integrity.ts";
import type { PlanRecord, TxRecord } from "./plan-store.ts";
import { buildProposal } from "./propose-plan.ts";
import { LANE_PRIORITY } from "./queues.ts";
import { recordExecution } from "./record-execution.ts";

export const TERMINAL_STATUSES: ReadonlySet<PlanStatus> = new Set([
  "shadowed",
  "proposed",
  "mined",
  "reverted",
  "failed",
  "superseded",
  "cancelled",
  "dropped",
]);

/** A routine plan that holds its book but has no signed transaction yet: an urgent plan may take its place. */
export function isPreemptible(record: PlanRecord): boolean {
  return record.lane === "routine" && record.status === "planned" && record.txs.length === 0;
}

/** The live plan holding the book's lease, if any; a lease a finished (or vanished) plan left is released. */
export async function leaseHolder(
  ctx: KeeperContext,
  bookId: string,
  inFlight: (bookId: string) => Promise<string | null> = ctx.plans.inFlight,
): Promise<{ planId: string; record: PlanRecord } | undefined> {
  const planId = await inFlight(bookId);
  if (planId === null) return undefined;
  const record = await ctx.plans.record(planId);
  if (record !== undefined && !TERMINAL_STATUSES.has(record.status)) return { planId, record };
  await ctx.plans.clearInFlight(bookId, planId);
  return undefined;
}

/**
 * Store a decided plan (once: a plan id seen again is the same decision) and carry it out in the book's mode:
 * recorded (shadow), a Safe proposal (propose), or, holding the book's lease, a `submit` job in its lane
 * (execute). A plan that cannot take the lease fails, announced like every other failure.
 */
export async function takeUpPlan(
  ctx: KeeperContext,
  book: KeeperBook,
  plan: Plan,
  nowMs: number,
): Promise<void> {
  const created = await ctx.plans.create(sealPlan(ctx.planKey, plan), {
    planId: plan.planId,
    chainId: ctx.chainId,
    bookId: plan.bookId,
    mode: book.mode,
    lane: plan.lane,
    status: "planned",
    blockNumber: plan.blockNumber,
    createdAtMs: nowMs,
    updatedAtMs: nowMs,
    txs: [],
    timings: { decidedAtMs: nowMs },
  });
  const log = ctx.common.logger.child({ plan_id: plan.planId, book_id: plan.bookId, lane: plan.lane });
  if (created) {
    await ctx.events.emit(
      {
        kind: "plan.decided",
        planId: plan.planId,
        bookId: plan.bookId,
        lane: plan.lane,
        mode: book.mode,
        reason: plan.reason,
      },
      "plans_decided",
    );
    log.info(
      { mode: book.mode, reason: plan.reason, block_number: plan.blockNumber.toString() },
      "plan decided",
    );
  }
  const record = await ctx.plans.record(plan.planId);
  if (record === undefined || record.status !== "planned") return;

  switch (book.mode) {
    case "shadow":
      await ctx.plans.update(plan.planId, (r) => ({ ...r, status: "shadowed" }));
      await ctx.events.emit(
        { kind: "plan.shadowed", planId: plan.planId, bookId: plan.bookId, reason: plan.reason },
        "plans_shadowed",
      );
      return;
    case "propose": {
      const batch = planToBatch(plan, book.targets);
      const proposal = await buildProposal(ctx.client, ctx.chainId, plan, batch, book.targets, nowMs);
      await ctx.plans.update(plan.planId, (r) => ({ ...r, status: "proposed", proposal }));
      await ctx.events.emit(
        { kind: "plan.proposed", planId: plan.planId, bookId: plan.bookId, safeTxHash: proposal.safeTxHash },
        "plans_proposed",
      );
      log.info({ safe_tx_hash: proposal.safeTxHash }, "plan proposed to the Safe owners");
      return;
    }
    case "execute": {
      if (!(await claimBook(ctx, plan))) {
        const holder = await ctx.plans.inFlight(plan.bookId);
        await failPlan(ctx, plan.planId, plan.bookId, `plan ${holder} is in flight for the book`);
        return;
      }
      const data: SubmitPayload = { v: 1, chainId: ctx.chainId, planId: plan.planId };
      await ctx.queues.submit.add("submit", data, {
        jobId: jobIds.submit(ctx.chainId, plan.planId),
        priority: LANE_PRIORITY[plan.lane],
      });
      return;
    }
  }
}

/** Take the book's lease for `plan`; an urgent plan may supersede the routine plan holding it unsigned. */
async function claimBook(ctx: KeeperContext, plan: Plan): Promise<boolean> {
  if (await ctx.plans.claimInFlight(plan.bookId, plan.planId)) return true;
  return plan.lane === "urgent" && supersedeRoutine(ctx, plan);
}

/**
 * Under the signer lock (so no submit job is signing it meanwhile), end the routine plan holding the book as
 * superseded (never sent, not a failure: the engine decides again on the state the urgent plan leaves) and claim the
 * book for the urgent plan. False when the holder is not preemptible (already signed, or urgent itself).
 */
async function supersedeRoutine(ctx: KeeperContext, urgent: Plan): Promise<boolean> {
  return ctx.lock.with(async () => {
    const holder = await ctx.plans.inFlight(urgent.bookId);
    if (holder === null) return ctx.plans.claimInFlight(urgent.bookId, urgent.planId);
    if (holder === urgent.planId) return true;
    const record = await ctx.plans.record(holder);
    if (record !== undefined && !TERMINAL_STATUSES.has(record.status) && !isPreemptible(record)) return false;
    if (record !== undefined && !TERMINAL_STATUSES.has(record.status)) {
      await supersedePlan(ctx, holder, urgent.bookId, `superseded by urgent plan ${urgent.planId}`);
      await ctx.queues.submit.remove(jobIds.submit(ctx.chainId, holder)).catch(() => 0);
      ctx.common.logger.info(
        { plan_id: holder, by: urgent.planId },
        "routine plan superseded by an urgent plan",
      );
    }
    await ctx.plans.clearInFlight(urgent.bookId, holder);
    return ctx.plans.claimInFlight(urgent.bookId, urgent.planId);
  });
}

/** End a plan before it is mined: its record says why, its book's lease is free, then its event goes out. */
async function endPlan(
  ctx: KeeperContext,
  planId: string,
  bookId: string,
  ending: { status: PlanStatus; reason: string; event: KeeperEvent; counter: KeeperCounter },
): Promise<void> {
  await ctx.plans.update(planId, (r) => ({ ...r, status: ending.status, reason: ending.reason }));
  await ctx.plans.clearInFlight(bookId, planId);
  await ctx.events.emit(ending.event, ending.counter);
}

/** Refused before sending (simulation reverted, deadline passed, superseded, the book held by another plan). */
export function failPlan(ctx: KeeperContext, planId: string, bookId: string, reason: string): Promise<void> {
  return endPlan(ctx, planId, bookId, {
    status: "failed",
    reason,
    event: { kind: "plan.failed", planId, bookId, reason },
    counter: "plans_failed",
  });
}

/**
 * Refused by its simulation on a premise the chain no longer holds (moved-swap-premise.ts), or displaced unsigned by
 * an urgent plan of its book: nothing sent, recorded and announced as `plan.superseded`, not a failure. The book's lease is free, so the next scanned block plans it
 * again on the chain as it now is. (Not an evaluation enqueued here: it would run beside the next block's, and two
 * evaluations of one book at once both decide.)
 */
export function supersedePlan(
  ctx: KeeperContext,
  planId: string,
  bookId: string,
  reason: string,
): Promise<void> {
  return endPlan(ctx, planId, bookId, {
    status: "superseded",
    reason,
    event: { kind: "plan.superseded", planId, bookId, reason },
    counter: "plans_superseded",
  });
}

/** What Redis holds for the plan did not verify: failed, nothing sent, announced as `plan.tampered` (critical). */
export function refuseTampered(
  ctx: KeeperContext,
  planId: string,
  bookId: string,
  problem: string,
): Promise<void> {
  const reason = `tampered: ${problem}`;
  return endPlan(ctx, planId, bookId, {
    status: "failed",
    reason,
    event: { kind: "plan.tampered", planId, bookId, reason },
    counter: "plans_tampered",
  });
}

/** Another transaction took the nonce of the plan's transaction: the plan will not be mined. */
export function dropPlan(ctx: KeeperContext, record: PlanRecord, nonce: number): Promise<void> {
  const reason = `nonce ${nonce} used by another transaction`;
  return endPlan(ctx, record.planId, record.bookId, {
    status: "dropped",
    reason,
    event: { kind: "plan.failed", planId: record.planId, bookId: record.bookId, reason },
    counter: "tx_dropped",
  });
}

/** A transaction signed for the plan, recorded (before it is broadcast) with the plan now `submitted`. */
export function recordSigned(ctx: KeeperContext, planId: string, tx: TxRecord): Promise<PlanRecord> {
  return ctx.plans.update(planId, (r) => ({
    ...r,
    status: "submitted",
    txs: [...r.txs, tx],
    timings: { ...r.timings, signedAtMs: r.timings.signedAtMs ?? tx.signedAtMs },
  }));
}

/** One of the plan's transactions is final: mined, reverted, or (a cancel) the plan cancelled. */
export async function finishPlan(
  ctx: KeeperContext,
  record: PlanRecord,
  tx: TxRecord,
  receipt: TransactionReceipt,
): Promise<"mined" | "reverted" | "cancelled"> {
  const status =
    tx.kind === "cancel"
      ? ("cancelled" as const)
      : receipt.status === "success"
        ? ("mined" as const)
        : ("reverted" as const);
  // Before the record goes final: a failed read here retries the confirm job, which skips final plans.
  if (status === "mined") await recordExecution(ctx, record, receipt);
  await ctx.plans.update(record.planId, (r) => ({
    ...r,
    status,
    minedTxHash: tx.hash,
    minedBlock: receipt.blockNumber,
    minedGasUsed: receipt.gasUsed,
    timings: { ...r.timings, minedSeenAtMs: ctx.common.clock.nowMs() },
  }));
  await ctx.plans.clearInFlight(record.bookId, record.planId);
  await ctx.events.emit(
    {
      kind: "tx.mined",
      planId: record.planId,
      lane: record.lane,
      gasUsed: receipt.gasUsed,
      txHash: tx.hash,
      status: receipt.status === "success" ? "success" : "reverted",
      blockNumber: receipt.blockNumber,
    },
    status === "mined" ? "tx_mined" : status === "reverted" ? "tx_reverted" : undefined,
  );
  return status;
}
