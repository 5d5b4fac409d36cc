// Everything the keeper signs or re-sends for a plan comes from the plan as verified (plan-integrity.ts), never
// from what Redis holds beside it: calldata rebuilt from the plan, a recorded transaction only once its signed
// bytes are shown to be ours and the plan's (recorded-transaction.ts). A failed check refuses the plan: nothing
// is sent, the plan fails with `tampered: …`, and `plan.tampered` goes out (a critical alert).
import type { Hex } from "viem";
import type { Plan } from "../src/engine/plan.ts";
import type { MetaTransaction } from "../src/execution/multisend.ts";
import { planToBatch, rolesCallOfBatch } from "../src/execution/plan-batch.ts";
import type { KeeperBook, KeeperContext } from "./context.ts";
import { KeeperConfigurationError, PlanTamperedError } from "./errors.ts";
import { openSealedPlan } from "./plan-integrity.ts";
import { refuseTampered } from "./plan-lifecycle.ts";
import type { PlanRecord, TxRecord } from "./plan-store.ts";
import { checkRecordedTransaction, type SignedFields } from "./recorded-transaction.ts";

export interface VerifiedPlan {
  plan: Plan;
  book: KeeperBook;
  /** The plan's MultiSend batch (premise, actions, post), built once here from the verified plan. */
  batch: MetaTransaction[];
  /** The keeper's transaction for the plan: that batch through the keeper's Roles role. */
  call: { to: `0x${string}`; data: Hex };
  /** What the keeper signed in each recorded transaction asked about, in the order given. */
  signed: SignedFields[];
}

/**
 * Plan `planId` (its record read under that id), verified, with its rebuilt call and each of `txs` checked
 * against it (a cancel is a zero-value self-transfer). Undefined when the plan was refused as tampered (already
 * marked and announced).
 */
export async function verifyForSending(
  ctx: KeeperContext,
  planId: `0x${string}`,
  record: PlanRecord,
  txs: readonly TxRecord[] = [],
): Promise<VerifiedPlan | undefined> {
  try {
    if (record.planId !== planId)
      throw new PlanTamperedError(`its record names plan ${String(record.planId)}`);
    const stored = await ctx.plans.sealed(planId);
    if (stored === undefined) throw new PlanTamperedError("its record remains but the plan is gone");
    const plan = openSealedPlan(ctx.planKey, planId, stored);
    const book = ctx.books.get(plan.bookId);
    if (!book) throw new KeeperConfigurationError(`unknown book ${plan.bookId}`);
    const batch = planToBatch(plan, book.targets);
    const call = rolesCallOfBatch(batch, book.targets);
    const signed: SignedFields[] = [];
    for (const tx of txs) {
      const expected = tx.kind === "cancel" ? { to: ctx.signer.address, data: "0x" as Hex } : call;
      signed.push(
        await checkRecordedTransaction(tx, { chainId: ctx.chainId, signer: ctx.signer.address, ...expected }),
      );
    }
    return { plan, book, batch, call, signed };
  } catch (error) {
    if (!(error instanceof PlanTamperedError)) throw error;
    await refuseTampered(ctx, planId, record.bookId, error.message);
    ctx.common.logger.error(
      { plan_id: planId, book_id: record.bookId, reason: `tampered: ${error.message}` },
      "plan refused: what Redis holds for it is not what the keeper stored; nothing sent",
    );
    return undefined;
  }
}
