import { describe, expect, it } from "vitest";
import { makeBook, makeParams, NOW_SEC } from "../src/engine/book-fixture.test-support.ts";
import { evaluateBook } from "../src/engine/book-metrics.ts";
import type { HedgedSeriesPoint } from "../src/engine/effectiveness.ts";
import type { RealizedExecutionFacts } from "../src/engine/realized-cost.ts";
import { syntheticSamples } from "../src/engine/samples-fixture.test-support.ts";
import type { BookSample } from "../src/engine/snapshot.ts";
import { mulberry32 } from "../src/engine/stress.ts";
import { bookSampleOf } from "../src/indexers/book-sample.ts";
import {
  EFFECTIVENESS_WINDOWS,
  evaluationHistory,
  RESIDUAL_RISK_HORIZON_SEC,
  residualRiskOf,
  type StoredWindowSeries,
  statusOf,
  stewardWindowsOf,
} from "./evaluation-history.ts";

const T0 = 1_750_000_000;

function historyOf(
  options: Parameters<typeof makeBook>[0],
  previous: BookSample[] = syntheticSamples(0, 1),
  stored: StoredWindowSeries | null = null,
  executions: RealizedExecutionFacts[] = [],
) {
  const snapshot = makeBook(options);
  const params = makeParams();
  const metrics = evaluateBook(snapshot, params, NOW_SEC);
  const sample = { ...bookSampleOf(snapshot, metrics), blockNumber: 21_000_000n + BigInt(previous.length) };
  sample.timestampSec = T0 + 12 * previous.length;
  return {
    params,
    metrics,
    rows: evaluationHistory({
      chainId: 1,
      snapshot,
      params,
      metrics,
      sample,
      previous,
      stored,
      executions,
      nowSec: NOW_SEC,
    }),
  };
}

/**
 * A book of LP + spot (the hedged item, moving 160 USD per dollar of ETH) hedged to `targetHedgeRatio`: the hedge
 * offsets that share of the item's moves, plus a little noise of its own. One sample every `stepSec`.
 */
function hedgedSeries(n: number, targetHedgeRatio: number, stepSec = 12, seed = 11): BookSample[] {
  const random = mulberry32(seed);
  let eth = 3000;
  return Array.from({ length: n }, (_, i) => {
    eth *= 1 + (random() - 0.5) * 0.004;
    const item = 1_000_000 + 160 * (eth - 3000);
    return {
      blockNumber: 20_000_000n + BigInt(i),
      timestampSec: T0 - (n - i) * stepSec,
      basePriceUsd: eth,
      lpValueUsd: item - 40 * eth,
      hedgedItemValueUsd: item,
      hedgeValueUsd: -targetHedgeRatio * 160 * (eth - 3000) + (random() - 0.5) * 20,
      perpMarkPriceUsd: eth * 1.0005,
      perpIndexPriceUsd: eth,
      poolPriceUsd: eth * 0.9999,
      fundingRateDaily: 0.0003,
      perpSizeBase: -96,
    };
  });
}

