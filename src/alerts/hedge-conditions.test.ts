import { describe, expect, it } from "vitest";
import { aaveBook, LEG } from "../engine/aave-fixture.test-support.ts";
import { type FixtureOptions, makeBook, makeParams, NOW_SEC } from "../engine/book-fixture.test-support.ts";
import { evaluateBook } from "../engine/book-metrics.ts";
import type { BookParams } from "../engine/params.ts";
import type { BookSnapshot } from "../engine/snapshot.ts";
import type { BookDetail, TargetEffectivenessWindowDetail } from "../evaluation/book-evaluation.ts";
import { bookSampleOf } from "../indexers/book-sample.ts";
import {
  aaveHealthUnrestorable,
  basisBeyondBand,
  correlationBroken,
  effectivenessBelowFloor,
  effectivenessReadings,
  type HedgeAlertThresholds,
  type HedgeReadings,
  hedgeConditions,
  hedgeReadingsOf,
  liquidationHeadroom,
  liquidationUnrestorable,
  sigmaOnFallback,
} from "./hedge-conditions.ts";

const THRESHOLDS: HedgeAlertThresholds = {
  effectiveness: { floorRatio: 0.5, minSamples: 60 },
  correlation: { floorAbsRho: 0.5, minSamples: 60 },
  basis: { markIndexMaxBps: 100, indexPoolMaxBps: 100 },
  sigmaFallback: { maxDurationSec: 3_600 },
};

const LABELS: Record<number, string> = { 20: "live", 60: "1h", 240: "1d" };

/** A measured steward window: its against-target Ederington and ρ (the raw measures as a quiet book shows them). */
function window(samples: number, ederington: number, correlation: number): TargetEffectivenessWindowDetail {
  const measures = {
    ederington,
    minVarianceMultiple: 1,
    dollarOffset: 1,
    dollarOffsetHighlyEffective: true,
    regressionSlope: -1,
    regressionR2: ederington,
    effective: ederington >= 0.8,
  };
  return {
    label: LABELS[samples] ?? `${samples}`,
    durationSec: samples === 20 ? null : samples * 15,
    source: samples === 20 ? "blocks" : "history",
    samples,
    fromSec: 0,
    toSec: samples * 12,
    fromBlock: "100",
    toBlock: String(100 + samples - 1),
    reason: null,
    targetHedgeRatio: 0.6,
    realizedHedgeRatio: 0.6,
    correlation,
    raw: measures,
    relative: measures,
  };
}

/** A window too thin to measure: blank, with its reason. */
function blank(samples: number): TargetEffectivenessWindowDetail {
  return {
    ...window(samples, 0, 0),
    reason: "too few changes",
    correlation: null,
    raw: null,
    relative: null,
  };
}

/** The detail the keeper records, with these effectiveness windows (the rest as a quiet book shows it). */
function detailWith(windows: TargetEffectivenessWindowDetail[]): BookDetail {
  return {
    armBps: 100,
    rearmBps: 25,
    driftState: "on-target",
    netDeltaUsd: 0,
    basePriceUsd: 3000,
    oracle: { fresh: true, ageSec: 12, problem: null },
    sigma: {
      annual: 0.6,
      source: "realized",
      reason: null,
      series: "oracle",
      observations: 240,
      moves: 60,
      spanSec: 2_880,
      realizedAnnual: 0.6,
    },
    lp: {
      valueUsd: 1e6,
      feesUsd: 0,
      hodlValueUsd: 1e6,
      expectedIlUsd: 0,
      lvrUsdPerYear: 0,
      lvrUsdPerYearPerSigma: 0,
      gammaBase: 0,
      gammaUsdPer1Pct: 0,
    },
    perp: null,
    hedgeLegs: [],
    basis: { markIndexBps: null, indexPoolBps: null },
    residualRisk: {
      confidence: 0.95,
      horizonSec: 3_600,
      samples: 0,
      valueAtRiskUsd: null,
      expectedShortfallUsd: null,
      reason: "too few samples",
    },
    effectiveness: [],
    targetEffectiveness: windows,
    stress: [],
    lpPositions: [],
    stressProblem: null,
    depeg: [],
    realizedExecution: {
      windowSec: 2_592_000,
      plans: 0,
      lastPlanId: null,
      lastMinedAtSec: null,
      lastSlippageBps: null,
      averageSlippageBps: null,
      costPerRiskRemoved: null,
      expectedCostPerRiskRemoved: null,
      totals: { gasUsd: 0, feesUsd: 0, slippageUsd: 0, costUsd: 0, expectedCostUsd: 0 },
    },
  };
}

