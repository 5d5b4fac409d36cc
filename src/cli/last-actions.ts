// `hedgekeeper status`'s last actions of a book (plan, lane, status, transaction, gas), as keeper-record.ts reads
// them: from the running process's API, else from the history store.
import type { Wire } from "../api/api-types.ts";
import type { Lane } from "../engine/plan.ts";
import type { PlanStatus } from "../evaluation/plan-lifecycle.ts";
import type { ActionView } from "../store/history-store.ts";

export interface LastAction {
  planId: string;
  lane: Lane;
  status: PlanStatus;
  reason: string;
  txHash: string | null;
  gasUsed: string | null;
  replacements: number;
  createdAtMs: number;
}

export interface LastActions {
  source: "api" | "history" | "none";
  actions: LastAction[];
  /** Why nothing could be read, when source is "none". */
  note?: string;
}

export const toLastAction = (a: ActionView | Wire<ActionView>): LastAction => ({
  planId: a.planId,
  lane: a.lane,
  status: a.status,
  reason: a.reason,
  txHash: a.txHash,
  gasUsed: a.gasUsed === null ? null : String(a.gasUsed),
  replacements: a.replacements,
  createdAtMs: a.createdAtMs,
});

export function renderLastActions(last: LastActions): string {
  if (last.source === "none") return `  last actions: none known (${last.note})\n`;
  if (last.actions.length === 0) return "  last actions: none\n";
  const lines = last.actions.map(
    (a) =>
      `    ${new Date(a.createdAtMs).toISOString()}  ${a.lane.padEnd(7)} ${a.status.padEnd(9)} ${a.planId.slice(0, 10)}…  ${a.txHash ?? "no tx"}${a.gasUsed ? ` gas ${a.gasUsed}` : ""}${a.replacements ? ` (${a.replacements} replacement${a.replacements > 1 ? "s" : ""})` : ""}\n      ${a.reason}`,
  );
  return `  last actions (from the ${last.source === "api" ? "running keeper" : "history"}):\n${lines.join("\n")}\n`;
}
