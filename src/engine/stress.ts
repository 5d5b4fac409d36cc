// Stress: shock the book and revalue it. Every LP position is repriced at the pool price arbitrage would
// leave after the shock (the ratio of the tokens' new USD prices), with the closed forms of the whitepaper
// §6.2 (impermanent-loss.ts), so IL is inside the LP P&L. Scenarios after the episodes that broke LP hedges: price ±x%,
// de-peg to p (USDC/SVB, March 2023, low 0.8774; UST, May 2022), correlation breakdown (hedge flat while spot moves) and stressed
// correlation (the hedge follows spot by ρ_stressed/ρ_measured: E[ΔF | ΔS] = ρ·σF/σS·ΔS for jointly normal
// changes, σs unchanged), basis blowout (mark away from index), liquidity gap (slippage × k), and combinations of
// them. Historical VaR and expected shortfall of the hedged residual by seeded bootstrap of per-block changes
// (reproducible: same seed, same numbers).
//
// The hedge's own failure modes (Perpetual Protocol v2 docs, "Liquidation"; ClearingHouse/AccountBalance):
//  - the venue values positions at the index price; an account is liquidatable when account value <
//    mmRatio × |position value| (6.25%); a liquidator takes over half the position while the margin ratio is at
//    least mmRatio / 2, all of it below that or when the position is worth ≤ $100; the account pays a penalty of
//    2.5% of the liquidated notional. The shocked index is reached along a continuous path, so each liquidation
//    happens at the index where the margin ratio crosses mmRatio;
//  - Perp v2 counts its settlement collateral (USDC) at par: a de-peg of it leaves the venue's margin ratio as
//    it is, but what the book can withdraw (the account value, in USDC) loses the de-peg in USD.
//  - An Aave v3 borrow-short leg (aave-stress.ts) is repriced through its oracle, which reads the same feeds: its debt
//    is in the base asset itself, so it follows every base move fully (hedgeFollow and basis are the perp's), and a
//    stablecoin de-peg reprices its collateral. Its health factor after the shock, whether it falls under 1, and the
//    liquidation bonus it would then pay are reported beside the perp's; its value change is in the hedge's P&L.
import { type AaveLegStress, aaveLegUnderShock } from "./aave-stress.ts";
import type { BookMetrics } from "./book-metrics.ts";
import { evaluateBook } from "./book-metrics.ts";
import { createBootstrapCountsCache, pathTotals } from "./bootstrap-draw-counts.ts";
import { unitAmounts } from "./impermanent-loss.ts";
import { emit, fail, toFloat } from "./input-guards.ts";
import type { BookParams } from "./params.ts";
import { DUST_NOTIONAL_USD, liquidationPrice } from "./perp-metrics.ts";
import { poolAssets, poolIdOf, positionPoolIdOf } from "./pool-identity.ts";
import { sqrtPriceX96ToPrice } from "./price-tick.ts";
import type { BookSample, BookSnapshot, PoolSnapshot } from "./snapshot.ts";
import { changes, quantile } from "./statistics.ts";
import { getSqrtRatioAtTick } from "./tick-math.ts";

/** Several factors at once (a combined scenario); each absent factor does not move. */
export interface ScenarioMoves {
  /** The base asset's USD move, fraction (−0.3 = −30%). */
  basePct?: number;
  /** Fraction of the base move the hedge's index follows: 1 tracks spot (default), 0 decoupled. */
  hedgeFollow?: number;
  /** Mark − index when the hedge is unwound, bps of index (positive costs a short). */
  basisBps?: number;
  /** Stablecoins at these USD prices: LP, spot and the hedge venue's collateral are revalued. */
  depeg?: readonly { token: string; priceUsd: number }[];
  /** Unwinding the hedge and exiting the LP at k × the usual slippage. */
  slippageMultiplier?: number;
}

export type Shock =
  | { kind: "price"; pct: number }
  | { kind: "depeg"; token: string; priceUsd: number }
  | { kind: "correlation-breakdown"; pct: number }
  /** Spot moves `pct`; the hedge/item correlation falls from |measuredRho| to stressedRho. */
  | { kind: "correlation-stress"; pct: number; measuredRho: number; stressedRho: number }
  | { kind: "basis-blowout"; bps: number }
  | { kind: "liquidity-gap"; slippageMultiplier: number }
  | { kind: "combined"; label: string; moves: ScenarioMoves };

