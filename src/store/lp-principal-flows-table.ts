// The principal that went into and out of a book's LP positions (migration 11), by block: the report keeps it out of
// IL / gamma as a transfer (src/store/report-period.ts).
import { doubleColumn, type EventTable, textColumn } from "./event-table.ts";
import type { LpPrincipalFlowHistory } from "./history-store.ts";

export const LP_PRINCIPAL_FLOWS: EventTable<LpPrincipalFlowHistory> = {
  name: "lp_principal_flows",
  fields: {
    position: textColumn("position"),
    principalUsd: doubleColumn("principal_usd"),
    principalToSpotUsd: doubleColumn("principal_to_spot_usd"),
    feesCollectedUsd: doubleColumn("fees_collected_usd"),
    feesToSpotUsd: doubleColumn("fees_to_spot_usd"),
  },
};
