import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { makeBook, makeParams, NOW_SEC } from "./book-fixture.test-support.ts";
import { evaluateBook } from "./book-metrics.ts";
import { decide } from "./decide.ts";
import type { BookSample } from "./snapshot.ts";
import { mulberry32 } from "./stress.ts";
import {
  distinctObservations,
  estimateSigma,
  ewmaVariancePerDay,
  realizedSigmaAnnual,
  SECONDS_PER_YEAR,
  SIGMA_DEFAULTS,
  type SigmaParams,
  sigmaParamsOf,
} from "./volatility.ts";

function sample(i: number, timestampSec: number, price: number, pool = price): BookSample {
  return {
    blockNumber: BigInt(i),
    timestampSec,
    basePriceUsd: price,
    lpValueUsd: 0,
    hedgeValueUsd: 0,
    perpMarkPriceUsd: price,
    perpIndexPriceUsd: price,
    poolPriceUsd: pool,
    fundingRateDaily: 0,
    perpSizeBase: 0,
  };
}

/** A geometric Brownian price path sampled every `stepSec` (Box–Muller normals from a seeded PRNG). */
function gbmPath(sigmaAnnual: number, stepSec: number, n: number, seed: number): number[] {
  const random = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const sigmaStep = sigmaAnnual * Math.sqrt(stepSec / SECONDS_PER_YEAR);
  let price = 3000;
  return Array.from({ length: n }, (_, i) => {
    if (i > 0) price *= Math.exp(sigmaStep * gauss() - (sigmaStep * sigmaStep) / 2);
    return price;
  });
}

function gbm(sigmaAnnual: number, stepSec: number, n: number, seed: number): BookSample[] {
  return gbmPath(sigmaAnnual, stepSec, n, seed).map((p, i) => sample(i, i * stepSec, p));
}

/**
 * A Chainlink-style feed over a per-block price path: a new round when the price moved ≥ deviation from the
 * last answer or the heartbeat passed; the pool follows the true price, or stays put when `poolFlat`.
 */
function oracleSamples(
  path: readonly number[],
  stepSec: number,
  options: { deviation: number; heartbeatSec: number; poolFlat?: boolean },
): BookSample[] {
  let answer = path[0]!;
  let updatedAt = 0;
  let round = (1n << 64n) | 1n;
  return path.map((p, i) => {
    const t = i * stepSec;
    if (Math.abs(p / answer - 1) >= options.deviation || t - updatedAt >= options.heartbeatSec) {
      answer = p;
      updatedAt = t;
      round += 1n;
    }
    return {
      ...sample(i, t, answer, options.poolFlat ? path[0]! : p),
      baseOracleRoundId: round,
      baseOracleUpdatedAtSec: updatedAt,
    };
  });
}

const PARAMS: SigmaParams = sigmaParamsOf(makeParams().risk);

describe("realized volatility (per-sample)", () => {
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

  it("reads 0 on a flat series (why decisions use estimateSigma)", () => {
    const flat = Array.from({ length: 240 }, (_, i) => sample(i, i * 12, 3000));
    expect(realizedSigmaAnnual(flat)).toBe(0);
  });
});

