// Keeps the history bounded (RetentionPolicy): drops what is older than the retention windows, then thins
// samples older than downsampleAfterSec to one per book per minute (the minute's last block, the same choice
// series() makes). One transaction; running it twice at the same `nowSec` removes nothing the second time.
import type { RetentionPolicy } from "./history-store.ts";
import { HistoryStoreConfigurationError } from "./history-store-errors.ts";
import type { SqlDatabase, SqlQueryable } from "./sql-database.ts";
import { numberFromSql } from "./sql-values.ts";

export type CompactionCounts = Record<
  "book_samples" | "depeg_samples" | "decisions" | "alerts" | "plans" | "transactions" | "plan_executions",
  number
>;

export async function compactHistory(
  db: SqlDatabase,
  policy: RetentionPolicy,
  nowSec: number,
): Promise<CompactionCounts> {
  for (const [key, value] of Object.entries(policy)) {
    if (!Number.isInteger(value) || value < 0) {
      throw new HistoryStoreConfigurationError(
        `retention policy ${key} must be a whole number of seconds ≥ 0, got ${value}`,
        { details: { [key]: value } },
      );
    }
  }
  const retainFromSec = nowSec - policy.retainSec;
  const retainActionsFromMs = (nowSec - policy.retainActionsSec) * 1000;
  // Whole minutes only: a minute that straddles the cutoff is thinned once it is entirely older.
  const downsampleBeforeSec = Math.floor((nowSec - policy.downsampleAfterSec) / 60) * 60;

  return db.transaction(async (tx) => {
    const counts: CompactionCounts = {
      book_samples: await deleted(tx, "DELETE FROM book_samples WHERE timestamp_sec < $1", [retainFromSec]),
      depeg_samples: await deleted(tx, "DELETE FROM depeg_samples WHERE timestamp_sec < $1", [retainFromSec]),
      decisions: await deleted(tx, "DELETE FROM decisions WHERE at_ms < $1", [retainFromSec * 1000]),
      alerts: await deleted(tx, "DELETE FROM alerts WHERE at_sec < $1", [retainFromSec]),
      plans: await deleted(tx, "DELETE FROM plans WHERE updated_at_ms < $1", [retainActionsFromMs]),
      transactions: await deleted(tx, "DELETE FROM transactions WHERE at_ms < $1", [retainActionsFromMs]),
      plan_executions: await deleted(tx, "DELETE FROM plan_executions WHERE recorded_at_ms < $1", [
        retainActionsFromMs,
      ]),
    };
    const [thinned] = await tx.query<{ samples: unknown; depeg: unknown }>(
      `WITH doomed AS (
         SELECT chain_id, book_id, block_number FROM (
           SELECT chain_id, book_id, block_number,
                  row_number() OVER (
                    PARTITION BY chain_id, book_id, timestamp_sec / 60 ORDER BY block_number DESC
                  ) AS rank_in_minute
           FROM book_samples WHERE timestamp_sec < $1
         ) AS ranked
         WHERE rank_in_minute > 1
       ), samples AS (
         DELETE FROM book_samples AS s USING doomed AS d
         WHERE s.chain_id = d.chain_id AND s.book_id = d.book_id AND s.block_number = d.block_number
         RETURNING 1
       ), depeg AS (
         DELETE FROM depeg_samples AS p USING doomed AS d
         WHERE p.chain_id = d.chain_id AND p.book_id = d.book_id AND p.block_number = d.block_number
         RETURNING 1
       )
       SELECT (SELECT count(*) FROM samples) AS samples, (SELECT count(*) FROM depeg) AS depeg`,
      [downsampleBeforeSec],
    );
    counts.book_samples += numberFromSql(thinned?.samples, "count");
    counts.depeg_samples += numberFromSql(thinned?.depeg, "count");
    return counts;
  });
}

async function deleted(tx: SqlQueryable, deleteSql: string, params: readonly unknown[]): Promise<number> {
  const [row] = await tx.query<{ count: unknown }>(
    `WITH gone AS (${deleteSql} RETURNING 1) SELECT count(*) AS count FROM gone`,
    params,
  );
  return numberFromSql(row?.count, "count");
}
