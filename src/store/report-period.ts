// A period of a book's history turned into the performance report's input (src/performance/performance-report.ts):
// its samples as book points, the realized costs of the plans mined in it, de-peg tier changes, plans and alerts.
//
// Carry is the perp's funding received, read from the chain: over a step, the fall in pending funding
// (Exchange.getAllPendingFundingPayment, positive = owed) less the funding settled into owed realized P&L within it
// (ClearingHouse FundingPaymentSettled: a plan's trade or withdrawal, the Safe's owners' own transactions, a
// liquidation):
//   carry = pending_{i−1} − pending_i − Σ settled   exactly, as the chain accounts it.
// Every settlement for the Safe, whoever sent it, is in the history (migration 9, from the indexer's getLogs), and
// each sample names the first block its scan covered: where the scans cover the whole step, Σ settled is theirs
// alone (a plan's own settlement among them, never counted twice). Where they do not (the keeper was not reading
// every block, a period bucketed wider than the scans, samples before migration 9), the step's executions' receipts
// (migration 6) plus the recorded settlements of other transactions stand in, deduplicated by transaction hash.
// Only where that is unknown too (an execution recorded before migration 6, or the size changed with no execution
// recorded in the step) is the step's funding estimated from the recorded rate instead:
// −size · index · fundingRateDaily · Δt / 1 day (positive rate: longs pay shorts); the points carry that estimated
// part apart (carryEstimatedUsd) and the report says how much of the carry it is. Costs and trades
// are cumulative from the plans' realized executions (migrations 3 and 5), each counted at its mining block, not
// when it became final: gas from every plan, venue fees, slippage and the traded base at its quote from perp legs
// and a lending short's swaps of its short asset (a de-peg swap's costs land in stablecoin balances, outside the
// hedged book). A lending short's trades are its plans' swaps of the short asset (migration 9, src/execution/
// hedge-swaps.ts: a Borrow kept as spot or a Repay from held base moves base within the book, no trade); the hedge
// value of a lending short is its base position alone (supplied − owed, at the price), so the cash a trade moved to
// or from the collateral token is added to it: the hedge's value is then its P&L, as a perp's is (account value −
// collateral), and supplying or withdrawing held collateral moves neither. That cash is the fill's (migration 10:
// what the swap really received or paid), its pool fee and slippage against the quote are costs, and the trade is
// marked from its quote, cash + fee + slippage: cash at quote − fee − slippage = cash at fill. Executions recorded
// before migration 10 count the cash at the plan's quoted base price and no swap costs.
// A lending short's carry is the interest of its short asset, exact from the chain (migration 10, src/engine/
// aave-accrual.ts): per step, scaled supply_{i−1} · Δ normalized income − scaled debt_{i−1} · Δ normalized debt
// index, in base units at the step's price. It is not the hedge value's residual: the indexes and scaled balances
// are read apart from the balances the hedge value is made of. The stablecoin collateral, and so its supply
// interest, is outside the book's value (as a perp's collateral is outside its hedge value): the report's carry of a
// lending short is the short asset's interest alone (borrow interest, less any supply income of the short asset).
// An execution mined inside the period but not yet final when the report is read is missing from it; a report of a
// closed period (or the demo, which waits for its plans to be final) has them all.
//
// "In the period" is by block time, for everything: samples and executions by their block's timestamp, plans by
// the block they were decided at, between the period's first and last sample's blocks (a plan's created time is
// the keeper's clock, which need not agree with the chain's), each shown at its block's time (the sample at its
// block, or the last one before it when the period is bucketed). P&L settled into collateral by a withdrawal is the vault
// balance's change less the collateral moved in the step (Vault Deposited/Withdrawn), whoever moved it: every move for
// the Safe is in the history (migration 12, the same scan as the funding settlements', so the same covered span);
// where the scans cover the step Σ moved is theirs alone (a plan's own among them, counted once), elsewhere the
// executions' receipts (migration 5) plus the recorded moves of other transactions, deduplicated by transaction hash.
// An owners' deposit or withdrawal is a transfer, never P&L settled into collateral.
// An Aave liquidation of the Safe (migration 7) counts at its block like an execution: the debt it covered is the
// short bought back at the Aave oracle's price (a hedge trade), the collateral it seized leaves the book, and its
// bonus is a cost term of its own (attribution.ts). What an execution's LP withdrawal paid the Safe (migration 8) is
// accumulated at its block as the points' lpWithdrawnUsd (principal) and lpFeesCollectedUsd: the first a transfer
// the gamma term adds back, the second fees earned. An execution recorded before migration 8, or whose payout could
// not be valued, counts none: the points count those executions (lpWithdrawalUnknownExecutions) and the report
// says how many there were.
// Every principal flow of the Safe's v3 and v4 positions, whoever sent it (migration 11, the indexer's position-manager
// and PoolManager logs: a deposit negative, a withdrawal positive, fees collected apart), is accumulated the same way
// at its block; an
// execution whose transaction is among the step's flows is counted once: from its receipt when that gave the payout
// (the amounts at its own block's feeds; a flow is valued at the block the keeper read it at), else from the flows.
// The base token's share that
// moved through the Safe's own balance goes to lpWithdrawnToSpotUsd / lpFeesCollectedToSpotUsd: spotBase already
// holds it, so attribution.ts adds it back to gamma and fees but not to the book's value.
import { aaveInterestBetween } from "../engine/aave-accrual.ts";
import { inChainOrder } from "../indexers/log-order.ts";
import type { PerformanceInput, ReportPoint } from "../performance/performance-report.ts";
import type {
  AaveLiquidationHistory,
  HistoryStore,
  LpPrincipalFlowHistory,
  PerpCollateralMoveHistory,
  PerpFundingSettlementHistory,
  PlanExecution,
  ReportSample,
} from "./history-store.ts";

