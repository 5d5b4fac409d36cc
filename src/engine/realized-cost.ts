// Realized execution cost: what a mined plan actually paid against what the engine quoted when it sized it. The
// receipt parser (src/execution/realized-execution.ts) measures each trade leg; these are the figures and the
// roll-up the history stores and the book page shows.
//
// Sign convention: slippage is positive when the fill was worse than the quote (sold for less, bought for more),
// negative when better. bps = (quoted − realized) / quoted × 10⁴ for a sale, (realized − quoted) / quoted × 10⁴
// for a purchase.

/** One trade action of a mined plan, quoted and realized. */
export interface RealizedLeg {
  /** The action's index in plan.actions. */
  actionIndex: number;
  kind: "perp" | "swap";
  venue: string;
  /** sell: the plan gave up the priced asset (perp base, a swap's tokenIn); buy: it took it. */
  side: "sell" | "buy";
  /** perp: USD per base unit; swap: tokenOut per tokenIn in whole units. */
  quotedPrice: number;
  realizedPrice: number;
  /** Positive = worse than quoted (see the file's head). */
  slippageBps: number;
  /** The shortfall against the quote, USD (negative when the fill beat it). */
  slippageUsd: number;
  /** What the leg traded at its quote, USD (perp: |size| × quoted price; swap: amountIn at tokenIn's USD price). */
  notionalUsd: number;
  /** Venue fees paid, USD (perp: the ClearingHouse fee; swap: the pool fee share of amountIn). */
  feesUsd: number;
}

/** A mined plan's realized cost, as the history stores it. */
export interface RealizedCost {
  legs: RealizedLeg[];
  gasUsd: number;
  feesUsd: number;
  slippageUsd: number;
  /** gas + fees + slippage, USD: the plan's cost measured after the fact. */
  totalCostUsd: number;
  /** Traded notional over every leg, USD. */
  notionalUsd: number;
  /** Notional-weighted slippage over the legs, bps; null when the plan traded nothing (a collateral move). */
  slippageBps: number | null;
  /** The single trade leg's prices when the plan has exactly one; null otherwise (each leg keeps its own). */
  quotedPrice: number | null;
  realizedPrice: number | null;
}

export function slippageBps(side: RealizedLeg["side"], quotedPrice: number, realizedPrice: number): number {
  if (!(quotedPrice > 0) || !Number.isFinite(realizedPrice))
    throw new RangeError(
      `slippage needs a positive quote and a finite fill, got ${quotedPrice} → ${realizedPrice}`,
    );
  const worse = side === "sell" ? quotedPrice - realizedPrice : realizedPrice - quotedPrice;
  return (worse / quotedPrice) * 10_000;
}

/** Rolls the legs and the gas into the plan's realized cost. */
export function realizedCost(legs: RealizedLeg[], gasUsd: number): RealizedCost {
  const feesUsd = legs.reduce((s, l) => s + l.feesUsd, 0);
  const slippageUsd = legs.reduce((s, l) => s + l.slippageUsd, 0);
  const notionalUsd = legs.reduce((s, l) => s + l.notionalUsd, 0);
  const weightedBps = legs.reduce((s, l) => s + l.slippageBps * l.notionalUsd, 0);
  const only = legs.length === 1 ? legs[0] : undefined;
  return {
    legs,
    gasUsd,
    feesUsd,
    slippageUsd,
    totalCostUsd: gasUsd + feesUsd + slippageUsd,
    notionalUsd,
    slippageBps: notionalUsd > 0 ? weightedBps / notionalUsd : null,
    quotedPrice: only?.quotedPrice ?? null,
    realizedPrice: only?.realizedPrice ?? null,
  };
}

/** Realized cost per USD of risk removed; null when the plan removed no risk (a collateral move). */
export function costPerRiskRemoved(totalCostUsd: number, riskRemovedUsd: number): number | null {
  return riskRemovedUsd > 0 ? totalCostUsd / riskRemovedUsd : null;
}

/** What the book page summarizes of one mined plan (the history's PlanExecution has it). */
export interface RealizedExecutionFacts {
  planId: string;
  minedAtSec: number;
  slippageBps: number | null;
  notionalUsd: number;
  gasUsd: number;
  feesUsd: number;
  slippageUsd: number;
  totalCostUsd: number;
  expectedCostUsd: number;
  riskRemovedUsd: number;
}

/** A book's realized execution over a window of mined plans: the last one, the average, the totals. */
export interface RealizedCostSummary {
  plans: number;
  lastPlanId: string | null;
  lastMinedAtSec: number | null;
  /** The last plan that traded (a collateral move has no slippage). */
  lastSlippageBps: number | null;
  /** Notional-weighted over the window's trading plans. */
  averageSlippageBps: number | null;
  /** Σ realized cost / Σ risk removed over the plans that removed risk; null when none did. */
  costPerRiskRemoved: number | null;
  /** The same ratio with the engine's estimate: what the realized figure is to be read against. */
  expectedCostPerRiskRemoved: number | null;
  totals: { gasUsd: number; feesUsd: number; slippageUsd: number; costUsd: number; expectedCostUsd: number };
}

/** Summarizes mined plans given newest first. */
export function summarizeRealizedCosts(executions: readonly RealizedExecutionFacts[]): RealizedCostSummary {
  const sum = (pick: (e: RealizedExecutionFacts) => number, of = executions) =>
    of.reduce((s, e) => s + pick(e), 0);
  const trading = executions.filter((e) => e.slippageBps !== null && e.notionalUsd > 0);
  const tradingNotional = sum((e) => e.notionalUsd, trading);
  const removing = executions.filter((e) => e.riskRemovedUsd > 0);
  const riskRemoved = sum((e) => e.riskRemovedUsd, removing);
  const last = executions[0];
  return {
    plans: executions.length,
    lastPlanId: last?.planId ?? null,
    lastMinedAtSec: last?.minedAtSec ?? null,
    lastSlippageBps: trading[0]?.slippageBps ?? null,
    averageSlippageBps:
      tradingNotional > 0
        ? sum((e) => (e.slippageBps ?? 0) * e.notionalUsd, trading) / tradingNotional
        : null,
    costPerRiskRemoved: costPerRiskRemoved(
      sum((e) => e.totalCostUsd, removing),
      riskRemoved,
    ),
    expectedCostPerRiskRemoved: costPerRiskRemoved(
      sum((e) => e.expectedCostUsd, removing),
      riskRemoved,
    ),
    totals: {
      gasUsd: sum((e) => e.gasUsd),
      feesUsd: sum((e) => e.feesUsd),
      slippageUsd: sum((e) => e.slippageUsd),
      costUsd: sum((e) => e.totalCostUsd),
      expectedCostUsd: sum((e) => e.expectedCostUsd),
    },
  };
}