describe("sigma estimate: distinct observations, EWMA, floor, fallback", () => {
  it("a flat oracle over 240 blocks is unknown, not zero: the fallback with its reason", () => {
    const flat = Array.from({ length: 240 }, (_, i) => sample(i, NOW_SEC - 12 * (240 - i), 3000));
    const e = estimateSigma(flat, PARAMS);
    expect(e).toMatchObject({
      source: "fallback",
      sigmaAnnual: 0.6,
      observations: 1,
      moves: 0,
      series: null,
    });
    expect(e.reason).toMatch(/oracle: 0 distinct moves \(need 20\); pool: 0 distinct moves/);
  });

  it("no samples: the fallback", () => {
    expect(estimateSigma([], PARAMS)).toMatchObject({
      source: "fallback",
      sigmaAnnual: 0.6,
      reason: "no samples",
    });
  });

  it("heartbeat rounds at an unchanged price are observations but not moves: still the fallback", () => {
    const hourly = Array.from({ length: 72 }, (_, i) => ({
      ...sample(i, i * 3600, 3000),
      baseOracleRoundId: (1n << 64n) | BigInt(100 + i),
      baseOracleUpdatedAtSec: i * 3600,
    }));
    const e = estimateSigma(hourly, PARAMS);
    expect(e).toMatchObject({ source: "fallback", observations: 72, moves: 0 });
  });

  it("collapses repeated samples of one oracle round and times each round at its updatedAt", () => {
    const path = gbmPath(0.6, 12, 2_000, 3);
    const samples = oracleSamples(path, 12, { deviation: 0.005, heartbeatSec: 3600 });
    const rounds = new Set(samples.map((s) => s.baseOracleRoundId)).size;
    const obs = distinctObservations(samples, "oracle");
    expect(obs).toHaveLength(rounds);
    expect(obs.length).toBeLessThan(samples.length / 10);
    for (const o of obs.slice(1))
      expect(samples.find((s) => s.baseOracleUpdatedAtSec === o.timestampSec)).toBeDefined();
  });

  it("sparse: a deviation-triggered oracle over 5 days recovers σ (quadratic variation at stopping times)", () => {
    for (const seed of [11, 12, 13]) {
      const path = gbmPath(0.6, 12, 5 * 7_200, seed);
      const samples = oracleSamples(path, 12, { deviation: 0.005, heartbeatSec: 3600, poolFlat: true });
      const e = estimateSigma(samples, PARAMS);
      expect(e.source).toBe("realized");
      expect(e.series).toBe("oracle");
      expect(e.moves).toBeGreaterThan(100);
      expect(e.sigmaAnnual).toBeGreaterThan(0.6 * 0.85);
      expect(e.sigmaAnnual).toBeLessThan(0.6 * 1.15);
    }
  });

  it("sparse oracle, moving pool: the pool's distinct moves carry the estimate", () => {
    const path = gbmPath(0.6, 12, 240, 5);
    const samples = oracleSamples(path, 12, { deviation: 0.005, heartbeatSec: 3600 });
    const e = estimateSigma(samples, PARAMS);
    expect(e.series).toBe("pool");
    expect(e.moves).toBe(239);
    expect(e.realizedSigmaAnnual).toBeGreaterThan(0.45);
    expect(e.realizedSigmaAnnual).toBeLessThan(0.75);
  });

  it("sparse everywhere: a few rounds in an hour, pool flat → the fallback naming both series", () => {
    const path = gbmPath(0.3, 12, 300, 8);
    const samples = oracleSamples(path, 12, { deviation: 0.005, heartbeatSec: 3600, poolFlat: true });
    const e = estimateSigma(samples, PARAMS);
    expect(e.source).toBe("fallback");
    expect(e.reason).toMatch(/oracle: \d+ distinct moves/);
    expect(e.reason).toMatch(/pool: 0 distinct moves/);
  });

  it("noisy: every block moves, σ recovered from 20,000 blocks", () => {
    const e = estimateSigma(gbm(0.6, 12, 20_000, 1), PARAMS);
    expect(e).toMatchObject({ source: "realized", series: "oracle", moves: 19_999 });
    expect(e.sigmaAnnual).toBeCloseTo(0.6, 1);
  });

  it("too short a span is the fallback even with many moves", () => {
    const e = estimateSigma(gbm(0.6, 1, 100, 2), PARAMS); // 100 moves in 99 s
    expect(e.source).toBe("fallback");
    expect(e.reason).toMatch(/span 99s \(need 1800s\)/);
  });

  it("a realized σ below the floor is raised to it, and says so", () => {
    const tiny = Array.from({ length: 400 }, (_, i) => sample(i, i * 12, 3000 * (1 + (i % 2) * 1e-7)));
    const e = estimateSigma(tiny, PARAMS);
    expect(e.source).toBe("realized");
    expect(e.realizedSigmaAnnual!).toBeLessThan(SIGMA_DEFAULTS.sigmaFloorAnnual);
    expect(e.sigmaAnnual).toBe(SIGMA_DEFAULTS.sigmaFloorAnnual);
    expect(e.reason).toMatch(/below the floor/);
  });

  it("on equal daily steps the EWMA is RiskMetrics' λ-weighted average of squared returns (λ = 0.94)", () => {
    const random = mulberry32(4);
    const prices = [100];
    for (let i = 0; i < 60; i++) prices.push(prices[i]! * Math.exp((random() - 0.5) * 0.08));
    const obs = prices.map((p, i) => ({ timestampSec: i * 86_400, priceUsd: p }));
    // Independent: σ² = Σ λ^k r²_{n−k} / Σ λ^k, k = 0 for the latest return.
    let num = 0;
    let den = 0;
    for (let k = 0; k < 60; k++) {
      const r = Math.log(prices[60 - k]! / prices[59 - k]!);
      num += 0.94 ** k * r * r;
      den += 0.94 ** k;
    }
    const got = ewmaVariancePerDay(obs, 0.94, 60 * 86_400);
    expect(got.variancePerDay).toBeCloseTo(num / den, 14);
    expect(got.moves).toBe(60);
  });

  it("irregular intervals: decay λ^(Δt/day), squared returns over the time they span", () => {
    // Two returns: 0.02 over 6 h, then −0.01 over 2 days; the price holds 12 h more.
    const obs = [
      { timestampSec: 0, priceUsd: 100 },
      { timestampSec: 6 * 3600, priceUsd: 100 * Math.exp(0.02) },
      { timestampSec: 6 * 3600 + 2 * 86_400, priceUsd: 100 * Math.exp(0.01) },
    ];
    const end = 6 * 3600 + 2.5 * 86_400;
    const l = 0.94;
    const num = l ** 0.5 * (l ** 2 * 0.02 ** 2 + 0.01 ** 2);
    const den = l ** 0.5 * (l ** 2 * 0.25 + 2) + 0.5;
    expect(ewmaVariancePerDay(obs, l, end).variancePerDay).toBeCloseTo(num / den, 15);
  });

  it("never reads 0 or a non-finite value, whatever the history (floor > 0)", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: 3600 }),
            fc.oneof(fc.constant(0), fc.double({ min: -0.05, max: 0.05, noNaN: true })),
          ),
          { maxLength: 300 },
        ),
        (steps) => {
          let t = 0;
          let p = 3000;
          const samples = steps.map(([dt, r], i) => {
            t += dt;
            p *= Math.exp(r);
            return sample(i, t, p);
          });
          const e = estimateSigma(samples, PARAMS);
          return Number.isFinite(e.sigmaAnnual) && e.sigmaAnnual >= SIGMA_DEFAULTS.sigmaFloorAnnual;
        },
      ),
      { numRuns: 300 },
    );
  });

  it("evaluateBook reports how σ was arrived at", () => {
    const book = makeBook();
    book.samples = Array.from({ length: 240 }, (_, i) => sample(i, NOW_SEC - 12 * (240 - i), 3000));
    const m = evaluateBook(book, makeParams(), NOW_SEC);
    expect(m.sigmaAnnual).toBe(0.6);
    expect(m.sigmaSource).toBe("fallback");
    expect(m.sigma.reason).toMatch(/distinct moves/);
  });
});

