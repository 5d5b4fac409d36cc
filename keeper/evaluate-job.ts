// `evaluate`: one book at one block. Reads the book (the job carries ids only), runs the engine, keeps the
// engine's memory, and turns a plan into the book's mode: recorded (shadow), a Safe proposal (propose), or
// a `submit` job in the plan's lane (execute). The plan id is the idempotency key: a plan seen again (a
// retried evaluation) is never planned twice.
import type { Job } from "bullmq";
import { UnrecoverableError } from "bullmq";
import { evaluateBook } from "../src/engine/book-metrics.ts";
import { decide } from "../src/engine/decide.ts";
import type { Plan } from "../src/engine/plan.ts";
import type { KeeperState } from "../src/engine/snapshot.ts";
import type { BookDetail, DecisionKind } from "../src/evaluation/book-evaluation.ts";
import { bookSampleOf } from "../src/indexers/book-sample.ts";
import type { LastEvaluation } from "./book-state-store.ts";
import type { KeeperBook, KeeperContext } from "./context.ts";
import { effectivenessByWindow, evaluationHistory, stewardWindowsOf } from "./evaluation-history.ts";
import { jobIds } from "./job-ids.ts";
import { evaluatePayload, parsePayload, type SubmitPayload } from "./payloads.ts";
import { sealPlan } from "./plan-integrity.ts";
import { type PlanRecord, TERMINAL_STATUSES } from "./plan-store.ts";
import { buildProposal } from "./propose-plan.ts";
import { LANE_PRIORITY } from "./queues.ts";
import { storedWindowSeries } from "./stored-window-series.ts";

const SAMPLE_WINDOW = 240;

export interface EvaluateResult {
  decision: DecisionKind;
  planId?: string;
  driftBps?: number;
}

export async function processEvaluate(ctx: KeeperContext, job: Job): Promise<EvaluateResult> {
  const payload = parsePayload(evaluatePayload, job.data, "evaluate");
  const book = ctx.books.get(payload.bookId);
  if (!book) throw new UnrecoverableError(`unknown book ${payload.bookId}`);
  const blockNumber = BigInt(payload.blockNumber);
  const { clock } = ctx.common;

  // A book waits for its executing plan: deciding again on a state the pending transaction is about to
  // change is how duplicate hedges happen.
  // Urgent work is never stuck behind routine work: a routine plan that holds the book but was not signed yet
  // does not stop the evaluation; an urgent plan decided meanwhile supersedes it (recordPlan).
  const inFlight = await ctx.plans.inFlight(book.bookId);
  let waitingRoutine: string | null = null;
  const skipped = async (planId: string): Promise<EvaluateResult> => {
    const evaluation = {
      bookId: book.bookId,
      blockNumber,
      atMs: clock.nowMs(),
      driftBps: Number.NaN,
      decision: "skipped",
      reason: `plan ${planId} in flight`,
    } as const;
    await recordEvaluation(ctx, undefined, { ...evaluation, planId });
    return { decision: "skipped", planId };
  };
  if (inFlight !== null) {
    const record = await ctx.plans.record(inFlight);
    if (record !== undefined && !TERMINAL_STATUSES.has(record.status)) {
      if (!isPreemptible(record)) return skipped(inFlight);
      waitingRoutine = inFlight;
    } else {
      await ctx.plans.clearInFlight(book.bookId, inFlight);
    }
  }

  const keeperState = await ctx.bookState.state(book.bookId);
  const samples = await ctx.samples.recent(book.bookId, {
    limit: SAMPLE_WINDOW,
    uptoBlock: blockNumber - 1n,
  });
  const { snapshot } = await book.reader.snapshotAt(blockNumber, { keeper: keeperState, samples });
  // Decide on the later of wall time and the block's time: a chain ahead of the clock (a devnet, a skewed
  // host) sets the deadlines its guard will check; a chain behind it makes the snapshot stale, as it is.
  const nowSec = Math.max(Math.floor(clock.nowMs() / 1000), snapshot.blockTimestampSec);
  const metrics = evaluateBook(snapshot, book.params, nowSec);
  const sample = bookSampleOf(snapshot, metrics);
  // The status row (with its stress table) is for the history; without one, only the effectiveness is worked out.
  let effectiveness: Record<string, number>;
  let detail: BookDetail | null = null;
  if (ctx.history) {
    const rows = evaluationHistory({
      chainId: ctx.chainId,
      snapshot,
      params: book.params,
      metrics,
      sample,
      previous: samples,
      stored: await storedWindowSeries(ctx.history, book.bookId, snapshot.blockTimestampSec),
      nowSec,
    });
    await ctx.history.putSample(ctx.chainId, book.bookId, rows.sample, rows.depeg);
    await ctx.history.putBookStatus(rows.status);
    effectiveness = rows.effectivenessByWindow;
    detail = rows.status.detail;
  } else {
    await ctx.samples.put(book.bookId, sample);
    effectiveness = effectivenessByWindow(
      stewardWindowsOf([...samples, sample], null, book.params.targetHedgeRatio),
    );
  }
  await ctx.hooks
    .onEvaluation?.({
      bookId: book.bookId,
      blockNumber,
      nowSec,
      metrics,
      effectiveness,
      snapshot,
      sample,
      detail,
    })
    .catch((error: Error) => {
      ctx.common.logger.warn({ book_id: book.bookId, err: error.message }, "evaluation hook failed");
    });
  const decision = decide(snapshot, book.params, nowSec, metrics);
  if (waitingRoutine !== null && (decision.kind === "noop" || decision.plan.lane !== "urgent")) {
    return skipped(waitingRoutine);
  }
  const evaluation = {
    bookId: book.bookId,
    blockNumber,
    atMs: clock.nowMs(),
    driftBps: metrics.drift.driftBps,
    decision: decision.kind,
    reason: decision.kind === "noop" ? decision.reason : decision.plan.reason,
  } as const;

  if (decision.kind === "noop") {
    await recordEvaluation(
      ctx,
      { ...keeperState, hedgeTriggered: decision.hedgeTriggered ?? keeperState.hedgeTriggered },
      evaluation,
    );
    return { decision: "noop", driftBps: metrics.drift.driftBps };
  }

  const plan = decision.plan;
  await recordPlan(ctx, book, plan, clock.nowMs());
  await recordEvaluation(
    ctx,
    { hedgeTriggered: plan.hedgeTriggered ?? true, lastPlanAtSec: nowSec },
    { ...evaluation, planId: plan.planId },
  );
  return { decision: "plan", planId: plan.planId, driftBps: metrics.drift.driftBps };
}

