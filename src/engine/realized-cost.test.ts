import { describe, expect, it } from "vitest";
import { costPerRiskRemoved, type RealizedLeg, realizedCost, slippageBps } from "./realized-cost.ts";

const leg = (overrides: Partial<RealizedLeg>): RealizedLeg => ({
  actionIndex: 0,
  kind: "perp",
  venue: "perp-v2",
  side: "sell",
  quotedPrice: 3000,
  realizedPrice: 2997,
  slippageBps: 10,
  slippageUsd: 3,
  notionalUsd: 3000,
  feesUsd: 3,
  ...overrides,
});

describe("realized cost", () => {
  it("counts slippage positive when worse than quoted: a sale below, a purchase above", () => {
    expect(slippageBps("sell", 3000, 2997)).toBeCloseTo(10, 9);
    expect(slippageBps("sell", 3000, 3003)).toBeCloseTo(-10, 9);
    expect(slippageBps("buy", 3000, 3003)).toBeCloseTo(10, 9);
    expect(slippageBps("buy", 3000, 2997)).toBeCloseTo(-10, 9);
  });

  it("refuses a quote that is not a positive price rather than dividing by it", () => {
    expect(() => slippageBps("sell", 0, 1)).toThrow(RangeError);
    expect(() => slippageBps("sell", 3000, Number.NaN)).toThrow(RangeError);
  });

  it("weights the plan's slippage by each leg's notional and sums gas, fees and slippage", () => {
    const cost = realizedCost(
      [
        leg({ slippageBps: 10, slippageUsd: 3, notionalUsd: 3000, feesUsd: 3 }),
        leg({
          actionIndex: 1,
          kind: "swap",
          slippageBps: 40,
          slippageUsd: 4,
          notionalUsd: 1000,
          feesUsd: 0.1,
        }),
      ],
      2,
    );
    expect(cost.slippageBps).toBeCloseTo((10 * 3000 + 40 * 1000) / 4000, 9);
    expect(cost.totalCostUsd).toBeCloseTo(2 + 3.1 + 7, 9);
    // Two legs: no single price to report.
    expect(cost.quotedPrice).toBeNull();
    expect(realizedCost([leg({})], 0).realizedPrice).toBe(2997);
  });

  it("reports cost per risk removed only when the plan removed risk", () => {
    expect(costPerRiskRemoved(12, 600)).toBeCloseTo(0.02, 12);
    expect(costPerRiskRemoved(12, 0)).toBeNull();
  });
});
