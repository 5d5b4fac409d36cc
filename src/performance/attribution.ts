// P&L attribution of a hedged book over a period: what the hedged item earned and lost, what the hedge earned and
// cost, and how much of the book's value change those terms do not explain. Pure: a series of book points in,
// numbers out. The live report (history store) and the backtest (a replayed price path) both feed it.
//
// Per step i−1 → i, with S the base price, P the price the hedge is marked at, Δx = x_i − x_{i−1}:
//
//   hedged item  I = LP + fees owed + spot base × S
//     delta (price) P&L   (δ_LP,i−1 + spot_i−1) · ΔS             the exposure held over the step, marked to market
//     IL / gamma (LVR)     ΔLP + Δ withdrawn − δ_LP,i−1 · ΔS       what the LP lost against holding its own delta:
//                                                                 ≈ ½·Γ·ΔS² < 0 for a concentrated position, the
//                                                                 discrete loss-versus-rebalancing (Milionis,
//                                                                 Moallemi, Roughgarden & Zhang 2022, "Automated
//                                                                 Market Making and Loss-Versus-Rebalancing", §4);
//                                                                 the principal a withdrawal paid out of the LP is
//                                                                 added back: it left LP for the Safe, not lost
//     fees earned          Δ fees owed + Δ fees collected          a withdrawal pays its fees owed out with it
//   hedge        H (perp: account value − collateral = owed realized + unrealized P&L − pending funding; lending
//                short: supplied − borrowed)
//     price P&L            size_i−1 · ΔP + ΔT · P_i − ΔQ            the size held over the step marked to market, and
//                                                                 each trade (T base traded, Q = Σ traded · quoted
//                                                                 price) from its quoted price to the step's mark
//                                                                 (Perp v2 unrealized P&L = size·mark + open notional)
//     carry                Δ carry received                        funding received − paid (perp); for a lending
//                                                                 short, the short asset's supply − borrow interest:
//                                                                 scaled_{i−1} · Δ normalized index (Aave's
//                                                                 balance = scaled · index: ReserveLogic
//                                                                 getNormalizedDebt, compounded, MathUtils.
//                                                                 calculateCompoundedInterest; getNormalizedIncome,
//                                                                 linear) × P_i, the base it added to (−) or took
//                                                                 from the position marked at the step's price;
//                                                                 plus its collateral's supply interest, scaled_{i−1}
//                                                                 · Δ income index × the collateral's oracle price
//                                                                 at i (in H: see below)
//   costs                  Δ gas + Δ venue fees + Δ realized slippage (fill against the quote)
//   settled into collateral  Δ settled                             P&L a perp withdrawal moved from owed realized P&L
//                                                                 into the vault balance (Vault.withdraw settles it):
//                                                                 it leaves H, stays the book's; a transfer, no term
//
//   liquidation bonus      Δ bonus                                 an Aave liquidation repays debt (the short bought
//                                                                 back: a trade at the oracle price, in the price
//                                                                 term) with collateral worth debt covered + bonus;
//                                                                 the collateral is outside H, so what it paid is
//                                                                 charged to B, and the bonus is the loss that stays
//
//   withdrawn from the LP  Δ withdrawn, Δ fees collected           principal and fees an LP withdrawal paid the Safe
//                                                                 (USD at the withdrawal's block): they leave I, stay
//                                                                 the book's as tokens in the Safe; transfers, no term.
//                                                                 A deposit is a negative withdrawal (withdrawn falls)
//
//   book value B = I + withdrawn + fees collected + H + settled − gas paid − collateral seized (gas is paid by the
//                  keeper's account, outside the Safe; seized collateral by the Aave collateral H does not count: both
//                  charged to it)
//   ΔB = delta + gamma + fees + hedge price + carry − costs − liquidation bonus + unexplained
//
// Nothing withdrawn is counted twice: spotBase (in I) is the Safe's balance of the base token alone, and what a
// withdrawal pays is counted in `withdrawn` only for tokens that are not the base (the keeper withdraws only the
// de-peg lane's stable-pair positions, and records a payout in any other token as unknown: keeper/
// lp-withdrawal-payout.ts). Those stablecoins are then outside I, as a de-peg swap's proceeds are: they stay in B at
// their value when withdrawn, so what the Safe does with them later (a de-peg swap) is outside the attributed book.
// The base token's share of an LP flow through the Safe's own balance (an owner's withdrawal collected to the Safe, a
// deposit the Safe paid) stays in I as spot: it is added back to gamma (withdrawn to spot) and fees (collected to
// spot) but kept out of `withdrawn`, so B counts it once.
//
// A lending short's stablecoin collateral is outside H and B, as a perp's collateral is outside its hedge value: it
// carries no base price risk, and supplying or withdrawing it is not P&L. Its supply interest is the hedge's carry
// (borrow minus supply interest), so the source adds the interest accumulated since the series began to H
// (src/store/report-period.ts): B counts the interest, never the principal.
//
// Venue fees and slippage are already inside H (the perp account pays them; a lending short's cash is its swaps'
// fill), so they are attributed, not added: a trade fills at quote ± slippage and pays its fee, the price term marks
// it from the quote, and the costs term names the rest of the hedge value's move. The unexplained remainder is what
// none of the terms covers: trades the history has no execution for, spot balance moves (fee collection, swaps), and
// the first-order error of marking a step's delta at its start. On block-by-block samples it is small; the report prints it next to the gross P&L
// (Σ|term| over the period) it is judged against.
import { fail } from "../engine/input-guards.ts";

