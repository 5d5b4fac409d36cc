import type { PlanRecord } from "../../keeper/plan-store.ts";
import type { Plan } from "../../src/engine/plan.ts";

/** The record a keeper stores for `plan` decided in execute mode and not yet sent: what a test queues a submit for. */
export function plannedRecordOf(plan: Plan, chainId: number, atMs = Date.now()): PlanRecord {
  return {
    planId: plan.planId,
    chainId,
    bookId: plan.bookId,
    mode: "execute",
    lane: plan.lane,
    status: "planned",
    blockNumber: plan.blockNumber,
    createdAtMs: atMs,
    updatedAtMs: atMs,
    txs: [],
    timings: {},
  };
}
