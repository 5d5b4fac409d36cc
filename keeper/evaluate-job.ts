// `evaluate`: one book at one block. Reads the book (the job carries ids only), runs the engine, keeps the
// engine's memory, records the evaluation, and hands a plan to its lifecycle (plan-lifecycle.ts), which carries
// it out in the book's mode: recorded (shadow), a Safe proposal (propose), or a `submit` job in the plan's lane
// (execute). The plan id is the idempotency key: a plan seen again (a retried evaluation) is never planned twice.
import type { Job } from "bullmq";
import { UnrecoverableError } from "bullmq";
import { evaluateBook } from "../src/engine/book-metrics.ts";
import { decide } from "../src/engine/decide.ts";
import { DECISION_SAMPLE_WINDOW, keeperStateAfter } from "../src/engine/keeper-memory.ts";
import type { KeeperState } from "../src/engine/snapshot.ts";
import {
  type BookDetail,
  type DecisionKind,
  REALIZED_COST_WINDOW_SEC,
} from "../src/evaluation/book-evaluation.ts";
import { bookSampleOf } from "../src/indexers/book-sample.ts";
import { aaveLiquidationHistoryOf } from "./aave-liquidation-history.ts";
import type { LastEvaluation } from "./book-state-store.ts";
import type { KeeperBook, KeeperContext } from "./context.ts";
import { effectivenessByWindow, evaluationHistory, stewardWindowsOf } from "./evaluation-history.ts";
import type { GroupKeeperReads } from "./group-keeper-reads.ts";
import type { GroupReads } from "./group-reads.ts";
import { lpPrincipalFlowHistoryOf } from "./lp-principal-flow-history.ts";
import { evaluatePayload, parsePayload } from "./payloads.ts";
import { perpCollateralMoveHistoryOf } from "./perp-collateral-move-history.ts";
import { perpFundingSettlementHistoryOf } from "./perp-funding-settlement-history.ts";
import { isPreemptible, leaseHolder, takeUpPlan } from "./plan-lifecycle.ts";
import type { ResidualRiskOf } from "./residual-risk-memo.ts";
import { storedWindowSeries } from "./stored-window-series.ts";

/** At most this many mined plans in the realized-cost summary: a plan every 45 minutes for the whole 30 days. */
const REALIZED_COST_PLANS = 1_000;

export interface EvaluateResult {
  decision: DecisionKind;
  planId?: string;
  driftBps?: number;
}

export async function processEvaluate(ctx: KeeperContext, job: Job): Promise<EvaluateResult> {
  const payload = parsePayload(evaluatePayload, job.data, "evaluate");
  const book = ctx.books.get(payload.bookId);
  if (!book) throw new UnrecoverableError(`unknown book ${payload.bookId}`);
  return evaluateBookAtBlock(ctx, book, BigInt(payload.blockNumber));
}

/**
 * What the books of one group job share: the residual-risk memo (residual-risk-memo.ts), their leases and engine
 * memory read from Redis at once (group-keeper-reads.ts) and, with a history, their reads of it (group-reads.ts).
 */
export interface SharedEvaluation {
  residualRisk?: ResidualRiskOf;
  keeperReads?: GroupKeeperReads;
  reads?: GroupReads;
}