/** The request cannot be answered from the history (too few samples, samples without the report's columns). */
export class ReportPeriodError extends Error {
  override name = "ReportPeriodError";
}

/** Most points a report reads: a longer period is bucketed (each bucket's last sample), as the charts are. */
export const REPORT_MAX_POINTS = 20_000;
/** Most plans, alerts and executions a period lists. */
const REPORT_MAX_ROWS = 100_000;

export async function readReportPeriod(
  store: HistoryStore,
  request: { bookId: string; fromSec: number; toSec: number; maxPoints?: number },
): Promise<PerformanceInput> {
  const { bookId, fromSec, toSec } = request;
  const range = { fromSec, toSec };
  const [samples, executions, depeg, alerts, actions, liquidations, aaveHealth] = await Promise.all([
    store.reportSamples(bookId, { ...range, maxPoints: request.maxPoints ?? REPORT_MAX_POINTS }),
    store.executions({ bookId, ...range, limit: REPORT_MAX_ROWS }),
    store.depegTierChanges(bookId, range),
    store.alerts({ bookId, ...range, limit: REPORT_MAX_ROWS }),
    store.actions({ bookId, limit: REPORT_MAX_ROWS }),
    store.aaveLiquidations(bookId, range),
    store.aaveHealth(bookId, range),
  ]);
  if (samples.length < 2) {
    throw new ReportPeriodError(
      `book ${bookId} has ${samples.length} sample(s) between ${iso(fromSec)} and ${iso(toSec)}: a report needs at least 2`,
    );
  }
  const firstBlock = samples[0]!.blockNumber;
  const lastBlock = samples[samples.length - 1]!.blockNumber;
  const blocks = { fromBlock: firstBlock + 1n, toBlock: lastBlock };
  const [settlements, lpFlows, collateralMoves] = await Promise.all([
    store.fundingSettlements(bookId, blocks),
    store.lpPrincipalFlows(bookId, blocks),
    store.collateralMoves(bookId, blocks),
  ]);
  return {
    bookId,
    points: reportPointsOf(samples, executions, liquidations, settlements, lpFlows, collateralMoves),
    liquidations: liquidations.map((l) => ({
      atSec: l.timestampSec,
      blockNumber: l.blockNumber,
      txHash: l.txHash,
      liquidator: l.liquidator,
      collateralSymbol: l.collateralSymbol,
      collateralSeized: l.collateralSeized,
      collateralSeizedUsd: l.collateralSeizedUsd,
      protocolFeeUsd: l.protocolFeeUsd,
      debtSymbol: l.debtSymbol,
      debtCovered: l.debtCovered,
      debtCoveredUsd: l.debtCoveredUsd,
      bonusUsd: l.bonusUsd,
    })),
    aaveHealth,
    depegEvents: depeg.map((d) => ({
      atSec: d.timestampSec,
      symbol: d.symbol,
      fromTier: d.fromTier,
      toTier: d.toTier,
      deviationBps: d.deviationBps,
    })),
    plans: actions
      .filter((a) => a.blockNumber >= firstBlock && a.blockNumber <= lastBlock)
      .map((a) => ({
        planId: a.planId,
        atSec: blockTimeOf(samples, a.blockNumber),
        lane: a.lane,
        status: a.status,
        reason: a.reason,
      }))
      .reverse(),
    alerts: alerts
      .map((a) => ({ atSec: a.atSec, key: a.key, severity: a.severity, status: a.status, title: a.title }))
      .reverse(),
  };
}

