// The per-book stress table the keeper stores in BookStatus.detail.stress. `detail` is JSON the API reads
// whole and does not own, so rows are checked here: a malformed row is left out rather than passed on.

export interface StressRow {
  /** The scenario, as the keeper labels it (e.g. "ETH −20%", "USDC → 0.88"). */
  shock: string;
  lpPnlUsd: number;
  hedgePnlUsd: number;
  netPnlUsd: number;
  /** Net P&L in bps of book value. */
  netPnlBps: number;
}

function isStressRow(value: unknown): value is StressRow {
  if (typeof value !== "object" || value === null) return false;
  const row = value as Record<string, unknown>;
  return (
    typeof row.shock === "string" &&
    typeof row.lpPnlUsd === "number" &&
    typeof row.hedgePnlUsd === "number" &&
    typeof row.netPnlUsd === "number" &&
    typeof row.netPnlBps === "number"
  );
}

export function stressRowsOf(detail: Record<string, unknown>): StressRow[] {
  const rows = detail.stress;
  if (!Array.isArray(rows)) return [];
  return rows.filter(isStressRow).map(({ shock, lpPnlUsd, hedgePnlUsd, netPnlUsd, netPnlBps }) => ({
    shock,
    lpPnlUsd,
    hedgePnlUsd,
    netPnlUsd,
    netPnlBps,
  }));
}
