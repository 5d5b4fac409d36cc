// A history the performance report can be read from: three days of hourly samples of a hedged LP book, as the
// keeper writes them (with migration 4's and 5's attribution inputs), one rebalance and one collateral withdrawal
// with their realized executions, a USDC
// de-peg watch and an alert. The book is modelled independently of the attribution: a constant-product LP of
// liquidity L (value 2L√S, base L/√S), base held as spot, and a Perp v2-shaped account (size, open notional,
// realized P&L, pending funding settled into realized P&L by the trade and the withdrawal). Funding accrues at a
// rate that moves hour by hour around the one the samples record, as Perp v2's does (the mark-index premium over
// the step, not the rate read at its start): a carry estimated from the recorded rate misses it, the settled and
// pending funding does not.
import type { DepegSample, HistorySample, HistoryStore, PlanExecution } from "./history-store.ts";

export const REPORT_BOOK = "eth-usdc";
const CHAIN = 31_337;
const HOUR = 3_600;
const L = 400;
const SPOT_BASE = 2;
const FUNDING_RATE_DAILY = 0.0004;
const FEE_RATE = 0.001;
/** The rebalance's fill against its quote (the mark): 9 bps worse for a sale. */
const FILL_DISCOUNT = 0.0009;
export const REBALANCE_HOUR = 30;
/**
 * At this hour the keeper withdraws idle collateral: Perp v2's Vault.withdraw settles the pending funding into the
 * owed realized P&L and that into the vault balance (AccountBalance.settle), then pays the amount out.
 */
export const WITHDRAW_HOUR = 50;
const WITHDRAWN_USD = 1_500;

/** The rate funding actually accrued at over the hour ending at `h`: ±60% around the recorded one. */
function fundingRateDailyOver(h: number): number {
  return FUNDING_RATE_DAILY * (1 + 0.6 * Math.sin(h / 3));
}

function depegReading(tier: DepegSample["tier"], deviationBps: number): DepegSample {
  return {
    token: "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48",
    symbol: "USDC",
    priceUsd: 1 - deviationBps / 10_000,
    deviationBps,
    tier,
    tierNote: null,
    exposureUsd: 150_000,
    sources: [],
  };
}

export interface FilledReportHistory {
  fromSec: number;
  toSec: number;
  /** The book's value (item + hedge + P&L settled into collateral − gas) at the first and last sample, from the model. */
  bookValueStartUsd: number;
  bookValueEndUsd: number;
  gasUsd: number;
  /** The owed realized P&L (with the funding settled into it) the withdrawal moved into the collateral. */
  settledToCollateralUsd: number;
  /** Funding received over the period (the model's accrual at its moving rate), USD. */
  carryUsd: number;
  venueFeesUsd: number;
  slippageUsd: number;
}

