import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { performanceReport } from "../../../src/performance/performance-report.ts";
import type { HistoryStore } from "../../../src/store/history-store.ts";
import { openHistoryStore } from "../../../src/store/open-history-store.ts";
import {
  type FilledReportHistory,
  fillReportHistory,
  REBALANCE_HOUR,
  REPORT_BOOK,
} from "../../../src/store/report-history.test-support.ts";
import { ReportPeriodError, readReportPeriod } from "../../../src/store/report-period.ts";

// The report's period read back from a real store (embedded PGlite): samples with migration 4's and 5's columns,
// the realized executions of migrations 3 and 5, de-peg tier changes, plans and alerts.
const START = 1_764_806_400; // 2025-12-04T00:00:00Z
let store: HistoryStore;
let filled: FilledReportHistory;

beforeAll(async () => {
  store = await openHistoryStore({ dataDir: "memory://" });
  filled = await fillReportHistory(store, START);
});
afterAll(() => store.close());

describe("readReportPeriod", () => {
  it("explains the book's value change: every term from the history, nothing left unexplained", async () => {
    const input = await readReportPeriod(store, {
      bookId: REPORT_BOOK,
      fromSec: filled.fromSec,
      toSec: filled.toSec,
    });
    expect(input.points).toHaveLength(72);
    const report = performanceReport(input);
    const t = report.attribution.total;
    expect(t.bookValueChangeUsd).toBeCloseTo(filled.bookValueEndUsd - filled.bookValueStartUsd, 6);
    expect(t.gasUsd).toBeCloseTo(filled.gasUsd, 9);
    expect(t.venueFeesUsd).toBeCloseTo(filled.venueFeesUsd, 9);
    expect(t.slippageUsd).toBeCloseTo(filled.slippageUsd, 9);
    // The withdrawal settled the owed realized P&L (the rebalance's fee, the funding received) into the collateral:
    // P&L the hedge's value no longer shows, named apart and kept in the book's value change.
    expect(Math.abs(filled.settledToCollateralUsd)).toBeGreaterThan(1);
    expect(t.settledToCollateralUsd).toBeCloseTo(filled.settledToCollateralUsd, 9);
    // Carry is the funding the chain accrued at its moving rate: pending funding's fall plus what the trade and the
    // withdrawal settled (their FundingPaymentSettled), none of it estimated from the recorded rate.
    expect(Math.abs(filled.carryUsd)).toBeGreaterThan(1);
    expect(t.carryUsd).toBeCloseTo(filled.carryUsd, 9);
    expect(report.carryEstimatedUsd).toBe(0);
    expect(Math.abs(t.unexplainedUsd)).toBeLessThan(1e-6 * report.attribution.grossPnlUsd);
    expect(report.attribution.buckets.map((b) => b.steps)).toEqual([23, 24, 24]);
    expect(report.rebalances.count).toBe(1);
    expect(report.depegEvents.map((d) => [d.symbol, d.fromTier, d.toTier])).toEqual([
      ["USDC", "ok", "watch"],
      ["USDC", "watch", "ok"],
    ]);
    expect(report.plans.map((p) => [p.planId, p.atSec])).toEqual([
      ["plan-rebalance", START + (REBALANCE_HOUR - 1) * 3_600],
    ]);
    expect(report.alerts.map((a) => a.title)).toEqual(["USDC 60 bps off its peg"]);
  });

  it("opens at the period's first sample when a bucket holds several samples", async () => {
    // 72 hourly samples in at most 10 buckets: each bucket (7.2 h) stands for its last sample, so without the
    // opening sample read apart the period would start 7 hours in.
    const input = await readReportPeriod(store, {
      bookId: REPORT_BOOK,
      fromSec: filled.fromSec,
      toSec: filled.toSec,
      maxPoints: 10,
    });
    expect(input.points[0]!.timestampSec).toBe(filled.fromSec);
    expect(input.points).toHaveLength(11);
    const t = performanceReport(input).attribution.total;
    expect(t.bookValueChangeUsd).toBeCloseTo(filled.bookValueEndUsd - filled.bookValueStartUsd, 6);
  });

  it("reads only the period asked for", async () => {
    const input = await readReportPeriod(store, {
      bookId: REPORT_BOOK,
      fromSec: START + 36 * 3_600,
      toSec: filled.toSec,
    });
    expect(input.points[0]!.timestampSec).toBe(START + 36 * 3_600);
    // The withdrawal's gas (hour 50) only: the rebalance (hour 30) was before the period.
    expect(input.points[input.points.length - 1]!.gasUsd).toBe(0.9);
    expect(input.plans).toEqual([]);
  });

  it("estimates carry from the funding rate only where an execution's settled funding is unknown, and says how much", async () => {
    const other = await openHistoryStore({ dataDir: "memory://" });
    try {
      await fillReportHistory(other, START);
      // The rebalance recorded before migration 6: its settled funding unknown (the withdrawal's stays known).
      const [rebalance] = (await other.executions({ bookId: REPORT_BOOK, limit: 10 })).filter(
        (e) => e.planId === "plan-rebalance",
      );
      await other.putExecution({ ...rebalance!, perpFundingSettledUsd: null });
      const report = performanceReport(
        await readReportPeriod(other, { bookId: REPORT_BOOK, fromSec: filled.fromSec, toSec: filled.toSec }),
      );
      // One hour's funding at the recorded rate, short 6 ETH at ~$2,000: −size · index · rate · 1 h / 1 d ≈ $0.2.
      expect(report.carryEstimatedUsd!).toBeGreaterThan(0.1);
      expect(report.carryEstimatedUsd!).toBeLessThan(0.3);
      // The estimate is not the chain's funding: carry moves off the model by the step's error, the remainder with it.
      const t = report.attribution.total;
      expect(Math.abs(t.carryUsd - filled.carryUsd)).toBeGreaterThan(1e-3);
      expect(t.unexplainedUsd).toBeCloseTo(filled.carryUsd - t.carryUsd, 6);
    } finally {
      await other.close();
    }
  });

  it("puts plans in the period by their block's time, not the keeper's clock", async () => {
    const other = await openHistoryStore({ dataDir: "memory://" });
    try {
      await fillReportHistory(other, START);
      const plan = {
        chainId: 31_337,
        bookId: REPORT_BOOK,
        lane: "routine" as const,
        mode: "execute" as const,
        status: "mined" as const,
        reason: "drift beyond the band",
      };
      // The chain's blocks lead the keeper's clock by two days (a devnet whose time was moved forward): the rebalance
      // decided at hour 40's block was created, by the keeper's clock, two days before the period began.
      const behindMs = 2 * 86_400_000;
      await other.putPlan({
        ...plan,
        planId: "plan-in-period",
        blockNumber: 1_040n,
        createdAtMs: (START + 40 * 3_600) * 1000 - behindMs,
        updatedAtMs: (START + 40 * 3_600) * 1000 - behindMs,
      });
      // And one decided after the period's last block, though the keeper's clock puts it inside the period.
      await other.putPlan({
        ...plan,
        planId: "plan-after-period",
        blockNumber: 1_100n,
        createdAtMs: (START + 60 * 3_600) * 1000,
        updatedAtMs: (START + 60 * 3_600) * 1000,
      });
      const input = await readReportPeriod(other, {
        bookId: REPORT_BOOK,
        fromSec: START + 36 * 3_600,
        toSec: filled.toSec,
      });
      expect(input.plans.map((p) => [p.planId, p.atSec])).toEqual([["plan-in-period", START + 40 * 3_600]]);
    } finally {
      await other.close();
    }
  });

  it("refuses a period without two samples, and samples written without the report's columns, saying which", async () => {
    await expect(
      readReportPeriod(store, { bookId: "btc-usdc", fromSec: filled.fromSec, toSec: filled.toSec }),
    ).rejects.toThrow(/btc-usdc has 0 sample/);
    const other = await openHistoryStore({ dataDir: "memory://" });
    try {
      await fillReportHistory(other, START);
      // A plain BookSample write (SampleStore.put) keeps no attribution inputs.
      const [sample] = await other.samples(31_337).recent(REPORT_BOOK, { limit: 1 });
      await other
        .samples(31_337)
        .put(REPORT_BOOK, { ...sample!, blockNumber: 5_000n, timestampSec: filled.toSec + 60 });
      const read = readReportPeriod(other, {
        bookId: REPORT_BOOK,
        fromSec: filled.fromSec,
        toSec: filled.toSec + 60,
      });
      await expect(read).rejects.toBeInstanceOf(ReportPeriodError);
      await expect(read).rejects.toThrow(/block 5000 .*lacks the report's columns/);
    } finally {
      await other.close();
    }
  });
});

describe("readReportPeriod, an Aave borrow short liquidated", () => {
  // Spot WETH hedged by a WETH debt against USDC collateral, ETH rising 3,000 → 3,900 a minute at a time. At the
  // seventh minute a liquidator repays half the debt and takes 1.05× its value in USDC. The book's true value counts
  // the collateral (spot·P − debt·P + collateral); the history's hedge value does not (the Aave leg's base position),
  // so the report must charge the seized collateral to the book and name the bonus as its own loss.
  const BOOK = "eth-aave-liquidated";
  const SPOT = 60;
  const LT = 0.78;
  const FLOOR = 1.1;
  const T0 = START + 86_400 * 10;
  const LIQUIDATED_AT = 7;
  const COVERED = 30;
  const PROTOCOL_FEE_USD = 1_000;
  const priceAt = (m: number) => 3_000 + 100 * m;
  const debtAt = (m: number) => (m < LIQUIDATED_AT ? 60 : 60 - COVERED);
  const seizedUsd = COVERED * priceAt(LIQUIDATED_AT) * 1.05;
  const collateralAt = (m: number) => 277_000 - (m < LIQUIDATED_AT ? 0 : seizedUsd);
  const healthAt = (m: number) => (collateralAt(m) * LT) / (debtAt(m) * priceAt(m));
  const trueValueAt = (m: number) => SPOT * priceAt(m) - debtAt(m) * priceAt(m) + collateralAt(m);
  let aaveStore: HistoryStore;

  beforeAll(async () => {
    aaveStore = await openHistoryStore({ dataDir: "memory://" });
    for (let m = 0; m <= 9; m++) {
      const price = priceAt(m);
      await aaveStore.putSample(
        31_337,
        BOOK,
        {
          blockNumber: BigInt(100 + m),
          timestampSec: T0 + 60 * m,
          basePriceUsd: price,
          lpValueUsd: 0,
          hedgedItemValueUsd: SPOT * price,
          hedgeValueUsd: -debtAt(m) * price,
          perpMarkPriceUsd: price,
          perpIndexPriceUsd: price,
          poolPriceUsd: price,
          fundingRateDaily: 0,
          perpSizeBase: 0,
          driftBps: 0,
          thresholdBps: 150,
          hedgeRatio: debtAt(m) / SPOT,
          targetHedgeRatio: 1,
          impermanentLossUsd: 0,
          bookValueUsd: trueValueAt(m),
          attribution: { lpFeesOwedUsd: 0, lpDeltaBase: 0, spotBase: SPOT, pendingFundingUsd: 0, perp: null },
          aaveHealth: { healthFactor: healthAt(m), floor: FLOOR, deltaBase: -debtAt(m) },
        },
        [],
      );
    }
    await aaveStore.putAaveLiquidation({
      chainId: 31_337,
      bookId: BOOK,
      blockNumber: BigInt(100 + LIQUIDATED_AT),
      txHash: `0x${"ab".repeat(32)}`,
      logIndex: 3,
      timestampSec: T0 + 60 * LIQUIDATED_AT,
      account: "0x000000000000000000000000000000000000a11c",
      liquidator: "0x000000000000000000000000000000000000b0b0",
      collateralAsset: "0x00000000000000000000000000000000000000c0",
      collateralSymbol: "USDC",
      // Aave's treasury took a fee on top of what the liquidator received (the event's amount).
      collateralSeized: BigInt(Math.round((seizedUsd - PROTOCOL_FEE_USD) * 1e6)),
      collateralSeizedUsd: seizedUsd - PROTOCOL_FEE_USD,
      protocolFee: BigInt(PROTOCOL_FEE_USD * 1e6),
      protocolFeeUsd: PROTOCOL_FEE_USD,
      debtAsset: "0x00000000000000000000000000000000000000d0",
      debtSymbol: "WETH",
      debtCovered: BigInt(COVERED) * 10n ** 18n,
      debtCoveredUsd: COVERED * priceAt(LIQUIDATED_AT),
      debtCoveredBase: COVERED,
      bonusUsd: seizedUsd - COVERED * priceAt(LIQUIDATED_AT),
    });
  });
  afterAll(() => aaveStore.close());

  it("lists the liquidation, charges its bonus as a term of its own, and the terms still sum to the value change", async () => {
    const input = await readReportPeriod(aaveStore, { bookId: BOOK, fromSec: T0, toSec: T0 + 540 });
    const report = performanceReport(input);
    const t = report.attribution.total;
    const bonus = seizedUsd - COVERED * priceAt(LIQUIDATED_AT);
    expect(bonus).toBeCloseTo(0.05 * COVERED * 3_700, 6);
    expect(t.bookValueChangeUsd).toBeCloseTo(trueValueAt(9) - trueValueAt(0), 6);
    expect(t.liquidationBonusUsd).toBeCloseTo(bonus, 6);
    expect(Math.abs(t.unexplainedUsd)).toBeLessThan(1e-6 * report.attribution.grossPnlUsd);
    expect(report.liquidations).toHaveLength(1);
    expect(report.liquidations[0]!.debtCovered).toBe(30n * 10n ** 18n);
    expect(report.liquidations[0]!.collateralSeized).toBe(
      BigInt(Math.round((seizedUsd - PROTOCOL_FEE_USD) * 1e6)),
    );
    expect(report.liquidations[0]!.protocolFeeUsd).toBe(PROTOCOL_FEE_USD);
    // 1.200 at the start, 0.998 (liquidatable) at minute 6, the lowest; under the 1.1 floor from minute 3 to the
    // liquidation (1.128 after it), and again from minute 8 (1.098) to the last sample: 4 + 1 minutes.
    const lowest = Math.min(...Array.from({ length: 10 }, (_, m) => healthAt(m)));
    expect(report.aaveHealth?.minHealthFactor).toBeCloseTo(lowest, 12);
    expect(report.aaveHealth?.minAtSec).toBe(T0 + 60 * (LIQUIDATED_AT - 1));
    const underMinutes = Array.from({ length: 9 }, (_, m) => m).filter((m) => healthAt(m) < FLOOR).length;
    expect(underMinutes).toBe(5);
    expect(report.aaveHealth?.secondsUnderFloor).toBe(underMinutes * 60);
    expect(report.aaveHealth?.floor).toBe(FLOOR);
  });

  it("a period without an Aave leg has no health figures and no liquidations", async () => {
    const report = performanceReport(
      await readReportPeriod(store, { bookId: REPORT_BOOK, fromSec: filled.fromSec, toSec: filled.toSec }),
    );
    expect(report.aaveHealth).toBeNull();
    expect(report.liquidations).toEqual([]);
    expect(report.attribution.total.liquidationBonusUsd).toBe(0);
  });
});
