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
  /** The slippage in USD: slippageBps × notionalUsd / 10⁴. */
  slippageUsd: number;
  /** What the leg traded, USD (perp: |exchanged notional|; swap: amountIn at the quote's tokenIn price). */
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
  const only = legs.length === 1 ? legs[0] : undefined;
  return {
    legs,
    gasUsd,
    feesUsd,
    slippageUsd,
    totalCostUsd: gasUsd + feesUsd + slippageUsd,
    notionalUsd,
    slippageBps: notionalUsd > 0 ? (slippageUsd / notionalUsd) * 10_000 : null,
    quotedPrice: only?.quotedPrice ?? null,
    realizedPrice: only?.realizedPrice ?? null,
  };
}

/** Realized cost per USD of risk removed; null when the plan removed no risk (a collateral move). */
export function costPerRiskRemoved(totalCostUsd: number, riskRemovedUsd: number): number | null {
  return riskRemovedUsd > 0 ? totalCostUsd / riskRemovedUsd : null;
}
