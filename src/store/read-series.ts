// A book's chart, and the hedged series effectiveness is measured on: [fromSec, toSec] cut into at most maxPoints
// equal time buckets, each represented by its last sample. The server does the work with one index probe per
// bucket (a LATERAL "latest at or before the bucket's end" on (book_id, timestamp_sec, block_number)), so the cost
// follows maxPoints, not how many samples the range holds: 30 days of per-block samples cost what 30 days of
// per-minute ones do.
import type { HedgedHistoryPoint, SeriesPoint } from "./history-store.ts";
import type { SqlQueryable } from "./sql-database.ts";
import { bigintFromSql, nullableNumberFromSql, numberFromSql, numberOrNaNFromSql } from "./sql-values.ts";

export interface SeriesRange {
  fromSec: number;
  toSec: number;
  maxPoints: number;
}

/** Whole-second buckets: the width that fits the range into maxPoints buckets, and how many it takes. */
export function seriesBuckets(range: SeriesRange): { widthSec: number; count: number } {
  if (!Number.isInteger(range.fromSec) || !Number.isInteger(range.toSec) || range.toSec < range.fromSec) {
    return { widthSec: 1, count: 0 };
  }
  const maxPoints = Math.floor(range.maxPoints);
  if (!(maxPoints >= 1)) return { widthSec: 1, count: 0 };
  const spanSec = range.toSec - range.fromSec + 1;
  const widthSec = Math.ceil(spanSec / maxPoints);
  return { widthSec, count: Math.ceil(spanSec / widthSec) };
}

/**
 * One row per non-empty bucket of [fromSec, toSec]: its last sample of `bookId` (by time, then block), with
 * block_number, timestamp_sec and `columns`, oldest first.
 */
export async function lastSamplePerBucket(
  db: SqlQueryable,
  bookId: string,
  range: SeriesRange,
  columns: readonly string[],
): Promise<Record<string, unknown>[]> {
  const { widthSec, count } = seriesBuckets(range);
  if (count === 0) return [];
  return db.query<Record<string, unknown>>(
    `SELECT s.* FROM generate_series(0, $5::integer - 1) AS bucket
     CROSS JOIN LATERAL (
       SELECT block_number, timestamp_sec, ${columns.join(", ")}
       FROM book_samples
       WHERE book_id = $1
         AND timestamp_sec >= $2::bigint + bucket * $4::bigint
         AND timestamp_sec <= LEAST($2::bigint + (bucket + 1) * $4::bigint - 1, $3::bigint)
       ORDER BY timestamp_sec DESC, block_number DESC
       LIMIT 1
     ) AS s
     ORDER BY bucket`,
    [bookId, range.fromSec, range.toSec, widthSec, count],
  );
}

const SERIES_COLUMNS = [
  "drift_bps",
  "threshold_bps",
  "impermanent_loss_usd",
  "hedge_ratio",
  "perp_mark_price_usd",
  "perp_index_price_usd",
  "funding_rate_daily",
];

export async function readSeries(
  db: SqlQueryable,
  bookId: string,
  range: SeriesRange,
): Promise<SeriesPoint[]> {
  return (await lastSamplePerBucket(db, bookId, range, SERIES_COLUMNS)).map(seriesPointFromRow);
}

/** The hedge's and the hedged item's values over the same buckets as readSeries: effectiveness over long windows. */
export async function readHedgedSeries(
  db: SqlQueryable,
  bookId: string,
  range: SeriesRange,
): Promise<HedgedHistoryPoint[]> {
  const [[series]] = (await readHedgedSeriesOfBooks(db, [bookId], [range])) as [[HedgedHistoryPoint[]]];
  return series;
}

/**
 * readHedgedSeries for every book × every range in one statement: `result[book][range]`, in the order given. The
 * keeper evaluates a group of books at one block, each over the same steward windows; one statement (planned
 * once) replaces four per book. Same buckets, same points: buckets before the range's first sample are skipped
 * (one index probe finds it; they hold no sample, so they gave no point), which spares a young book's long windows
 * their empty probes.
 */
