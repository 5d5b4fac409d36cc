// The Aave liquidations recorded against a book's Safe (migration 7), by time: the performance report lists them and
// counts the bonus they cost (src/store/report-period.ts).
import { doubleColumn, type EventTable, textColumn, tokenAmountColumn } from "./event-table.ts";
import type { AaveLiquidationHistory } from "./history-store.ts";

export const AAVE_LIQUIDATIONS: EventTable<AaveLiquidationHistory> = {
  name: "aave_liquidations",
  fields: {
    account: textColumn("account"),
    liquidator: textColumn("liquidator"),
    collateralAsset: textColumn("collateral_asset"),
    collateralSymbol: textColumn("collateral_symbol"),
    collateralSeized: tokenAmountColumn("collateral_seized"),
    collateralSeizedUsd: doubleColumn("collateral_seized_usd"),
    protocolFee: tokenAmountColumn("protocol_fee"),
    protocolFeeUsd: doubleColumn("protocol_fee_usd"),
    debtAsset: textColumn("debt_asset"),
    debtSymbol: textColumn("debt_symbol"),
    debtCovered: tokenAmountColumn("debt_covered"),
    debtCoveredUsd: doubleColumn("debt_covered_usd"),
    debtCoveredBase: doubleColumn("debt_covered_base"),
    bonusUsd: doubleColumn("bonus_usd"),
  },
};
