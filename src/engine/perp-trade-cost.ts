// What a Perp v2 taker trade costs at the market's depth: the price impact of swapping the size through the
// market's Uniswap v3 pool, plus the venue's fee. The live keeper (decide()) and the backtest both price a perp
// resize with this one function.
//
// Perp v2 (Curie Exchange._swap) scales the amount it sends the pool so that the Uniswap fee cancels out
// (SwapMath.calcScaledAmountForSwaps, then calcAmountScaledByFeeRatio on the result), and charges its own fee
// ratio on the notional instead. The pool's swap is walked tick by tick with its fee (v3-swap-walk.ts), so each
// step rounds as the pool's does, and Perp's scaling is applied around it: the exchanged notional is then the one
// the ClearingHouse reports, to the wei, for any trade that stays inside the ticks the indexer read.
import { mulDiv, mulDivRoundingUp } from "./full-math.ts";
import { fail, toFloat } from "./input-guards.ts";
import type { PerpMarketDepth } from "./snapshot.ts";
import { type V3SwapRange, walkV3Swap, wholeTickWindow } from "./v3-swap-walk.ts";

const Q192 = 1n << 192n;
const ONE_HUNDRED_PERCENT = 1_000_000n; // Perp v2 and Uniswap fee ratios are in pips

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
   * True when the whole trade stays inside the tick window the indexer read (marketDepth.knownTicks), where every
   * initialized tick is known: the cost is exact. When it does not, it is the conservative bound described at
   * `perpTradeCost`.
   */
  withinKnownRange: boolean;
  /** Initialized ticks the exact walk crosses (0 when not `withinKnownRange`). */
  ticksCrossed: number;
}

/**
 * The quote Perp v2 exchanges for `amountBase` through the pool walked over `range`: a sale is an exact-input
 * swap of the base scaled up by the pool fee (calcAmountScaledByFeeRatio(amount, uniswapFee, true)), its notional
 * the quote the pool pays; a purchase is an exact-output swap of the base, its notional the quote the pool takes
 * scaled down by the fee (calcAmountScaledByFeeRatio(quote, uniswapFee, false)).
 */
function perpSwap(range: V3SwapRange, amountBase: bigint, isBaseToQuote: boolean) {
  if (!Number.isInteger(range.feePips) || range.feePips < 0 || range.feePips >= 1_000_000)
    fail("marketDepth.feePips", "must be an integer in [0, 1000000)", range.feePips);
  const keep = ONE_HUNDRED_PERCENT - BigInt(range.feePips);
  if (isBaseToQuote) {
    const walk = walkV3Swap(
      range,
      { zeroForOne: true, amountSpecified: mulDivRoundingUp(amountBase, ONE_HUNDRED_PERCENT, keep) },
      "marketDepth",
    );
    return typeof walk === "string" ? null : { quote: walk.amountOut, ticksCrossed: walk.ticksCrossed };
  }
  const walk = walkV3Swap(range, { zeroForOne: false, amountSpecified: -amountBase }, "marketDepth");
  return typeof walk === "string"
    ? null
    : { quote: mulDiv(walk.amountIn, keep, ONE_HUNDRED_PERCENT), ticksCrossed: walk.ticksCrossed };
}

/**
 * The cost of changing a Perp v2 position by `amountBase` (18 decimals; a sale when `isBaseToQuote`, exact input,
 * else a purchase, exact output, as the plan sends it) at `depth`, with the venue fee `feeBps`.
 *
 * Inside the tick window the indexer read the exchanged quote is exact. Beyond it the liquidity is unknown (it may
 * be thinner or none; Perp v2 refuses a trade that moves the price more than maxTickCrossedWithinBlock anyway, and
 * the window covers that): the cost is bounded conservatively. A trade that mines fills no worse than the plan's
 * bound, `toleranceBps` from the price, so the impact is taken as the larger of that tolerance and the walk that
 * continues the last known liquidity past the window.
 */
export function perpTradeCost(
  depth: PerpMarketDepth,
  trade: { amountBase: bigint; isBaseToQuote: boolean; feeBps: number; toleranceBps: number },
): PerpTradeCost {
  const { amountBase, isBaseToQuote } = trade;
  if (amountBase <= 0n) fail("amountBase", "must be > 0", amountBase);
  if (!Number.isInteger(trade.toleranceBps) || trade.toleranceBps < 0 || trade.toleranceBps >= 10_000)
    fail("toleranceBps", "must be an integer in [0, 10000)", trade.toleranceBps);
  const sqrtP = depth.sqrtPriceX96;
  const spotQuote = (amountBase * sqrtP * sqrtP) / Q192;
  const spotPrice = toFloat((sqrtP * sqrtP * 10n ** 18n) / Q192, 18);

  const exact = perpSwap(depth, amountBase, isBaseToQuote);
  let exchangedQuote: bigint;
  if (exact !== null) exchangedQuote = exact.quote;
  else {
    // The conservative bound: no better than the plan's tolerance, the worst fill that can still mine, nor than
    // the known liquidity continued past the window (when even that cannot fill it, the tolerance alone).
    const continued = perpSwap(
      {
        ...depth,
        knownTicks: wholeTickWindow(depth.tickSpacing),
      },
      amountBase,
      isBaseToQuote,
    );
    const bps = BigInt(isBaseToQuote ? 10_000 - trade.toleranceBps : 10_000 + trade.toleranceBps);
    const tolerated = (spotQuote * bps) / 10_000n;
    if (continued === null) exchangedQuote = tolerated;
    else if (isBaseToQuote) exchangedQuote = continued.quote < tolerated ? continued.quote : tolerated;
    else exchangedQuote = continued.quote > tolerated ? continued.quote : tolerated;
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
    withinKnownRange: exact !== null,
    ticksCrossed: exact?.ticksCrossed ?? 0,
  };
}
