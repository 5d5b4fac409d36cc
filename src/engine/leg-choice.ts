// Which leg moves the hedge: the one whose trade costs least per USD of hedge moved, within its caps. Cost over the
// risk horizon = fees + slippage bound + gas + carry: growing a short adds the leg's short carry for the horizon,
// shrinking one saves it (so the dearer leg is shrunk first, the cheaper one grown).
import type { HedgeLeg, HedgeVenue } from "./hedge-leg.ts";
import { SECONDS_PER_YEAR } from "./volatility.ts";

export interface LegChoice {
  venue: HedgeVenue;
  /** Signed base units to trade on the leg (negative = grow the short), within its caps. */
  tradeBase: number;
  /** Fees + slippage + gas + carry over the horizon, USD, for `tradeBase`. */
  costUsd: number;
  /** Every leg's cost per USD moved (null: no room within its caps), as the plan's reason reports it. */
  costPerUsd: Partial<Record<HedgeVenue, number | null>>;
}

/** Room on `leg` in the direction of `tradeBase`, base units (≥ 0). */
export function legRoomBase(leg: HedgeLeg, tradeBase: number, priceUsd: number): number {
  const maxTradeBase = leg.caps.maxTradeUsd / priceUsd;
  if (tradeBase < 0) {
    const shortBase = Math.max(0, -leg.deltaBase);
    const headroom = Math.max(0, leg.caps.maxHedgeNotionalUsd / priceUsd - shortBase);
    return Math.min(maxTradeBase, headroom);
  }
  return Math.min(maxTradeBase, Math.max(0, -leg.deltaBase));
}

export function legTradeCostUsd(
  leg: HedgeLeg,
  tradeBase: number,
  input: { priceUsd: number; horizonSec: number; gasUsdPerUnit: number },
): number {
  const notional = Math.abs(tradeBase) * input.priceUsd;
  const carry = notional * leg.shortCarryApr * (input.horizonSec / SECONDS_PER_YEAR);
  return (
    notional * (leg.tradeCostBps / 10_000) +
    leg.tradeGas * input.gasUsdPerUnit +
    (tradeBase < 0 ? carry : -carry)
  );
}

/** The cheapest leg per USD moved that has room; null when no leg has any (every cap reached). */
export function chooseHedgeLeg(
  legs: readonly HedgeLeg[],
  tradeBase: number,
  input: { priceUsd: number; horizonSec: number; gasUsdPerUnit: number },
): LegChoice | null {
  let best: LegChoice | null = null;
  let bestPerUsd = Number.POSITIVE_INFINITY;
  const costPerUsd: LegChoice["costPerUsd"] = {};
  for (const leg of legs) {
    const room = legRoomBase(leg, tradeBase, input.priceUsd);
    if (!(room > 0) || tradeBase === 0) {
      costPerUsd[leg.venue] = null;
      continue;
    }
    const amount = Math.sign(tradeBase) * Math.min(Math.abs(tradeBase), room);
    const costUsd = legTradeCostUsd(leg, amount, input);
    const perUsd = costUsd / (Math.abs(amount) * input.priceUsd);
    costPerUsd[leg.venue] = perUsd;
    if (perUsd < bestPerUsd) {
      bestPerUsd = perUsd;
      best = { venue: leg.venue, tradeBase: amount, costUsd, costPerUsd };
    }
  }
  return best;
}