/** One observation of the book, as the history store or a backtest step records it. */
export interface BookPoint {
  timestampSec: number;
  blockNumber: bigint | null;
  basePriceUsd: number;
  /** LP positions' value without their fees owed, USD. */
  lpValueUsd: number;
  /** ∂(LP value)/∂S at this point: the base the LP positions hold, base units. */
  lpDeltaBase: number;
  lpFeesOwedUsd: number;
  /**
   * Principal LP withdrawals paid out of the LP since the series began, less the principal deposits put in, USD at
   * each one's block (falls on a deposit): in tokens spotBase does not count, so in the book's value once, here.
   */
  lpWithdrawnUsd: number;
  /** Fees those withdrawals collected since the series began, USD (fees earned that left fees owed; never falls). */
  lpFeesCollectedUsd: number;
  /**
   * The base token's share of that principal which moved from the LP to the Safe's own balance (+) or from it into
   * the LP (−) since the series began, USD at each one's block: spotBase counts it, so it is not in the book's value
   * again, but gamma adds it back as it does the rest (absent: none).
   */
  lpWithdrawnToSpotUsd?: number;
  /** Fees collected in the base token into the Safe's balance since the series began, USD (absent: none). */
  lpFeesCollectedToSpotUsd?: number;
  /** The base asset held as spot (outside LP positions), base units. */
  spotBase: number;
  /** The hedge's value, USD: its P&L, so collateral moved in or out is not a gain or a loss. */
  hedgeValueUsd: number;
  /** Signed hedge size, base units (negative = short). */
  hedgeSizeBase: number;
  /** The price the hedge is marked at, USD: the perp's mark; the base oracle for a lending short. */
  hedgePriceUsd: number;
  /** Carry received since the series began, USD (negative = paid). */
  carryUsd: number;
  /** Hedge base traded since the series began (signed: + bought), and Σ traded × quoted price, USD. */
  hedgeTradedBase: number;
  hedgeTradedAtQuoteUsd: number;
  /** P&L settled out of the hedge's value into its collateral since the series began, USD (perp withdrawals). */
  settledToCollateralUsd: number;
  /** Costs paid since the series began, USD (each ≥ 0 and never decreasing). */
  gasUsd: number;
  venueFeesUsd: number;
  slippageUsd: number;
  /**
   * Aave liquidations since the series began, USD (absent = none): the collateral they seized (debt covered + bonus),
   * and the bonus alone. The debt they covered is in hedgeTradedBase / hedgeTradedAtQuoteUsd (bought at the oracle).
   */
  collateralSeizedUsd?: number;
  liquidationBonusUsd?: number;
}

