import { describe, expect, it } from "vitest";
import { performanceReport, type ReportPoint } from "./performance-report.ts";

// A book of 10 base held as spot, hedged by a perp short of `hedgeBase` marked 2 bps above an index that sits
// 1 bp above the pool, over a zig-zag path of three days' hourly points.
function book(hedgeBase: number, target: number): ReportPoint[] {
  const points: ReportPoint[] = [];
  for (let i = 0; i < 72; i++) {
    const s = 2_000 * (1 + 0.02 * Math.sin(i * 1.3) + 0.001 * i);
    const index = s;
    const mark = index * 1.0002;
    points.push({
      timestampSec: i * 3_600,
      blockNumber: BigInt(i),
      basePriceUsd: s,
      lpValueUsd: 0,
      lpDeltaBase: 0,
      lpFeesOwedUsd: 0,
      spotBase: 10,
      hedgeValueUsd: -hedgeBase * (mark - 2_000),
      hedgeSizeBase: -hedgeBase,
      hedgePriceUsd: mark,
      carryUsd: 0,
      gasUsd: 0,
      venueFeesUsd: 0,
      slippageUsd: 0,
      hedgeTradedBase: 0,
      hedgeTradedAtQuoteUsd: 0,
      settledToCollateralUsd: 0,
      lpWithdrawnUsd: 0,
      lpFeesCollectedUsd: 0,
      driftBps: (hedgeBase / 10 - target) * 10_000 * 0.5,
      thresholdBps: 200,
      targetHedgeRatio: target,
      perpMarkPriceUsd: mark,
      perpIndexPriceUsd: index,
      poolPriceUsd: index / 1.0001,
    });
  }
  return points;
}

const empty = { depegEvents: [], plans: [], alerts: [] };

describe("performanceReport", () => {
  it("says how much of the period's carry was estimated from the funding rate, and nothing when the points do not tell", () => {
    const plain = performanceReport({ bookId: "b", points: book(6, 0.6), ...empty });
    expect(plain.carryEstimatedUsd).toBeNull();
    // Cumulative since the series began: the period's part is last − first.
    const told = book(6, 0.6).map((p, i) => ({
      ...p,
      carryUsd: i * 0.5,
      carryEstimatedUsd: i >= 40 ? 1.25 : 0.25,
    }));
    const report = performanceReport({ bookId: "b", points: told, ...empty });
    expect(report.carryEstimatedUsd).toBeCloseTo(1, 12);
    expect(report.attribution.total.carryUsd).toBeCloseTo(71 * 0.5, 9);
  });

  it("reports a one-step period: its attribution, and effectiveness blank with the reason, not an error", () => {
    const twoPoints = book(6, 0.6).slice(0, 2);
    const report = performanceReport({ bookId: "b", points: twoPoints, ...empty });
    expect(report.attribution.steps).toBe(1);
    expect(report.effectiveness.period.relative).toBeNull();
    expect(report.effectiveness.period.reason).toBe("1 changes (need 2)");
    expect(report.effectiveness.meetsFloor).toBeNull();
    // Positive control: three points (two changes) are judged.
    const threePoints = performanceReport({ bookId: "b", points: book(6, 0.6).slice(0, 3), ...empty });
    expect(threePoints.effectiveness.period.relative).not.toBeNull();
  });

  it("judges a hedge on its target as effective, and finds h* at the hedge it holds", () => {
    const report = performanceReport(
      { bookId: "b", points: book(6, 0.6), ...empty },
      { effectivenessFloor: 0.9 },
    );
    // The hedge moves with the mark (2 bps over the index): 6 × 1.0002 per 10 of item ≈ 0.6.
    expect(report.effectiveness.period.relative!.ederington).toBeGreaterThan(0.999);
    expect(report.effectiveness.meetsFloor).toBe(true);
    // A 0.6 hedge leaves 40% of every move: the minimum-variance ratio over the raw item is 1.
    expect(report.effectiveness.minVarianceHedgeRatio).toBeCloseTo(1, 3);
    expect(report.basis.markIndex.meanBps).toBeCloseTo(2, 6);
    expect(report.basis.indexPool.meanBps).toBeCloseTo(1, 3);
    expect(report.risk.buckets).toBe(3);
    expect(report.risk.varianceReduction).toBeGreaterThan(0);
    expect(report.rolling.correlation.mean).toBeCloseTo(-1, 6);
    // The chart's last point is the period's totals.
    const end = report.chart[report.chart.length - 1]!;
    expect(end.hedgedPnlUsd).toBeCloseTo(report.attribution.total.bookValueChangeUsd, 9);
    expect(end.unhedgedPnlUsd).toBeCloseTo(report.attribution.total.hedgedItemChangeUsd, 9);
  });

  it("finds an under-sized hedge below a floor its target would meet", () => {
    const report = performanceReport(
      { bookId: "b", points: book(3, 0.6), ...empty },
      { effectivenessFloor: 0.9 },
    );
    expect(report.effectiveness.period.relative!.ederington).toBeLessThan(0.9);
    expect(report.effectiveness.meetsFloor).toBe(false);
    expect(report.rebalances.count).toBe(0);
    expect(report.rebalances.outsideBandSec).toBe(71 * 3_600);
  });

  it("names a point's bad price", () => {
    const points = book(6, 0.6);
    points[5] = { ...points[5]!, perpIndexPriceUsd: 0 };
    expect(() => performanceReport({ bookId: "b", points, ...empty })).toThrow(
      /points\[5\]\.perpIndexPriceUsd/,
    );
  });
});
