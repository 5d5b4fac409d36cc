// The engine's SampleStore over book_samples, for one chain: what the rolling metrics (effectiveness,
// volatility, VaR) read back after a restart. Same semantics as the memory store (../indexers/sample-store.ts)
// except that nothing is dropped by count: compaction (compact-history.ts) bounds the table by age.
import type { BookSample } from "../engine/snapshot.ts";
import type { SampleStore } from "../indexers/sample-store.ts";
import type { SqlDatabase, SqlQueryable } from "./sql-database.ts";
import { bigintFromSql, nullableBigintFromSql, nullableNumberFromSql, numberFromSql } from "./sql-values.ts";

/** The BookSample columns, in the order bookSampleParams() lays out their values. */
export const BOOK_SAMPLE_COLUMNS = [
  "timestamp_sec",
  "base_price_usd",
  "lp_value_usd",
  "hedge_value_usd",
  "perp_mark_price_usd",
  "perp_index_price_usd",
  "pool_price_usd",
  "funding_rate_daily",
  "perp_size_base",
  "hedged_item_value_usd",
  "base_oracle_round_id",
  "base_oracle_updated_at_sec",
] as const;

export function bookSampleParams(sample: BookSample): unknown[] {
  return [
    sample.timestampSec,
    sample.basePriceUsd,
    sample.lpValueUsd,
    sample.hedgeValueUsd,
    sample.perpMarkPriceUsd,
    sample.perpIndexPriceUsd,
    sample.poolPriceUsd,
    sample.fundingRateDaily,
    sample.perpSizeBase ?? null,
    sample.hedgedItemValueUsd ?? null,
    // numeric: sent as its decimal text, which both drivers pass through exactly.
    sample.baseOracleRoundId?.toString() ?? null,
    sample.baseOracleUpdatedAtSec ?? null,
  ];
}

type BookSampleRow = Record<(typeof BOOK_SAMPLE_COLUMNS)[number] | "block_number", unknown>;

export function bookSampleFromRow(row: BookSampleRow): BookSample {
  const perpSizeBase = nullableNumberFromSql(row.perp_size_base, "book_samples.perp_size_base");
  const hedgedItemValueUsd = nullableNumberFromSql(
    row.hedged_item_value_usd,
    "book_samples.hedged_item_value_usd",
  );
  const roundId = nullableBigintFromSql(row.base_oracle_round_id, "book_samples.base_oracle_round_id");
  const updatedAtSec = nullableNumberFromSql(
    row.base_oracle_updated_at_sec,
    "book_samples.base_oracle_updated_at_sec",
  );
  return {
    blockNumber: bigintFromSql(row.block_number, "book_samples.block_number"),
    timestampSec: numberFromSql(row.timestamp_sec, "book_samples.timestamp_sec"),
    basePriceUsd: numberFromSql(row.base_price_usd, "book_samples.base_price_usd"),
    lpValueUsd: numberFromSql(row.lp_value_usd, "book_samples.lp_value_usd"),
    hedgeValueUsd: numberFromSql(row.hedge_value_usd, "book_samples.hedge_value_usd"),
    perpMarkPriceUsd: numberFromSql(row.perp_mark_price_usd, "book_samples.perp_mark_price_usd"),
    perpIndexPriceUsd: numberFromSql(row.perp_index_price_usd, "book_samples.perp_index_price_usd"),
    poolPriceUsd: numberFromSql(row.pool_price_usd, "book_samples.pool_price_usd"),
    fundingRateDaily: numberFromSql(row.funding_rate_daily, "book_samples.funding_rate_daily"),
    ...(perpSizeBase === null ? {} : { perpSizeBase }),
    ...(hedgedItemValueUsd === null ? {} : { hedgedItemValueUsd }),
    ...(roundId === null ? {} : { baseOracleRoundId: roundId }),
    ...(updatedAtSec === null ? {} : { baseOracleUpdatedAtSec: updatedAtSec }),
  };
}

/**
 * Writes a sample's BookSample columns, replacing those of the same (chain, book, block). The dashboard columns
 * of an existing row are kept (a plain BookSample does not carry them); a new row leaves them NULL.
 */