export async function fillReportHistory(store: HistoryStore, startSec: number): Promise<FilledReportHistory> {
  let size = -6;
  let openNotional = 6 * 2_000;
  let realized = 0;
  let pending = 0;
  let gas = 0;
  let fees = 0;
  let slip = 0;
  let collateral = 5_000;
  let settled = 0;
  let carry = 0;
  let first = 0;
  let last = 0;
  for (let h = 0; h < 72; h++) {
    const t = startSec + h * HOUR;
    const price = 2_000 * (1 + 0.03 * Math.sin(h / 5) + 0.0015 * h);
    const mark = price * 1.0003;
    if (h > 0) {
      const prevPrice = 2_000 * (1 + 0.03 * Math.sin((h - 1) / 5) + 0.0015 * (h - 1));
      const accrued = (size * prevPrice * fundingRateDailyOver(h) * HOUR) / 86_400;
      pending += accrued;
      carry -= accrued;
    }
    if (h === REBALANCE_HOUR) {
      // Sell 2 more at 9 bps under the mark (the quote), paying the venue fee; the trade settles pending funding.
      const fill = mark * (1 - FILL_DISCOUNT);
      const fee = 2 * fill * FEE_RATE;
      const fundingSettled = pending;
      size -= 2;
      openNotional += 2 * fill;
      realized -= fee + pending;
      pending = 0;
      gas += 1.5;
      fees += fee;
      slip += 2 * (mark - fill);
      const execution: PlanExecution = {
        planId: "plan-rebalance",
        chainId: CHAIN,
        bookId: REPORT_BOOK,
        blockNumber: BigInt(1_000 + h),
        txHash: `0x${"ab".repeat(32)}`,
        minedAtSec: t,
        recordedAtMs: t * 1000,
        gasUsed: 420_000n,
        effectiveGasPrice: 1_000_000_000n,
        gasUsd: 1.5,
        feesUsd: fee,
        slippageUsd: 2 * (mark - fill),
        totalCostUsd: 1.5 + fee + 2 * (mark - fill),
        expectedCostUsd: 1.5 + fee,
        quotedPrice: mark,
        realizedPrice: fill,
        slippageBps: FILL_DISCOUNT * 10_000,
        // As realized-execution.ts records it: the traded base at the quoted price.
        notionalUsd: 2 * mark,
        riskRemovedUsd: 400,
        perpCollateralMovedUsd: 0,
        perpFundingSettledUsd: fundingSettled,
        lpWithdrawnPrincipalUsd: 0,
        lpFeesCollectedUsd: 0,
        legs: [
          {
            actionIndex: 0,
            kind: "perp",
            venue: "perp-v2",
            side: "sell",
            quotedPrice: mark,
            realizedPrice: fill,
            slippageBps: FILL_DISCOUNT * 10_000,
            slippageUsd: 2 * (mark - fill),
            notionalUsd: 2 * mark,
            feesUsd: fee,
          },
        ],
      };
      await store.putExecution(execution);
      await store.putPlan({
        planId: "plan-rebalance",
        chainId: CHAIN,
        bookId: REPORT_BOOK,
        lane: "routine",
        mode: "execute",
        status: "mined",
        reason: "drift 160 bps beyond the 150 bps band",
        blockNumber: BigInt(1_000 + h - 1),
        createdAtMs: (t - 60) * 1000,
        updatedAtMs: t * 1000,
      });
    }
    if (h === WITHDRAW_HOUR) {
      const fundingSettled = pending;
      realized -= pending;
      pending = 0;
      collateral += realized - WITHDRAWN_USD;
      settled += realized;
      realized = 0;
      gas += 0.9;
      await store.putExecution({
        planId: "plan-withdraw",
        chainId: CHAIN,
        bookId: REPORT_BOOK,
        blockNumber: BigInt(1_000 + h),
        txHash: `0x${"cd".repeat(32)}`,
        minedAtSec: t,
        recordedAtMs: t * 1000,
        gasUsed: 250_000n,
        effectiveGasPrice: 1_000_000_000n,
        gasUsd: 0.9,
        feesUsd: 0,
        slippageUsd: 0,
        totalCostUsd: 0.9,
        expectedCostUsd: 0.9,
        quotedPrice: null,
        realizedPrice: null,
        slippageBps: null,
        notionalUsd: 0,
        riskRemovedUsd: 0,
        perpCollateralMovedUsd: -WITHDRAWN_USD,
        perpFundingSettledUsd: fundingSettled,
        lpWithdrawnPrincipalUsd: 0,
        lpFeesCollectedUsd: 0,
        legs: [],
      });
    }
    const lpValue = 2 * L * Math.sqrt(price);
    const lpDelta = L / Math.sqrt(price);
    const feesOwed = 0.8 * h;
    const hedgeValue = size * mark + openNotional + realized - pending;
    const item = lpValue + feesOwed + SPOT_BASE * price;
    const exposure = lpDelta + SPOT_BASE;
    const hedgeRatio = -size / exposure;
    // What the withdrawal settled left the hedge's value for the collateral: still the book's.
    const bookValue = item + hedgeValue + settled - gas;
    if (h === 0) first = bookValue;
    last = bookValue;
    const sample: HistorySample = {
      blockNumber: BigInt(1_000 + h),
      timestampSec: t,
      basePriceUsd: price,
      lpValueUsd: lpValue + feesOwed,
      hedgedItemValueUsd: item,
      hedgeValueUsd: hedgeValue,
      perpMarkPriceUsd: mark,
      perpIndexPriceUsd: price,
      poolPriceUsd: price * 0.9999,
      fundingRateDaily: FUNDING_RATE_DAILY,
      perpSizeBase: size,
      driftBps: ((hedgeRatio - 0.6) * exposure * price * 10_000) / item,
      thresholdBps: 150,
      hedgeRatio,
      targetHedgeRatio: 0.6,
      impermanentLossUsd: 0,
      bookValueUsd: item,
      attribution: {
        lpFeesOwedUsd: feesOwed,
        lpDeltaBase: lpDelta,
        spotBase: SPOT_BASE,
        pendingFundingUsd: pending,
        perp: {
          owedRealizedPnlUsd: realized,
          unrealizedPnlUsd: size * mark + openNotional,
          pendingFeeUsd: 0,
          collateralUsd: collateral,
        },
      },
    };
    const depeg = h >= 40 && h < 46 ? [depegReading("watch", 60)] : [depegReading("ok", 3)];
    await store.putSample(CHAIN, REPORT_BOOK, sample, depeg);
  }
  await store.putAlert({
    key: `depeg:${REPORT_BOOK}:USDC`,
    severity: "warning",
    status: "firing",
    title: "USDC 60 bps off its peg",
    text: "USDC trades at 0.9940 (watch tier)",
    bookId: REPORT_BOOK,
    atSec: startSec + 40 * HOUR,
  });
  return {
    fromSec: startSec,
    toSec: startSec + 71 * HOUR,
    bookValueStartUsd: first,
    bookValueEndUsd: last,
    gasUsd: gas,
    settledToCollateralUsd: settled,
    carryUsd: carry,
    venueFeesUsd: fees,
    slippageUsd: slip,
  };
}