/** The timestamp of the last sample at or before `block` (samples in block order, the first at or before it). */
function blockTimeOf(samples: readonly ReportSample[], block: bigint): number {
  let lo = 0;
  let hi = samples.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (samples[mid]!.blockNumber <= block) lo = mid;
    else hi = mid - 1;
  }
  return samples[lo]!.timestampSec;
}

function iso(sec: number): string {
  return new Date(sec * 1000).toISOString();
}

/** The samples as book points, with carry, trades, settlements and costs accumulated from the period's start. */
export function reportPointsOf(
  samples: readonly ReportSample[],
  executions: readonly PlanExecution[],
  liquidations: readonly AaveLiquidationHistory[] = [],
  settlements: readonly PerpFundingSettlementHistory[] = [],
  lpFlows: readonly LpPrincipalFlowHistory[] = [],
  collateralMoves: readonly PerpCollateralMoveHistory[] = [],
): ReportPoint[] {
  const moved = [...collateralMoves].sort(inChainOrder);
  let nextMove = 0;
  const flowed = [...lpFlows].sort(inChainOrder);
  let nextFlow = 0;
  const toSpot = { lpWithdrawnToSpotUsd: 0, lpFeesCollectedToSpotUsd: 0 };
  const settled = [...settlements].sort(inChainOrder);
  let nextSettlement = 0;
  const liquidated = [...liquidations].sort(inChainOrder);
  let nextLiquidation = 0;
  const seized = { collateralSeizedUsd: 0, liquidationBonusUsd: 0 };
  const mined = [...executions].sort((a, b) =>
    a.blockNumber < b.blockNumber ? -1 : a.blockNumber > b.blockNumber ? 1 : 0,
  );
  let next = 0;
  const costs = { gasUsd: 0, venueFeesUsd: 0, slippageUsd: 0 };
  const traded = { hedgeTradedBase: 0, hedgeTradedAtQuoteUsd: 0 };
  // The cash a lending short's trades moved out of (−) or into (+) its collateral token: −Σ swapped · quote.
  let lendingCashUsd = 0;
  let carryUsd = 0;
  let carryEstimatedUsd = 0;
  let settledToCollateralUsd = 0;
  const withdrawn = { lpWithdrawnUsd: 0, lpFeesCollectedUsd: 0 };
  let lpWithdrawalUnknownExecutions = 0;
  const points: ReportPoint[] = [];
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i]!;
    const a = s.attribution;
    if (a === null || s.driftBps === null || s.thresholdBps === null || s.targetHedgeRatio === null) {
      throw new ReportPeriodError(
        `the sample at block ${s.blockNumber} (${iso(s.timestampSec)}) lacks the report's columns ` +
          "(lp_fees_owed_usd, lp_delta_base, spot_base, pending_funding_usd, drift_bps): it was written before " +
          "migration 4 or by a plain sample write; start the period after it",
      );
    }
    // The executions mined within this step (after the previous sample's block, up to this one): a cost counts at
    // the block it was mined in. Those mined within the first sample's block or before it are outside the period.
    const step: PlanExecution[] = [];
    while (next < mined.length && mined[next]!.blockNumber <= s.blockNumber) {
      const e = mined[next++]!;
      if (i > 0) step.push(e);
    }
    // The LP principal flows recorded within the step, whoever sent them (those at or before the first sample are
    // outside the period): each a transfer, its base share through the Safe's balance apart (spotBase holds it).
    // A plan whose receipt gave its payout is counted from it: the receipt's amounts at the feeds of its own block,
    // where a flow is valued at the feeds of the block the keeper read it at (a later one when it skipped blocks).
    const paidByReceipt = new Set(
      step
        .filter((e) => e.lpWithdrawnPrincipalUsd !== null && e.lpFeesCollectedUsd !== null)
        .map((e) => e.txHash.toLowerCase()),
    );
    const flowTxs = new Set<string>();
    while (nextFlow < flowed.length && flowed[nextFlow]!.blockNumber <= s.blockNumber) {
      const f = flowed[nextFlow++]!;
      if (i === 0 || paidByReceipt.has(f.txHash.toLowerCase())) continue;
      flowTxs.add(f.txHash.toLowerCase());
      withdrawn.lpWithdrawnUsd += f.principalUsd - f.principalToSpotUsd;
      withdrawn.lpFeesCollectedUsd += f.feesCollectedUsd - f.feesToSpotUsd;
      toSpot.lpWithdrawnToSpotUsd += f.principalToSpotUsd;
      toSpot.lpFeesCollectedToSpotUsd += f.feesToSpotUsd;
    }
    let collateralMovedUsd: number | null = 0;
    let fundingSettledUsd: number | null = 0;
    for (const e of step) {
      costs.gasUsd += e.gasUsd;
      // A plan's withdrawal is counted once: from its receipt when that gave the payout, else from the recorded flows
      // of its transaction, else it is unknown (and reads as gamma).
      if (e.lpWithdrawnPrincipalUsd !== null && e.lpFeesCollectedUsd !== null) {
        withdrawn.lpWithdrawnUsd += e.lpWithdrawnPrincipalUsd;
        withdrawn.lpFeesCollectedUsd += e.lpFeesCollectedUsd;
      } else if (!flowTxs.has(e.txHash.toLowerCase())) lpWithdrawalUnknownExecutions++;
      fundingSettledUsd =
        fundingSettledUsd === null || e.perpFundingSettledUsd === null
          ? null
          : fundingSettledUsd + e.perpFundingSettledUsd;
      collateralMovedUsd =
        collateralMovedUsd === null || e.perpCollateralMovedUsd === null
          ? null
          : collateralMovedUsd + e.perpCollateralMovedUsd;
      const swapped = e.swappedBase;
      if (swapped != null) {
        traded.hedgeTradedBase += swapped.base;
        const fill = swapped.fill ?? null;
        if (fill === null) {
          // Before migration 10: the cash at the quote, its fee and slippage unknown.
          traded.hedgeTradedAtQuoteUsd += swapped.atQuoteUsd;
          lendingCashUsd -= swapped.atQuoteUsd;
        } else {
          // The cash the swap really moved; at its quote it would have moved cash + fee + slippage (the quote is
          // the pool's spot: the price term marks the trade from there to the step's price).
          lendingCashUsd += fill.cashUsd;
          traded.hedgeTradedAtQuoteUsd -= fill.cashUsd + fill.feesUsd + fill.slippageUsd;
          costs.venueFeesUsd += fill.feesUsd;
          costs.slippageUsd += fill.slippageUsd;
        }
      }
      for (const leg of e.legs) {
        if (leg.kind !== "perp") continue;
        costs.venueFeesUsd += leg.feesUsd;
        costs.slippageUsd += leg.slippageUsd;
        // The leg's base at its quoted price: the notional is quoted price × base (realized-execution.ts).
        const sign = leg.side === "buy" ? 1 : -1;
        traded.hedgeTradedBase += (sign * leg.notionalUsd) / leg.quotedPrice;
        traded.hedgeTradedAtQuoteUsd += sign * leg.notionalUsd;
      }
    }
    // Liquidations within the step, as executions are (those at or before the first sample are outside the period).
    while (nextLiquidation < liquidated.length && liquidated[nextLiquidation]!.blockNumber <= s.blockNumber) {
      const l = liquidated[nextLiquidation++]!;
      if (i === 0) continue;
      traded.hedgeTradedBase += l.debtCoveredBase;
      traded.hedgeTradedAtQuoteUsd += l.debtCoveredBase === 0 ? 0 : l.debtCoveredUsd;
      // A debt outside the hedge (not the base) is outside the book's value too: only its bonus is charged then.
      seized.collateralSeizedUsd +=
        l.debtCoveredBase === 0 ? l.bonusUsd : l.collateralSeizedUsd + l.protocolFeeUsd;
      seized.liquidationBonusUsd += l.bonusUsd;
    }
    // The funding settlements recorded within the step (those at or before the first sample are outside the period).
    const stepSettlements: PerpFundingSettlementHistory[] = [];
    while (nextSettlement < settled.length && settled[nextSettlement]!.blockNumber <= s.blockNumber) {
      const f = settled[nextSettlement++]!;
      if (i > 0) stepSettlements.push(f);
    }
    // The collateral moves recorded within the step, whoever sent them (those at or before the first sample are
    // outside the period).
    const stepMoves: PerpCollateralMoveHistory[] = [];
    while (nextMove < moved.length && moved[nextMove]!.blockNumber <= s.blockNumber) {
      const m = moved[nextMove++]!;
      if (i > 0) stepMoves.push(m);
    }
    const size = s.perpSizeBase ?? 0;
    if (i > 0) {
      const prev = samples[i - 1]!;
      const prevSize = prev.perpSizeBase ?? 0;
      // Funding accrues into pending funding until something settles it. Where the indexer's scans cover the step,
      // the recorded settlements are all of them. Otherwise the executions' receipts say what they settled, and the
      // recorded settlements of other transactions are added (deduplicated by transaction hash); a size change
      // without an execution then means one is missing: its settlement too.
      // The same scan reads the vault's Deposited/Withdrawn (src/indexers/perp-funding-settlements.ts): its span
      // vouches for the recorded collateral moves too.
      const scannedFrom = a.fundingScannedFromBlock ?? null;
      const scansCoverStep = scannedFrom !== null && scannedFrom <= prev.blockNumber + 1n;
      if (scansCoverStep) {
        // Every move, the keeper's own included, is among the recorded ones: counted once, from them.
        collateralMovedUsd = stepMoves.reduce((sum, m) => sum + m.movedUsd, 0);
      } else {
        // The executions' receipts, and the recorded moves of other transactions (the Safe's owners' own).
        const executed = new Set(step.map((e) => e.txHash.toLowerCase()));
        for (const m of stepMoves) {
          if (collateralMovedUsd !== null && !executed.has(m.txHash.toLowerCase()))
            collateralMovedUsd += m.movedUsd;
        }
      }
      let settledKnown: boolean;
      if (scansCoverStep) {
        fundingSettledUsd = stepSettlements.reduce((sum, f) => sum + f.fundingPaymentUsd, 0);
        settledKnown = true;
      } else {
        const executed = new Set(step.map((e) => e.txHash.toLowerCase()));
        for (const f of stepSettlements) {
          if (fundingSettledUsd !== null && !executed.has(f.txHash.toLowerCase()))
            fundingSettledUsd += f.fundingPaymentUsd;
        }
        settledKnown = fundingSettledUsd !== null && (step.length > 0 || size === prevSize);
      }
      if (settledKnown) {
        carryUsd += prev.attribution!.pendingFundingUsd - a.pendingFundingUsd - fundingSettledUsd!;
      } else {
        const estimated =
          (-prevSize *
            prev.perpIndexPriceUsd *
            prev.fundingRateDaily *
            (s.timestampSec - prev.timestampSec)) /
          86_400;
        carryUsd += estimated;
        carryEstimatedUsd += estimated;
      }
      // The lending short's interest over the step, from the chain's indexes (migration 10): supply income − borrow
      // interest of the short asset, valued at the step's price as the hedge's base position is. Without a reading
      // on both samples it is unknown and stays in the unexplained remainder.
      if (prev.aaveAccrual != null && s.aaveAccrual != null)
        carryUsd += aaveInterestBetween(prev.aaveAccrual, s.aaveAccrual) * s.perpMarkPriceUsd;
      // The vault balance moves by the collateral moved, whoever moved it (a transfer, no P&L), and by the P&L a
      // withdrawal settled into it (Vault.withdraw: AccountBalance.settle, then balance += owed realized − amount). Without migration 5's
      // columns on both samples, or an execution recorded before it, the step's settlement is unknown: none counted.
      const before = prev.attribution!.perp;
      const after = a.perp;
      if (before !== null && after !== null && collateralMovedUsd !== null)
        settledToCollateralUsd += after.collateralUsd - before.collateralUsd - collateralMovedUsd;
    }
    points.push({
      timestampSec: s.timestampSec,
      blockNumber: s.blockNumber,
      basePriceUsd: s.basePriceUsd,
      lpValueUsd: s.lpValueUsd - a.lpFeesOwedUsd,
      lpDeltaBase: a.lpDeltaBase,
      lpFeesOwedUsd: a.lpFeesOwedUsd,
      ...withdrawn,
      ...toSpot,
      lpWithdrawalUnknownExecutions,
      spotBase: a.spotBase,
      hedgeValueUsd: s.hedgeValueUsd + lendingCashUsd,
      // The Aave leg's base position moves its value as a perp's size does (both marked at the base's price).
      hedgeSizeBase: size + (s.aaveDeltaBase ?? 0),
      hedgePriceUsd: s.perpMarkPriceUsd,
      carryUsd,
      carryEstimatedUsd,
      ...traded,
      settledToCollateralUsd,
      ...costs,
      ...seized,
      driftBps: s.driftBps,
      thresholdBps: s.thresholdBps,
      targetHedgeRatio: s.targetHedgeRatio,
      perpMarkPriceUsd: s.perpMarkPriceUsd,
      perpIndexPriceUsd: s.perpIndexPriceUsd,
      poolPriceUsd: s.poolPriceUsd,
    });
  }
  return points;
}
