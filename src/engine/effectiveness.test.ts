import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { makeBook, makeParams, NOW_SEC, WETH } from "./book-fixture.test-support.ts";
import { evaluateBook } from "./book-metrics.ts";
import {
  correlation,
  dollarOffsetRatio,
  effectivenessWindows,
  type HedgedSeriesPoint,
  hedgedItemValueUsd,
  hedgeEffectiveness,
  minVarianceHedgeRatio,
  STEWARD_WINDOWS,
  targetEffectivenessWindows,
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

/**
 * A treasury book, minute by minute: a USDC/WETH v3 position in range [1,000, 10,000] (whitepaper §6.2:
 * V = L(2√P − √pa − P/√pb), delta = L(1/√P − 1/√pb)), 50 WETH held as spot, fees accruing, and a perp short
 * re-sized every minute to `hedgeFraction` × (LP delta + spot). ETH follows a seeded GBM at 60%/year.
 */
function treasurySeries(minutes: number, hedgeFraction: number, seed = 21) {
  const random = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const L = 20_000;
  const sa = Math.sqrt(1_000);
  const sb = Math.sqrt(10_000);
  const spotEth = 50;
  const lpValue = (p: number) => L * (2 * Math.sqrt(p) - sa - p / sb);
  const lpDelta = (p: number) => L * (1 / Math.sqrt(p) - 1 / sb);
  const sigmaMinute = 0.6 * Math.sqrt(60 / (365 * 86_400));
  let price = 3000;
  let hedgePnl = 0;
  let fees = 0;
  const out: { t: number; price: number; lp: number; item: number; hedge: number }[] = [];
  for (let i = 0; i < minutes; i++) {
    if (i > 0) {
      const next = price * Math.exp(sigmaMinute * gauss());
      const size = -hedgeFraction * (lpDelta(price) + spotEth); // set at the previous price
      hedgePnl += size * (next - price);
      price = next;
      fees += 0.5;
    }
    out.push({
      t: NOW_SEC - 60 * (minutes - 1 - i),
      price,
      lp: lpValue(price) + fees,
      item: lpValue(price) + fees + spotEth * price,
      hedge: hedgePnl,
    });
  }
  return out;
}

function points(rows: ReturnType<typeof treasurySeries>, item: "item" | "lp"): HedgedSeriesPoint[] {
  return rows.map((r, i) => ({
    blockNumber: 21_000_000n + BigInt(i * 5),
    timestampSec: r.t,
    hedgedItemValueUsd: r[item],
    hedgeValueUsd: r.hedge,
  }));
}

/** Independent: the window's changes, then slope/R² of Δhedge on τ·Δitem through the origin, and the offset. */
function expected(rows: ReturnType<typeof treasurySeries>, fromSec: number, tau: number) {
  let anchor = 0;
  rows.forEach((r, i) => {
    if (r.t <= fromSec) anchor = i;
  });
  const w = rows.slice(anchor);
  const x = w.slice(1).map((r, i) => tau * (r.item - w[i]!.item));
  const y = w.slice(1).map((r, i) => r.hedge - w[i]!.hedge);
  const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i]!, 0);
  const slope = dot(x, y) / dot(x, x);
  return {
    changes: x.length,
    slope,
    r2: dot(x, y) ** 2 / (dot(x, x) * dot(y, y)),
    ederington:
      1 -
      dot(
        x.map((v, i) => v + y[i]!),
        x.map((v, i) => v + y[i]!),
      ) /
        dot(x, x),
    offset: -(w.at(-1)!.hedge - w[0]!.hedge) / (tau * (w.at(-1)!.item - w[0]!.item)),
  };
}

