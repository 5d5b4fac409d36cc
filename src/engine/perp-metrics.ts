// A perp position, valued as Perpetual Protocol v2 (Curie) does: positions at the index price, account
// value = collateral + unrealized PnL − pending funding, margin ratio = account value / |position value|,
// liquidation when account value < maintenance ratio × |position value| (Perp v2 docs, "Margin", "Liquidation").
import { emit, fail, toFloat } from "./input-guards.ts";
import type { PerpPositionSnapshot } from "./snapshot.ts";

export interface PerpMetrics {
  venue: string;
  sizeBase: number;
  notionalUsd: number;
  entryPrice: number | null;
  markPrice: number;
  indexPrice: number;
  /** size × index + openNotional (Curie's unrealized PnL). */
  unrealizedPnlUsd: number;
  /** Funding accrued and not yet settled; negative = owed by the book. */
  accruedFundingUsd: number;
  accountValueUsd: number;
  /** account value / |notional|; null without a position. */
  marginRatio: number | null;
  leverage: number;
  liquidationPrice: number | null;
  /** |liquidation − index| / index, bps; null without a position. */
  liquidationDistanceBps: number | null;
  /** Funding earned per year at the current rate, USD (negative = paid). Shorts earn when the rate is > 0. */
  fundingCarryUsdPerYear: number;
  /** Funding per day as a fraction of notional, positive = longs pay shorts (the snapshot's rate). */
  fundingRateDaily: number;
  maintenanceMarginRatio: number;
}

/**
 * The index price at which account value meets maintenance margin, holding everything else still:
 * AV + s·(m − m0) = mmr·|s|·m, solved for m.
 */
export function liquidationPrice(
  sizeBase: number,
  indexPrice: number,
  accountValue: number,
  mmr: number,
): number | null {
  if (sizeBase === 0) return null;
  const price =
    sizeBase > 0
      ? (sizeBase * indexPrice - accountValue) / (sizeBase * (1 - mmr))
      : (accountValue - sizeBase * indexPrice) / (-sizeBase * (1 + mmr));
  return Math.max(price, 0);
}

/** The least account value keeping the index at least `distanceBps` from liquidation (inverse of the above). */
export function minAccountValueForDistance(
  sizeBase: number,
  indexPrice: number,
  mmr: number,
  distanceBps: number,
): number {
  const d = distanceBps / 10_000;
  const notional = Math.abs(sizeBase) * indexPrice;
  return sizeBase < 0
    ? notional * ((1 + d) * (1 + mmr) - 1)
    : notional * Math.max(0, 1 - (1 - d) * (1 - mmr));
}

/** Below one cent of notional a position is dust: reported, but without margin ratio or leverage. */
export const DUST_NOTIONAL_USD = 0.01;

export function perpMetrics(perp: PerpPositionSnapshot): PerpMetrics {
  const markPrice = toFloat(perp.markPriceE18, 18);
  const indexPrice = toFloat(perp.indexPriceE18, 18);
  if (!(markPrice > 0)) fail("perp.markPriceE18", "must be > 0", perp.markPriceE18);
  if (!(indexPrice > 0)) fail("perp.indexPriceE18", "must be > 0", perp.indexPriceE18);
  const mmr = perp.maintenanceMarginRatio;
  if (!(mmr > 0 && mmr < 1)) fail("perp.maintenanceMarginRatio", "must be in (0, 1)", mmr);
  if (!Number.isFinite(perp.fundingRateDaily))
    fail("perp.fundingRateDaily", "must be finite", perp.fundingRateDaily);
  const size = toFloat(perp.sizeBase, 18);
  const openNotional = toFloat(perp.openNotionalQuote, 18);
  const accountValue = toFloat(perp.accountValueQuote, 18);
  const notional = Math.abs(size) * indexPrice;
  const liq = liquidationPrice(size, indexPrice, accountValue, mmr);
  return {
    venue: perp.venue,
    sizeBase: size,
    notionalUsd: emit("notionalUsd", notional),
    entryPrice: size === 0 ? null : emit("entryPrice", Math.abs(openNotional / size)),
    markPrice,
    indexPrice,
    unrealizedPnlUsd: emit("unrealizedPnlUsd", size * indexPrice + openNotional),
    accruedFundingUsd: -toFloat(perp.pendingFundingQuote, 18),
    accountValueUsd: accountValue,
    // A dust position (a few wei left after closing) has no meaningful margin ratio: 1e16 is noise, not safety.
    marginRatio: notional < DUST_NOTIONAL_USD ? null : emit("marginRatio", accountValue / notional),
    leverage:
      notional < DUST_NOTIONAL_USD
        ? 0
        : accountValue > 0
          ? emit("leverage", notional / accountValue)
          : Number.MAX_VALUE,
    liquidationPrice: liq,
    liquidationDistanceBps:
      liq === null
        ? null
        : emit("liquidationDistanceBps", (Math.abs(liq - indexPrice) / indexPrice) * 10_000),
    fundingCarryUsdPerYear: emit("fundingCarryUsdPerYear", -size * indexPrice * perp.fundingRateDaily * 365),
    fundingRateDaily: perp.fundingRateDaily,
    maintenanceMarginRatio: mmr,
  };
}