/**
 * The evaluation's outcome: the engine's memory and the last evaluation in Redis (what the next job reads), and
 * the decision, noop included, in the history (a retried evaluation of the block overwrites its row).
 */
async function recordEvaluation(
  ctx: KeeperContext,
  state: KeeperState | undefined,
  evaluation: LastEvaluation,
): Promise<void> {
  await ctx.bookState.record(evaluation.bookId, state, evaluation);
  await ctx.history?.putDecision({
    chainId: ctx.chainId,
    bookId: evaluation.bookId,
    blockNumber: evaluation.blockNumber,
    atMs: evaluation.atMs,
    kind: evaluation.decision,
    reason: evaluation.reason,
    planId: evaluation.planId ?? null,
    driftBps: Number.isFinite(evaluation.driftBps) ? evaluation.driftBps : null,
  });
}

/** Store a decided plan and turn it into the book's mode (exported for benchmarks that hand-build plans). */
export async function recordPlan(
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
      const proposal = await buildProposal(ctx.client, ctx.chainId, plan, book.targets, nowMs);
      await ctx.plans.update(plan.planId, (r) => ({ ...r, status: "proposed", proposal }));
      await ctx.events.emit(
        { kind: "plan.proposed", planId: plan.planId, bookId: plan.bookId, safeTxHash: proposal.safeTxHash },
        "plans_proposed",
      );
      log.info({ safe_tx_hash: proposal.safeTxHash }, "plan proposed to the Safe owners");
      return;
    }
    case "execute": {
      if (
        !(await ctx.plans.claimInFlight(plan.bookId, plan.planId)) &&
        !(plan.lane === "urgent" && (await supersedeRoutine(ctx, plan)))
      ) {
        const holder = await ctx.plans.inFlight(plan.bookId);
        await ctx.plans.update(plan.planId, (r) => ({
          ...r,
          status: "failed",
          reason: `plan ${holder} is in flight for the book`,
        }));
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

/** A routine plan that holds its book but has no signed transaction yet: an urgent plan may take its place. */
function isPreemptible(record: PlanRecord): boolean {
  return record.lane === "routine" && record.status === "planned" && record.txs.length === 0;
}

/**
 * Under the signer lock (so no submit job is signing it meanwhile), mark the routine plan holding the book as
 * superseded (failed, never sent: the engine decides again on the state the urgent plan leaves) and claim the
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
      const reason = `superseded by urgent plan ${urgent.planId}`;
      await ctx.plans.update(holder, (r) => ({ ...r, status: "failed", reason }));
      await ctx.events.emit(
        { kind: "plan.failed", planId: holder, bookId: urgent.bookId, reason },
        "plans_failed",
      );
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
