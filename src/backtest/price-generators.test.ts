import { describe, expect, it } from "vitest";
import { generatePricePath, type PathSpec } from "./price-generators.ts";

const YEAR_OF_HOURS: PathSpec = {
  model: "gbm",
  seed: 42,
  startSec: 1_700_000_000,
  stepSec: 3_600,
  steps: 365 * 24,
  startPriceUsd: 3000,
  driftAnnual: 0,
  sigmaAnnual: 0.6,
};

function logReturns(prices: readonly number[]): number[] {
  return prices.slice(1).map((p, i) => Math.log(p / prices[i]!));
}

function std(xs: readonly number[]): number {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
}

describe("generatePricePath", () => {
  it("is deterministic in its seed", () => {
    expect(generatePricePath(YEAR_OF_HOURS)).toEqual(generatePricePath(YEAR_OF_HOURS));
    expect(generatePricePath({ ...YEAR_OF_HOURS, seed: 43 })[100]!.basePriceUsd).not.toBe(
      generatePricePath(YEAR_OF_HOURS)[100]!.basePriceUsd,
    );
  });

  it("gives GBM log returns of the configured volatility", () => {
    const path = generatePricePath(YEAR_OF_HOURS);
    expect(path[0]!.basePriceUsd).toBe(3000);
    expect(path[1]!.timestampSec - path[0]!.timestampSec).toBe(3_600);
    const sigma = std(logReturns(path.map((p) => p.basePriceUsd))) * Math.sqrt(365 * 24);
    // 8,760 returns: the sample σ is within ~1.5% (2 standard errors) of 0.6.
    expect(sigma).toBeGreaterThan(0.58);
    expect(sigma).toBeLessThan(0.62);
  });

  it("adds jumps: fat tails beyond what the diffusion gives", () => {
    const jumps = generatePricePath({
      ...YEAR_OF_HOURS,
      model: "jump",
      sigmaAnnual: 0.3,
      jumpsPerYear: 50,
      jumpMeanLog: 0,
      jumpSigmaLog: 0.08,
    });
    const returns = logReturns(jumps.map((p) => p.basePriceUsd));
    const s = std(returns);
    const beyond4Sigma = returns.filter((r) => Math.abs(r) > 4 * s).length;
    // A normal series of 8,760 has ~0.6 returns beyond 4σ; 50 jumps of 8% against 0.3%-per-hour diffusion give dozens.
    expect(beyond4Sigma).toBeGreaterThan(20);
  });

  it("drifts: a slow trend shows in the end price", () => {
    const drift = generatePricePath({
      ...YEAR_OF_HOURS,
      model: "drift",
      driftAnnual: 0.5,
      sigmaAnnual: 0.02,
    });
    const endPrice = drift[drift.length - 1]!.basePriceUsd;
    // e^0.5 ≈ 1.65 over the year, within a few σ of 2%.
    expect(endPrice / 3000).toBeGreaterThan(1.55);
    expect(endPrice / 3000).toBeLessThan(1.75);
  });

  it("spreads the day's volume over its steps, and carries the funding rate", () => {
    const path = generatePricePath({
      ...YEAR_OF_HOURS,
      volumeUsdPerDay: 24_000_000,
      fundingRateDaily: 0.0001,
    });
    const total = path.reduce((a, p) => a + p.poolVolumeUsd!, 0);
    expect(total / 365).toBeGreaterThan(23_000_000);
    expect(total / 365).toBeLessThan(25_000_000);
    expect(path.every((p) => p.fundingRateDaily === 0.0001)).toBe(true);
  });

  it("names a bad parameter", () => {
    expect(() => generatePricePath({ ...YEAR_OF_HOURS, steps: 1 })).toThrow(/steps/);
    expect(() => generatePricePath({ ...YEAR_OF_HOURS, startPriceUsd: 0 })).toThrow(/startPriceUsd/);
  });
});