describe("what an evaluation leaves in the history", () => {
  it("records the drift against the arm band, the hedge ratio and IL beside the engine's sample", () => {
    const { rows, metrics, params } = historyOf({ hedgeRatio: 0.8 });
    expect(rows.sample.driftBps).toBe(metrics.drift.driftBps);
    expect(rows.sample.thresholdBps).toBe(params.armBps);
    expect(rows.sample.hedgeRatio).toBeCloseTo(0.8, 2);
    expect(rows.sample.lpValueUsd).toBeGreaterThan(0);
    expect(rows.status.status).toBe("act");
    expect(rows.depeg.map((d) => d.symbol)).toEqual(metrics.depeg.map((d) => d.symbol));
  });

  it("keeps the first block the funding-settlement scan covered with the attribution inputs, null when unknown", () => {
    const snapshot = makeBook({ hedgeRatio: 0.8 });
    const params = makeParams();
    const metrics = evaluateBook(snapshot, params, NOW_SEC);
    const input = {
      chainId: 1,
      snapshot,
      params,
      metrics,
      sample: bookSampleOf(snapshot, metrics),
      previous: [],
      stored: null,
      executions: [],
      nowSec: NOW_SEC,
    };
    const scanned = evaluationHistory({ ...input, fundingScannedFromBlock: snapshot.blockNumber - 4n });
    expect(scanned.sample.attribution?.fundingScannedFromBlock).toBe(snapshot.blockNumber - 4n);
    expect(evaluationHistory(input).sample.attribution?.fundingScannedFromBlock).toBeNull();
  });

  it("carries the standard stress table, every shock labelled and net = LP + hedge + spot", () => {
    const { rows } = historyOf({});
    const stress = rows.status.detail.stress;
    expect(stress.map((r) => r.shock)).toContain("price -30.0%");
    expect(stress.map((r) => r.shock)).toContain("USDC at $0.8774");
    for (const r of stress) expect(r.netPnlUsd).toBeCloseTo(r.lpPnlUsd + r.hedgePnlUsd + r.spotPnlUsd!, 6);
    expect(rows.status.detail.stressProblem).toBeNull();
  });

  it("gives each stress row the venue's margin ratio after it and the liquidation it crosses, if any", () => {
    const { rows, metrics } = historyOf({ marginRatio: 0.12 });
    const byShock = new Map(rows.status.detail.stress.map((r) => [r.shock, r]));
    const rally = byShock.get("price +30.0%")!;
    // A short at 12% margin is liquidated by a 30% rally: part of it is taken over, at a penalty, a loss locked in.
    expect(rally.liquidated).toBe(true);
    expect(rally.liquidationPriceUsd).toBeCloseTo(metrics.perp!.liquidationPrice!, 6);
    expect(rally.liquidationMovePct).toBeGreaterThan(0);
    expect(rally.liquidationMovePct).toBeLessThan(0.3);
    expect(rally.liquidatedFraction).toBeGreaterThan(0);
    expect(rally.liquidationPenaltyUsd).toBeGreaterThan(0);
    expect(rally.liquidationLossUsd).toBeGreaterThan(0);
    const crash = byShock.get("price -30.0%")!;
    expect(crash.liquidated).toBe(false);
    expect(crash.marginRatioAfter).toBeGreaterThan(metrics.perp!.marginRatio!);
    expect(rows.status.detail.perp).toMatchObject({
      liquidationPriceUsd: metrics.perp!.liquidationPrice,
      liquidationMovePct: rally.liquidationMovePct,
    });
  });

  it("stresses the measured hedge correlation, from the live window, down to 0.5", () => {
    const { rows } = historyOf({}, hedgedSeries(60, 1));
    const live = rows.status.detail.targetEffectiveness[0]!;
    expect(live.correlation).not.toBeNull();
    expect(rows.status.detail.stress.map((r) => r.shock)).toContain(
      `spot -10.0%, hedge ρ ${Math.abs(live.correlation!).toFixed(2)} → 0.5`,
    );
  });

  it("reports the σ used with its source and reason, LP gamma, LVR's sensitivity to σ and the basis", () => {
    const { rows, metrics } = historyOf({});
    const detail = rows.status.detail;
    expect(detail.sigma).toMatchObject({
      annual: metrics.sigmaAnnual,
      source: "fallback",
      series: null,
      realizedAnnual: null,
    });
    expect(detail.sigma.reason).toMatch(/too little price data|no samples/);
    expect(detail.lp.gammaBase).toBeLessThan(0);
    expect(detail.lp.gammaUsdPer1Pct).toBeCloseTo(metrics.lpGammaUsdPer1Pct, 9);
    // LVR ∝ σ²: d LVR / dσ = 2·LVR/σ.
    expect(detail.lp.lvrUsdPerYearPerSigma).toBeCloseTo(
      (2 * detail.lp.lvrUsdPerYear) / detail.sigma.annual,
      6,
    );
    expect(detail.basis.markIndexBps).toBeCloseTo(5, 6); // the fixture's mark is 5 bps over index
    expect(detail.basis.indexPoolBps).not.toBeNull();
    expect(Math.abs(detail.basis.indexPoolBps!)).toBeLessThan(5);
  });

  it("reports no effectiveness until a steward window is measured, then the longest one's against the target", () => {
    expect(historyOf({}).rows.status.effectiveness).toBeNull();
    expect(historyOf({}).rows.status.effectivenessWindow).toBeNull();
    const enough = historyOf({}, hedgedSeries(EFFECTIVENESS_WINDOWS[1] + 5, 1));
    const windows = enough.rows.status.detail.effectiveness;
    expect(windows.map((w) => w.samples)).toEqual([EFFECTIVENESS_WINDOWS[0], EFFECTIVENESS_WINDOWS[1]]);
    const live = enough.rows.status.detail.targetEffectiveness[0]!;
    expect(live.label).toBe("live");
    expect(enough.rows.status.effectivenessWindow).toBe("live");
    expect(enough.rows.status.effectiveness).toBe(live.relative!.ederington);
    expect(enough.rows.effectivenessByWindow).toEqual({ live: live.relative!.ederington });
  });

  it("summarizes the book's mined plans into its detail: last and average slippage, cost per risk removed", () => {
    const mined = (planId: string, slippageBps: number, minedAtSec: number): RealizedExecutionFacts => ({
      planId,
      minedAtSec,
      slippageBps,
      notionalUsd: 10_000,
      gasUsd: 2,
      feesUsd: 10,
      slippageUsd: slippageBps,
      totalCostUsd: 12 + slippageBps,
      expectedCostUsd: 20,
      riskRemovedUsd: 400,
    });
    const { rows } = historyOf({ hedgeRatio: 0.9 }, undefined, null, [
      mined("b", 14, T0 + 60),
      mined("a", 6, T0),
    ]);
    expect(rows.status.detail.realizedExecution).toEqual({
      windowSec: 30 * 86_400,
      plans: 2,
      lastPlanId: "b",
      lastMinedAtSec: T0 + 60,
      lastSlippageBps: 14,
      averageSlippageBps: 10,
      costPerRiskRemoved: (26 + 18) / 800,
      expectedCostPerRiskRemoved: 40 / 800,
      totals: { gasUsd: 4, feesUsd: 20, slippageUsd: 20, costUsd: 44, expectedCostUsd: 40 },
    });
    // Positive control: no plan mined reads blank, not zero.
    expect(historyOf({ hedgeRatio: 0.9 }).rows.status.detail.realizedExecution.lastSlippageBps).toBeNull();
  });

  it("leaves the timed windows blank, saying why, without a history store", () => {
    const { rows } = historyOf({}, hedgedSeries(30, 1));
    const target = rows.status.detail.targetEffectiveness;
    expect(target.map((w) => w.label)).toEqual(["live", "1h", "1d", "7d", "30d"]);
    for (const w of target.slice(1)) {
      expect(w).toMatchObject({ source: "history", reason: "no history store", raw: null, relative: null });
    }
  });

  it("a residual VaR and ES of the hedged book over the next hour, ES beyond VaR, blank with its reason when too short", () => {
    const params = makeParams();
    const risk = residualRiskOf(hedgedSeries(240, 1), params);
    expect(risk).toMatchObject({ horizonSec: RESIDUAL_RISK_HORIZON_SEC, samples: 240, reason: null });
    expect(risk.confidence).toBeCloseTo(0.95, 3);
    expect(risk.valueAtRiskUsd).toBeGreaterThan(0);
    expect(risk.expectedShortfallUsd).toBeGreaterThanOrEqual(risk.valueAtRiskUsd!);
    // The same book without its hedge: the residual is the whole item's risk.
    const bare = residualRiskOf(
      hedgedSeries(240, 1).map((s) => ({ ...s, hedgeValueUsd: 0 })),
      params,
    );
    expect(bare.valueAtRiskUsd).toBeGreaterThan(5 * risk.valueAtRiskUsd!);
    expect(residualRiskOf(hedgedSeries(2, 1), params)).toMatchObject({
      valueAtRiskUsd: null,
      expectedShortfallUsd: null,
      reason: "2 samples (need 3)",
    });
  });
});