export interface StressResult {
  shock: Shock;
  lpPnlUsd: number;
  /** The hedge account's P&L, USD: price moves up to any liquidation, penalties, basis, slippage, collateral de-peg. */
  hedgePnlUsd: number;
  spotPnlUsd: number;
  netPnlUsd: number;
  /** Net P&L in bps of book value. */
  netPnlBps: number;
  /** Venue margin ratio after the shock (account value / |notional| at the shocked index); null without a position. */
  marginRatioAfter: number | null;
  /** True when the shock crosses the liquidation price (or the account already was liquidatable). */
  liquidated: boolean;
  /** Index price at which the venue starts liquidating the hedge as it stands now; null without a position. */
  liquidationPriceUsd: number | null;
  /** That price as a move of the index from now (+0.224 = +22.4%). */
  liquidationMovePct: number | null;
  /** Fraction of the hedge the venue took over during the shock (0 … 1). */
  liquidatedFraction: number;
  /** Liquidation penalties paid, USD (inside hedgePnlUsd). */
  liquidationPenaltyUsd: number;
  /**
   * What a liquidation part-way locks in, USD (positive = loss): the liquidated slices' losses from now to where
   * they were taken over, plus the penalties. Kept even if the price comes back: the LP's offsetting gain does not.
   */
  liquidationLossUsd: number;
  /** The venue collateral's USD gain (+) or loss (−) from its settlement token's de-peg (inside hedgePnlUsd). */
  collateralDepegPnlUsd: number;
  /**
   * The Aave leg under the shock (its value change and liquidation bonus are inside hedgePnlUsd; its liquidation in
   * `liquidated`, its bonus in the penalty and loss fields); null without an Aave leg.
   */
  aave: AaveLegStress | null;
}

/** Perp v2 defaults (ClearingHouseConfig / AccountBalance). */
export const PERP_V2_LIQUIDATION = {
  maintenanceMarginRatio: 0.0625,
  liquidationPenaltyRatio: 0.025,
  /** A liquidator may take over half the position while the margin ratio is ≥ half the maintenance ratio. */
  partialLiquidationRatio: 0.5,
  /** Positions worth at most this are liquidated whole (_MIN_PARTIAL_LIQUIDATE_POSITION_VALUE). */
  minPartialLiquidationUsd: 100,
} as const;

export interface LiquidationPath {
  sizeAfterBase: number;
  accountValueAfterUsd: number;
  /** Base units taken over by liquidators (absolute). */
  liquidatedBase: number;
  penaltyUsd: number;
  /** Σ over liquidations of (the slice's loss from the starting index to the liquidation index + penalty). */
  lockedLossUsd: number;
  /** Index price of the first liquidation; null when none. */
  firstLiquidationPriceUsd: number | null;
  liquidations: number;
  /** Account value the venue's insurance fund absorbed (below zero), USD. */
  badDebtUsd: number;
}

/**
 * A perp account's path as the index moves continuously from `indexPrice` to `targetIndexPrice`, with Perp v2
 * liquidations on the way (see the header). Account value AV(m) = AV₀ + s·(m − m₀) between liquidations.
 */
