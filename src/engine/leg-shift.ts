// When the total hedge needs no trade but one leg's short now carries far dearer than another's (a rate spike on
// Aave, a funding flip on the perp), moving hedge from the dear leg to the cheap one pays for itself: shrink the dear
// short and grow the cheap one by the same base amount, the book's delta unchanged.
//
// For a shift of b base units at price S, over the carry horizon H (years):
//   saved = b·S·(aprDear − aprCheap)·H                                   (carry no longer paid on the dear leg)
//   cost  = b·S·(bpsDear + bpsCheap)/10⁴ + (gasDear + gasCheap + gasBase)·gasUsdPerUnit   (fees, slippage, gas)
// and the shift goes only when saved > cost × costMargin (the same margin every trade's cost test uses). Both are
// linear in b but for the fixed gas, so the largest b the two legs' caps allow is the best one.
import type { HedgeLeg, HedgeVenue } from "./hedge-leg.ts";
import { legRoomBase } from "./leg-choice.ts";
import { SECONDS_PER_YEAR } from "./volatility.ts";

export interface LegShift {
  /** The leg whose short shrinks (its short carry is the dearer). */
  from: HedgeVenue;
  /** The leg whose short grows by the same base amount. */
  to: HedgeVenue;
  /** Base units moved (> 0). */
  base: number;
  /** Carry saved over the shift horizon, USD. */
  carrySavedUsd: number;
  /** Fees + slippage bounds of both trades + gas of both and of the wrapper, USD. */
  costUsd: number;
}

export interface LegShiftInput {
  priceUsd: number;
  /** How long a shifted hedge is expected to stay shifted: the carry difference is earned over it. */
  horizonSec: number;
  gasUsdPerUnit: number;
  /** Gas units of the wrapper (Safe + Roles + MultiSend + HedgeGuard checks), paid once by the plan. */
  gasBase: number;
  costMargin: number;
  /** Least notional worth a plan. */
  minTradeUsd: number;
}

/** What the best shift between two legs would do, and whether it pays. */
export interface LegShiftVerdict {
  shift: LegShift | null;
  /** Why no shift, in words (null when one pays, or when the book has fewer than two legs). */
  refused: string | null;
}

/** The largest base amount the dear leg can shrink and the cheap one grow, within both legs' caps. */
export function shiftRoomBase(dear: HedgeLeg, cheap: HedgeLeg, priceUsd: number): number {
  const shrinkRoom = legRoomBase(dear, 1, priceUsd);
  const growRoom = legRoomBase(cheap, -1, priceUsd);
  return Math.max(0, Math.min(shrinkRoom, growRoom));
}

export function legShiftCostUsd(dear: HedgeLeg, cheap: HedgeLeg, base: number, input: LegShiftInput): number {
  const notional = base * input.priceUsd;
  return (
    notional * ((dear.tradeCostBps + cheap.tradeCostBps) / 10_000) +
    (dear.tradeGas + cheap.tradeGas + input.gasBase) * input.gasUsdPerUnit
  );
}

/**
 * The shift from the leg with the dearest short carry to the one with the cheapest, sized to the caps; refused when
 * it is smaller than minTradeUsd or its carry saved does not beat its cost × costMargin.
 */
export function chooseLegShift(legs: readonly HedgeLeg[], input: LegShiftInput): LegShiftVerdict {
  if (legs.length < 2) return { shift: null, refused: null };
  const byCarry = [...legs].sort((a, b) => b.shortCarryApr - a.shortCarryApr);
  const dear = byCarry[0]!;
  const cheap = byCarry[byCarry.length - 1]!;
  const aprGap = dear.shortCarryApr - cheap.shortCarryApr;
  if (!(aprGap > 0)) return { shift: null, refused: "the legs' short carry is the same" };
  const base = shiftRoomBase(dear, cheap, input.priceUsd);
  if (base * input.priceUsd < input.minTradeUsd)
    return {
      shift: null,
      refused: `no room to shift from ${dear.venue} to ${cheap.venue} (${(base * input.priceUsd).toFixed(2)} USD within caps)`,
    };
  const carrySavedUsd = base * input.priceUsd * aprGap * (input.horizonSec / SECONDS_PER_YEAR);
  const costUsd = legShiftCostUsd(dear, cheap, base, input);
  if (!(carrySavedUsd > costUsd * input.costMargin))
    return {
      shift: null,
      refused: `shifting ${base.toFixed(4)} base from ${dear.venue} to ${cheap.venue} saves $${carrySavedUsd.toFixed(2)} carry <= cost $${costUsd.toFixed(2)} × ${input.costMargin}`,
    };
  return { shift: { from: dear.venue, to: cheap.venue, base, carrySavedUsd, costUsd }, refused: null };
}