/** One book at one block: the body of an `evaluate` job, and of each book of an `evaluate-group` job. */
export async function evaluateBookAtBlock(
  ctx: KeeperContext,
  book: KeeperBook,
  blockNumber: bigint,
  shared: SharedEvaluation = {},
): Promise<EvaluateResult> {
  const { clock } = ctx.common;

  // A book waits for its executing plan: deciding again on a state the pending transaction is about to
  // change is how duplicate hedges happen.
  // Urgent work is never stuck behind routine work: a routine plan that holds the book but was not signed yet
  // does not stop the evaluation; an urgent plan decided meanwhile supersedes it (plan-lifecycle.ts).
  const holder = await leaseHolder(ctx, book.bookId, shared.keeperReads?.inFlight);
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
  if (holder !== undefined && !isPreemptible(holder.record)) return skipped(holder.planId);
  const waitingRoutine = holder?.planId ?? null;

  const keeperState = await (shared.keeperReads?.keeperState(book.bookId) ??
    ctx.bookState.state(book.bookId));
  const recentOptions = { limit: DECISION_SAMPLE_WINDOW, uptoBlock: blockNumber - 1n };
  const samples = await (shared.reads?.recentSamples(book.bookId, recentOptions) ??
    ctx.samples.recent(book.bookId, recentOptions));
  const { snapshot, aaveLiquidations, fundingSettlements, lpFlows } = await book.reader.snapshotAt(
    blockNumber,
    {
      keeper: keeperState,
      samples,
    },
  );
  // Recorded and paged before anything else: the report and the operator must learn of it even if this
  // evaluation fails further on (a retry reads the same logs; the writes are idempotent).
  for (const event of aaveLiquidations ?? []) {
    const liquidation = aaveLiquidationHistoryOf(ctx.chainId, snapshot, event);
    await ctx.history?.putAaveLiquidation(liquidation);
    ctx.common.logger.error(
      {
        book_id: book.bookId,
        block_number: liquidation.blockNumber,
        tx_hash: liquidation.txHash,
        bonus_usd: liquidation.bonusUsd,
      },
      "aave liquidated the book's safe",
    );
    await ctx.events.emit(
      {
        kind: "aave.liquidated",
        bookId: book.bookId,
        txHash: liquidation.txHash,
        logIndex: liquidation.logIndex,
        blockNumber: liquidation.blockNumber,
        liquidator: liquidation.liquidator,
        collateralSymbol: liquidation.collateralSymbol,
        collateralSeizedUsd: liquidation.collateralSeizedUsd,
        debtSymbol: liquidation.debtSymbol,
        debtCoveredUsd: liquidation.debtCoveredUsd,
        bonusUsd: liquidation.bonusUsd,
      },
      "aave_liquidations",
    );
  }
  // Every funding settlement for the Safe, whoever made it, before the sample that vouches for the span it covers.
  if (fundingSettlements !== undefined && fundingSettlements.settlements.length > 0)
    await ctx.history?.putFundingSettlements(
      fundingSettlements.settlements.map((f) => perpFundingSettlementHistoryOf(ctx.chainId, snapshot, f)),
    );
  // And every deposit to or withdrawal from the perp vault for the Safe, from the same scan (the same span).
  const collateralMoves = fundingSettlements?.collateralMoves ?? [];
  if (collateralMoves.length > 0)
    await ctx.history?.putCollateralMoves(
      collateralMoves.map((m) => perpCollateralMoveHistoryOf(ctx.chainId, snapshot, m)),
    );
  // Every principal flow of the Safe's LP positions, whoever made it, before the sample that vouches for its span.
  if (lpFlows !== undefined && lpFlows.flows.length > 0)
    await ctx.history?.putLpPrincipalFlows(
      lpFlows.flows.map((f) => lpPrincipalFlowHistoryOf(ctx.chainId, snapshot, book.params, f)),
    );
  // Decide on the later of wall time and the block's time: a chain ahead of the clock (a devnet, a skewed
  // host) sets the deadlines its guard will check; a chain behind it makes the snapshot stale, as it is.
  const nowSec = Math.max(Math.floor(clock.nowMs() / 1000), snapshot.blockTimestampSec);
  const metrics = evaluateBook(snapshot, book.params, nowSec);
  const sample = bookSampleOf(snapshot, metrics);
  // The status row (with its stress table) is for the history; without one, only the effectiveness is worked out.
  let effectiveness: Record<string, number>;
  let detail: BookDetail | null = null;
  const history = ctx.history;
  if (history) {
    const executionPeriod = {
      fromSec: snapshot.blockTimestampSec - REALIZED_COST_WINDOW_SEC,
      toSec: snapshot.blockTimestampSec,
      limit: REALIZED_COST_PLANS,
    };
    const rows = evaluationHistory({
      chainId: ctx.chainId,
      snapshot,
      params: book.params,
      metrics,
      sample,
      previous: samples,
      stored: await (shared.reads?.storedWindowSeries(book.bookId, snapshot.blockTimestampSec) ??
        storedWindowSeries(history, book.bookId, snapshot.blockTimestampSec)),
      executions: await (shared.reads?.executions(book.bookId, executionPeriod) ??
        history.executions({ bookId: book.bookId, ...executionPeriod })),
      nowSec,
      ...(shared.residualRisk ? { residualRisk: shared.residualRisk } : {}),
      ...(fundingSettlements !== undefined && {
        fundingScannedFromBlock: fundingSettlements.scannedFromBlock,
      }),
      ...(lpFlows !== undefined && { lpFlowsScannedFromBlock: lpFlows.scannedFromBlock }),
    });
    await history.putSample(ctx.chainId, book.bookId, rows.sample, rows.depeg);
    await history.putBookStatus(rows.status);
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
    await recordEvaluation(ctx, keeperStateAfter(keeperState, decision, nowSec), evaluation);
    return { decision: "noop", driftBps: metrics.drift.driftBps };
  }

  const plan = decision.plan;
  await takeUpPlan(ctx, book, plan, clock.nowMs());
  await recordEvaluation(ctx, keeperStateAfter(keeperState, decision, nowSec), {
    ...evaluation,
    planId: plan.planId,
  });
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