const GOOD_WINDOWS = [window(20, 0.8, -0.9), window(60, 0.82, -0.91), window(240, 0.84, -0.92)];

function readings(
  options: {
    book?: FixtureOptions;
    snapshot?: (book: BookSnapshot) => BookSnapshot;
    params?: Partial<BookParams>;
    windows?: TargetEffectivenessWindowDetail[] | null;
    poolPriceUsd?: number;
    sigmaFallbackForSec?: number | null;
  } = {},
): HedgeReadings {
  const base = makeBook(options.book);
  const snapshot = options.snapshot?.(base) ?? base;
  const params = makeParams(options.params);
  const metrics = evaluateBook(snapshot, params, NOW_SEC);
  const sample = bookSampleOf(snapshot, metrics);
  return hedgeReadingsOf({
    snapshot,
    metrics,
    sample: { ...sample, poolPriceUsd: options.poolPriceUsd ?? metrics.basePriceUsd },
    detail: options.windows === null ? null : detailWith(options.windows ?? GOOD_WINDOWS),
    params,
    sigmaFallbackForSec: options.sigmaFallbackForSec ?? null,
  });
}

describe("hedge effectiveness below its floor", () => {
  it("fires on the longest window with enough samples when it removed less than the floor", () => {
    const alert = effectivenessBelowFloor(
      readings({ windows: [window(20, 0.9, -0.95), window(60, 0.6, -0.8), window(240, 0.3, -0.6)] }),
      THRESHOLDS.effectiveness,
    );
    expect(alert).toMatchObject({
      key: "effectiveness:treasury-eth-lp",
      severity: "warning",
      fields: { window: "1d", effectiveness: 0.3, floorRatio: 0.5 },
    });
    expect(alert!.text).toContain(
      "30.0% of the variance it is meant to remove over the 1d window, 240 samples",
    );
  });

  it("stays silent when the longest window is above the floor, however a short one dipped", () => {
    const r = readings({ windows: [window(20, 0.1, -0.3), window(60, 0.7, -0.85), window(240, 0.8, -0.9)] });
    expect(effectivenessBelowFloor(r, THRESHOLDS.effectiveness)).toBeNull();
  });

  it("waits for a window with enough samples", () => {
    const r = readings({ windows: [window(20, 0.1, -0.3)] });
    expect(effectivenessBelowFloor(r, THRESHOLDS.effectiveness)).toBeNull();
    expect(effectivenessBelowFloor(r, { floorRatio: 0.5, minSamples: 20 })).not.toBeNull();
  });

  it("does not read a blank window (too few changes, no history) as an ineffective hedge", () => {
    const r = readings({ windows: [window(60, 0.7, -0.85), blank(240)] });
    expect(effectivenessReadings(r.detail!).map((w) => w.label)).toEqual(["1h"]);
    expect(effectivenessBelowFloor(r, THRESHOLDS.effectiveness)).toBeNull();
  });

  it("fires on a hedge that adds risk (negative effectiveness)", () => {
    const r = readings({ windows: [window(240, -0.4, 0.3)] });
    expect(effectivenessBelowFloor(r, THRESHOLDS.effectiveness)?.fields).toMatchObject({
      effectiveness: -0.4,
    });
  });

  it("stays silent without a recorded detail", () => {
    expect(effectivenessBelowFloor(readings({ windows: null }), THRESHOLDS.effectiveness)).toBeNull();
  });
});

