// What a Perp v2 taker trade costs at the market's depth: the price impact of swapping the size through the
// market's Uniswap v3 pool, plus the venue's fee. The live keeper (decide()) and the backtest both price a perp
// resize with this one function.
//
// Perp v2 (Curie Exchange._swap) scales the amount it sends the pool so that the Uniswap fee cancels out
// (SwapMath.calcScaledAmountForSwaps, then calcAmountScaledByFeeRatio on the result), and charges its own fee
// ratio on the notional instead: the exchanged notional is the fee-free v3 swap along the curve. So the impact is
// computed with v3-core's SqrtPriceMath and no pool fee, and the venue fee is separate.
import { fail, toFloat } from "./input-guards.ts";
import type { PerpMarketDepth } from "./snapshot.ts";
import {
  getAmount0Delta,
  getAmount1Delta,
  getNextSqrtPriceFromInput,
  getNextSqrtPriceFromOutput,
} from "./sqrt-price-math.ts";
import { assertTick, getSqrtRatioAtTick, MAX_SQRT_RATIO, MAX_TICK, MIN_TICK } from "./tick-math.ts";

const Q192 = 1n << 192n;

export interface PerpTradeCost {
  /**
   * The quote the trade exchanges, 18 decimals: received for a sale of base, paid for a purchase (Perp v2's
   * PositionChanged.exchangedPositionNotional, fee excluded). Exact when `withinKnownRange`; else a bound.
   */
  exchangedQuote: bigint;
  /** The same size valued at the pool's price before the trade, 18 decimals. */
  spotQuote: bigint;
  /** The pool's price before the trade, quote per base. */
  spotPrice: number;
  /** What the price impact costs, USD (≥ 0): |spot − exchanged|. */
  impactUsd: number;
  /** The impact in bps of the spot notional. */
  impactBps: number;
  /** The venue's fee on the exchanged notional, USD. */
  feeUsd: number;
  /**
   * True when the whole trade stays where the pool's liquidity is known to be constant (up to the next
   * tick-spacing boundary). When it does not, the impact is the conservative bound described at `perpTradeCost`.
   */
  withinKnownRange: boolean;
}

/**
 * The sqrt price of the nearest tick-spacing boundary the price reaches moving down (selling base) or up. Only
 * ticks on multiples of the spacing can be initialized, so liquidity is constant at least up to it. slot0's tick
 * is ⌊log₁.₀₀₀₁ P⌋, except just after a downward crossing of tick T, where it reads T − 1 at exactly √P(T): then
 * the boundary above is T itself and the known range upward is empty, as v3-core's swap would cross T first.
 */
function knownRangeEdge(depth: PerpMarketDepth, down: boolean): bigint {
  const spacing = depth.tickSpacing;
  const compressed = Math.floor(depth.tick / spacing);
  const edgeTick = down ? compressed * spacing : (compressed + 1) * spacing;
  return getSqrtRatioAtTick(Math.min(MAX_TICK, Math.max(MIN_TICK, edgeTick)));
}

/**
 * The quote a swap of `amountBase` exchanges at constant liquidity `L` from `sqrtP` (v3-core's one swap step
 * without a fee): received for base in, paid for base out; null when `L` cannot fill it at any price.
 */
function continuedSwap(sqrtP: bigint, L: bigint, amountBase: bigint, baseIn: boolean): bigint | null {
  if (L === 0n) return null;
  if (baseIn) return getAmount1Delta(getNextSqrtPriceFromInput(sqrtP, L, amountBase, true), sqrtP, L, false);
  // Base out must stay below the curve's whole token0 reserve, L·2^96/√P (getNextSqrtPriceFromOutput reverts).
  if (amountBase * sqrtP >= L << 96n) return null;
  const next = getNextSqrtPriceFromOutput(sqrtP, L, amountBase, false);
  if (next >= MAX_SQRT_RATIO) return null;
  return getAmount1Delta(sqrtP, next, L, true);
}

