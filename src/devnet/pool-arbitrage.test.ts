import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EDGE_TOLERANCE, noArbitrageBand, poolArbitrage } from "./pool-arbitrage.ts";

describe("noArbitrageBand", () => {
  it("spans the market price by the pool's fee: m·(1 − f) to m/(1 − f)", () => {
    const band = noArbitrageBand(3900, 500);
    expect(band.lower).toBeCloseTo(3900 * 0.9995, 9);
    expect(band.upper).toBeCloseTo(3900 / 0.9995, 9);
    // m/(1 − f) is m·(1 + f) up to f²: under a cent on ETH at 0.05%.
    expect(band.upper - 3900 * 1.0005).toBeLessThan(0.01);
  });

  it("is as wide as each fee tier: 0.001%, 0.01%, 0.05%, 0.3%, 1%", () => {
    for (const feePips of [10, 100, 500, 3000, 10_000]) {
      const { lower } = noArbitrageBand(1, feePips);
      expect(1 - lower).toBeCloseTo(feePips / 1_000_000, 12);
    }
  });

  it("shrinks to the market price on a fee-free pool", () => {
    expect(noArbitrageBand(1, 0)).toEqual({ lower: 1, upper: 1 });
  });

  it("refuses a market price or fee it cannot price with, naming it", () => {
    expect(() => noArbitrageBand(0, 500)).toThrow(/marketPrice must be positive, got 0/);
    expect(() => noArbitrageBand(Number.NaN, 500)).toThrow(/marketPrice/);
    expect(() => noArbitrageBand(3000, -1)).toThrow(/feePips must be an integer in \[0, 1000000\), got -1/);
    expect(() => noArbitrageBand(3000, 1_000_000)).toThrow(/feePips/);
    expect(() => noArbitrageBand(3000, 0.5)).toThrow(/feePips/);
    // Positive control: the same call with sane inputs prices.
    expect(noArbitrageBand(3000, 500).lower).toBeCloseTo(2998.5, 9);
  });
});

describe("poolArbitrage", () => {
  it("buys base in a pool under the band, up to the band's lower edge (not to the market)", () => {
    // The keeper sold 6 WETH into USDC/WETH 0.05% at 3900 and left it 12 bps under.
    expect(poolArbitrage(3900 * (1 - 0.0012), 3900, 500)).toEqual({
      direction: "buyBase",
      targetPrice: 3900 * 0.9995,
    });
  });

  it("sells base into a pool over the band, down to the band's upper edge", () => {
    expect(poolArbitrage(1.003, 1, 100)).toEqual({ direction: "sellBase", targetPrice: 1 / 0.9999 });
  });

  it("does nothing inside the band, edges and the market price included", () => {
    const { lower, upper } = noArbitrageBand(3900, 500);
    for (const price of [lower, (lower + 3900) / 2, 3900, (3900 + upper) / 2, upper])
      expect(poolArbitrage(price, 3900, 500), `pool at ${price}`).toBeUndefined();
    // Positive control: a tick (1 bp) beyond either edge is traded.
    expect(poolArbitrage(lower * 0.9999, 3900, 500)?.direction).toBe("buyBase");
    expect(poolArbitrage(upper * 1.0001, 3900, 500)?.direction).toBe("sellBase");
  });

  it("leaves a pool the arbitrageur already brought to the edge, read back a few ulps off it", () => {
    const { lower } = noArbitrageBand(3900, 500);
    expect(poolArbitrage(lower * (1 - EDGE_TOLERANCE / 2), 3900, 500)).toBeUndefined();
  });

  it("the same gap is arbitraged on a cheap pool and left on a dear one (fee tiers)", () => {
    const price = 1 - 0.0003; // 3 bps under the market
    expect(poolArbitrage(price, 1, 10)?.targetPrice).toBeCloseTo(1 - 0.00001, 12);
    expect(poolArbitrage(price, 1, 100)?.targetPrice).toBeCloseTo(1 - 0.0001, 12);
    expect(poolArbitrage(price, 1, 500)).toBeUndefined();
    expect(poolArbitrage(price, 1, 3000)).toBeUndefined();
  });

  it("always trades toward the market and stops at the edge the pool is beyond", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 1e5, noNaN: true }),
        fc.double({ min: -0.5, max: 0.5, noNaN: true }),
        fc.constantFrom(10, 100, 500, 3000, 10_000),
        (market, offset, feePips) => {
          const price = market * (1 + offset);
          const arbitrage = poolArbitrage(price, market, feePips);
          const { lower, upper } = noArbitrageBand(market, feePips);
          if (arbitrage === undefined) return price >= lower * (1 - 1e-9) && price <= upper * (1 + 1e-9);
          return arbitrage.direction === "buyBase"
            ? price < lower && arbitrage.targetPrice === lower
            : price > upper && arbitrage.targetPrice === upper;
        },
      ),
    );
  });

  it("refuses a pool price it cannot compare, naming it", () => {
    expect(() => poolArbitrage(Number.POSITIVE_INFINITY, 3900, 500)).toThrow(
      /poolPrice must be positive, got Infinity/,
    );
    expect(() => poolArbitrage(-1, 3900, 500)).toThrow(/poolPrice/);
  });
});