describe("hedge correlation broken", () => {
  it("fires when |ρ| of the longest window with enough samples is below the floor", () => {
    const alert = correlationBroken(
      readings({ windows: [window(60, 0.7, -0.9), window(240, 0.1, -0.3)] }),
      THRESHOLDS.correlation,
    );
    expect(alert).toMatchObject({
      key: "correlation:treasury-eth-lp",
      severity: "warning",
      fields: { window: "1d", correlation: -0.3, floorAbsRho: 0.5 },
    });
  });

  it("stays silent while the hedge moves against the book (ρ near −1)", () => {
    expect(correlationBroken(readings(), THRESHOLDS.correlation)).toBeNull();
  });

  it("judges only windows with enough samples", () => {
    const r = readings({ windows: [window(20, 0.1, -0.2), window(60, 0.8, -0.9)] });
    expect(correlationBroken(r, THRESHOLDS.correlation)).toBeNull();
    expect(
      correlationBroken(readings({ windows: [window(20, 0.1, -0.2)] }), THRESHOLDS.correlation),
    ).toBeNull();
  });
});

describe("basis beyond its band", () => {
  const markAt = (premium: number) => (book: BookSnapshot) => ({
    ...book,
    perp: { ...book.perp!, markPriceE18: BigInt(Math.round(3000 * (1 + premium) * 1e6)) * 10n ** 12n },
  });

  it("fires when the perp mark leaves its index by more than the band", () => {
    const alerts = basisBeyondBand(readings({ snapshot: markAt(0.06) }), THRESHOLDS.basis);
    expect(alerts.map((a) => a.key)).toEqual(["basis-mark-index:treasury-eth-lp"]);
    expect(alerts[0]!.fields).toMatchObject({ basisBps: 600, maxBps: 100 });
  });

  it("fires when the index leaves the book's pool by more than the band", () => {
    const alerts = basisBeyondBand(readings({ poolPriceUsd: 3400 }), THRESHOLDS.basis);
    expect(alerts.map((a) => a.key)).toEqual(["basis-index-pool:treasury-eth-lp"]);
    expect(alerts[0]!.text).toContain("index 3000.00 vs pool 3400.00");
  });

  it("stays silent inside both bands (the fixture's mark is 5 bps over the index)", () => {
    expect(basisBeyondBand(readings({ poolPriceUsd: 2990 }), THRESHOLDS.basis)).toEqual([]);
  });

  it("measures the pool against the base feed when the book has no perp", () => {
    const r = readings({ snapshot: (book) => ({ ...book, perp: null }), poolPriceUsd: 2900 });
    expect(basisBeyondBand(r, THRESHOLDS.basis).map((a) => a.key)).toEqual([
      "basis-index-pool:treasury-eth-lp",
    ]);
  });
});

describe("liquidation distance that cannot be restored within caps", () => {
  // Margin ratio 0.1 leaves the index ~350 bps from liquidation, under the book's 2,000 bps limit.
  const thin = { book: { marginRatio: 0.1 } };

  it("stays silent while the position is far enough from liquidation", () => {
    expect(liquidationHeadroom(readings())).toBeNull();
    expect(liquidationUnrestorable(readings())).toBeNull();
  });

  it("stays silent when the keeper can deposit what restoring takes (its own job)", () => {
    const h = liquidationHeadroom(readings(thin))!;
    expect(h.distanceBps).toBeLessThan(2_000);
    expect(h.depositNeededUsd).toBeGreaterThan(0);
    expect(h.depositNeededUsd).toBeLessThan(h.depositPossibleUsd);
    expect(liquidationUnrestorable(readings(thin))).toBeNull();
  });

  it("fires when the margin needed exceeds the per-plan collateral cap", () => {
    const r = readings({ ...thin, params: { caps: { ...makeParams().caps, maxCollateralMoveUsd: 10_000 } } });
    const alert = liquidationUnrestorable(r);
    expect(alert).toMatchObject({ key: "liquidation-unrestorable:treasury-eth-lp", severity: "critical" });
    expect(alert!.fields!.depositPossibleUsd).toBe(10_000);
    expect(alert!.text).toContain("limited by the per-plan cap");
  });

  it("fires when the Safe holds less settlement collateral than restoring takes", () => {
    const r = readings({
      ...thin,
      snapshot: (book) => ({
        ...book,
        spot: book.spot.map((s) => (s.token.symbol === "USDC" ? { ...s, balance: 5_000n * 10n ** 6n } : s)),
      }),
    });
    const alert = liquidationUnrestorable(r);
    expect(alert!.fields!.depositPossibleUsd).toBe(5_000);
    expect(alert!.text).toContain("limited by the Safe's collateral");
  });
});

