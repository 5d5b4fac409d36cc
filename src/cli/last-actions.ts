// `hedgekeeper status`'s last actions: from the running process's API when it answers (the embedded PGlite
// history belongs to that process while it runs), else straight from the history store.
import { existsSync } from "node:fs";
import type { ActionsResponse, Wire } from "../api/api-types.ts";
import type { HedgekeeperConfig } from "../config/schema.ts";
import type { Lane } from "../engine/plan.ts";
import type { PlanStatus } from "../evaluation/plan-lifecycle.ts";
import type { ActionView } from "../store/history-store.ts";
import { openHistoryStore } from "../store/open-history-store.ts";

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

const toLastAction = (a: ActionView | Wire<ActionView>): LastAction => ({
  planId: a.planId,
  lane: a.lane,
  status: a.status,
  reason: a.reason,
  txHash: a.txHash,
  gasUsed: a.gasUsed === null ? null : String(a.gasUsed),
  replacements: a.replacements,
  createdAtMs: a.createdAtMs,
});

export async function lastActions(
  config: HedgekeeperConfig,
  bookId: string,
  limit = 5,
): Promise<LastActions> {
  const { host, port, token } = config.api;
  try {
    const response = await fetch(
      `http://${host}:${port}/api/actions?limit=${limit}&book=${encodeURIComponent(bookId)}`,
      {
        signal: AbortSignal.timeout(1_000),
        ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
      },
    );
    if (response.ok) {
      const body = (await response.json()) as ActionsResponse;
      return { source: "api", actions: body.actions.map(toLastAction) };
    }
  } catch {
    // Not running (or not reachable): read the history directly.
  }
  const { databaseUrl, dataDir } = config.history;
  if (databaseUrl === undefined && !existsSync(dataDir)) {
    return { source: "none", actions: [], note: `no history yet (${dataDir} does not exist)` };
  }
  try {
    const store = await openHistoryStore({ databaseUrl, dataDir });
    try {
      return { source: "history", actions: (await store.actions({ limit, bookId })).map(toLastAction) };
    } finally {
      await store.close();
    }
  } catch (error) {
    return { source: "none", actions: [], note: `history unreadable: ${(error as Error).message}` };
  }
}

export function renderLastActions(last: LastActions): string {
  if (last.source === "none") return `  last actions: none known (${last.note})\n`;
  if (last.actions.length === 0) return "  last actions: none\n";
  const lines = last.actions.map(
    (a) =>
      `    ${new Date(a.createdAtMs).toISOString()}  ${a.lane.padEnd(7)} ${a.status.padEnd(9)} ${a.planId.slice(0, 10)}…  ${a.txHash ?? "no tx"}${a.gasUsed ? ` gas ${a.gasUsed}` : ""}${a.replacements ? ` (${a.replacements} replacement${a.replacements > 1 ? "s" : ""})` : ""}\n      ${a.reason}`,
  );
  return `  last actions (from the ${last.source === "api" ? "running keeper" : "history"}):\n${lines.join("\n")}\n`;
}
