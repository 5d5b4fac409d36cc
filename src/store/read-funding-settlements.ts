// The perp funding settled for a book's Safe (migration 9), by block: the report's carry over a step is the fall in
// pending funding less what was settled in it (src/store/report-period.ts).
import type { PerpFundingSettlementHistory } from "./history-store.ts";
import type { SqlQueryable } from "./sql-database.ts";
import { bigintFromSql, numberFromSql, stringFromSql } from "./sql-values.ts";

export async function readFundingSettlements(
  db: SqlQueryable,
  bookId: string,
  blocks: { fromBlock: bigint; toBlock: bigint },
): Promise<PerpFundingSettlementHistory[]> {
  const rows = await db.query<Record<string, unknown>>(
    `SELECT * FROM perp_funding_settlements
     WHERE book_id = $1 AND block_number >= $2::bigint AND block_number <= $3::bigint
     ORDER BY block_number, log_index`,
    [bookId, blocks.fromBlock, blocks.toBlock],
  );
  return rows.map((row) => {
    const n = (column: string) => numberFromSql(row[column], `perp_funding_settlements.${column}`);
    const s = (column: string) => stringFromSql(row[column], `perp_funding_settlements.${column}`);
    return {
      chainId: n("chain_id"),
      bookId: s("book_id"),
      blockNumber: bigintFromSql(row.block_number, "perp_funding_settlements.block_number"),
      txHash: s("tx_hash"),
      logIndex: n("log_index"),
      timestampSec: n("timestamp_sec"),
      baseToken: s("base_token"),
      fundingPaymentUsd: n("funding_payment_usd"),
    };
  });
}