describe("an Aave health factor that cannot be restored within caps", () => {
  const underFloor = (held: { heldUsdc: number; heldWeth?: number }) =>
    readings({ snapshot: () => aaveBook({ hf: 1.3, ...held }), params: { aave: LEG } });

  it("stays silent when the Safe holds enough to restore it (the urgent lane's job)", () => {
    const r = underFloor({ heldUsdc: 1_000_000 });
    expect(r.aave?.restorable).toBe(true);
    expect(aaveHealthUnrestorable(r)).toBeNull();
  });

  it("fires when what the Safe holds, within caps, leaves the health factor short", () => {
    const r = underFloor({ heldUsdc: 10_000 });
    const alert = aaveHealthUnrestorable(r);
    expect(alert).toMatchObject({ key: "aave-health-unrestorable:treasury-eth-lp", severity: "critical" });
    expect(alert!.fields!.healthFactor).toBe(1.3);
    expect(alert!.fields!.safeHealthFactor).toBe(1.8);
    expect(alert!.fields!.reachableHealthFactor as number).toBeLessThan(1.8);
    expect(hedgeConditions([r], THRESHOLDS).map((a) => a.key)).toContain(
      "aave-health-unrestorable:treasury-eth-lp",
    );
  });

  it("stays silent for a leg inside its band", () => {
    const r = readings({ snapshot: () => aaveBook({ hf: 2, heldUsdc: 0 }), params: { aave: LEG } });
    expect(r.aave).toBeUndefined();
  });
});

describe("σ on its fallback for too long", () => {
  it("fires once σ has been the fallback for the configured time", () => {
    const alert = sigmaOnFallback(readings({ sigmaFallbackForSec: 3_600 }), THRESHOLDS.sigmaFallback);
    expect(alert).toMatchObject({ key: "sigma-fallback:treasury-eth-lp", severity: "warning" });
    expect(alert!.text).toContain("no samples");
  });

  it("stays silent before that, and when σ is measured", () => {
    expect(sigmaOnFallback(readings({ sigmaFallbackForSec: 3_599 }), THRESHOLDS.sigmaFallback)).toBeNull();
    expect(sigmaOnFallback(readings({ sigmaFallbackForSec: null }), THRESHOLDS.sigmaFallback)).toBeNull();
  });
});

describe("hedge conditions together", () => {
  it("raise nothing for a healthy book", () => {
    expect(hedgeConditions([readings()], THRESHOLDS)).toEqual([]);
  });

  it("raise each condition that holds, keyed by book", () => {
    const alerts = hedgeConditions(
      [
        readings({
          book: { marginRatio: 0.1 },
          params: { caps: { ...makeParams().caps, maxCollateralMoveUsd: 1_000 } },
          windows: [window(240, 0.2, -0.3)],
          poolPriceUsd: 3200,
          sigmaFallbackForSec: 7_200,
        }),
      ],
      THRESHOLDS,
    );
    expect(alerts.map((a) => a.key)).toEqual([
      "effectiveness:treasury-eth-lp",
      "correlation:treasury-eth-lp",
      "basis-index-pool:treasury-eth-lp",
      "liquidation-unrestorable:treasury-eth-lp",
      "sigma-fallback:treasury-eth-lp",
    ]);
  });
});