export function perpLiquidationPath(input: {
  sizeBase: number;
  indexPrice: number;
  accountValueUsd: number;
  targetIndexPrice: number;
  maintenanceMarginRatio: number;
  liquidationPenaltyRatio: number;
  partialLiquidationRatio?: number;
  minPartialLiquidationUsd?: number;
}): LiquidationPath {
  const {
    sizeBase,
    indexPrice: i0,
    accountValueUsd,
    targetIndexPrice: target,
    maintenanceMarginRatio: mmr,
    liquidationPenaltyRatio: penalty,
    partialLiquidationRatio: partial = PERP_V2_LIQUIDATION.partialLiquidationRatio,
    minPartialLiquidationUsd: minPartial = PERP_V2_LIQUIDATION.minPartialLiquidationUsd,
  } = input;
  for (const [field, x] of [
    ["sizeBase", sizeBase],
    ["accountValueUsd", accountValueUsd],
  ] as const)
    if (!Number.isFinite(x)) fail(field, "must be finite", x);
  if (!(i0 > 0) || !Number.isFinite(i0)) fail("indexPrice", "must be finite and > 0", i0);
  if (!(target >= 0) || !Number.isFinite(target)) fail("targetIndexPrice", "must be finite and >= 0", target);
  if (!(mmr > 0 && mmr < 1)) fail("maintenanceMarginRatio", "must be in (0, 1)", mmr);
  if (!(penalty >= 0 && penalty < 1)) fail("liquidationPenaltyRatio", "must be in [0, 1)", penalty);
  if (!(partial > 0 && partial <= 1)) fail("partialLiquidationRatio", "must be in (0, 1]", partial);
  let s = sizeBase;
  let av = accountValueUsd;
  let m = i0;
  let liquidatedBase = 0;
  let penaltyUsd = 0;
  let lockedLossUsd = 0;
  let first: number | null = null;
  let liquidations = 0;
  let badDebtUsd = 0;
  // Each partial liquidation needs a further move (the margin ratio restarts at (mmr − penalty·f)/(1 − f)),
  // and a position worth ≤ minPartial goes whole: the loop ends in a few dozen steps; the bound is a guard.
  for (let step = 0; step < 1_000 && s !== 0; step++) {
    if (!(av < mmr * Math.abs(s) * m)) {
      const mL = liquidationPrice(s, m, av, mmr)!;
      const reached = s < 0 ? target >= mL : mL > 0 && target <= mL;
      if (!reached) break;
      av += s * (mL - m);
      m = mL;
    }
    const notional = Math.abs(s) * m;
    const fraction = notional <= minPartial || av < (mmr * notional) / 2 ? 1 : Math.min(1, partial);
    const taken = s * fraction;
    const fee = penalty * Math.abs(taken) * m;
    lockedLossUsd += -taken * (m - i0) + fee;
    penaltyUsd += fee;
    av -= fee;
    s = fraction === 1 ? 0 : s - taken;
    liquidatedBase += Math.abs(taken);
    liquidations++;
    first ??= m;
    if (av < 0) {
      badDebtUsd += -av;
      av = 0;
    }
  }
  if (s !== 0) av += s * (target - m);
  return {
    sizeAfterBase: s,
    accountValueAfterUsd: av,
    liquidatedBase,
    penaltyUsd,
    lockedLossUsd,
    firstLiquidationPriceUsd: first,
    liquidations,
    badDebtUsd,
  };
}
/** A position's pool tokens and range in human units, worked out once: every shock revalues the same legs. */
interface LpLeg {
  token0: string;
  token1: string;
  kind: "uniswap-v3" | "uniswap-v2";
  /** v3: L in human units (L·10^−(d0+d1)/2); v2: √(reserve0·reserve1) × the position's share. */
  lh: number;
  /** v3 range bounds, token0 in token1. */
  pl: number;
  pu: number;
}

function lpLegs(book: BookSnapshot): LpLeg[] {
  const pools = new Map<string, PoolSnapshot>(book.pools.map((p) => [poolIdOf(p), p]));
  const legs: LpLeg[] = [];
  for (const position of book.lpPositions) {
    const pool = pools.get(positionPoolIdOf(position));
    if (!pool) fail("lpPositions.pool", "no snapshot of this pool", positionPoolIdOf(position));
    // A v4 native-ETH currency is the base asset: it moves with the base's shocks.
    const assets = poolAssets(pool, book.base);
    const token0 = assets.token0.address.toLowerCase();
    const token1 = assets.token1.address.toLowerCase();
    const d0 = assets.token0.decimals;
    const d1 = assets.token1.decimals;
    // v3 and v4 hold liquidity with the same concentrated-liquidity math.
    if (
      (position.kind === "uniswap-v3" && pool.kind === "uniswap-v3") ||
      (position.kind === "uniswap-v4" && pool.kind === "uniswap-v4")
    ) {
      legs.push({
        token0,
        token1,
        kind: "uniswap-v3",
        lh: Number(position.liquidity) * 10 ** (-(d0 + d1) / 2),
        pl: sqrtPriceX96ToPrice(getSqrtRatioAtTick(position.tickLower), d0, d1),
        pu: sqrtPriceX96ToPrice(getSqrtRatioAtTick(position.tickUpper), d0, d1),
      });
    } else if (position.kind === "uniswap-v2" && pool.kind === "uniswap-v2") {
      const share = Number(position.lpBalance) / Number(pool.totalSupply);
      const lh = Math.sqrt(toFloat(pool.reserve0, d0) * toFloat(pool.reserve1, d1)) * share;
      legs.push({ token0, token1, kind: "uniswap-v2", lh, pl: 0, pu: 0 });
    }
  }
  return legs;
}

