// Copies the keeper's plan records (the working state in Redis, where exactly-once lives) into the durable
// history on every event about a plan. Each copy is the whole record, so a write that failed is healed by
// the plan's next event; writes run one after another so a slower, older copy never lands after a newer one.
import type { Logger } from "pino";
import type { HistoryStore, PlanHistory, TransactionHistory } from "../src/store/history-store.ts";
import type { KeeperEvent } from "./events.ts";
import type { PlanRecord, PlanStore } from "./plan-store.ts";

export function createHistoryRecorder(input: { history: HistoryStore; plans: PlanStore; logger: Logger }) {
  let queue: Promise<void> = Promise.resolve();
  const copy = async (planId: string) => {
    const record = await input.plans.record(planId);
    if (record === undefined) return;
    const plan = await input.plans.plan(planId);
    await input.history.putPlan(planHistoryOf(record, plan?.reason ?? ""));
    for (const tx of transactionHistoryOf(record)) await input.history.putTransaction(tx);
  };
  return {
    record(event: KeeperEvent): void {
      if (!("planId" in event)) return;
      queue = queue
        .then(() => copy(event.planId))
        .catch((error: Error) =>
          input.logger.warn({ plan_id: event.planId, err: error.message }, "history write failed"),
        );
    },
    /** Resolves once every write queued so far has landed (or failed and been logged). */
    flushed: () => queue,
  };
}

export function planHistoryOf(record: PlanRecord, planReason: string): PlanHistory {
  return {
    planId: record.planId,
    chainId: record.chainId,
    bookId: record.bookId,
    lane: record.lane,
    mode: record.mode,
    status: record.status,
    reason: record.reason ? `${planReason}${planReason ? "; " : ""}${record.reason}` : planReason,
    blockNumber: record.blockNumber,
    createdAtMs: record.createdAtMs,
    updatedAtMs: record.updatedAtMs,
  };
}

/**
 * One row per signed transaction. Of several sharing a nonce, the mined one (if any) is final and the others
 * were replaced; a later transaction on a nonce names the one it replaced.
 */
export function transactionHistoryOf(record: PlanRecord): TransactionHistory[] {
  const byNonce = new Map<number, string[]>();
  for (const tx of record.txs) byNonce.set(tx.nonce, [...(byNonce.get(tx.nonce) ?? []), tx.hash]);
  return record.txs.map((tx) => {
    const sameNonce = byNonce.get(tx.nonce) ?? [];
    const index = sameNonce.indexOf(tx.hash);
    const mined = record.minedTxHash !== undefined && tx.hash === record.minedTxHash;
    const nonceSettled = record.minedTxHash !== undefined && sameNonce.includes(record.minedTxHash);
    const status: TransactionHistory["status"] = mined
      ? record.status === "reverted"
        ? "reverted"
        : "mined"
      : nonceSettled || index < sameNonce.length - 1
        ? "replaced"
        : record.status === "dropped"
          ? "dropped"
          : "broadcast";
    return {
      txHash: tx.hash,
      planId: record.planId,
      chainId: record.chainId,
      nonce: tx.nonce,
      kind: tx.kind,
      status,
      replaces: index > 0 ? (sameNonce[index - 1] ?? null) : null,
      gasUsed: mined ? (record.minedGasUsed ?? null) : null,
      blockNumber: mined ? (record.minedBlock ?? null) : null,
      atMs: tx.signedAtMs,
    };
  });
}
