// `evaluate-group`: every book of one group (books reading the same chain state, book-groups.ts) at one block, in one
// job. Each book is evaluated exactly as an `evaluate` job would (evaluateBookAtBlock: its own lease check, engine
// memory, history rows, hook, plan and plan id), so outcomes stay each book's own; what the books share is the job
// (one BullMQ round instead of one per book), the block's snapshot (the shared indexer reads it once), the
// residual-risk bootstrap where their inputs are equal (residual-risk-memo.ts) and the history writes, made as one
// multi-row statement per kind (history-write-batch.ts). A book whose evaluation fails does
// not fail the others: it is handed back as its own `evaluate` job (the same job id the scan once used), which
// retries and finally fails on its own, under its book id.
import type { Job } from "bullmq";
import { UnrecoverableError } from "bullmq";
import type { KeeperContext } from "./context.ts";
import { errorText } from "./errors.ts";
import { type EvaluateResult, evaluateBookAtBlock, type SharedEvaluation } from "./evaluate-job.ts";
import { createGroupKeeperReads } from "./group-keeper-reads.ts";
import { createGroupReads } from "./group-reads.ts";
import { createHistoryWriteBatch } from "./history-write-batch.ts";
import { jobIds } from "./job-ids.ts";
import { type EvaluatePayload, evaluateGroupPayload, parsePayload } from "./payloads.ts";
import { createResidualRiskMemo } from "./residual-risk-memo.ts";

/** The job name on the `evaluate` queue (a lone book's job is named "evaluate"). */
export const EVALUATE_GROUP_JOB = "evaluate-group";

export interface EvaluateGroupResult {
  evaluated: ({ bookId: string } & EvaluateResult)[];
  /** Books whose evaluation failed here, each re-enqueued as its own `evaluate` job. */
  handedBack: { bookId: string; error: string }[];
  /** Residual-risk bootstraps run: at most one per book, one per distinct input. */
  residualRiskComputed: number;
}

export async function processEvaluateGroup(ctx: KeeperContext, job: Job): Promise<EvaluateGroupResult> {
  const payload = parsePayload(evaluateGroupPayload, job.data, EVALUATE_GROUP_JOB);
  const books = ctx.bookGroups.get(payload.groupId);
  if (!books) throw new UnrecoverableError(`unknown book group ${payload.groupId}`);
  const blockNumber = BigInt(payload.blockNumber);
  const residualRisk = createResidualRiskMemo();
  const writes = ctx.history
    ? createHistoryWriteBatch(
        ctx.history,
        books.map((book) => book.bookId),
      )
    : undefined;
  const groupCtx: KeeperContext = writes ? { ...ctx, history: writes.store } : ctx;
  const bookIds = books.map((book) => book.bookId);
  const shared: SharedEvaluation = {
    residualRisk,
    keeperReads: createGroupKeeperReads(bookIds, ctx.plans, ctx.bookState),
    ...(ctx.history && {
      reads: createGroupReads(
        books.map((book) => book.bookId),
        ctx.samples,
        ctx.history,
      ),
    }),
  };
  // Concurrently: each book's reads and writes wait on Redis and the history, not on the other books.
  const outcomes = await Promise.allSettled(
    books.map((book) =>
      evaluateBookAtBlock(groupCtx, book, blockNumber, shared).finally(() => writes?.ended(book.bookId)),
    ),
  );
  const evaluated: EvaluateGroupResult["evaluated"] = [];
  const handedBack: EvaluateGroupResult["handedBack"] = [];
  outcomes.forEach((outcome, i) => {
    const { bookId } = books[i]!;
    if (outcome.status === "fulfilled") evaluated.push({ bookId, ...outcome.value });
    else handedBack.push({ bookId, error: errorText(outcome.reason) });
  });
  for (const failed of handedBack) {
    ctx.common.logger.warn(
      { book_id: failed.bookId, block_number: payload.blockNumber, err: failed.error },
      "book evaluation failed in its group: handed back as its own evaluate job",
    );
  }
  // If this add fails (Redis away) the group job fails and is retried whole: re-evaluating the books that succeeded
  // is what a retried evaluate job always did (the plan id dedupes plans; history rows of the block are overwritten).
  if (handedBack.length > 0) {
    await ctx.queues.evaluate.addBulk(
      handedBack.map(({ bookId }) => {
        const data: EvaluatePayload = {
          v: 1,
          chainId: payload.chainId,
          bookId,
          blockNumber: payload.blockNumber,
        };
        return {
          name: "evaluate",
          data,
          opts: { jobId: jobIds.evaluate(payload.chainId, bookId, blockNumber) },
        };
      }),
    );
  }
  ctx.common.logger.debug(
    {
      group_id: payload.groupId,
      block_number: payload.blockNumber,
      books: books.length,
      residual_risk_computed: residualRisk.computed,
    },
    "book group evaluated",
  );
  return { evaluated, handedBack, residualRiskComputed: residualRisk.computed };
}