/** LP value in USD with every token at `usd(token)` and each pool arbitraged to those prices. */
function lpValueAt(legs: readonly LpLeg[], usd: (token: string) => number): number {
  let total = 0;
  for (const leg of legs) {
    const u0 = usd(leg.token0);
    const u1 = usd(leg.token1);
    const price = u0 / u1; // token0 in token1, after arbitrage
    if (leg.kind === "uniswap-v3") {
      const { x, y } = unitAmounts(price, leg.pl, leg.pu);
      total += leg.lh * (x * u0 + y * u1);
    } else {
      total += leg.lh * (u0 / Math.sqrt(price) + u1 * Math.sqrt(price));
    }
  }
  return total;
}

/** The factors a shock moves, with its inputs checked. */
function movesOf(shock: Shock): ScenarioMoves {
  const pct = (x: number) => {
    if (!Number.isFinite(x) || x <= -1) fail("shock.pct", "must be finite and > −1", x);
    return x;
  };
  switch (shock.kind) {
    case "price":
      return { basePct: pct(shock.pct) };
    case "correlation-breakdown":
      // Spot moves, the hedge does not (index decoupled, venue halted…).
      return { basePct: pct(shock.pct), hedgeFollow: 0 };
    case "correlation-stress": {
      const measured = Math.abs(shock.measuredRho);
      if (!(measured > 0 && measured <= 1))
        fail("shock.measuredRho", "must be in [−1, 1] and ≠ 0", shock.measuredRho);
      if (!(shock.stressedRho >= 0 && shock.stressedRho <= 1))
        fail("shock.stressedRho", "must be in [0, 1]", shock.stressedRho);
      // β = ρ·σF/σS: with the vols unchanged the hedge follows by ρ_stressed / ρ_measured (never more than fully).
      return { basePct: pct(shock.pct), hedgeFollow: Math.min(1, shock.stressedRho / measured) };
    }
    case "depeg":
      return { depeg: [{ token: shock.token, priceUsd: shock.priceUsd }] };
    case "basis-blowout":
      return { basisBps: shock.bps };
    case "liquidity-gap":
      return { slippageMultiplier: shock.slippageMultiplier };
    case "combined": {
      const m = shock.moves;
      if (m.basePct !== undefined) pct(m.basePct);
      if (m.hedgeFollow !== undefined && !(m.hedgeFollow >= 0 && m.hedgeFollow <= 1))
        fail("shock.moves.hedgeFollow", "must be in [0, 1]", m.hedgeFollow);
      return m;
    }
  }
}

