// The principal that went into and out of a book's LP positions (migration 11), by block: the report keeps it out of
// IL / gamma as a transfer (src/store/report-period.ts).
import type { LpPrincipalFlowHistory } from "./history-store.ts";
import type { SqlQueryable } from "./sql-database.ts";
import { bigintFromSql, numberFromSql, stringFromSql } from "./sql-values.ts";

export async function readLpPrincipalFlows(
  db: SqlQueryable,
  bookId: string,
  blocks: { fromBlock: bigint; toBlock: bigint },
): Promise<LpPrincipalFlowHistory[]> {
  const rows = await db.query<Record<string, unknown>>(
    `SELECT * FROM lp_principal_flows
     WHERE book_id = $1 AND block_number >= $2::bigint AND block_number <= $3::bigint
     ORDER BY block_number, log_index`,
    [bookId, blocks.fromBlock, blocks.toBlock],
  );
  return rows.map((row) => {
    const n = (column: string) => numberFromSql(row[column], `lp_principal_flows.${column}`);
    const s = (column: string) => stringFromSql(row[column], `lp_principal_flows.${column}`);
    return {
      chainId: n("chain_id"),
      bookId: s("book_id"),
      blockNumber: bigintFromSql(row.block_number, "lp_principal_flows.block_number"),
      txHash: s("tx_hash"),
      logIndex: n("log_index"),
      timestampSec: n("timestamp_sec"),
      position: s("position"),
      principalUsd: n("principal_usd"),
      principalToSpotUsd: n("principal_to_spot_usd"),
      feesCollectedUsd: n("fees_collected_usd"),
      feesToSpotUsd: n("fees_to_spot_usd"),
    };
  });
}