/** The attributed terms over a step, a bucket or a period, USD; positive = a gain to the book. */
export interface PnlTerms {
  deltaUsd: number;
  /** ≤ 0 for a concentrated LP: the IL / LVR the LP paid over the span. */
  gammaUsd: number;
  feesEarnedUsd: number;
  hedgePriceUsd: number;
  carryUsd: number;
  /** Costs paid (positive numbers, subtracted from the book). */
  gasUsd: number;
  venueFeesUsd: number;
  slippageUsd: number;
  /** The liquidation bonus Aave liquidators took from the book (a positive number, subtracted from it). */
  liquidationBonusUsd: number;
  /** Measured, not attributed: the hedged item's, the hedge's and the book's value change. */
  hedgedItemChangeUsd: number;
  hedgeChangeUsd: number;
  /** P&L that left the hedge's value for its collateral (a transfer within the book, in its value change). */
  settledToCollateralUsd: number;
  /**
   * Principal LP withdrawals moved from the LP to the Safe (a transfer within the book: in its value change, added
   * back in gamma), and the fees they collected (in feesEarnedUsd).
   */
  lpWithdrawnUsd: number;
  lpFeesCollectedUsd: number;
  bookValueChangeUsd: number;
  /** bookValueChangeUsd − (delta + gamma + fees + hedge price + carry − costs − liquidation bonus). */
  unexplainedUsd: number;
}

export interface PnlBucket extends PnlTerms {
  /** The bucket's span: [startSec, endSec), aligned to multiples of the bucket width (UTC days by default). */
  startSec: number;
  endSec: number;
  steps: number;
}

export interface PeriodAttribution {
  fromSec: number;
  toSec: number;
  steps: number;
  bucketSec: number;
  buckets: PnlBucket[];
  total: PnlTerms;
  /** Σ|term| of the period's totals: the scale the unexplained remainder is judged against. */
  grossPnlUsd: number;
  /** |unexplained| / gross P&L (0 when nothing moved). */
  unexplainedShareOfGross: number;
}

const TERM_KEYS = [
  "deltaUsd",
  "gammaUsd",
  "feesEarnedUsd",
  "hedgePriceUsd",
  "carryUsd",
  "gasUsd",
  "venueFeesUsd",
  "slippageUsd",
  "liquidationBonusUsd",
  "hedgedItemChangeUsd",
  "hedgeChangeUsd",
  "settledToCollateralUsd",
  "lpWithdrawnUsd",
  "lpFeesCollectedUsd",
  "bookValueChangeUsd",
  "unexplainedUsd",
] as const satisfies readonly (keyof PnlTerms)[];

const POINT_NUMBER_KEYS = [
  "timestampSec",
  "basePriceUsd",
  "lpValueUsd",
  "lpDeltaBase",
  "lpFeesOwedUsd",
  "lpWithdrawnUsd",
  "lpFeesCollectedUsd",
  "spotBase",
  "hedgeValueUsd",
  "hedgeSizeBase",
  "hedgePriceUsd",
  "carryUsd",
  "hedgeTradedBase",
  "hedgeTradedAtQuoteUsd",
  "settledToCollateralUsd",
  "gasUsd",
  "venueFeesUsd",
  "slippageUsd",
] as const satisfies readonly (keyof BookPoint)[];

const COST_KEYS = ["gasUsd", "venueFeesUsd", "slippageUsd"] as const;
const FEES_COLLECTED_KEYS = ["lpFeesCollectedUsd", "lpFeesCollectedToSpotUsd"] as const;
const LIQUIDATION_KEYS = ["collateralSeizedUsd", "liquidationBonusUsd"] as const;

/** The hedged item's value: LP + fees owed + spot base at the base price. */
export function hedgedItemValueOf(point: BookPoint): number {
  return point.lpValueUsd + point.lpFeesOwedUsd + point.spotBase * point.basePriceUsd;
}

/**
 * The hedged item's value with what LP withdrawals paid out of it to the Safe: what its P&L (the unhedged book's) is
 * measured on, as the hedge's is with its settlements.
 */
export function hedgedItemPnlValueOf(point: BookPoint): number {
  return hedgedItemValueOf(point) + point.lpWithdrawnUsd + point.lpFeesCollectedUsd;
}

/** The hedge's value with the P&L it settled into collateral: what its P&L is measured on. */
export function hedgePnlValueOf(point: BookPoint): number {
  return point.hedgeValueUsd + point.settledToCollateralUsd;
}

/**
 * The book's value as attributed: hedged item + what LP withdrawals paid the Safe + hedge + P&L it settled into
 * collateral − gas paid outside the Safe − Aave collateral liquidations seized (collateral the hedge's value does not
 * count).
 */