export function stressBook(
  book: BookSnapshot,
  params: BookParams,
  nowSec: number,
  shocks: readonly Shock[],
  metrics?: BookMetrics,
): StressResult[] {
  const m = metrics ?? evaluateBook(book, params, nowSec);
  const base = book.base.address.toLowerCase();
  const stables = new Set(params.depeg.stablecoins.map((s) => s.token.toLowerCase()));
  const oracleUsd = new Map<string, number>();
  for (const r of [book.baseOracle, ...book.oracles])
    oracleUsd.set(r.asset.toLowerCase(), toFloat(r.answer, r.decimals));
  const usdNow = (t: string) =>
    oracleUsd.get(t) ?? (stables.has(t) ? 1 : fail("oracles", `no USD price for ${t}`));
  const legs = lpLegs(book);
  const lpNow = lpValueAt(legs, usdNow);
  const size = m.perp?.sizeBase ?? 0;
  const index = m.perp?.indexPrice ?? m.basePriceUsd;
  const accountValue = m.perp?.accountValueUsd ?? 0;
  const mmr =
    params.stress?.maintenanceMarginRatio ??
    m.perp?.maintenanceMarginRatio ??
    PERP_V2_LIQUIDATION.maintenanceMarginRatio;
  const penalty = params.stress?.liquidationPenaltyRatio ?? PERP_V2_LIQUIDATION.liquidationPenaltyRatio;
  const hasPosition = m.perp !== null && Math.abs(size) * index >= DUST_NOTIONAL_USD;
  const liqNow = hasPosition ? liquidationPrice(size, index, accountValue, mmr) : null;
  const collateralToken = book.perp?.collateral.token.address.toLowerCase() ?? null;
  const spotUnits = (token: string) =>
    book.spot
      .filter((s) => s.token.address.toLowerCase() === token)
      .reduce((a, s) => a + toFloat(s.balance, s.token.decimals), 0);

  return shocks.map((shock) => {
    const moves = movesOf(shock);
    const basePct = moves.basePct ?? 0;
    const depeg = new Map<string, number>();
    for (const d of moves.depeg ?? []) {
      if (!Number.isFinite(d.priceUsd) || d.priceUsd < 0)
        fail("shock.priceUsd", "must be finite and >= 0", d.priceUsd);
      depeg.set(d.token.toLowerCase(), Math.max(d.priceUsd, 1e-9));
    }
    const basisBps = moves.basisBps ?? 0;
    if (!Number.isFinite(basisBps)) fail("shock.bps", "must be finite", basisBps);
    const k = moves.slippageMultiplier ?? 0;
    if (!Number.isFinite(k) || k < 0) fail("shock.slippageMultiplier", "must be finite and >= 0", k);
    const slip = (params.costs.perpSlippageBps / 10_000) * k;

    const after = (t: string) =>
      depeg.get(t) ?? (t === base && basePct !== 0 ? usdNow(t) * (1 + basePct) : usdNow(t));
    const lpAfter = basePct === 0 && depeg.size === 0 ? lpNow : lpValueAt(legs, after);
    // Exiting the LP at k × slippage, on what it is worth after the move.
    let lpPnl = lpAfter - lpNow;
    if (k > 0) lpPnl += -lpAfter * slip;
    let spotPnl = 0;
    if (basePct !== 0 || depeg.size > 0)
      for (const t of new Set(book.spot.map((s) => s.token.address.toLowerCase())))
        spotPnl += spotUnits(t) * (after(t) - usdNow(t));

    // The hedge: its index follows the base move by hedgeFollow, with liquidations on the way.
    const indexMove = basePct * (moves.hedgeFollow ?? 1);
    let hedgePnl = 0;
    let sizeAfter = size;
    let avAfter = accountValue;
    let path: LiquidationPath | null = null;
    if (hasPosition) {
      path = perpLiquidationPath({
        sizeBase: size,
        indexPrice: index,
        accountValueUsd: accountValue,
        targetIndexPrice: index * (1 + indexMove),
        maintenanceMarginRatio: mmr,
        liquidationPenaltyRatio: penalty,
      });
      sizeAfter = path.sizeAfterBase;
      avAfter = path.accountValueAfterUsd;
      // Without a liquidation the P&L is s·index·move (the linear form, exactly).
      hedgePnl =
        path.liquidations === 0 ? (indexMove === 0 ? 0 : size * index * indexMove) : avAfter - accountValue;
    } else if (indexMove !== 0) {
      hedgePnl = size * index * indexMove;
    }
    const indexAfter = index * (1 + indexMove);
    // Closing or resizing trades at mark: a short loses when mark rises above index.
    if (basisBps !== 0) hedgePnl += sizeAfter * indexAfter * (basisBps / 10_000);
    if (k > 0) hedgePnl += -Math.abs(sizeAfter) * indexAfter * slip;
    // The venue keeps counting its settlement token at par; the book withdraws it at its USD price.
    let collateralPnl = 0;
    const collateralAfter = collateralToken === null ? undefined : depeg.get(collateralToken);
    if (collateralAfter !== undefined && collateralToken !== null) {
      const before = oracleUsd.get(collateralToken) ?? 1;
      collateralPnl = Math.max(0, avAfter) * (collateralAfter / before - 1);
      hedgePnl += collateralPnl;
    }
    // The Aave leg, repriced as its oracle would be: tokens without a USD price here do not move.
    const aave =
      book.aave === undefined
        ? null
        : aaveLegUnderShock(book.aave, (t) =>
            oracleUsd.has(t) || stables.has(t) ? after(t) / usdNow(t) : 1,
          );
    if (aave) hedgePnl += aave.valueChangeUsd - aave.liquidationPenaltyUsd;
    const aavePenalty = aave?.liquidationPenaltyUsd ?? 0;
    const net = lpPnl + hedgePnl + spotPnl;
    const notionalAfter = Math.abs(sizeAfter) * indexAfter;
    return {
      shock,
      lpPnlUsd: emit("lpPnlUsd", lpPnl),
      hedgePnlUsd: emit("hedgePnlUsd", hedgePnl),
      spotPnlUsd: emit("spotPnlUsd", spotPnl),
      netPnlUsd: emit("netPnlUsd", net),
      netPnlBps: emit("netPnlBps", (net / m.bookValueUsd) * 10_000),
      marginRatioAfter:
        hasPosition && notionalAfter >= DUST_NOTIONAL_USD
          ? emit("marginRatioAfter", avAfter / notionalAfter)
          : null,
      liquidated: (path?.liquidations ?? 0) > 0 || aave?.liquidated === true,
      liquidationPriceUsd: liqNow,
      liquidationMovePct: liqNow === null ? null : emit("liquidationMovePct", liqNow / index - 1),
      liquidatedFraction: path && size !== 0 ? Math.min(1, path.liquidatedBase / Math.abs(size)) : 0,
      liquidationPenaltyUsd: (path?.penaltyUsd ?? 0) + aavePenalty,
      liquidationLossUsd: emit("liquidationLossUsd", (path?.lockedLossUsd ?? 0) + aavePenalty),
      collateralDepegPnlUsd: emit("collateralDepegPnlUsd", collateralPnl),
      aave,
    };
  });
}

