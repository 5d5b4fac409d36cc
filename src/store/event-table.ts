// A table of per-transaction events recorded for a book (Aave liquidations, perp funding settlements, perp collateral
// moves, LP principal flows: migrations 7, 9, 11, 12). Each row is one log, keyed by (chain, book, tx hash, log
// index): a replayed block overwrites its rows, and a book's rows read back oldest first, by block then log index.
// A table names only its own fields, each with its column and how its value crosses to SQL and back.
import type { BlockRange, BookEventRecord, TimeRange } from "./history-store.ts";
import type { SqlQueryable } from "./sql-database.ts";
import { chunksOf, lastPerKey, overwrite, valuesRows } from "./sql-statement-parts.ts";
import { bigintFromSql, numberFromSql, stringFromSql } from "./sql-values.ts";

/** One field of a record: its column, its value as a parameter, and its value read back (throwing on a bad one). */
export interface EventColumn<V> {
  column: string;
  toSql(value: V): unknown;
  fromSql(value: unknown, label: string): V;
}

export const textColumn = (column: string): EventColumn<string> => ({
  column,
  toSql: (value) => value,
  fromSql: stringFromSql,
});

export const doubleColumn = (column: string): EventColumn<number> => ({
  column,
  toSql: (value) => value,
  fromSql: numberFromSql,
});

/** numeric(78, 0) token amounts: sent as decimal text, which both drivers pass through exactly. */
export const tokenAmountColumn = (column: string): EventColumn<bigint> => ({
  column,
  toSql: (value) => value.toString(),
  fromSql: bigintFromSql,
});

type OwnFields<T extends BookEventRecord> = Omit<T, keyof BookEventRecord>;

export interface EventTable<T extends BookEventRecord> {
  name: string;
  /**
   * Every field of the record beyond the key and place (BookEventRecord), each with its column; the columns follow
   * the key (chain_id, book_id, tx_hash, log_index), block_number and timestamp_sec in this object's order.
   */
  fields: { readonly [K in keyof OwnFields<T>]-?: EventColumn<OwnFields<T>[K]> };
}

const KEY_COLUMNS = ["chain_id", "book_id", "tx_hash", "log_index"] as const;
/** Overwritten with the table's own columns by a replay (a reorg can move a log to another block). */
const PLACE_COLUMNS = ["block_number", "timestamp_sec"] as const;

function ownColumns<T extends BookEventRecord>(table: EventTable<T>): [string, EventColumn<unknown>][] {
  return Object.entries(table.fields) as [string, EventColumn<unknown>][];
}

/** Upserts `records` in multi-row statements; of two records with one key, the last given is kept. */
export async function putEvents<T extends BookEventRecord>(
  db: SqlQueryable,
  table: EventTable<T>,
  records: readonly T[],
): Promise<void> {
  const own = ownColumns(table);
  const updated = [...PLACE_COLUMNS, ...own.map(([, c]) => c.column)];
  const perRow = KEY_COLUMNS.length + updated.length;
  const rows = lastPerKey(records, (r) => `${r.chainId} ${r.bookId} ${r.txHash} ${r.logIndex}`);
  for (const chunk of chunksOf(rows, perRow)) {
    await db.query(
      `INSERT INTO ${table.name} (${[...KEY_COLUMNS, ...updated].join(", ")})
       VALUES ${valuesRows(chunk.length, perRow)}
       ON CONFLICT (${KEY_COLUMNS.join(", ")}) DO UPDATE SET ${overwrite(updated)}`,
      chunk.flatMap((r) => [
        r.chainId,
        r.bookId,
        r.txHash,
        r.logIndex,
        r.blockNumber,
        r.timestampSec,
        ...own.map(([field, c]) => c.toSql(r[field as keyof T])),
      ]),
    );
  }
}

/** A book's events in blocks [fromBlock, toBlock] or between two times (both ends included), oldest first. */
export async function readEventsOfBook<T extends BookEventRecord>(
  db: SqlQueryable,
  table: EventTable<T>,
  bookId: string,
  range: BlockRange | TimeRange,
): Promise<T[]> {
  const [rangeColumn, from, to] =
    "fromBlock" in range
      ? (["block_number", range.fromBlock, range.toBlock] as const)
      : (["timestamp_sec", range.fromSec, range.toSec] as const);
  const rows = await db.query<Record<string, unknown>>(
    `SELECT * FROM ${table.name}
     WHERE book_id = $1 AND ${rangeColumn} >= $2::bigint AND ${rangeColumn} <= $3::bigint
     ORDER BY block_number, log_index`,
    [bookId, from, to],
  );
  const label = (column: string) => `${table.name}.${column}`;
  return rows.map((row) => {
    const event: BookEventRecord = {
      chainId: numberFromSql(row.chain_id, label("chain_id")),
      bookId: stringFromSql(row.book_id, label("book_id")),
      blockNumber: bigintFromSql(row.block_number, label("block_number")),
      txHash: stringFromSql(row.tx_hash, label("tx_hash")),
      logIndex: numberFromSql(row.log_index, label("log_index")),
      timestampSec: numberFromSql(row.timestamp_sec, label("timestamp_sec")),
    };
    const own = ownColumns(table).map(([field, c]) => [field, c.fromSql(row[c.column], label(c.column))]);
    // Every field of T: BookEventRecord's above, the rest from `fields`, which its type makes complete.
    return { ...event, ...Object.fromEntries(own) } as T;
  });
}
