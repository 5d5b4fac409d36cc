// The settlement tokens moved into or out of the perp vault for a book's Safe (migration 12), by block: the report's
// P&L settled into collateral over a step is the vault balance's change less what was moved in it
// (src/store/report-period.ts).
import type { PerpCollateralMoveHistory } from "./history-store.ts";
import type { SqlQueryable } from "./sql-database.ts";
import { bigintFromSql, numberFromSql, stringFromSql } from "./sql-values.ts";

export async function readCollateralMoves(
  db: SqlQueryable,
  bookId: string,
  blocks: { fromBlock: bigint; toBlock: bigint },
): Promise<PerpCollateralMoveHistory[]> {
  const rows = await db.query<Record<string, unknown>>(
    `SELECT * FROM perp_collateral_moves
     WHERE book_id = $1 AND block_number >= $2::bigint AND block_number <= $3::bigint
     ORDER BY block_number, log_index`,
    [bookId, blocks.fromBlock, blocks.toBlock],
  );
  return rows.map((row) => {
    const n = (column: string) => numberFromSql(row[column], `perp_collateral_moves.${column}`);
    const s = (column: string) => stringFromSql(row[column], `perp_collateral_moves.${column}`);
    return {
      chainId: n("chain_id"),
      bookId: s("book_id"),
      blockNumber: bigintFromSql(row.block_number, "perp_collateral_moves.block_number"),
      txHash: s("tx_hash"),
      logIndex: n("log_index"),
      timestampSec: n("timestamp_sec"),
      collateralToken: s("collateral_token"),
      movedUsd: n("moved_usd"),
    };
  });
}
