// What the performance report says of a book's Aave leg's health factor over the period (its liquidations:
// aave-liquidations-table.ts), from every sample in it (a bucketed series would miss a minimum inside a
// bucket). Time under the floor counts each sample under its floor until the next sample: the stretch after the
// period's last sample is unknown and not counted.
import type { AaveHealthSummary, TimeRange } from "./history-store.ts";
import type { SqlQueryable } from "./sql-database.ts";
import { nullableNumberFromSql, numberFromSql } from "./sql-values.ts";

export async function readAaveHealth(
  db: SqlQueryable,
  bookId: string,
  range: TimeRange,
): Promise<AaveHealthSummary | null> {
  const [row] = await db.query<Record<string, unknown>>(
    `WITH s AS (
       SELECT timestamp_sec, aave_health_factor AS hf, aave_health_factor_floor AS floor,
              LEAD(timestamp_sec) OVER (ORDER BY timestamp_sec, block_number) AS next_sec
       FROM book_samples
       WHERE book_id = $1 AND timestamp_sec >= $2::bigint AND timestamp_sec <= $3::bigint
         AND aave_health_factor_floor IS NOT NULL
     )
     SELECT count(*) AS samples,
            min(hf) AS min_hf,
            (SELECT timestamp_sec FROM s WHERE hf IS NOT NULL ORDER BY hf, timestamp_sec LIMIT 1) AS min_at,
            (SELECT floor FROM s ORDER BY timestamp_sec DESC LIMIT 1) AS floor,
            COALESCE(sum(COALESCE(next_sec, timestamp_sec) - timestamp_sec) FILTER (WHERE hf < floor), 0)
              AS under_sec
     FROM s`,
    [bookId, range.fromSec, range.toSec],
  );
  const samples = numberFromSql(row?.samples ?? 0, "samples");
  if (row === undefined || samples === 0) return null;
  return {
    samples,
    minHealthFactor: nullableNumberFromSql(row.min_hf, "book_samples.aave_health_factor"),
    minAtSec: nullableNumberFromSql(row.min_at, "book_samples.timestamp_sec"),
    floor: numberFromSql(row.floor, "book_samples.aave_health_factor_floor"),
    secondsUnderFloor: numberFromSql(row.under_sec, "under_sec"),
  };
}
