import { describe, expect, it } from "vitest";
import {
  costPerRiskRemoved,
  type RealizedExecutionFacts,
  type RealizedLeg,
  realizedCost,
  slippageBps,
  summarizeRealizedCosts,
} from "./realized-cost.ts";

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

describe("a book's realized cost summary", () => {
  const facts = (planId: string, o: Partial<RealizedExecutionFacts>): RealizedExecutionFacts => ({
    planId,
    minedAtSec: 1_000,
    slippageBps: 10,
    notionalUsd: 1_000,
    gasUsd: 1,
    feesUsd: 1,
    slippageUsd: 1,
    totalCostUsd: 3,
    expectedCostUsd: 4,
    riskRemovedUsd: 100,
    ...o,
  });

  it("reads the last trading plan's slippage, the notional-weighted average and the ratios over what removed risk", () => {
    const summary = summarizeRealizedCosts([
      // Newest: a collateral move (no trade, no risk removed): gas only.
      facts("c", {
        minedAtSec: 3_000,
        slippageBps: null,
        notionalUsd: 0,
        totalCostUsd: 0.5,
        gasUsd: 0.5,
        feesUsd: 0,
        slippageUsd: 0,
        expectedCostUsd: 0.5,
        riskRemovedUsd: 0,
      }),
      facts("b", {
        minedAtSec: 2_000,
        slippageBps: 30,
        notionalUsd: 3_000,
        totalCostUsd: 12,
        expectedCostUsd: 9,
        riskRemovedUsd: 300,
      }),
      facts("a", {
        slippageBps: -10,
        notionalUsd: 1_000,
        totalCostUsd: 4,
        expectedCostUsd: 3,
        riskRemovedUsd: 100,
      }),
    ]);
    expect(summary).toMatchObject({ plans: 3, lastPlanId: "c", lastMinedAtSec: 3_000, lastSlippageBps: 30 });
    expect(summary.averageSlippageBps).toBeCloseTo((30 * 3_000 - 10 * 1_000) / 4_000, 9);
    expect(summary.costPerRiskRemoved).toBeCloseTo(16 / 400, 12);
    expect(summary.expectedCostPerRiskRemoved).toBeCloseTo(12 / 400, 12);
    expect(summary.totals.costUsd).toBeCloseTo(16.5, 9);
    expect(summary.totals.gasUsd).toBeCloseTo(2.5, 9);
  });

  it("leaves every figure blank, not zero, before any plan was mined", () => {
    const summary = summarizeRealizedCosts([]);
    expect(summary).toMatchObject({
      plans: 0,
      lastSlippageBps: null,
      averageSlippageBps: null,
      costPerRiskRemoved: null,
      expectedCostPerRiskRemoved: null,
    });
  });
});
