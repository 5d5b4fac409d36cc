// Rows of the history tables decoded into the contract's records (history-store.ts). Column names are the
// fields' snake_case; every value goes through sql-values.ts so either driver's row shape decodes the same.

import { DEPEG_TIERS } from "../engine/depeg.ts";
import { LANES } from "../engine/plan.ts";
import { BOOK_STATUS_LEVELS, DECISION_KINDS } from "../evaluation/book-evaluation.ts";
import { BOOK_MODES, PLAN_STATUSES } from "../evaluation/plan-lifecycle.ts";
import { mergeDetailPart } from "./book-status-parts.ts";
import {
  type ActionView,
  type AlertHistory,
  type DecisionRecord,
  type DepegSample,
  type PlanExecution,
  type PlanHistory,
  type StoredBookStatus,
  TRANSACTION_STATUSES,
} from "./history-store.ts";
import {
  bigintFromSql,
  jsonFromSql,
  nullableBigintFromSql,
  nullableNumberFromSql,
  nullableStringFromSql,
  numberFromSql,
  oneOfFromSql,
  stringFromSql,
} from "./sql-values.ts";

export type Row = Record<string, unknown>;

export function bookStatusFromRow(row: Row): StoredBookStatus {
  return {
    chainId: numberFromSql(row.chain_id, "book_status.chain_id"),
    bookId: stringFromSql(row.book_id, "book_status.book_id"),
    blockNumber: bigintFromSql(row.block_number, "book_status.block_number"),
    timestampSec: numberFromSql(row.timestamp_sec, "book_status.timestamp_sec"),
    status: oneOfFromSql(row.status, BOOK_STATUS_LEVELS, "book_status.status"),
    driftBps: numberFromSql(row.drift_bps, "book_status.drift_bps"),
    thresholdBps: numberFromSql(row.threshold_bps, "book_status.threshold_bps"),
    hedgeRatio: numberFromSql(row.hedge_ratio, "book_status.hedge_ratio"),
    targetHedgeRatio: numberFromSql(row.target_hedge_ratio, "book_status.target_hedge_ratio"),
    impermanentLossUsd: numberFromSql(row.impermanent_loss_usd, "book_status.impermanent_loss_usd"),
    bookValueUsd: numberFromSql(row.book_value_usd, "book_status.book_value_usd"),
    effectiveness: nullableNumberFromSql(row.effectiveness, "book_status.effectiveness"),
    effectivenessWindow: nullableStringFromSql(row.effectiveness_window, "book_status.effectiveness_window"),
    detail: detailFromRow(row),
  };
}

/**
 * The detail whole: the row's own sections merged with its part's (migration 15) when it names one. A part the
 * row names but the join did not find (deleted by a clean-up racing a late write, sql-history-store.ts) leaves the
 * own sections alone, which readers then refuse as not a BookDetail rather than show half of it as whole.
 */
function detailFromRow(row: Row): unknown {
  const own = jsonFromSql<unknown>(row.detail, "book_status.detail");
  if (row.detail_part == null || row.detail_part_body == null) return own;
  return mergeDetailPart(own, row.detail_part_body, "book_status_parts.body");
}

export function depegFromRow(
  row: Row,
): DepegSample & { chainId: number; bookId: string; blockNumber: bigint; timestampSec: number } {
  return {
    chainId: numberFromSql(row.chain_id, "depeg_samples.chain_id"),
    bookId: stringFromSql(row.book_id, "depeg_samples.book_id"),
    blockNumber: bigintFromSql(row.block_number, "depeg_samples.block_number"),
    timestampSec: numberFromSql(row.timestamp_sec, "depeg_samples.timestamp_sec"),
    token: stringFromSql(row.token, "depeg_samples.token"),
    symbol: stringFromSql(row.symbol, "depeg_samples.symbol"),
    priceUsd: nullableNumberFromSql(row.price_usd, "depeg_samples.price_usd"),
    deviationBps: nullableNumberFromSql(row.deviation_bps, "depeg_samples.deviation_bps"),
    tier: oneOfFromSql(row.tier, DEPEG_TIERS, "depeg_samples.tier"),
    tierNote: nullableStringFromSql(row.tier_note, "depeg_samples.tier_note"),
    exposureUsd: numberFromSql(row.exposure_usd, "depeg_samples.exposure_usd"),
    sources: jsonFromSql<DepegSample["sources"]>(row.sources, "depeg_samples.sources"),
  };
}

export function decisionFromRow(row: Row): DecisionRecord {
  return {
    chainId: numberFromSql(row.chain_id, "decisions.chain_id"),
    bookId: stringFromSql(row.book_id, "decisions.book_id"),
    blockNumber: bigintFromSql(row.block_number, "decisions.block_number"),
    atMs: numberFromSql(row.at_ms, "decisions.at_ms"),
    kind: oneOfFromSql(row.kind, DECISION_KINDS, "decisions.kind"),
    reason: stringFromSql(row.reason, "decisions.reason"),
    planId: nullableStringFromSql(row.plan_id, "decisions.plan_id"),
    driftBps: nullableNumberFromSql(row.drift_bps, "decisions.drift_bps"),
  };
}

