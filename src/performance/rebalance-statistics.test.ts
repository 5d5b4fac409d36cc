import { describe, expect, it } from "vitest";
import { type BandPoint, rebalanceStatistics } from "./rebalance-statistics.ts";

function at(t: number, sizeBase: number, priceUsd: number, driftBps: number): BandPoint {
  return {
    timestampSec: t,
    blockNumber: null,
    basePriceUsd: priceUsd,
    lpValueUsd: 0,
    lpDeltaBase: 0,
    lpFeesOwedUsd: 0,
    spotBase: 0,
    hedgeValueUsd: 0,
    hedgeSizeBase: sizeBase,
    hedgePriceUsd: priceUsd,
    carryUsd: 0,
    gasUsd: 0,
    venueFeesUsd: 0,
    slippageUsd: 0,
    hedgeTradedBase: 0,
    hedgeTradedAtQuoteUsd: 0,
    settledToCollateralUsd: 0,
    lpWithdrawnUsd: 0,
    lpFeesCollectedUsd: 0,
    driftBps,
    thresholdBps: 100,
  };
}

describe("rebalanceStatistics", () => {
  it("counts size changes as rebalances, their notional as turnover, and times drift outside the band", () => {
    const stats = rebalanceStatistics([
      at(0, -10, 2_000, 20), // inside, over-hedged: 60 s
      at(60, -10, 2_100, -150), // outside, under: 30 s
      at(90, -12, 2_100, 5), // rebalance of 2 at 2,100; inside, over: 10 s
      at(100, -12, 1_900, 180), // outside, over: 20 s
      at(120, -9, 1_900, 0), // rebalance of 3 at 1,900
    ]);
    expect(stats.count).toBe(2);
    expect(stats.turnoverUsd).toBeCloseTo(2 * 2_100 + 3 * 1_900, 9);
    expect(stats.outsideBandSec).toBe(50);
    expect(stats.overHedgedOutsideBandSec).toBe(20);
    expect(stats.overHedgedSec).toBe(90);
    expect(stats.periodSec).toBe(120);
  });

  it("does not count a size change below the noise floor as a trade", () => {
    const stats = rebalanceStatistics([at(0, -10, 2_000, 0), at(12, -10 + 1e-12, 2_000, 0)]);
    expect(stats.count).toBe(0);
    expect(stats.turnoverUsd).toBe(0);
  });

  it("refuses a point without a band, naming it", () => {
    expect(() => rebalanceStatistics([at(0, 0, 1, 0), { ...at(1, 0, 1, 0), thresholdBps: 0 }])).toThrow(
      /points\[1\]\.thresholdBps/,
    );
  });
});
