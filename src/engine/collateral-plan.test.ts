import { describe, expect, it } from "vitest";
import { makeBook, makeParams } from "./book-fixture.test-support.ts";
import { marginBelowLimits, recalibrateCollateral, targetLiquidationDistanceBps } from "./collateral-plan.ts";
import { toFloat } from "./input-guards.ts";
import { assertBookParams } from "./params.ts";
import { perpMetrics } from "./perp-metrics.ts";

// A short of |s| base at index P with account value A is liquidated where A − |s|(P' − P) = mmr·|s|·P', i.e. at
// P' = (A + |s|P) / (|s|(1 + mmr)); its distance is P'/P − 1. Computed here from that closed form, not from
// perp-metrics.ts.
function shortDistanceBps(sizeAbs: number, index: number, accountValue: number, mmr: number): number {
  const liquidationPrice = (accountValue + sizeAbs * index) / (sizeAbs * (1 + mmr));
  return (liquidationPrice / index - 1) * 10_000;
}

describe("collateral recalibration aims at the targets, not back at the limits", () => {
  // The fixture's margin band (floor 0.15, target 0.25) keeps a short only ~1,765 bps from liquidation at the
  // target ratio (mmr 0.0625), so the 2,000 bps minimum distance is what binds.
  const params = makeParams();
  const book = makeBook({ marginRatio: 0.26, safeUsdc: 2_000_000 });
  const perp = book.perp!;
  const metrics = perpMetrics(perp);
  const sizeAbs = Math.abs(toFloat(perp.sizeBase, 18));
  const mmr = perp.maintenanceMarginRatio;

  it("deposits up to the target distance (default 1.5 × the minimum: 3,000 bps) when the distance binds", () => {
    expect(shortDistanceBps(sizeAbs, metrics.indexPrice, metrics.accountValueUsd, mmr)).toBeLessThan(2_000);
    expect(marginBelowLimits(book, params, metrics.accountValueUsd, metrics.indexPrice)).toBe(true);
    const move = recalibrateCollateral({
      book,
      params,
      perp,
      perpMetrics: metrics,
      trade: 0n,
      tradeCostUsd: 0,
    });
    expect(move.note).toContain("liquidation distance below 2000 bps: deposit");
    const after = metrics.accountValueUsd + move.depositUsd;
    expect(shortDistanceBps(sizeAbs, metrics.indexPrice, after, mmr)).toBeCloseTo(3_000, 6);
  });

  it("so a 5% rally after the deposit asks for no new one (a deposit to the minimum would, at once)", () => {
    const move = recalibrateCollateral({
      book,
      params,
      perp,
      perpMetrics: metrics,
      trade: 0n,
      tradeCostUsd: 0,
    });
    const rallied = metrics.indexPrice * 1.05;
    // The short loses |s| × ΔP of account value on the rally.
    const lossUsd = sizeAbs * (rallied - metrics.indexPrice);
    const afterTarget = metrics.accountValueUsd + move.depositUsd - lossUsd;
    expect(shortDistanceBps(sizeAbs, rallied, afterTarget, mmr)).toBeGreaterThan(2_000);
    // The control: the account a minimum-only deposit would leave is back under the minimum after the same rally.
    const minimumOnly = sizeAbs * metrics.indexPrice * ((1 + 0.2) * (1 + mmr) - 1);
    expect(shortDistanceBps(sizeAbs, rallied, minimumOnly - lossUsd, mmr)).toBeLessThan(2_000);
  });

  it("withdraws excess only down to the target distance, so a withdrawal is not followed by a deposit", () => {
    // Ratio 0.6 is above the 0.5 ceiling; the excess over the target distance is within the free collateral.
    const rich = makeBook({ marginRatio: 0.6 });
    const richMetrics = perpMetrics(rich.perp!);
    const move = recalibrateCollateral({
      book: rich,
      params,
      perp: rich.perp!,
      perpMetrics: richMetrics,
      trade: 0n,
      tradeCostUsd: 0,
    });
    expect(move.withdrawUsd).toBeGreaterThan(0);
    const left = richMetrics.accountValueUsd - move.withdrawUsd;
    expect(shortDistanceBps(sizeAbs, richMetrics.indexPrice, left, mmr)).toBeCloseTo(3_000, 6);
  });

  it("uses a configured target distance, and refuses one under the minimum by its key", () => {
    expect(targetLiquidationDistanceBps({ ...params.margin, targetLiquidationDistanceBps: 2_500 })).toBe(
      2_500,
    );
    const configured = makeParams({ margin: { ...params.margin, targetLiquidationDistanceBps: 2_500 } });
    const move = recalibrateCollateral({
      book,
      params: configured,
      perp,
      perpMetrics: metrics,
      trade: 0n,
      tradeCostUsd: 0,
    });
    expect(
      shortDistanceBps(sizeAbs, metrics.indexPrice, metrics.accountValueUsd + move.depositUsd, mmr),
    ).toBeCloseTo(2_500, 6);
    expect(() =>
      assertBookParams(makeParams({ margin: { ...params.margin, targetLiquidationDistanceBps: 1_500 } })),
    ).toThrow(/margin\.targetLiquidationDistanceBps.*must be >= minLiquidationDistanceBps/);
  });
});