export function planFromRow(row: Row): PlanHistory {
  return {
    planId: stringFromSql(row.plan_id, "plans.plan_id"),
    chainId: numberFromSql(row.chain_id, "plans.chain_id"),
    bookId: stringFromSql(row.book_id, "plans.book_id"),
    lane: oneOfFromSql(row.lane, LANES, "plans.lane"),
    mode: oneOfFromSql(row.mode, BOOK_MODES, "plans.mode"),
    status: oneOfFromSql(row.status, PLAN_STATUSES, "plans.status"),
    reason: stringFromSql(row.reason, "plans.reason"),
    blockNumber: bigintFromSql(row.block_number, "plans.block_number"),
    createdAtMs: numberFromSql(row.created_at_ms, "plans.created_at_ms"),
    updatedAtMs: numberFromSql(row.updated_at_ms, "plans.updated_at_ms"),
  };
}

export function actionFromRow(row: Row): ActionView {
  return {
    ...planFromRow(row),
    txHash: nullableStringFromSql(row.tx_hash, "transactions.tx_hash"),
    txStatus:
      row.tx_status === null
        ? null
        : oneOfFromSql(row.tx_status, TRANSACTION_STATUSES, "transactions.status"),
    gasUsed: nullableBigintFromSql(row.gas_used, "transactions.gas_used"),
    replacements: numberFromSql(row.replacements, "replacements"),
    slippageBps: nullableNumberFromSql(row.realized_slippage_bps, "plan_executions.slippage_bps"),
  };
}

export function alertFromRow(row: Row): AlertHistory {
  return {
    key: stringFromSql(row.key, "alerts.key"),
    severity: stringFromSql(row.severity, "alerts.severity") as AlertHistory["severity"],
    status: stringFromSql(row.status, "alerts.status") as AlertHistory["status"],
    title: stringFromSql(row.title, "alerts.title"),
    text: stringFromSql(row.text, "alerts.text"),
    bookId: nullableStringFromSql(row.book_id, "alerts.book_id"),
    atSec: numberFromSql(row.at_sec, "alerts.at_sec"),
  };
}

export function executionFromRow(row: Row): PlanExecution {
  return {
    planId: stringFromSql(row.plan_id, "plan_executions.plan_id"),
    chainId: numberFromSql(row.chain_id, "plan_executions.chain_id"),
    bookId: stringFromSql(row.book_id, "plan_executions.book_id"),
    blockNumber: bigintFromSql(row.block_number, "plan_executions.block_number"),
    txHash: stringFromSql(row.tx_hash, "plan_executions.tx_hash"),
    minedAtSec: numberFromSql(row.mined_at_sec, "plan_executions.mined_at_sec"),
    recordedAtMs: numberFromSql(row.recorded_at_ms, "plan_executions.recorded_at_ms"),
    gasUsed: bigintFromSql(row.gas_used, "plan_executions.gas_used"),
    effectiveGasPrice: bigintFromSql(row.effective_gas_price, "plan_executions.effective_gas_price"),
    gasUsd: numberFromSql(row.gas_usd, "plan_executions.gas_usd"),
    feesUsd: numberFromSql(row.fees_usd, "plan_executions.fees_usd"),
    slippageUsd: numberFromSql(row.slippage_usd, "plan_executions.slippage_usd"),
    totalCostUsd: numberFromSql(row.total_cost_usd, "plan_executions.total_cost_usd"),
    expectedCostUsd: numberFromSql(row.expected_cost_usd, "plan_executions.expected_cost_usd"),
    quotedPrice: nullableNumberFromSql(row.quoted_price, "plan_executions.quoted_price"),
    realizedPrice: nullableNumberFromSql(row.realized_price, "plan_executions.realized_price"),
    slippageBps: nullableNumberFromSql(row.slippage_bps, "plan_executions.slippage_bps"),
    notionalUsd: numberFromSql(row.notional_usd, "plan_executions.notional_usd"),
    riskRemovedUsd: numberFromSql(row.risk_removed_usd, "plan_executions.risk_removed_usd"),
    perpCollateralMovedUsd: nullableNumberFromSql(
      row.perp_collateral_moved_usd,
      "plan_executions.perp_collateral_moved_usd",
    ),
    perpFundingSettledUsd: nullableNumberFromSql(
      row.perp_funding_settled_usd,
      "plan_executions.perp_funding_settled_usd",
    ),
    swappedBase: swappedBaseFromRow(row),
    lpWithdrawnPrincipalUsd: nullableNumberFromSql(
      row.lp_withdrawn_principal_usd,
      "plan_executions.lp_withdrawn_principal_usd",
    ),
    lpFeesCollectedUsd: nullableNumberFromSql(
      row.lp_fees_collected_usd,
      "plan_executions.lp_fees_collected_usd",
    ),
    legs: jsonFromSql<PlanExecution["legs"]>(row.legs, "plan_executions.legs"),
  };
}

/** Migration 9's pair, written together: null in rows recorded before it; with migration 10's fill. */
function swappedBaseFromRow(row: Row): PlanExecution["swappedBase"] {
  const base = nullableNumberFromSql(row.swapped_base, "plan_executions.swapped_base");
  const atQuoteUsd = nullableNumberFromSql(
    row.swapped_base_at_quote_usd,
    "plan_executions.swapped_base_at_quote_usd",
  );
  if (base === null || atQuoteUsd === null) return null;
  // Migration 10's three, written together: null in rows recorded before them.
  const cashUsd = nullableNumberFromSql(row.swapped_cash_usd, "plan_executions.swapped_cash_usd");
  const feesUsd = nullableNumberFromSql(row.swapped_fees_usd, "plan_executions.swapped_fees_usd");
  const slippageUsd = nullableNumberFromSql(row.swapped_slippage_usd, "plan_executions.swapped_slippage_usd");
  const fill =
    cashUsd === null || feesUsd === null || slippageUsd === null ? null : { cashUsd, feesUsd, slippageUsd };
  return { base, atQuoteUsd, fill };
}
