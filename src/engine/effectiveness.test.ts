import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  correlation,
  dollarOffsetRatio,
  effectivenessWindows,
  hedgeEffectiveness,
  minVarianceHedgeRatio,
} from "./effectiveness.ts";
import { EngineInputError } from "./errors.ts";
import { syntheticSamples } from "./samples-fixture.test-support.ts";
import { mulberry32 } from "./stress.ts";

describe("hedge effectiveness", () => {
  it("h* = ρ·σS/σF (Hull ch. 3): a hedge that moves half as much needs twice the size", () => {
    const spot = [1, -2, 3, 0.5, -1];
    expect(
      minVarianceHedgeRatio(
        spot,
        spot.map((x) => x / 2),
      ),
    ).toBeCloseTo(2, 12);
  });

  it("Ederington effectiveness equals ρ² when hedged at h* (Ederington 1979)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), (seed) => {
        const random = mulberry32(seed);
        const f = Array.from({ length: 50 }, () => random() - 0.5);
        const s = f.map((x) => 0.8 * x + (random() - 0.5) * 0.3);
        const h = minVarianceHedgeRatio(s, f);
        const hedged = s.map((x, i) => x - h * f[i]!);
        const rho = correlation(s, f);
        return Math.abs(hedgeEffectiveness(s, hedged) - rho * rho) < 1e-9;
      }),
      { numRuns: 300 },
    );
  });

  it("dollar offset is highly effective within 80%–125% only", () => {
    expect(dollarOffsetRatio(-90, 100)).toEqual({ ratio: 0.9, highlyEffective: true });
    expect(dollarOffsetRatio(-130, 100).highlyEffective).toBe(false);
    expect(dollarOffsetRatio(50, 100)).toEqual({ ratio: -0.5, highlyEffective: false });
    expect(() => dollarOffsetRatio(1, 0)).toThrow(/hedgedItemChange/);
  });

  it("rejects empty, short, non-finite and mismatched series", () => {
    expect(() => minVarianceHedgeRatio([], [])).toThrow(EngineInputError);
    expect(() => minVarianceHedgeRatio([1, 2, 3], [1, 2])).toThrow(/length/);
    expect(() => hedgeEffectiveness([1, Number.NaN, 3], [1, 2, 3])).toThrow(/unhedgedChanges\[1\]/);
    expect(() => hedgeEffectiveness([1, 1, 1], [1, 2, 3])).toThrow(/zero variance/);
  });

  it("a well-sized hedge on a rolling window: ρ ≈ −1, R² >= 0.8, most variance removed, funding carry earned", () => {
    const [w] = effectivenessWindows(syntheticSamples(300, 1), [200]);
    expect(w!.correlation).toBeLessThan(-0.8);
    expect(w!.regressionPasses).toBe(true);
    expect(w!.ederington).toBeGreaterThan(0.6);
    expect(w!.minVarianceHedgeMultiple).toBeGreaterThan(0.8);
    expect(w!.basisMarkIndexBps.mean).toBeCloseTo(5, 6);
    expect(w!.fundingCarryUsdPerYear).toBeGreaterThan(0);
    expect(w!.costPerUnitRiskRemoved).toBeLessThan(0); // paid to remove risk
    expect(Math.abs(w!.residualDeltaBase)).toBeLessThan(20);
  });

  it("a half-sized hedge shows it: the min-variance multiple is about 2", () => {
    const [w] = effectivenessWindows(syntheticSamples(300, 0.5), [250]);
    expect(w!.minVarianceHedgeMultiple).toBeGreaterThan(1.6);
    expect(w!.residualDeltaBase).toBeGreaterThan(30);
  });

  it("refuses a window larger than the history", () => {
    expect(() => effectivenessWindows(syntheticSamples(10, 1), [20])).toThrow(/needs 20 samples/);
  });
});
