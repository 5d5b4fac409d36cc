// The settlement tokens moved into or out of the perp vault for a book's Safe (migration 12), by block: the report's
// P&L settled into collateral over a step is the vault balance's change less what was moved in it
// (src/store/report-period.ts).
import { doubleColumn, type EventTable, textColumn } from "./event-table.ts";
import type { PerpCollateralMoveHistory } from "./history-store.ts";

export const PERP_COLLATERAL_MOVES: EventTable<PerpCollateralMoveHistory> = {
  name: "perp_collateral_moves",
  fields: { collateralToken: textColumn("collateral_token"), movedUsd: doubleColumn("moved_usd") },
};
