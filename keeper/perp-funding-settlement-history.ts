// A Perp v2 FundingPaymentSettled for a book's Safe as the history records it (migration 9). Pure.
//   funding payment (USD) = fundingPayment / 1e18: the ClearingHouse books funding in its quote token (vUSD, 18
//   decimals), which the vault settles 1:1 with the dollar (as record-execution.ts values a receipt's settlements).
import type { BookSnapshot } from "../src/engine/snapshot.ts";
import type { PerpFundingSettlement } from "../src/indexers/perp-funding-settlements.ts";
import type { PerpFundingSettlementHistory } from "../src/store/history-store.ts";

export function perpFundingSettlementHistoryOf(
  chainId: number,
  snapshot: BookSnapshot,
  settlement: PerpFundingSettlement,
): PerpFundingSettlementHistory {
  return {
    chainId,
    bookId: snapshot.bookId,
    blockNumber: settlement.blockNumber,
    txHash: settlement.transactionHash,
    logIndex: settlement.logIndex,
    // The block the keeper read it at: the settlement's own block's time when the keeper reads every block. The
    // report places a settlement by its block number, never by this time.
    timestampSec: snapshot.blockTimestampSec,
    baseToken: settlement.baseToken,
    fundingPaymentUsd: Number(settlement.fundingPaymentWad) / 1e18,
  };
}
