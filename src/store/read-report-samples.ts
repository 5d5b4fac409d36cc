// The samples a performance report rests on: every column the attribution needs, over [fromSec, toSec] cut into
// at most maxPoints buckets like the charts (read-series.ts), and the de-peg tier changes within the period. A bucket
// stands for its last sample, so the period's opening value is read apart: the first sample in the range, put
// ahead of the buckets when the first bucket holds later ones. Without it, a period bucketed wider than a second
// would open after its first moves, and the attribution would measure changes the period never had.
// Columns a sample's writer did not fill read as null: the report names the first sample that lacks them.
import type { AaveCollateralReading } from "../engine/aave-collateral-interest.ts";
import { DEPEG_TIERS } from "../engine/depeg.ts";
import type { DepegTierChange, ReportSample } from "./history-store.ts";
import { lastSamplePerBucket, type SeriesRange } from "./read-series.ts";
import type { SqlQueryable } from "./sql-database.ts";
import {
  bigintFromSql,
  jsonFromSql,
  nullableBigintFromSql,
  nullableNumberFromSql,
  numberFromSql,
  oneOfFromSql,
  stringFromSql,
} from "./sql-values.ts";

const REPORT_COLUMNS = [
  "base_price_usd",
  "lp_value_usd",
  "hedge_value_usd",
  "perp_mark_price_usd",
  "perp_index_price_usd",
  "pool_price_usd",
  "funding_rate_daily",
  "perp_size_base",
  "drift_bps",
  "threshold_bps",
  "target_hedge_ratio",
  "lp_fees_owed_usd",
  "lp_delta_base",
  "spot_base",
  "pending_funding_usd",
  "perp_owed_realized_pnl_usd",
  "perp_unrealized_pnl_usd",
  "perp_pending_fee_usd",
  "perp_collateral_usd",
  "aave_delta_base",
  "funding_scanned_from_block",
  "aave_scaled_debt_base",
  "aave_scaled_supplied_base",
  "aave_debt_index",
  "aave_supply_index",
  "lp_flows_scanned_from_block",
  "aave_collateral_accrual",
];

export async function readReportSamples(
  db: SqlQueryable,
  bookId: string,
  range: SeriesRange,
): Promise<ReportSample[]> {
  const rows = await lastSamplePerBucket(db, bookId, range, REPORT_COLUMNS);
  const [opening] = await db.query<Record<string, unknown>>(
    `SELECT block_number, timestamp_sec, ${REPORT_COLUMNS.join(", ")}
     FROM book_samples
     WHERE book_id = $1 AND timestamp_sec >= $2::bigint AND timestamp_sec <= $3::bigint
     ORDER BY timestamp_sec ASC, block_number ASC
     LIMIT 1`,
    [bookId, range.fromSec, range.toSec],
  );
  const first = rows[0];
  if (
    opening !== undefined &&
    first !== undefined &&
    String(opening.block_number) !== String(first.block_number)
  ) {
    rows.unshift(opening);
  }
  return rows.map((row) => {
    const n = (column: string) => numberFromSql(row[column], `book_samples.${column}`);
    const maybe = (column: string) => nullableNumberFromSql(row[column], `book_samples.${column}`);
    const fees = maybe("lp_fees_owed_usd");
    const lpDelta = maybe("lp_delta_base");
    const spot = maybe("spot_base");
    const pending = maybe("pending_funding_usd");
    const owed = maybe("perp_owed_realized_pnl_usd");
    const unrealized = maybe("perp_unrealized_pnl_usd");
    const pendingFee = maybe("perp_pending_fee_usd");
    const collateral = maybe("perp_collateral_usd");
    const scaledDebt = maybe("aave_scaled_debt_base");
    const scaledSupplied = maybe("aave_scaled_supplied_base");
    const debtIndex = maybe("aave_debt_index");
    const supplyIndex = maybe("aave_supply_index");
    return {
      blockNumber: bigintFromSql(row.block_number, "book_samples.block_number"),
      timestampSec: n("timestamp_sec"),
      basePriceUsd: n("base_price_usd"),
      lpValueUsd: n("lp_value_usd"),
      hedgeValueUsd: n("hedge_value_usd"),
      perpMarkPriceUsd: n("perp_mark_price_usd"),
      perpIndexPriceUsd: n("perp_index_price_usd"),
      poolPriceUsd: n("pool_price_usd"),
      fundingRateDaily: n("funding_rate_daily"),
      perpSizeBase: maybe("perp_size_base"),
      aaveDeltaBase: maybe("aave_delta_base"),
      // Written together from migration 10 on; NULL without an Aave leg and in earlier samples.
      aaveAccrual:
        scaledDebt === null || scaledSupplied === null || debtIndex === null || supplyIndex === null
          ? null
          : { scaledDebtBase: scaledDebt, scaledSuppliedBase: scaledSupplied, debtIndex, supplyIndex },
      // Migration 13; NULL without an Aave leg and in earlier samples.
      aaveCollateralAccrual:
        row.aave_collateral_accrual === null ? null : collateralReadingsFromSql(row.aave_collateral_accrual),
      driftBps: maybe("drift_bps"),
      thresholdBps: maybe("threshold_bps"),
      targetHedgeRatio: maybe("target_hedge_ratio"),
      attribution:
        fees === null || lpDelta === null || spot === null || pending === null
          ? null
          : {
              lpFeesOwedUsd: fees,
              lpDeltaBase: lpDelta,
              spotBase: spot,
              pendingFundingUsd: pending,
              // Written together from migration 5 on; NULL in earlier samples.
              perp:
                owed === null || unrealized === null || pendingFee === null || collateral === null
                  ? null
                  : {
                      owedRealizedPnlUsd: owed,
                      unrealizedPnlUsd: unrealized,
                      pendingFeeUsd: pendingFee,
                      collateralUsd: collateral,
                    },
              fundingScannedFromBlock: nullableBigintFromSql(
                row.funding_scanned_from_block,
                "book_samples.funding_scanned_from_block",
              ),
              lpFlowsScannedFromBlock: nullableBigintFromSql(
                row.lp_flows_scanned_from_block,
                "book_samples.lp_flows_scanned_from_block",
              ),
            },
    };
  });
}