describe("a quiet market never stops hedging", () => {
  it("−1,804 bps of drift with 240 blocks at one oracle price: the same plan as with no samples", () => {
    const book = makeBook({ hedgeRatio: 0.5 });
    const none = decide(book, makeParams(), NOW_SEC);
    const flat = Array.from({ length: 240 }, (_, i) =>
      sample(i, book.blockTimestampSec - 12 * (239 - i), 3000),
    );
    const quiet = decide({ ...book, samples: flat }, makeParams(), NOW_SEC);
    expect(none.kind).toBe("plan");
    expect(quiet).toEqual(none);
  });

  it("property: drift beyond the arm band and costs below the risk removed at the fallback σ → a flat history still plans", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.double({ min: 0.3, max: 0.97, noNaN: true }),
          fc.double({ min: 1.03, max: 1.6, noNaN: true }),
        ),
        fc.integer({ min: 0, max: 600 }),
        fc.constantFrom(1, 12, 60, 3600),
        fc.double({ min: 1, max: 1_000, noNaN: true }),
        fc.boolean(),
        (hedgeRatio, n, stepSec, gasPriceGwei, withRounds) => {
          const book = makeBook({ hedgeRatio });
          const params = makeParams();
          params.costs.gasPriceGwei = gasPriceGwei;
          const m = evaluateBook(book, params, NOW_SEC);
          const none = decide(book, params, NOW_SEC, m);
          // The premise: beyond the arm band, and a hedge trade that pays at the fallback σ.
          fc.pre(Math.abs(m.drift.driftBps) > params.armBps);
          fc.pre(none.kind === "plan" && none.plan.actions.some((a) => a.kind === "perp.adjustPosition"));
          const price = m.basePriceUsd;
          const end = book.blockTimestampSec;
          const flat = Array.from({ length: n }, (_, i) => ({
            ...sample(i, end - stepSec * (n - 1 - i), price),
            ...(withRounds
              ? {
                  baseOracleRoundId: (1n << 64n) | BigInt(1 + Math.floor((i * stepSec) / 3600)),
                  baseOracleUpdatedAtSec: end - stepSec * (n - 1 - i),
                }
              : {}),
          }));
          const quiet = decide({ ...book, samples: flat }, params, NOW_SEC);
          expect(quiet.kind).toBe("plan");
          expect(quiet).toEqual(none);
        },
      ),
      { numRuns: 150 },
    );
  });
});