export async function putBookSample(
  db: SqlQueryable,
  chainId: number,
  bookId: string,
  sample: BookSample,
): Promise<void> {
  const columns = BOOK_SAMPLE_COLUMNS.join(", ");
  const values = BOOK_SAMPLE_COLUMNS.map((_, i) => `$${i + 4}`).join(", ");
  const updates = BOOK_SAMPLE_COLUMNS.map((column) => `${column} = EXCLUDED.${column}`).join(", ");
  await db.query(
    `INSERT INTO book_samples (chain_id, book_id, block_number, ${columns}) VALUES ($1, $2, $3, ${values})
     ON CONFLICT (chain_id, book_id, block_number) DO UPDATE SET ${updates}`,
    [chainId, bookId, sample.blockNumber, ...bookSampleParams(sample)],
  );
}

/**
 * Drops what a reorg orphaned on one chain, at or above `fromBlock`: samples, their de-peg readings and the
 * decisions taken on them. book_status stays: it is one row per book that the next evaluation replaces (a
 * status never moves to an older block, so a reorg cannot leave it behind for long). Returns samples removed.
 */
export async function removeOrphanedBlocks(
  db: SqlDatabase,
  chainId: number,
  fromBlock: bigint,
): Promise<number> {
  return db.transaction(async (tx) => {
    const params = [chainId, fromBlock];
    await tx.query("DELETE FROM depeg_samples WHERE chain_id = $1 AND block_number >= $2", params);
    await tx.query("DELETE FROM decisions WHERE chain_id = $1 AND block_number >= $2", params);
    const [removed] = await tx.query<{ count: unknown }>(
      `WITH removed AS (DELETE FROM book_samples WHERE chain_id = $1 AND block_number >= $2 RETURNING 1)
       SELECT count(*) AS count FROM removed`,
      params,
    );
    return numberFromSql(removed?.count, "count");
  });
}

export function createSqlSampleStore(db: SqlDatabase, chainId: number): SampleStore {
  return {
    put: (bookId, sample) => putBookSample(db, chainId, bookId, sample),
    async recent(bookId, { limit, uptoBlock }) {
      // Two statements rather than "$3 IS NULL OR …", so the primary key serves both as a backward range scan.
      const upto = uptoBlock === undefined ? "" : "AND block_number <= $4";
      const rows = await db.query<BookSampleRow>(
        `SELECT block_number, ${BOOK_SAMPLE_COLUMNS.join(", ")} FROM book_samples
         WHERE chain_id = $1 AND book_id = $2 ${upto}
         ORDER BY block_number DESC LIMIT $3`,
        [chainId, bookId, Math.max(0, limit), ...(uptoBlock === undefined ? [] : [uptoBlock])],
      );
      return rows.map(bookSampleFromRow).reverse();
    },
    async recentOfBooks(bookIds, { limit, uptoBlock }) {
      const result = bookIds.map((): BookSample[] => []);
      if (bookIds.length === 0) return result;
      // Per book the same backward range scan of the primary key as recent(), LIMIT per book.
      const upto = uptoBlock === undefined ? "" : "AND block_number <= $4";
      const rows = await db.query<BookSampleRow & { book_index: unknown }>(
        `SELECT b.i AS book_index, s.* FROM unnest($2::text[]) WITH ORDINALITY AS b(book_id, i)
         CROSS JOIN LATERAL (
           SELECT block_number, ${BOOK_SAMPLE_COLUMNS.join(", ")} FROM book_samples
           WHERE chain_id = $1 AND book_id = b.book_id ${upto}
           ORDER BY block_number DESC LIMIT $3
         ) AS s
         ORDER BY b.i, s.block_number`,
        [chainId, bookIds, Math.max(0, limit), ...(uptoBlock === undefined ? [] : [uptoBlock])],
      );
      for (const row of rows)
        result[numberFromSql(row.book_index, "book_index") - 1]!.push(bookSampleFromRow(row));
      return result;
    },
    removeFrom: (fromBlock) => removeOrphanedBlocks(db, chainId, fromBlock),
  };
}