export async function readHedgedSeriesOfBooks(
  db: SqlQueryable,
  bookIds: readonly string[],
  ranges: readonly SeriesRange[],
): Promise<HedgedHistoryPoint[][][]> {
  const result = bookIds.map(() => ranges.map((): HedgedHistoryPoint[] => []));
  const asked = ranges.flatMap((range, i) => {
    const { widthSec, count } = seriesBuckets(range);
    return count === 0 ? [] : [{ index: i, ...range, widthSec, count }];
  });
  if (bookIds.length === 0 || asked.length === 0) return result;
  const rows = await db.query<Record<string, unknown>>(
    `SELECT b.i AS book_index, w.i AS range_index, s.*
     FROM unnest($1::text[]) WITH ORDINALITY AS b(book_id, i)
     CROSS JOIN unnest($2::bigint[], $3::bigint[], $4::bigint[], $5::integer[])
       WITH ORDINALITY AS w(from_sec, to_sec, width_sec, count, i)
     CROSS JOIN LATERAL (
       SELECT min(timestamp_sec) AS first_sec FROM book_samples
       WHERE book_id = b.book_id AND timestamp_sec >= w.from_sec AND timestamp_sec <= w.to_sec
     ) AS f
     CROSS JOIN LATERAL generate_series(((f.first_sec - w.from_sec) / w.width_sec)::integer, w.count - 1) AS bucket
     CROSS JOIN LATERAL (
       SELECT block_number, timestamp_sec, hedge_value_usd, hedged_item_value_usd
       FROM book_samples
       WHERE book_id = b.book_id
         AND timestamp_sec >= w.from_sec + bucket * w.width_sec
         AND timestamp_sec <= LEAST(w.from_sec + (bucket + 1) * w.width_sec - 1, w.to_sec)
       ORDER BY timestamp_sec DESC, block_number DESC
       LIMIT 1
     ) AS s
     ORDER BY b.i, w.i, bucket`,
    [
      bookIds,
      asked.map((r) => r.fromSec),
      asked.map((r) => r.toSec),
      asked.map((r) => r.widthSec),
      asked.map((r) => r.count),
    ],
  );
  for (const row of rows) {
    const book = numberFromSql(row.book_index, "book_index") - 1;
    const range = asked[numberFromSql(row.range_index, "range_index") - 1]!.index;
    result[book]![range]!.push(hedgedPointFromRow(row));
  }
  return result;
}

function hedgedPointFromRow(row: Record<string, unknown>): HedgedHistoryPoint {
  const item = nullableNumberFromSql(row.hedged_item_value_usd, "book_samples.hedged_item_value_usd");
  return {
    timestampSec: numberFromSql(row.timestamp_sec, "book_samples.timestamp_sec"),
    blockNumber: bigintFromSql(row.block_number, "book_samples.block_number"),
    hedgeValueUsd: numberFromSql(row.hedge_value_usd, "book_samples.hedge_value_usd"),
    ...(item === null ? {} : { hedgedItemValueUsd: item }),
  };
}

function seriesPointFromRow(row: Record<string, unknown>): SeriesPoint {
  const mark = numberFromSql(row.perp_mark_price_usd, "book_samples.perp_mark_price_usd");
  const index = numberFromSql(row.perp_index_price_usd, "book_samples.perp_index_price_usd");
  return {
    timestampSec: numberFromSql(row.timestamp_sec, "book_samples.timestamp_sec"),
    blockNumber: bigintFromSql(row.block_number, "book_samples.block_number"),
    driftBps: numberOrNaNFromSql(row.drift_bps, "book_samples.drift_bps"),
    thresholdBps: numberOrNaNFromSql(row.threshold_bps, "book_samples.threshold_bps"),
    impermanentLossUsd: numberOrNaNFromSql(row.impermanent_loss_usd, "book_samples.impermanent_loss_usd"),
    hedgeRatio: numberOrNaNFromSql(row.hedge_ratio, "book_samples.hedge_ratio"),
    basisBps: basisBps(mark, index),
    fundingRateDaily: numberFromSql(row.funding_rate_daily, "book_samples.funding_rate_daily"),
  };
}

/** Perp basis, (mark − index) / index in bps; NaN without an index price (no perp). */
export function basisBps(markPriceUsd: number, indexPriceUsd: number): number {
  if (indexPriceUsd === 0) return Number.NaN;
  return ((markPriceUsd - indexPriceUsd) / indexPriceUsd) * 10_000;
}