describe("effectiveness over the whole book, against its target", () => {
  const MONTH = 31 * 1_440;

  it("a hedge exactly on a 0.6 target of LP + spot reads effective against the target, not against 100%", () => {
    const rows = treasurySeries(MONTH, 0.6);
    const windows = targetEffectivenessWindows(points(rows, "item"), { targetHedgeRatio: 0.6 });
    expect(windows.map((w) => w.label)).toEqual(["live", "1h", "1d", "7d", "30d"]);
    for (const w of windows) {
      expect(w.reason).toBeNull();
      expect(w.relative!.effective).toBe(true);
      expect(w.relative!.regressionSlope).toBeCloseTo(-1, 2);
      expect(w.relative!.minVarianceMultiple!).toBeCloseTo(1, 2);
      expect(w.relative!.ederington).toBeGreaterThan(0.99);
      expect(w.realizedHedgeRatio!).toBeCloseTo(0.6, 2);
      // Against a 100% hedge the same book reads 60%: not effective, and h* says "1.67× the hedge".
      expect(w.raw!.effective).toBe(false);
      expect(w.raw!.minVarianceMultiple!).toBeCloseTo(1 / 0.6, 1);
    }
    // Checked against the independent computation on the 1-day window.
    const day = windows.find((w) => w.label === "1d")!;
    const want = expected(rows, rows.at(-1)!.t - 86_400, 0.6);
    expect(day.samples - 1).toBe(want.changes);
    expect(day.relative!.regressionSlope).toBeCloseTo(want.slope, 10);
    expect(day.relative!.regressionR2).toBeCloseTo(want.r2, 10);
    expect(day.relative!.ederington).toBeCloseTo(want.ederington, 10);
    expect(day.relative!.dollarOffset!).toBeCloseTo(want.offset, 10);
    expect(day.raw!.regressionSlope).toBeCloseTo(want.slope * 0.6, 10);
  });

  it("off target (0.35 on a 0.6 target, or 0.9) reads not effective", () => {
    for (const fraction of [0.35, 0.9]) {
      const rows = treasurySeries(2 * 1_440, fraction);
      const windows = targetEffectivenessWindows(points(rows, "item"), {
        targetHedgeRatio: 0.6,
        windows: [{ label: "1d", durationSec: 86_400 }],
      });
      const w = windows[0]!;
      const want = expected(rows, rows.at(-1)!.t - 86_400, 0.6);
      expect(w.relative!.effective).toBe(false);
      expect(w.relative!.regressionSlope).toBeCloseTo(want.slope, 10);
      expect(w.relative!.regressionSlope).toBeCloseTo(-fraction / 0.6, 2);
      expect(w.relative!.regressionR2).toBeGreaterThan(0.99); // well correlated, wrongly sized
      expect(w.realizedHedgeRatio!).toBeCloseTo(fraction, 2);
    }
  });

  it("scoring the LP alone (spot left out) misjudges a hedge sized on LP + spot", () => {
    const rows = treasurySeries(2 * 1_440, 0.6);
    const [lpOnly] = targetEffectivenessWindows(points(rows, "lp"), {
      targetHedgeRatio: 0.6,
      windows: [{ label: "1d", durationSec: 86_400 }],
    });
    expect(lpOnly!.relative!.effective).toBe(false);
    expect(-lpOnly!.relative!.regressionSlope).toBeGreaterThan(1.25);
  });

  it("each window says how many samples it rests on, and is blank with a reason when too few", () => {
    const rows = treasurySeries(2 * 1_440, 0.6);
    const windows = targetEffectivenessWindows(points(rows, "item"), { targetHedgeRatio: 0.6 });
    const byLabel = Object.fromEntries(windows.map((w) => [w.label, w]));
    expect(byLabel.live!.samples).toBe(240);
    expect(byLabel["1h"]!.samples).toBe(61);
    expect(byLabel["1d"]!.samples).toBe(1_441);
    for (const label of ["7d", "30d"]) {
      expect(byLabel[label]!.reason).toMatch(/history covers 172740s of the \d+s window/);
      expect(byLabel[label]!.raw).toBeNull();
      expect(byLabel[label]!.relative).toBeNull();
      expect(byLabel[label]!.realizedHedgeRatio).toBeNull();
    }
    const few = targetEffectivenessWindows(points(rows.slice(0, 10), "item"), { targetHedgeRatio: 0.6 });
    expect(few[0]!.reason).toBe("9 changes (need 20)");
    const partial = points(rows.slice(0, 100), "item");
    delete partial[3]!.hedgedItemValueUsd;
    expect(targetEffectivenessWindows(partial, { targetHedgeRatio: 0.6 })[0]!.reason).toMatch(
      /1 of 100 samples lack hedgedItemValueUsd/,
    );
    const flat = partial.map((p) => ({ ...p, hedgedItemValueUsd: 1_000 }));
    expect(targetEffectivenessWindows(flat, { targetHedgeRatio: 0.6 })[0]!.reason).toBe(
      "the hedged item did not move",
    );
    expect(STEWARD_WINDOWS).toHaveLength(5);
  });

  it("the hedged item a sample carries is LP + fees owed + base spot, as drift counts it", () => {
    const book = makeBook();
    book.spot = book.spot.map((s) =>
      s.token.address === WETH.address ? { ...s, balance: 10n * 10n ** 18n } : s,
    );
    const m = evaluateBook(book, makeParams(), NOW_SEC);
    expect(m.drift.spotDeltaBase).toBe(10);
    expect(hedgedItemValueUsd(m)).toBeCloseTo(m.lpValueUsd + m.lpFeesUsd + 10 * 3000, 6);
  });

  it("the rolling windows judge the whole item when every sample carries it", () => {
    const base = syntheticSamples(300, 1);
    const withSpot = base.map((s) => ({ ...s, hedgedItemValueUsd: s.lpValueUsd + 20 * s.basePriceUsd }));
    const [lpOnly] = effectivenessWindows(base, [200]);
    const [whole] = effectivenessWindows(withSpot, [200]);
    expect(whole!.minVarianceHedgeMultiple).toBeGreaterThan(lpOnly!.minVarianceHedgeMultiple * 1.1);
  });
});
