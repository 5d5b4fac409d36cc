// A replayed step as the attribution reads it (src/performance/attribution.ts): the book's values from the
// engine's evaluation, and what the replay paid and received so far.
import type { BookMetrics } from "../engine/book-metrics.ts";
import type { BookSnapshot } from "../engine/snapshot.ts";
import type { BookPoint } from "../performance/attribution.ts";

/** Costs paid and carry received since the replay began, USD. */
export interface ReplayLedger {
  /** Funding received minus paid (negative: the hedge paid to hold). */
  carryUsd: number;
  gasUsd: number;
  venueFeesUsd: number;
  slippageUsd: number;
}

export function bookPointOf(book: BookSnapshot, metrics: BookMetrics, ledger: ReplayLedger): BookPoint {
  const perp = book.perp;
  // The hedge's value is its P&L, as the keeper's samples record it (book-sample.ts): account value less the
  // collateral deposited, so a deposit is not a gain.
  const collateralUsd =
    perp === null ? 0 : Number(perp.collateral.balance) / 10 ** perp.collateral.token.decimals;
  return {
    timestampSec: book.blockTimestampSec,
    blockNumber: book.blockNumber,
    basePriceUsd: metrics.basePriceUsd,
    lpValueUsd: metrics.lpValueUsd,
    lpDeltaBase: metrics.drift.lpDeltaBase,
    lpFeesOwedUsd: metrics.lpFeesUsd,
    spotBase: metrics.drift.spotDeltaBase,
    hedgeValueUsd: metrics.perp === null ? 0 : metrics.perp.accountValueUsd - collateralUsd,
    hedgeSizeBase: metrics.perp?.sizeBase ?? 0,
    hedgePriceUsd: metrics.perp?.markPrice ?? metrics.basePriceUsd,
    ...ledger,
  };
}
