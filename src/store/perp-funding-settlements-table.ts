// The perp funding settled for a book's Safe (migration 9), by block: the report's carry over a step is the fall in
// pending funding less what was settled in it (src/store/report-period.ts).
import { doubleColumn, type EventTable, textColumn } from "./event-table.ts";
import type { PerpFundingSettlementHistory } from "./history-store.ts";

export const PERP_FUNDING_SETTLEMENTS: EventTable<PerpFundingSettlementHistory> = {
  name: "perp_funding_settlements",
  fields: { baseToken: textColumn("base_token"), fundingPaymentUsd: doubleColumn("funding_payment_usd") },
};
