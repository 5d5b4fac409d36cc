import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { lpGreeksV2, lpGreeksV3 } from "./greeks.ts";
import { lvrRate, lvrVolSensitivity } from "./lvr.ts";

const h = 1e-4;

describe("LP greeks", () => {
  it("v2: V = 2L√P, Δ = L/√P = token0 held, Γ = −L/(2P^1.5)", () => {
    expect(lpGreeksV2({ liquidity: 10, price: 4 })).toEqual({ value: 40, delta: 5, gamma: -10 / 16 });
  });

  it("v3 delta and gamma are the numerical derivatives of value, in range", () => {
    fc.assert(
      fc.property(fc.double({ min: 0.81, max: 1.19, noNaN: true }), (price) => {
        const at = (p: number) => lpGreeksV3({ liquidity: 1000, price: p, priceLower: 0.8, priceUpper: 1.2 });
        const g = at(price);
        const delta = (at(price + h).value - at(price - h).value) / (2 * h);
        const gamma = (at(price + h).delta - at(price - h).delta) / (2 * h);
        return (
          Math.abs(delta - g.delta) < 1e-4 * Math.max(1, Math.abs(g.delta)) &&
          Math.abs(gamma - g.gamma) < 1e-3 * Math.abs(g.gamma)
        );
      }),
      { numRuns: 500 },
    );
  });

  it("v3 out of range: all token0 below (constant delta), nothing above; no gamma", () => {
    const below = lpGreeksV3({ liquidity: 1, price: 0.5, priceLower: 1, priceUpper: 4 });
    expect(below.delta).toBeCloseTo(0.5, 12);
    expect(below.gamma).toBe(0);
    const above = lpGreeksV3({ liquidity: 1, price: 5, priceLower: 1, priceUpper: 4 });
    expect(above).toEqual({ value: 1, delta: 0, gamma: 0 });
  });

  it("gamma is never positive: LPs are short gamma", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
        (price) => lpGreeksV3({ liquidity: 5, price, priceLower: 0.5, priceUpper: 2 }).gamma <= 0,
      ),
    );
  });
});

describe("loss-versus-rebalancing", () => {
  it("is σ²/8 for a constant-product pool: 5% daily volatility → 3.125 bp per day (Milionis et al. 2022)", () => {
    expect(lvrRate({ sigma: 0.05 }) * 10_000).toBeCloseTo(3.125, 10);
  });

  it("equals ½σ²P²|Γ|/V for a v3 position in range, and is zero out of range", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.81, max: 1.19, noNaN: true }),
        fc.double({ min: 0.01, max: 2, noNaN: true }),
        (price, sigma) => {
          const g = lpGreeksV3({ liquidity: 1, price, priceLower: 0.8, priceUpper: 1.2 });
          const expected = (0.5 * sigma * sigma * price * price * -g.gamma) / g.value;
          return (
            Math.abs(lvrRate({ sigma, price, priceLower: 0.8, priceUpper: 1.2 }) - expected) < 1e-9 * expected
          );
        },
      ),
      { numRuns: 500 },
    );
    expect(lvrRate({ sigma: 1, price: 2, priceLower: 0.8, priceUpper: 1.2 })).toBe(0);
  });

  it("a concentrated position bleeds more than a full-range one", () => {
    expect(lvrRate({ sigma: 0.6, price: 1, priceLower: 0.9, priceUpper: 1.1 })).toBeGreaterThan(
      lvrRate({ sigma: 0.6 }),
    );
  });

  it("reports volatility exposure: LVR rises with σ², expected IL falls", () => {
    const rate = lvrRate({ sigma: 0.5 });
    const s = lvrVolSensitivity({ sigma: 0.5, ratePerUnitTime: rate, horizon: 1 });
    const bump = lvrRate({ sigma: 0.5 + 1e-6 });
    expect(s.dRateDSigma).toBeCloseTo((bump - rate) / 1e-6, 5);
    expect(s.expectedIl).toBeLessThan(0);
    expect(s.dExpectedIlDSigma).toBeLessThan(0);
  });
});
