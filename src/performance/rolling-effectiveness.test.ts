import { describe, expect, it } from "vitest";
import type { BookPoint } from "./attribution.ts";
import { correlationStability, rollingEffectiveness } from "./rolling-effectiveness.ts";

// The hedged item here is spot base only (spotBase × S), the hedge a value series handed in.
function series(prices: readonly number[], hedgeValues: readonly number[]): BookPoint[] {
  return prices.map((s, i) => ({
    timestampSec: i * 60,
    blockNumber: null,
    basePriceUsd: s,
    lpValueUsd: 0,
    lpDeltaBase: 0,
    lpFeesOwedUsd: 0,
    spotBase: 10,
    hedgeValueUsd: hedgeValues[i]!,
    hedgeSizeBase: -5,
    hedgePriceUsd: s,
    carryUsd: 0,
    gasUsd: 0,
    venueFeesUsd: 0,
    slippageUsd: 0,
    hedgeTradedBase: 0,
    hedgeTradedAtQuoteUsd: 0,
    settledToCollateralUsd: 0,
    lpWithdrawnUsd: 0,
    lpFeesCollectedUsd: 0,
  }));
}

const prices = [100, 103, 101, 98, 99, 104, 102, 97, 100, 101, 105];

describe("rollingEffectiveness", () => {
  it("finds a hedge exactly on a 0.5 target fully effective and perfectly anti-correlated in every window", () => {
    const hedge = prices.map((s) => -5 * (s - 100));
    const rolling = rollingEffectiveness(series(prices, hedge), { windowSteps: 4, targetHedgeRatio: 0.5 });
    expect(rolling).toHaveLength(prices.length - 1 - 3);
    expect(rolling[0]!.timestampSec).toBe(4 * 60);
    for (const p of rolling) {
      expect(p.correlation).toBeCloseTo(-1, 12);
      expect(p.ederington).toBeCloseTo(1, 9);
    }
  });

  it("matches a direct computation over each window's changes", () => {
    const hedge = prices.map((s, i) => -4 * (s - 100) + (i % 3) * 7);
    const rolling = rollingEffectiveness(series(prices, hedge), { windowSteps: 5, targetHedgeRatio: 0.8 });
    const dI = prices.slice(1).map((s, i) => 10 * (s - prices[i]!));
    const dH = hedge.slice(1).map((h, i) => h - hedge[i]!);
    for (let end = 5; end <= dI.length; end++) {
      const wi = dI.slice(end - 5, end);
      const wh = dH.slice(end - 5, end);
      const sII = wi.reduce((s, x) => s + x * x, 0);
      const sHH = wh.reduce((s, x) => s + x * x, 0);
      const sIH = wi.reduce((s, x, k) => s + x * wh[k]!, 0);
      const residual = wi.reduce((s, x, k) => s + (0.8 * x + wh[k]!) ** 2, 0);
      const p = rolling[end - 5]!;
      expect(p.correlation).toBeCloseTo(sIH / Math.sqrt(sII * sHH), 10);
      expect(p.ederington).toBeCloseTo(1 - residual / (0.64 * sII), 10);
    }
  });

  it("reports no correlation for a window where the item did not move", () => {
    const flat = [100, 100, 100, 100, 100];
    const rolling = rollingEffectiveness(series(flat, [0, 1, 2, 3, 4]), {
      windowSteps: 2,
      targetHedgeRatio: 1,
    });
    expect(rolling.every((p) => p.correlation === null && p.ederington === null)).toBe(true);
    expect(correlationStability(rolling)).toEqual({
      windows: 0,
      mean: null,
      std: null,
      min: null,
      max: null,
    });
  });

  it("summarizes the rolling correlation's stability: mean, spread, extremes", () => {
    const stability = correlationStability([
      { timestampSec: 1, correlation: -0.9, ederington: 0.8 },
      { timestampSec: 2, correlation: -0.5, ederington: 0.2 },
      { timestampSec: 3, correlation: null, ederington: null },
      { timestampSec: 4, correlation: -0.7, ederington: 0.5 },
    ]);
    expect(stability.windows).toBe(3);
    expect(stability.mean).toBeCloseTo(-0.7, 12);
    expect(stability.std).toBeCloseTo(Math.sqrt(0.08 / 3), 12);
    expect(stability.min).toBe(-0.9);
    expect(stability.max).toBe(-0.5);
  });

  it("refuses a window under 2 steps, naming it", () => {
    expect(() =>
      rollingEffectiveness(series(prices, prices), { windowSteps: 1, targetHedgeRatio: 1 }),
    ).toThrow(/windowSteps/);
  });
});