/** mulberry32: a tiny seeded PRNG, so a VaR figure can be reproduced exactly. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The bootstrap's draws per shape, kept across calls: a memo of a pure function (same shape, same draws), so
 * residualVarEs stays a function of its arguments; its memory is bounded by the cache's few entries.
 */
const drawCounts = createBootstrapCountsCache();

export interface ResidualRisk {
  confidence: number;
  horizonSteps: number;
  paths: number;
  seed: number;
  /** Loss not exceeded with `confidence`, USD (positive = loss). */
  valueAtRiskUsd: number;
  /** Mean loss beyond VaR, USD. */
  expectedShortfallUsd: number;
}

/**
 * Historical-simulation VaR and ES of the hedged residual (Δitem + Δhedge per sample step) over a horizon of
 * `horizonSteps` steps, by bootstrap with replacement (Hull ch. 22, historical simulation). The item is the whole
 * hedged item (LP + fees owed + base spot, hedgedItemValueUsd) when every sample carries it, else the LP, as in
 * effectivenessWindows.
 */
export function residualVarEs(
  samples: readonly BookSample[],
  options: { confidence: number; horizonSteps: number; paths: number; seed: number },
): ResidualRisk {
  const { confidence, horizonSteps, paths, seed } = options;
  if (!(confidence > 0.5 && confidence < 1)) fail("confidence", "must be in (0.5, 1)", confidence);
  if (!Number.isInteger(horizonSteps) || horizonSteps < 1)
    fail("horizonSteps", "must be an integer >= 1", horizonSteps);
  if (!Number.isInteger(paths) || paths < 100) fail("paths", "must be an integer >= 100", paths);
  if (samples.length < 3) fail("samples", "needs at least 3 samples", samples.length);
  const whole = samples.every((s) => s.hedgedItemValueUsd !== undefined);
  const lp = changes(samples.map((s) => (whole ? s.hedgedItemValueUsd! : s.lpValueUsd)));
  const hedge = changes(samples.map((s) => s.hedgeValueUsd));
  const residual = lp.map((x, i) => x + hedge[i]!);
  for (let i = 0; i < residual.length; i++) {
    if (!Number.isFinite(residual[i]))
      fail(`samples[${i + 1}]`, "lpValueUsd and hedgeValueUsd must be finite", residual[i]);
  }
  // The keeper's hottest loop was paths × horizonSteps seeded draws at every evaluation (1.2M at a one-hour horizon
  // on short blocks). The draws depend only on the shape, so they are made once per shape (bootstrap-draw-counts.ts)
  // and each path is a sum over the distinct changes it drew: the same draws as mulberry32(seed) gives, summed
  // grouped by change instead of in draw order (equal up to float rounding; stress.test.ts checks the plain loop).
  const outcomes = pathTotals(
    drawCounts(residual.length, horizonSteps, paths, seed),
    Float64Array.from(residual),
  );
  outcomes.sort(); // a typed array sorts numerically
  const cut = quantile(outcomes, 1 - confidence);
  let tailSum = 0;
  let tailCount = 0;
  for (const x of outcomes) {
    if (x > cut) break;
    tailSum += x;
    tailCount++;
  }
  return {
    confidence,
    horizonSteps,
    paths,
    seed,
    valueAtRiskUsd: emit("valueAtRiskUsd", -cut),
    expectedShortfallUsd: emit("expectedShortfallUsd", tailCount ? -tailSum / tailCount : -cut),
  };
}
