// A Perp v2 Vault Deposited/Withdrawn for a book's Safe as the history records it (migration 12). Pure.
//   moved (USD) = amount / 10^decimals: the vault counts its settlement token 1:1 with the dollar, in the token's own
//   decimals (as record-execution.ts values a receipt's moves); the snapshot's collateral token carries them.
import type { BookSnapshot } from "../src/engine/snapshot.ts";
import type { PerpCollateralMove } from "../src/indexers/perp-collateral-move-logs.ts";
import type { PerpCollateralMoveHistory } from "../src/store/history-store.ts";

export function perpCollateralMoveHistoryOf(
  chainId: number,
  snapshot: BookSnapshot,
  move: PerpCollateralMove,
): PerpCollateralMoveHistory {
  const collateral = snapshot.perp?.collateral;
  if (collateral === undefined || collateral === null)
    throw new TypeError(
      `book ${snapshot.bookId}: a perp collateral move at block ${move.blockNumber} but the snapshot has no perp collateral`,
    );
  return {
    chainId,
    bookId: snapshot.bookId,
    blockNumber: move.blockNumber,
    txHash: move.transactionHash,
    logIndex: move.logIndex,
    // The block the keeper read it at; the report places a move by its block number, never by this time.
    timestampSec: snapshot.blockTimestampSec,
    collateralToken: move.collateralToken,
    movedUsd: Number(move.movedUnits) / 10 ** collateral.token.decimals,
  };
}