/**
 * The cost of changing a Perp v2 position by `amountBase` (18 decimals; a sale when `isBaseToQuote`, exact input,
 * else a purchase, exact output, as the plan sends it) at `depth`, with the venue fee `feeBps`.
 *
 * Inside the known range the exchanged quote is exact (SqrtPriceMath.getNextSqrtPriceFromInput / FromOutput and
 * getAmount1Delta, rounded as the pool rounds). The tick bitmap is not read, so beyond the range's edge the
 * liquidity is unknown (it may be thinner or none). Then the cost is bounded conservatively: a trade that mines
 * fills no worse than the plan's bound, `toleranceBps` from the price, so the impact is taken as the larger of
 * that tolerance and the estimate that continues the known liquidity past the edge.
 */
export function perpTradeCost(
  depth: PerpMarketDepth,
  trade: { amountBase: bigint; isBaseToQuote: boolean; feeBps: number; toleranceBps: number },
): PerpTradeCost {
  const { amountBase, isBaseToQuote } = trade;
  if (amountBase <= 0n) fail("amountBase", "must be > 0", amountBase);
  if (!Number.isInteger(depth.tickSpacing) || depth.tickSpacing <= 0)
    fail("marketDepth.tickSpacing", "must be a positive integer", depth.tickSpacing);
  assertTick("marketDepth.tick", depth.tick);
  if (depth.liquidity < 0n) fail("marketDepth.liquidity", "must be >= 0", depth.liquidity);
  if (!Number.isInteger(trade.toleranceBps) || trade.toleranceBps < 0 || trade.toleranceBps >= 10_000)
    fail("toleranceBps", "must be an integer in [0, 10000)", trade.toleranceBps);
  const sqrtP = depth.sqrtPriceX96;
  const spotQuote = (amountBase * sqrtP * sqrtP) / Q192;
  const spotPrice = toFloat((sqrtP * sqrtP * 10n ** 18n) / Q192, 18);
  const L = depth.liquidity;
  const edge = knownRangeEdge(depth, isBaseToQuote);
  // The most base the known range takes in (price down to its edge) or gives out (price up to its edge).
  // An edge on the wrong side of the price (a slot0 whose tick does not match its price) knows no range.
  const wrongSide = isBaseToQuote ? edge >= sqrtP : edge <= sqrtP;
  const rangeBase = L === 0n || wrongSide ? 0n : getAmount0Delta(edge, sqrtP, L, isBaseToQuote);
  const withinKnownRange = amountBase <= rangeBase;

  const continued = continuedSwap(sqrtP, L, amountBase, isBaseToQuote);
  let exchangedQuote: bigint;
  if (withinKnownRange && continued !== null) exchangedQuote = continued;
  else {
    // The conservative bound: no better than the plan's tolerance, the worst fill that can still mine, nor than
    // the known liquidity continued past the edge (when even that cannot fill it, the tolerance alone).
    const bps = BigInt(isBaseToQuote ? 10_000 - trade.toleranceBps : 10_000 + trade.toleranceBps);
    const tolerated = (spotQuote * bps) / 10_000n;
    if (continued === null) exchangedQuote = tolerated;
    else if (isBaseToQuote) exchangedQuote = continued < tolerated ? continued : tolerated;
    else exchangedQuote = continued > tolerated ? continued : tolerated;
  }
  const impact = isBaseToQuote ? spotQuote - exchangedQuote : exchangedQuote - spotQuote;
  const impactUsd = toFloat(impact < 0n ? 0n : impact, 18);
  const spotUsd = toFloat(spotQuote, 18);
  return {
    exchangedQuote,
    spotQuote,
    spotPrice,
    impactUsd,
    impactBps: spotUsd === 0 ? 0 : (impactUsd / spotUsd) * 10_000,
    feeUsd: toFloat(exchangedQuote, 18) * (trade.feeBps / 10_000),
    withinKnownRange,
  };
}