/** book_samples.aave_collateral_accrual: an array of readings, each field of its type, or an error naming it. */
function collateralReadingsFromSql(value: unknown): AaveCollateralReading[] {
  const column = "book_samples.aave_collateral_accrual";
  const readings = jsonFromSql<unknown>(value, column);
  if (!Array.isArray(readings))
    throw new TypeError(`column ${column}: expected an array of reserve readings`);
  return readings.map((reading: Record<string, unknown>, i) => {
    const text = (field: string) => {
      const v = reading?.[field];
      if (typeof v !== "string")
        throw new TypeError(`column ${column}: reading ${i} lacks the text ${field}`);
      return v;
    };
    const number = (field: string) => {
      const v = reading?.[field];
      if (typeof v !== "number" || !Number.isFinite(v))
        throw new TypeError(`column ${column}: reading ${i} lacks a finite ${field}`);
      return v;
    };
    return {
      asset: text("asset"),
      symbol: text("symbol"),
      scaledSupplied: number("scaledSupplied"),
      incomeIndex: number("incomeIndex"),
      priceUsd: number("priceUsd"),
    };
  });
}

/**
 * Each time a stablecoin's de-peg tier changed within [fromSec, toSec], oldest first: against the token's previous
 * reading in the period (the first reading counts as a change only when it is not `ok`).
 */
export async function readDepegTierChanges(
  db: SqlQueryable,
  bookId: string,
  range: { fromSec: number; toSec: number },
): Promise<DepegTierChange[]> {
  const rows = await db.query<Record<string, unknown>>(
    `SELECT * FROM (
       SELECT chain_id, block_number, timestamp_sec, token, symbol, tier, deviation_bps,
              LAG(tier) OVER (PARTITION BY chain_id, token ORDER BY block_number) AS previous_tier
       FROM depeg_samples
       WHERE book_id = $1 AND timestamp_sec >= $2 AND timestamp_sec <= $3
     ) AS readings
     WHERE tier IS DISTINCT FROM COALESCE(previous_tier, 'ok')
     ORDER BY timestamp_sec, block_number, token`,
    [bookId, range.fromSec, range.toSec],
  );
  return rows.map((row) => ({
    chainId: numberFromSql(row.chain_id, "depeg_samples.chain_id"),
    blockNumber: bigintFromSql(row.block_number, "depeg_samples.block_number"),
    timestampSec: numberFromSql(row.timestamp_sec, "depeg_samples.timestamp_sec"),
    token: stringFromSql(row.token, "depeg_samples.token"),
    symbol: stringFromSql(row.symbol, "depeg_samples.symbol"),
    fromTier:
      row.previous_tier === null ? "ok" : oneOfFromSql(row.previous_tier, DEPEG_TIERS, "previous_tier"),
    toTier: oneOfFromSql(row.tier, DEPEG_TIERS, "depeg_samples.tier"),
    deviationBps: nullableNumberFromSql(row.deviation_bps, "depeg_samples.deviation_bps"),
  }));
}
