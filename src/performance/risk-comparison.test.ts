import { describe, expect, it } from "vitest";
import type { PnlBucket } from "./attribution.ts";
import { compareRisk, historicalVarEs, maxDrawdown } from "./risk-comparison.ts";

function bucket(day: number, hedged: number, unhedged: number): PnlBucket {
  return {
    startSec: day * 86_400,
    endSec: (day + 1) * 86_400,
    steps: 1,
    deltaUsd: 0,
    gammaUsd: 0,
    feesEarnedUsd: 0,
    hedgePriceUsd: 0,
    carryUsd: 0,
    gasUsd: 0,
    venueFeesUsd: 0,
    slippageUsd: 0,
    liquidationBonusUsd: 0,
    settledToCollateralUsd: 0,
    lpWithdrawnUsd: 0,
    lpFeesCollectedUsd: 0,
    hedgedItemChangeUsd: unhedged,
    hedgeChangeUsd: hedged - unhedged,
    bookValueChangeUsd: hedged,
    unexplainedUsd: 0,
  };
}

describe("maxDrawdown", () => {
  it("is the largest fall of the running sum from its peak, counted from a start at zero", () => {
    // Running sum: 5, 2, 6, −1, 3 → peak 6, trough −1.
    expect(maxDrawdown([5, -3, 4, -7, 4])).toBe(7);
    // Losing from the start is a drawdown from 0.
    expect(maxDrawdown([-2, -3, 1])).toBe(5);
    expect(maxDrawdown([1, 2, 3])).toBe(0);
  });
});

describe("historicalVarEs", () => {
  it("reads VaR off the interpolated loss quantile and ES as the mean of the tail at or beyond it", () => {
    // 21 outcomes −10..10: the 5% quantile sits at position 20 × 0.05 = 1, the second-worst outcome (−9).
    const pnl = Array.from({ length: 21 }, (_, i) => i - 10).reverse();
    const { varUsd, esUsd } = historicalVarEs(pnl, 0.95);
    expect(varUsd).toBe(9);
    expect(esUsd).toBe(9.5);
    expect(esUsd).toBeGreaterThanOrEqual(varUsd);
  });
});

describe("compareRisk", () => {
  it("measures a hedge that halves each day's P&L as removing three quarters of the variance", () => {
    const unhedged = [120, -80, 40, -200, 60, 10];
    const buckets = unhedged.map((u, day) => bucket(day, u / 2, u));
    const risk = compareRisk(buckets);
    expect(risk.varianceReduction).toBeCloseTo(0.75, 12);
    const m = unhedged.reduce((s, x) => s + x, 0) / unhedged.length;
    const sd = Math.sqrt(unhedged.reduce((s, x) => s + (x - m) ** 2, 0) / unhedged.length);
    expect(risk.unhedged.volatilityUsd).toBeCloseTo(sd, 9);
    expect(risk.hedged.volatilityUsd).toBeCloseTo(sd / 2, 9);
    expect(risk.hedged.maxDrawdownUsd).toBeCloseTo(risk.unhedged.maxDrawdownUsd / 2, 9);
    expect(risk.hedged.totalUsd).toBeCloseTo(-25, 9);
    expect(risk.reason).toBeNull();
  });

  it("leaves the bucket statistics blank with the reason when the period has one bucket", () => {
    const risk = compareRisk([bucket(0, 3, 10)]);
    expect(risk.varianceReduction).toBeNull();
    expect(risk.hedged.volatilityUsd).toBeNull();
    expect(risk.unhedged.valueAtRiskUsd).toBeNull();
    expect(risk.reason).toMatch(/1 bucket/);
    // What one bucket can still say.
    expect(risk.hedged.totalUsd).toBe(3);
  });

  it("refuses a confidence outside (0, 1), naming it", () => {
    expect(() => compareRisk([bucket(0, 1, 1), bucket(1, 2, 2)], { confidence: 1 })).toThrow(/confidence/);
  });
});
