import { describe, expect, it } from "vitest";
import { DAI, makeBook, makeParams, NOW_SEC, USDC } from "./book-fixture.test-support.ts";
import { evaluateBook } from "./book-metrics.ts";
import { liquidationPrice } from "./perp-metrics.ts";
import { syntheticSamples } from "./samples-fixture.test-support.ts";
import { describeShock, standardShocks } from "./standard-shocks.ts";
import { mulberry32, perpLiquidationPath, residualVarEs, stressBook } from "./stress.ts";

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

  it("VaR and ES are the plain bootstrap's figures: mulberry32(seed) draws, Hull's historical simulation (to 1e-9)", () => {
    // The loop as first written, kept here as the reference: the same draws, summed in draw order.
    const samples = syntheticSamples(400, 0.7);
    const options = { confidence: 0.975, horizonSteps: 120, paths: 1_500, seed: 11 };
    const residual = samples.slice(1).map((s, i) => {
      const previous = samples[i]!;
      return s.lpValueUsd - previous.lpValueUsd + (s.hedgeValueUsd - previous.hedgeValueUsd);
    });
    const random = mulberry32(options.seed);
    const outcomes: number[] = [];
    for (let p = 0; p < options.paths; p++) {
      let pnl = 0;
      for (let k = 0; k < options.horizonSteps; k++) pnl += residual[Math.floor(random() * residual.length)]!;
      outcomes.push(pnl);
    }
    outcomes.sort((a, b) => a - b);
    const position = (outcomes.length - 1) * (1 - options.confidence);
    const [lo, hi] = [Math.floor(position), Math.ceil(position)];
    const cut = outcomes[lo]! + (outcomes[hi]! - outcomes[lo]!) * (position - lo);
    const tail = outcomes.filter((x) => x <= cut);
    const risk = residualVarEs(samples, options);
    // The engine sums each path grouped by change (bootstrap-draw-counts.ts), not in draw order: equal up to rounding.
    const close = (actual: number, expected: number) =>
      expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.abs(expected));
    close(risk.valueAtRiskUsd, -cut);
    close(risk.expectedShortfallUsd, -tail.reduce((sum, x) => sum + x, 0) / tail.length);
  });

  it("VaR of the residual counts the base spot when every sample carries the whole hedged item", () => {
    // The hedge offsets LP + spot: against the LP alone it looks like risk; against the whole item it is none.
    const samples = syntheticSamples(300, 1).map((s) => ({
      ...s,
      lpValueUsd: s.lpValueUsd - 50 * (s.basePriceUsd - 3000),
      hedgedItemValueUsd: s.lpValueUsd,
    }));
    const options = { confidence: 0.95, horizonSteps: 50, paths: 1_000, seed: 7 };
    const whole = residualVarEs(samples, options);
    const lpOnly = residualVarEs(
      samples.map(({ hedgedItemValueUsd: _item, ...s }) => s),
      options,
    );
    expect(whole.valueAtRiskUsd).toBeLessThan(lpOnly.valueAtRiskUsd / 5);
    // One sample without it: the LP is the item for the whole window.
    const mixed = samples.map((s, i) => (i === 0 ? { ...s, hedgedItemValueUsd: undefined } : s));
    expect(residualVarEs(mixed, options)).toEqual(lpOnly);
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

/**
 * Independent: a short of n0 base with account value a0 at index i0 as the index rises to `target`, Perp v2
 * style: AV(m) = a − n·(m − m₀); liquidation where AV = mmr·n·m, i.e. m = (a + n·m₀) / (n·(1 + mmr)); half the
 * position taken over each time (margin ratio ≥ mmr/2 at the crossing), 2.5% of the taken notional as penalty.
 */
function shortThroughRally(n0: number, i0: number, a0: number, target: number, mmr = 0.0625, pen = 0.025) {
  let n = n0;
  let a = a0;
  let m0 = i0;
  let penalties = 0;
  let locked = 0;
  const at: number[] = [];
  for (;;) {
    const mL = (a + n * m0) / (n * (1 + mmr));
    if (mL > target) break;
    a = mmr * n * mL; // by construction
    const fee = pen * (n / 2) * mL;
    locked += (n / 2) * (mL - i0) + fee;
    penalties += fee;
    a -= fee;
    n /= 2;
    m0 = mL;
    at.push(mL);
  }
  a -= n * (target - m0);
  return { accountValue: a, size: n, penalties, locked, at };
}

describe("stress: the hedge's own failure modes", () => {
  it("+30% crosses the liquidation price (+22.4%): flagged, the liquidations and their loss counted", () => {
    const book = makeBook({ hedgeRatio: 0.6 });
    const params = makeParams();
    const m = evaluateBook(book, params, NOW_SEC);
    const p = m.perp!;
    const [up30, up10] = stressBook(book, params, NOW_SEC, [
      { kind: "price", pct: 0.3 },
      { kind: "price", pct: 0.1 },
    ]);
    expect(p.accountValueUsd).toBeCloseTo(88_711, 0);
    expect(up30!.liquidationMovePct!).toBeCloseTo(0.224, 3);
    expect(up30!.liquidationPriceUsd).toBeCloseTo(p.liquidationPrice!, 9);
    expect(up30!.liquidated).toBe(true);
    const want = shortThroughRally(-p.sizeBase, p.indexPrice, p.accountValueUsd, p.indexPrice * 1.3);
    expect(want.at).toHaveLength(2); // at +22.4% and again at +26.7%
    expect(up30!.liquidatedFraction).toBeCloseTo(0.75, 12);
    expect(up30!.hedgePnlUsd).toBeCloseTo(want.accountValue - p.accountValueUsd, 6);
    expect(up30!.liquidationPenaltyUsd).toBeCloseTo(want.penalties, 6);
    expect(up30!.liquidationLossUsd).toBeCloseTo(want.locked, 6);
    expect(up30!.marginRatioAfter!).toBeCloseTo(want.accountValue / (want.size * p.indexPrice * 1.3), 9);
    // The account keeps a remnant: the linear figure (−$88,711, the whole account) was past liquidation.
    expect(up30!.hedgePnlUsd).toBeGreaterThan(-p.accountValueUsd);
    expect(up30!.netPnlUsd).toBe(up30!.lpPnlUsd + up30!.hedgePnlUsd + up30!.spotPnlUsd);

    expect(up10!.liquidated).toBe(false);
    expect(up10!.liquidatedFraction).toBe(0);
    expect(up10!.liquidationLossUsd).toBe(0);
    expect(up10!.hedgePnlUsd).toBe(p.sizeBase * p.indexPrice * 0.1);
    expect(up10!.marginRatioAfter!).toBeCloseTo(
      (p.accountValueUsd + p.sizeBase * p.indexPrice * 0.1) / (-p.sizeBase * p.indexPrice * 1.1),
      12,
    );
  });

  it("the liquidation penalty and maintenance ratio are parameters (Perp v2 defaults 2.5%, the venue's 6.25%)", () => {
    const book = makeBook({ hedgeRatio: 0.6 });
    const shock = [{ kind: "price", pct: 0.3 }] as const;
    const [dflt] = stressBook(book, makeParams(), NOW_SEC, shock);
    const [free] = stressBook(book, makeParams({ stress: { liquidationPenaltyRatio: 0 } }), NOW_SEC, shock);
    const [strict] = stressBook(
      book,
      makeParams({ stress: { maintenanceMarginRatio: 0.1 } }),
      NOW_SEC,
      shock,
    );
    expect(free!.liquidationPenaltyUsd).toBe(0);
    expect(free!.hedgePnlUsd).toBeGreaterThan(dflt!.hedgePnlUsd);
    const p = evaluateBook(book, makeParams(), NOW_SEC).perp!;
    expect(strict!.liquidationPriceUsd).toBeCloseTo(
      liquidationPrice(p.sizeBase, p.indexPrice, p.accountValueUsd, 0.1)!,
      9,
    );
    expect(strict!.liquidationMovePct!).toBeLessThan(dflt!.liquidationMovePct!);
  });

  it("USDC at $0.8774 includes the hedge venue's USDC collateral ($10,876 on the 0.6 book)", () => {
    const book = makeBook({ hedgeRatio: 0.6 });
    const m = evaluateBook(book, makeParams(), NOW_SEC);
    const [r] = stressBook(book, makeParams(), NOW_SEC, [
      { kind: "depeg", token: USDC.address, priceUsd: 0.8774 },
    ]);
    expect(r!.collateralDepegPnlUsd).toBeCloseTo(-m.perp!.accountValueUsd * (1 - 0.8774), 6);
    expect(r!.collateralDepegPnlUsd).toBeCloseTo(-10_876, 0);
    expect(r!.hedgePnlUsd).toBe(r!.collateralDepegPnlUsd);
    // The venue counts USDC at par: its margin ratio and liquidation price do not move.
    expect(r!.marginRatioAfter!).toBeCloseTo(m.perp!.marginRatio!, 12);
    expect(r!.liquidated).toBe(false);
    // Another stable leaves the collateral alone.
    const [dai] = stressBook(book, makeParams(), NOW_SEC, [
      { kind: "depeg", token: DAI.address, priceUsd: 0.8774 },
    ]);
    expect(dai!.collateralDepegPnlUsd).toBe(0);
  });

  it("USDC de-peg during an ETH crash (March 2023): LP, spot, and the collateral after the crash", () => {
    const book = makeBook({ hedgeRatio: 0.6 });
    const params = makeParams();
    const m = evaluateBook(book, params, NOW_SEC);
    const shocks = standardShocks(params);
    const march = shocks.find((s) => s.kind === "combined" && s.label.includes("Mar 2023"))!;
    const [combined, crash] = stressBook(book, params, NOW_SEC, [march, { kind: "price", pct: -0.2 }]);
    const avAfterCrash = m.perp!.accountValueUsd + m.perp!.sizeBase * m.perp!.indexPrice * -0.2;
    expect(combined!.collateralDepegPnlUsd).toBeCloseTo(-avAfterCrash * (1 - 0.8774), 6);
    expect(combined!.hedgePnlUsd).toBeCloseTo(crash!.hedgePnlUsd + combined!.collateralDepegPnlUsd, 6);
    expect(combined!.spotPnlUsd).toBeCloseTo(-200_000 * (1 - 0.8774), 6); // USDC spot; DAI balance is 0
    // 20% down the position is out of range, all WETH: the USDC de-peg reaches it only through the collateral
    // and the spot.
    expect(combined!.lpPnlUsd).toBeCloseTo(crash!.lpPnlUsd, 6);
    expect(combined!.netPnlUsd).toBeLessThan(crash!.netPnlUsd);
  });

  it("stressed correlation: the hedge follows spot by ρ_stressed / ρ_measured, between full and none", () => {
    const book = makeBook();
    const m = evaluateBook(book, makeParams(), NOW_SEC);
    const [full, stressed, none] = stressBook(book, makeParams(), NOW_SEC, [
      { kind: "price", pct: -0.1 },
      { kind: "correlation-stress", pct: -0.1, measuredRho: -0.95, stressedRho: 0.5 },
      { kind: "correlation-breakdown", pct: -0.1 },
    ]);
    expect(stressed!.hedgePnlUsd).toBeCloseTo(m.perp!.sizeBase * m.perp!.indexPrice * -0.1 * (0.5 / 0.95), 6);
    expect(stressed!.lpPnlUsd).toBe(full!.lpPnlUsd);
    expect(stressed!.netPnlUsd).toBeLessThan(full!.netPnlUsd);
    expect(stressed!.netPnlUsd).toBeGreaterThan(none!.netPnlUsd);
  });

  it("the combined crash: base −30%, basis 300 bps, hedge at ρ 0.5 — worse than each factor alone", () => {
    const book = makeBook();
    const params = makeParams();
    const shocks = standardShocks(params, { correlation: -1 });
    const combined = shocks.find((s) => s.kind === "combined" && s.label.startsWith("price -30.0%"))!;
    const [all, crash, basis] = stressBook(book, params, NOW_SEC, [
      combined,
      { kind: "price", pct: -0.3 },
      { kind: "basis-blowout", bps: 300 },
    ]);
    expect(all!.netPnlUsd).toBeLessThan(crash!.netPnlUsd + basis!.netPnlUsd);
    expect(describeShock(combined)).toBe("price -30.0% + basis 300 bps + hedge ρ 1.00 → 0.5");
  });

  it("the standard table keeps its single-factor rows and adds the stressed-correlation and combined ones", () => {
    const params = makeParams();
    const labels = standardShocks(params, { correlation: 0.9 }).map((s) => describeShock(s, params));
    expect(labels).toEqual([
      "price -30.0%",
      "price -10.0%",
      "price +10.0%",
      "price +30.0%",
      "USDC at $0.8774",
      "USDT at $0.8774",
      "DAI at $0.8774",
      "basis 300 bps",
      "spot -10.0%, hedge flat",
      "slippage ×5",
      "spot -10.0%, hedge ρ 0.90 → 0.5",
      "price -30.0% + basis 300 bps + hedge ρ 0.90 → 0.5",
      "USDC at $0.8774 + DAI at $0.88 + price -20.0% (Mar 2023)",
    ]);
    // Rows without a liquidation or the venue's collateral keep their linear figures exactly.
    const book = makeBook();
    const m = evaluateBook(book, params, NOW_SEC);
    const rows = stressBook(book, params, NOW_SEC, standardShocks(params), m);
    const s = m.perp!.sizeBase;
    const i = m.perp!.indexPrice;
    expect(rows.slice(0, 3).map((r) => r.hedgePnlUsd)).toEqual([s * i * -0.3, s * i * -0.1, s * i * 0.1]);
    expect(rows[7]!.hedgePnlUsd).toBe(s * i * 0.03);
    expect(rows[9]!.hedgePnlUsd).toBe((-Math.abs(s) * i * (5 * 5)) / 10_000);
  });
});

describe("perp liquidation path (Perp v2 rules)", () => {
  it("a long through a crash is liquidated at perp-metrics' liquidation price, half at a time", () => {
    const path = perpLiquidationPath({
      sizeBase: 10,
      indexPrice: 3000,
      accountValueUsd: 6000,
      targetIndexPrice: 2000,
      maintenanceMarginRatio: 0.0625,
      liquidationPenaltyRatio: 0.025,
    });
    expect(path.firstLiquidationPriceUsd).toBeCloseTo(liquidationPrice(10, 3000, 6000, 0.0625)!, 9);
    expect(path.liquidations).toBeGreaterThan(1);
    expect(path.sizeAfterBase).toBeGreaterThan(0);
    expect(path.sizeAfterBase).toBeLessThan(10);
    expect(path.badDebtUsd).toBe(0);
    expect(path.accountValueAfterUsd).toBeGreaterThan(0);
  });

  it("an account already below half the maintenance ratio is liquidated whole, at once", () => {
    const path = perpLiquidationPath({
      sizeBase: -10,
      indexPrice: 3000,
      accountValueUsd: 0.02 * 30_000,
      targetIndexPrice: 3000,
      maintenanceMarginRatio: 0.0625,
      liquidationPenaltyRatio: 0.025,
    });
    expect(path).toMatchObject({
      sizeAfterBase: 0,
      liquidatedBase: 10,
      liquidations: 1,
      firstLiquidationPriceUsd: 3000,
    });
    expect(path.penaltyUsd).toBeCloseTo(0.025 * 30_000, 9);
    expect(path.badDebtUsd).toBeCloseTo(750 - 600, 9);
    expect(path.accountValueAfterUsd).toBe(0);
  });

  it("a position worth $100 or less goes whole; a move away from liquidation liquidates nothing", () => {
    const small = perpLiquidationPath({
      sizeBase: -0.03,
      indexPrice: 3000,
      accountValueUsd: 8, // liquidated at ~3,075, where the position is worth ~$92
      targetIndexPrice: 4000,
      maintenanceMarginRatio: 0.0625,
      liquidationPenaltyRatio: 0.025,
    });
    expect(small.sizeAfterBase).toBe(0);
    expect(small.liquidations).toBe(1);
    const safe = perpLiquidationPath({
      sizeBase: -10,
      indexPrice: 3000,
      accountValueUsd: 9000,
      targetIndexPrice: 1000,
      maintenanceMarginRatio: 0.0625,
      liquidationPenaltyRatio: 0.025,
    });
    expect(safe).toMatchObject({ liquidations: 0, sizeAfterBase: -10, accountValueAfterUsd: 9000 + 20_000 });
  });
});