describe("the steward windows", () => {
  it("read a book hedged on its 0.6 target as effective against the target, and as 60% against the whole item", () => {
    const live = hedgedSeries(240, 0.6);
    const [w] = stewardWindowsOf(live, null, 0.6);
    expect(w).toMatchObject({ label: "live", source: "blocks", samples: 240, reason: null });
    expect(w!.relative!.effective).toBe(true);
    expect(w!.relative!.ederington).toBeGreaterThan(0.95);
    expect(w!.relative!.dollarOffset).toBeCloseTo(1, 1);
    expect(w!.relative!.minVarianceMultiple).toBeCloseTo(1, 1);
    expect(w!.realizedHedgeRatio).toBeCloseTo(0.6, 2);
    // Against the whole item the same hedge removes 1 − 0.4² of the variance and offsets 60% of it: not "effective".
    expect(w!.raw!.ederington).toBeCloseTo(0.84, 1);
    expect(w!.raw!.dollarOffset).toBeCloseTo(0.6, 1);
    expect(w!.raw!.effective).toBe(false);
  });

  it("measure the timed windows on the history store's series, with this block appended", () => {
    // Thirty days of the store's downsampled series (one point per 3 h for 30 d, per 15 s for 1 h).
    const days = hedgedSeries(30 * 8 + 1, 0.6, 3 * 3_600, 5);
    const hour = hedgedSeries(241, 0.6, 15, 6);
    const live = hedgedSeries(240, 0.6, 12, 7);
    const current = { ...live.at(-1)!, blockNumber: 30_000_000n, timestampSec: T0 };
    // What the store holds from this block on is left out (a re-evaluation writes the block again).
    const later: HedgedSeriesPoint = { timestampSec: T0, blockNumber: 30_000_000n, hedgeValueUsd: 1e9 };
    const stored = { "1h": [...hour, later], "1d": days, "7d": days, "30d": days };
    const windows = stewardWindowsOf([...live.slice(0, -1), current], stored, 0.6);
    const byLabel = Object.fromEntries(windows.map((w) => [w.label, w]));
    for (const label of ["1h", "30d"]) {
      expect(byLabel[label], label).toMatchObject({ source: "history", reason: null, toBlock: "30000000" });
      expect(byLabel[label]!.relative!.effective, label).toBe(true);
    }
    // Each window starts at the store's last point at or before its start (the series reaches one point before).
    expect(byLabel["1h"]!.samples).toBe(240 + 1);
    expect(byLabel["30d"]!.samples).toBe(30 * 8 + 1);
    expect(byLabel["30d"]!.fromBlock).toBe(days[1]!.blockNumber.toString());
    // The store's series for 1 d has one point in its last day: too few changes, said so.
    expect(byLabel["1d"]!.reason).toMatch(/changes \(need 20\)/);
  });
});

describe("a book's status colour", () => {
  it("is stale when the base oracle is stale, whatever the drift", () => {
    const params = makeParams();
    expect(
      statusOf(evaluateBook(makeBook({ ethUsdStale: true, hedgeRatio: 0.5 }), params, NOW_SEC), params),
    ).toBe("stale");
  });

  it("is ok on target, watch past the re-arm band, act past the arm band", () => {
    const params = makeParams();
    const at = (hedgeRatio: number) =>
      statusOf(evaluateBook(makeBook({ hedgeRatio }), params, NOW_SEC), params);
    expect(at(1)).toBe("ok");
    expect(at(0.5)).toBe("act");
    const drift = Math.abs(evaluateBook(makeBook({ hedgeRatio: 0.99 }), params, NOW_SEC).drift.driftBps);
    expect(at(0.99)).toBe(drift >= params.armBps ? "act" : drift >= params.rearmBps ? "watch" : "ok");
  });

  it("is act when a stablecoin reaches its act tier", () => {
    const params = makeParams();
    expect(
      statusOf(evaluateBook(makeBook({ usdtUsdOracle: 0.9, usdtUsdPool: 0.9 }), params, NOW_SEC), params),
    ).toBe("act");
  });
});
