import { describe, expect, it } from "vitest";
import { makeBook, makeParams, NOW_SEC, USDC } from "./book-fixture.test-support.ts";
import { syntheticSamples } from "./samples-fixture.test-support.ts";
import { residualVarEs, stressBook } from "./stress.ts";

describe("stress", () => {
  it("a delta-hedged book loses only its gamma on ±1% ETH, both ways", () => {
    const [down, up] = stressBook(makeBook(), makeParams(), NOW_SEC, [
      { kind: "price", pct: -0.01 },
      { kind: "price", pct: 0.01 },
    ]);
    for (const r of [down!, up!]) {
      expect(Math.abs(r.hedgePnlUsd + r.lpPnlUsd)).toBeLessThan(Math.abs(r.lpPnlUsd) * 0.2);
      expect(r.netPnlUsd).toBeLessThan(0); // short gamma: loses both ways
    }
    expect(down!.lpPnlUsd).toBeLessThan(0);
    expect(up!.hedgePnlUsd).toBeLessThan(0);
  });

  it("correlation breakdown leaves the LP's move unhedged", () => {
    const [r] = stressBook(makeBook(), makeParams(), NOW_SEC, [{ kind: "correlation-breakdown", pct: -0.2 }]);
    expect(r!.hedgePnlUsd).toBe(0);
    expect(r!.netPnlUsd).toBe(r!.lpPnlUsd + r!.spotPnlUsd);
  });

  it("USDC to 0.8774 (SVB, 11 Mar 2023) hits held USDC and the USDC side of the LP", () => {
    const [r] = stressBook(makeBook(), makeParams(), NOW_SEC, [
      { kind: "depeg", token: USDC.address, priceUsd: 0.8774 },
    ]);
    expect(r!.spotPnlUsd).toBeCloseTo(-200_000 * 0.1226, 0);
    expect(r!.lpPnlUsd).toBeLessThan(-0.1226 * 400_000);
  });

  it("basis blowout costs a short when mark rises over index; a liquidity gap scales slippage", () => {
    const [basis, gap] = stressBook(makeBook(), makeParams(), NOW_SEC, [
      { kind: "basis-blowout", bps: 200 },
      { kind: "liquidity-gap", slippageMultiplier: 10 },
    ]);
    expect(basis!.hedgePnlUsd).toBeLessThan(0);
    expect(gap!.netPnlUsd).toBeLessThan(0);
  });

  it("VaR and expected shortfall are reproducible from a seed, and ES >= VaR", () => {
    const samples = syntheticSamples(500, 0.5);
    const options = { confidence: 0.99, horizonSteps: 300, paths: 2_000, seed: 42 };
    const a = residualVarEs(samples, options);
    const b = residualVarEs(samples, options);
    expect(a).toEqual(b);
    expect(a.valueAtRiskUsd).toBeGreaterThan(0);
    expect(a.expectedShortfallUsd).toBeGreaterThanOrEqual(a.valueAtRiskUsd);
    expect(residualVarEs(samples, { ...options, seed: 43 }).valueAtRiskUsd).not.toBe(a.valueAtRiskUsd);
  });

  it("rejects nonsense shocks and options with typed errors", () => {
    expect(() => stressBook(makeBook(), makeParams(), NOW_SEC, [{ kind: "price", pct: Number.NaN }])).toThrow(
      /shock.pct/,
    );
    expect(() => residualVarEs([], { confidence: 0.99, horizonSteps: 1, paths: 1000, seed: 1 })).toThrow(
      /samples/,
    );
  });
});
