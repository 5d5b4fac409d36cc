import { describe, expect, it } from "vitest";
import type { BookSample } from "./snapshot.ts";
import { mulberry32 } from "./stress.ts";
import { realizedSigmaAnnual, SECONDS_PER_YEAR } from "./volatility.ts";

function gbm(sigmaAnnual: number, stepSec: number, n: number, seed: number): BookSample[] {
  const random = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const sigmaStep = sigmaAnnual * Math.sqrt(stepSec / SECONDS_PER_YEAR);
  let price = 3000;
  return Array.from({ length: n }, (_, i) => {
    if (i > 0) price *= Math.exp(sigmaStep * gauss());
    return {
      blockNumber: BigInt(i),
      timestampSec: i * stepSec,
      basePriceUsd: price,
      lpValueUsd: 0,
      hedgeValueUsd: 0,
      perpMarkPriceUsd: price,
      perpIndexPriceUsd: price,
      poolPriceUsd: price,
      fundingRateDaily: 0,
      perpSizeBase: 0,
    };
  });
}

describe("realized volatility", () => {
  it("recovers the annual sigma of a simulated 12-second-block price path", () => {
    expect(realizedSigmaAnnual(gbm(0.6, 12, 20_000, 1))).toBeCloseTo(0.6, 1);
  });

  it("is null with too few samples, so the book's fallback sigma is used", () => {
    expect(realizedSigmaAnnual(gbm(0.6, 12, 2, 1))).toBeNull();
  });

  it("rejects non-positive prices and samples out of time order", () => {
    const samples = gbm(0.6, 12, 10, 1);
    samples[4] = { ...samples[4]!, basePriceUsd: 0 };
    expect(() => realizedSigmaAnnual(samples)).toThrow(/basePriceUsd/);
    const shuffled = gbm(0.6, 12, 10, 1);
    shuffled[5] = { ...shuffled[5]!, timestampSec: 0 };
    expect(() => realizedSigmaAnnual(shuffled)).toThrow(/time order/);
  });
});