export function bookValueOf(point: BookPoint): number {
  return (
    hedgedItemPnlValueOf(point) +
    point.hedgeValueUsd +
    point.settledToCollateralUsd -
    point.gasUsd -
    (point.collateralSeizedUsd ?? 0)
  );
}

/** Every number finite, prices positive, time in order, costs never decreasing: or an error naming the field. */
export function assertBookPoints(points: readonly BookPoint[]): void {
  if (!Array.isArray(points) || points.length < 2)
    fail("points", "a period needs at least 2 points", points?.length);
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    for (const key of POINT_NUMBER_KEYS) {
      if (typeof p[key] !== "number" || !Number.isFinite(p[key]))
        fail(`points[${i}].${key}`, "must be a finite number", p[key]);
    }
    if (!(p.basePriceUsd > 0)) fail(`points[${i}].basePriceUsd`, "must be > 0", p.basePriceUsd);
    if (!(p.hedgePriceUsd > 0)) fail(`points[${i}].hedgePriceUsd`, "must be > 0", p.hedgePriceUsd);
    if (i === 0) continue;
    const prev = points[i - 1]!;
    if (p.timestampSec < prev.timestampSec)
      fail(`points[${i}].timestampSec`, "points must be in time order", p.timestampSec);
    for (const key of COST_KEYS) {
      if (p[key] < prev[key])
        fail(`points[${i}].${key}`, "costs paid are cumulative: never decrease", p[key]);
    }
    // Principal falls with a deposit; fees collected only grow.
    for (const key of FEES_COLLECTED_KEYS) {
      const value = p[key] ?? 0;
      if (!Number.isFinite(value)) fail(`points[${i}].${key}`, "must be a finite number", p[key]);
      if (value < (prev[key] ?? 0))
        fail(`points[${i}].${key}`, "fees collected are cumulative: never decrease", p[key]);
    }
    const toSpot = p.lpWithdrawnToSpotUsd ?? 0;
    if (!Number.isFinite(toSpot))
      fail(`points[${i}].lpWithdrawnToSpotUsd`, "must be a finite number", p.lpWithdrawnToSpotUsd);
    for (const key of LIQUIDATION_KEYS) {
      const value = p[key] ?? 0;
      if (!Number.isFinite(value)) fail(`points[${i}].${key}`, "must be a finite number", p[key]);
      if (value < (prev[key] ?? 0))
        fail(`points[${i}].${key}`, "liquidations are cumulative: never decrease", p[key]);
    }
  }
}

function zeroTerms(): PnlTerms {
  return {
    deltaUsd: 0,
    gammaUsd: 0,
    feesEarnedUsd: 0,
    hedgePriceUsd: 0,
    carryUsd: 0,
    gasUsd: 0,
    venueFeesUsd: 0,
    slippageUsd: 0,
    liquidationBonusUsd: 0,
    hedgedItemChangeUsd: 0,
    hedgeChangeUsd: 0,
    settledToCollateralUsd: 0,
    lpWithdrawnUsd: 0,
    lpFeesCollectedUsd: 0,
    bookValueChangeUsd: 0,
    unexplainedUsd: 0,
  };
}

function addInto(target: PnlTerms, terms: PnlTerms): void {
  for (const key of TERM_KEYS) target[key] += terms[key];
}

