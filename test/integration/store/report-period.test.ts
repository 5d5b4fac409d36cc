import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { performanceReport } from "../../../src/performance/performance-report.ts";
import type { HistoryStore } from "../../../src/store/history-store.ts";
import { openHistoryStore } from "../../../src/store/open-history-store.ts";
import { ReportPeriodError, readReportPeriod } from "../../../src/store/report-period.ts";
import { type FilledReportHistory, fillReportHistory, REPORT_BOOK } from "../../support/report-history.ts";

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
    expect(Math.abs(t.unexplainedUsd)).toBeLessThan(1e-6 * report.attribution.grossPnlUsd);
    expect(report.attribution.buckets.map((b) => b.steps)).toEqual([23, 24, 24]);
    expect(report.rebalances.count).toBe(1);
    expect(report.depegEvents.map((d) => [d.symbol, d.fromTier, d.toTier])).toEqual([
      ["USDC", "ok", "watch"],
      ["USDC", "watch", "ok"],
    ]);
    expect(report.plans.map((p) => p.planId)).toEqual(["plan-rebalance"]);
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
