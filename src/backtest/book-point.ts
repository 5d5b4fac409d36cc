// A replayed step as the report reads a recorded one (src/performance/performance-report.ts): the book's values
// from the engine's evaluation, its drift against the band, and what the replay paid and received so far.
import type { BookMetrics } from "../engine/book-metrics.ts";
import type { BookParams } from "../engine/params.ts";
import type { BookSnapshot } from "../engine/snapshot.ts";
import { basePriceInMainPool } from "../indexers/book-sample.ts";
import type { ReportPoint } from "../performance/performance-report.ts";

/** Costs paid and carry received since the replay began, USD. */
export interface ReplayLedger {
  /** Funding received minus paid (negative: the hedge paid to hold). */
  carryUsd: number;
  gasUsd: number;
  venueFeesUsd: number;
  slippageUsd: number;
  /**
   * What the replay's LP withdrawals paid the Safe (the de-peg lane's v4 withdrawals, applied as apply-plan.ts pays
   * them: each currency's minimum), USD at the step's feeds: principal, a transfer out of the LP (attribution.ts).
   * What the position was worth beyond its minimums (the slippage bound apply-plan.ts assumes) stays in gamma as a
   * loss. apply-plan.ts pays no fees with it (the position's fees owed are dropped), so none are collected.
   */
  lpWithdrawnUsd: number;
  lpFeesCollectedUsd: number;
}

export function reportPointOf(
  book: BookSnapshot,
  params: BookParams,
  metrics: BookMetrics,
  ledger: ReplayLedger,
): ReportPoint {
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
    // The replay keeps no trade quotes apart from its slippage ledger and never settles P&L into collateral:
    // a trade step attributes the size held over it, as before (its fill shows in the unexplained remainder).
    hedgeTradedBase: 0,
    hedgeTradedAtQuoteUsd: 0,
    settledToCollateralUsd: 0,
    driftBps: metrics.drift.driftBps,
    thresholdBps: params.armBps,
    targetHedgeRatio: params.targetHedgeRatio,
    perpMarkPriceUsd: metrics.perp?.markPrice ?? metrics.basePriceUsd,
    perpIndexPriceUsd: metrics.perp?.indexPrice ?? metrics.basePriceUsd,
    poolPriceUsd: basePriceInMainPool(book) ?? metrics.basePriceUsd,
  };
}