/** The terms of one step, from → to (validated by the caller). */
export function attributeStep(from: BookPoint, to: BookPoint): PnlTerms {
  const dS = to.basePriceUsd - from.basePriceUsd;
  const deltaUsd = (from.lpDeltaBase + from.spotBase) * dS;
  const lpWithdrawnUsd = to.lpWithdrawnUsd - from.lpWithdrawnUsd;
  const lpFeesCollectedUsd = to.lpFeesCollectedUsd - from.lpFeesCollectedUsd;
  // What moved between the LP and the Safe's base balance is a transfer within the hedged item: added back to gamma
  // and fees, while the hedged item's value already holds it as spot.
  const lpWithdrawnToSpotUsd = (to.lpWithdrawnToSpotUsd ?? 0) - (from.lpWithdrawnToSpotUsd ?? 0);
  const lpFeesCollectedToSpotUsd = (to.lpFeesCollectedToSpotUsd ?? 0) - (from.lpFeesCollectedToSpotUsd ?? 0);
  const gammaUsd =
    to.lpValueUsd - from.lpValueUsd + lpWithdrawnUsd + lpWithdrawnToSpotUsd - from.lpDeltaBase * dS;
  const feesEarnedUsd = to.lpFeesOwedUsd - from.lpFeesOwedUsd + lpFeesCollectedUsd + lpFeesCollectedToSpotUsd;
  const hedgePriceUsd =
    from.hedgeSizeBase * (to.hedgePriceUsd - from.hedgePriceUsd) +
    (to.hedgeTradedBase - from.hedgeTradedBase) * to.hedgePriceUsd -
    (to.hedgeTradedAtQuoteUsd - from.hedgeTradedAtQuoteUsd);
  const carryUsd = to.carryUsd - from.carryUsd;
  const gasUsd = to.gasUsd - from.gasUsd;
  const venueFeesUsd = to.venueFeesUsd - from.venueFeesUsd;
  const slippageUsd = to.slippageUsd - from.slippageUsd;
  const liquidationBonusUsd = (to.liquidationBonusUsd ?? 0) - (from.liquidationBonusUsd ?? 0);
  const bookValueChangeUsd = bookValueOf(to) - bookValueOf(from);
  const explained =
    deltaUsd +
    gammaUsd +
    feesEarnedUsd +
    hedgePriceUsd +
    carryUsd -
    gasUsd -
    venueFeesUsd -
    slippageUsd -
    liquidationBonusUsd;
  return {
    deltaUsd,
    gammaUsd,
    feesEarnedUsd,
    hedgePriceUsd,
    carryUsd,
    gasUsd,
    venueFeesUsd,
    slippageUsd,
    liquidationBonusUsd,
    hedgedItemChangeUsd: hedgedItemValueOf(to) - hedgedItemValueOf(from),
    hedgeChangeUsd: to.hedgeValueUsd - from.hedgeValueUsd,
    settledToCollateralUsd: to.settledToCollateralUsd - from.settledToCollateralUsd,
    lpWithdrawnUsd,
    lpFeesCollectedUsd,
    bookValueChangeUsd,
    unexplainedUsd: bookValueChangeUsd - explained,
  };
}

/** Σ|term| of the attributed terms: the gross P&L the remainder is judged against. */
export function grossPnlOf(terms: PnlTerms): number {
  return (
    Math.abs(terms.deltaUsd) +
    Math.abs(terms.gammaUsd) +
    Math.abs(terms.feesEarnedUsd) +
    Math.abs(terms.hedgePriceUsd) +
    Math.abs(terms.carryUsd) +
    terms.gasUsd +
    terms.venueFeesUsd +
    terms.slippageUsd +
    terms.liquidationBonusUsd
  );
}

/**
 * Attribution per step, summed per bucket (a step belongs to the bucket its end falls in; UTC days by default) and
 * over the period. The totals' unexplained remainder is the sum of the steps' (the terms telescope).
 */
export function attributePeriod(
  points: readonly BookPoint[],
  options: { bucketSec?: number } = {},
): PeriodAttribution {
  const bucketSec = options.bucketSec ?? 86_400;
  if (!Number.isFinite(bucketSec) || bucketSec <= 0) fail("bucketSec", "must be finite and > 0", bucketSec);
  assertBookPoints(points);
  const buckets: PnlBucket[] = [];
  const total = zeroTerms();
  for (let i = 1; i < points.length; i++) {
    const terms = attributeStep(points[i - 1]!, points[i]!);
    addInto(total, terms);
    const startSec = Math.floor(points[i]!.timestampSec / bucketSec) * bucketSec;
    let bucket = buckets[buckets.length - 1];
    if (bucket === undefined || bucket.startSec !== startSec) {
      bucket = { ...zeroTerms(), startSec, endSec: startSec + bucketSec, steps: 0 };
      buckets.push(bucket);
    }
    addInto(bucket, terms);
    bucket.steps++;
  }
  const grossPnlUsd = grossPnlOf(total);
  return {
    fromSec: points[0]!.timestampSec,
    toSec: points[points.length - 1]!.timestampSec,
    steps: points.length - 1,
    bucketSec,
    buckets,
    total,
    grossPnlUsd,
    unexplainedShareOfGross: grossPnlUsd > 0 ? Math.abs(total.unexplainedUsd) / grossPnlUsd : 0,
  };
}
