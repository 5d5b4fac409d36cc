// Plans on the Aave v3 borrow-short leg. Every plan touching Aave asks HedgeGuard to assert the Safe's health factor
// after the batch (post.aave), at the configured floor.
//  - Safety (urgent lane): health factor under its floor, or the liquidation price within the configured distance.
//    Restore the safe health factor (aave-leg.ts) with what the Safe holds, within caps: repay with the borrowed
//    asset it still holds (delta-neutral: spot and debt fall together), then supply collateral it holds.
//  - Recalibration (routine): under the recalibration trigger (halfway from floor to target), supply held collateral (or repay with held short asset) to the target;
//    above the ceiling, withdraw the excess to the target. Done before the hedge is sized up.
//  - Hedge trade (routine): grow the short = borrow + swap to the collateral asset (+ supply the proceeds, and first
//    the Safe's held collateral, when the band needs it); shrink = swap collateral to the short asset (withdrawing collateral when the Safe holds too
//    little) + repay. Swap minimums come from the feeds (oracle-bounds.ts), never from the pool; the pool (when the
//    book reads it) only sizes the swap down to what it pays at that minimum (swap-math.ts), as a de-peg swap is.
import { percentDiv } from "./aave-borrow-short.ts";
import {
  type AaveBalanceChange,
  type AaveLegMetrics,
  aaveHealthFactorAfter,
  aaveTotalsAfter,
  reserveOf,
} from "./aave-leg.ts";
import { aaveSwapQuotes, swapPoolOf } from "./aave-swap-quotes.ts";
import type { BookMetrics } from "./book-metrics.ts";
import { hedgeDrift } from "./hedge-drift.ts";
import { fromFloat, toFloat } from "./input-guards.ts";
import { oracleHealth } from "./oracle.ts";
import { oracleSwapMinOut } from "./oracle-bounds.ts";
import type { AaveLegParams, BookParams } from "./params.ts";
import type { AaveAction, Decision, Lane, Plan, PlanAction, SwapExactInputSingleAction } from "./plan.ts";
import { bpsOf, gasUsd, oraclePremise, planCost, spotBalance } from "./plan-assembly.ts";
import { planId } from "./plan-id.ts";
import type {
  AaveAccountSnapshot,
  AaveReserveSnapshot,
  BookSnapshot,
  OracleReading,
  V3PoolSnapshot,
} from "./snapshot.ts";
import { largestSwapPaying, quoteSwap } from "./swap-math.ts";
import { SECONDS_PER_YEAR } from "./volatility.ts";

/** Everything a leg plan is built from. */
export interface AaveLegContext {
  book: BookSnapshot;
  params: BookParams;
  leg: AaveLegParams;
  metrics: BookMetrics;
  am: AaveLegMetrics;
  account: AaveAccountSnapshot;
  short: AaveReserveSnapshot;
  collateral: AaveReserveSnapshot;
  nowSec: number;
}

export function aaveLegContext(
  book: BookSnapshot,
  params: BookParams,
  metrics: BookMetrics,
  nowSec: number,
): AaveLegContext | null {
  const leg = params.aave;
  const account = book.aave;
  const am = metrics.aave;
  if (!leg || !account || !am) return null;
  const short = reserveOf(account, leg.shortAsset);
  const collateral = reserveOf(account, leg.collateralAsset);
  if (!short || !collateral) return null;
  return { book, params, leg, metrics, am, account, short, collateral, nowSec };
}

/** Token units worth `usd` at the Aave oracle's price of `reserve`. */
function unitsForUsd(ctx: AaveLegContext, reserve: AaveReserveSnapshot, usd: number): bigint {
  const price = toFloat(reserve.priceBase, decimalsOf(ctx.account.baseCurrencyUnit));
  return price > 0 && usd > 0 ? fromFloat("units", usd / price, reserve.asset.decimals) : 0n;
}

function usdOf(ctx: AaveLegContext, reserve: AaveReserveSnapshot, units: bigint): number {
  return (
    toFloat(units, reserve.asset.decimals) *
    toFloat(reserve.priceBase, decimalsOf(ctx.account.baseCurrencyUnit))
  );
}

function decimalsOf(unit: bigint): number {
  return unit.toString().length - 1;
}

function min(first: bigint, ...rest: bigint[]): bigint {
  let least = first;
  for (const x of rest) if (x < least) least = x;
  return least;
}

/** The least x in [0, hi] with `reaches(x)` (monotone); hi when even hi does not. */
function leastReaching(hi: bigint, reaches: (x: bigint) => boolean): bigint {
  if (hi <= 0n || reaches(0n)) return 0n;
  if (!reaches(hi)) return hi;
  let lo = 0n;
  while (hi - lo > 1n) {
    const mid = (lo + hi) / 2n;
    if (reaches(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** The greatest x in [0, hi] with `holds(x)` (true up to a point, false beyond). */
function greatestHolding(hi: bigint, holds: (x: bigint) => boolean): bigint {
  if (hi <= 0n) return 0n;
  if (holds(hi)) return hi;
  let lo = 0n;
  while (hi - lo > 1n) {
    const mid = (lo + hi) / 2n;
    if (holds(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

const change = (asset: `0x${string}`, suppliedDelta: bigint, debtDelta: bigint): AaveBalanceChange => ({
  asset,
  suppliedDelta,
  debtDelta,
});

/** Repay with held short asset, then supply held collateral, each only as much as reaching `targetWad` needs. */
function restoreWithHoldings(ctx: AaveLegContext, targetWad: bigint) {
  const { book, leg, account, short, collateral } = ctx;
  const shortPrice = ctx.am.shortPriceUsd;
  const heldShort = spotBalance(book, short.asset.address);
  const maxRepay = min(heldShort, short.variableDebt, unitsForUsd(ctx, short, leg.caps.maxTradeUsd));
  const afterRepay = (x: bigint) => aaveHealthFactorAfter(account, [change(short.asset.address, 0n, -x)]);
  const repay = leastReaching(maxRepay, (x) => afterRepay(x) >= targetWad);
  const heldCollateral = spotBalance(book, collateral.asset.address);
  const maxSupply = min(heldCollateral, unitsForUsd(ctx, collateral, leg.caps.maxCollateralMoveUsd));
  const afterBoth = (x: bigint) =>
    aaveHealthFactorAfter(account, [
      change(short.asset.address, 0n, -repay),
      change(collateral.asset.address, x, 0n),
    ]);
  const supply =
    afterRepay(repay) >= targetWad ? 0n : leastReaching(maxSupply, (x) => afterBoth(x) >= targetWad);
  return {
    repay,
    supply,
    healthFactorAfterWad: afterBoth(supply),
    repayUsd: toFloat(repay, short.asset.decimals) * shortPrice,
    supplyUsd: usdOf(ctx, collateral, supply),
  };
}

/** How far the Safe's holdings, within caps, restore an urgent leg: what the alerts read. */
export interface AaveRestoreOutlook {
  healthFactorWad: bigint;
  /** The health factor the urgent lane aims for (target, or more for the liquidation distance). */
  safeHealthFactorWad: bigint;
  /** What repaying with held WETH and supplying held collateral, within caps, reaches. */
  reachableHealthFactorWad: bigint;
  restorable: boolean;
}

/** Null when the leg is not urgent. */
export function aaveRestoreOutlook(ctx: AaveLegContext): AaveRestoreOutlook | null {
  if (!ctx.am.urgent) return null;
  const restore = restoreWithHoldings(ctx, ctx.am.safeHealthFactorWad);
  return {
    healthFactorWad: ctx.am.healthFactorWad,
    safeHealthFactorWad: ctx.am.safeHealthFactorWad,
    reachableHealthFactorWad: restore.healthFactorAfterWad,
    restorable: restore.healthFactorAfterWad >= ctx.am.safeHealthFactorWad,
  };
}

/** The urgent lane: null when the leg is safe, or when the Safe holds nothing that restores it (the alert says so). */
export function planAaveSafety(ctx: AaveLegContext): Decision | null {
  const { am } = ctx;
  if (!am.urgent) return null;
  const restore = restoreWithHoldings(ctx, am.safeHealthFactorWad);
  if (restore.repay === 0n && restore.supply === 0n) return null;
  const actions: PlanAction[] = [];
  if (restore.repay > 0n) actions.push(aaveAction(ctx, "aave.repay", ctx.short, restore.repay));
  if (restore.supply > 0n) actions.push(aaveAction(ctx, "aave.supply", ctx.collateral, restore.supply));
  const why = am.band === "below-floor" ? "below its floor" : "too close to liquidation";
  const reached =
    restore.healthFactorAfterWad >= am.safeHealthFactorWad ? "" : " (all the Safe holds within caps)";
  return {
    kind: "plan",
    plan: assemble(ctx, {
      lane: "urgent",
      reason: `aave health factor ${am.healthFactor.toFixed(3)} ${why}: restore to ${toFloat(restore.healthFactorAfterWad, 18).toFixed(3)}${reached}`,
      actions,
      healthFactorAfterWad: restore.healthFactorAfterWad,
      swaps: 0,
      feesUsd: 0,
      slippageUsd: 0,
      carryUsd: 0,
      riskReductionUsd: 0,
      hedgeDeltaChangeBase: 0,
      hedgeTriggered: ctx.book.keeper.hedgeTriggered,
    }),
  };
}

/**
 * Routine recalibration: under `recalibrateBelowWad` restore the target, above the ceiling withdraw down to it; null
 * in between (the hysteresis band: floor < trigger ≤ health factor ≤ ceiling).
 */
export function planAaveRecalibration(ctx: AaveLegContext): Decision | null {
  const { am, account, collateral, leg } = ctx;
  if (am.recalibrationDue) {
    const restore = restoreWithHoldings(ctx, am.targetWad);
    if (restore.repay === 0n && restore.supply === 0n) return null;
    // A restore to exactly the target leaves the next block's interest (or the next oracle round) a hair under it:
    // without a least size every block would repay dust. Routine only: under the floor the urgent lane has none.
    if (restore.repayUsd + restore.supplyUsd < ctx.params.minTradeUsd) return null;
    const actions: PlanAction[] = [];
    if (restore.repay > 0n) actions.push(aaveAction(ctx, "aave.repay", ctx.short, restore.repay));
    if (restore.supply > 0n) actions.push(aaveAction(ctx, "aave.supply", collateral, restore.supply));
    return recalibrationPlan(ctx, actions, restore.healthFactorAfterWad, "below target");
  }
  if (am.band === "above-ceiling") {
    const maxWithdraw = min(
      collateral.aTokenBalance,
      unitsForUsd(ctx, collateral, leg.caps.maxCollateralMoveUsd),
    );
    const after = (x: bigint) => aaveHealthFactorAfter(account, [change(collateral.asset.address, -x, 0n)]);
    const withdraw = greatestHolding(maxWithdraw, (x) => after(x) >= am.targetWad);
    if (withdraw === 0n) return null;
    const actions = [aaveAction(ctx, "aave.withdraw", collateral, withdraw)];
    return recalibrationPlan(ctx, actions, after(withdraw), "above ceiling");
  }
  return null;
}

function recalibrationPlan(
  ctx: AaveLegContext,
  actions: PlanAction[],
  healthFactorAfterWad: bigint,
  where: string,
): Decision {
  return {
    kind: "plan",
    plan: assemble(ctx, {
      lane: "routine",
      reason: `aave recalibration: health factor ${ctx.am.healthFactor.toFixed(3)} ${where} → ${toFloat(healthFactorAfterWad, 18).toFixed(3)}`,
      actions,
      healthFactorAfterWad,
      swaps: 0,
      feesUsd: 0,
      slippageUsd: 0,
      carryUsd: 0,
      riskReductionUsd: 0,
      hedgeDeltaChangeBase: 0,
      hedgeTriggered: ctx.book.keeper.hedgeTriggered,
    }),
  };
}

/** The collateral asset's own feed reading when fresh: the swap's minimum out needs it. */
function collateralFeed(ctx: AaveLegContext): OracleReading | null {
  const asset = ctx.collateral.asset.address.toLowerCase();
  const reading = ctx.book.oracles.find((o) => o.asset.toLowerCase() === asset);
  if (!reading || reading.stale || !oracleHealth(reading, ctx.nowSec).fresh) return null;
  return reading;
}

/**
 * The router's pool for a swap of the leg, when the book reads it. The feeds' minimum out (less the leg's slippage
 * bound) is what the swap must pay; a trade larger than the pool's depth pays less (fee + price impact past the
 * bound), reverts with "Too little received", and the whole batch with it. So the trade is sized to what the pool pays.
 */
function legSwapRoute(
  ctx: AaveLegContext,
  tokenIn: AaveReserveSnapshot,
  tokenOut: AaveReserveSnapshot,
): { pool: V3PoolSnapshot; zeroForOne: boolean } | null {
  const swap = { tokenIn: tokenIn.asset.address, tokenOut: tokenOut.asset.address, fee: ctx.leg.swap.fee };
  const pool = swapPoolOf(ctx.book, swap);
  if (pool === undefined) return null;
  return { pool, zeroForOne: pool.token0.address.toLowerCase() === swap.tokenIn.toLowerCase() };
}

const poolPaysTooLittle = (
  tokenIn: AaveReserveSnapshot,
  tokenOut: AaveReserveSnapshot,
  slippageBps: bigint,
) =>
  `the ${tokenIn.asset.symbol} → ${tokenOut.asset.symbol} pool pays less than the feeds' price less ${slippageBps} bps at any size`;

export interface AaveTradeOutcome {
  decision: Decision | null;
  /** Why no trade was planned, when none was. */
  refused: string | null;
}

/** The Pool and swap calls of a trade on the leg, as sized down to what the band and the Safe allow. */
export interface AaveLegTrade {
  actions: PlanAction[];
  /** Signed base units the short asset's debt changes by the other way (negative: the short grows). */
  signedBase: number;
  healthFactorAfterWad: bigint;
}

/**
 * The calls that move the leg by `tradeBase` signed base units (negative grows the short), already within the leg's
 * caps (leg-choice.ts); sized down further so the health factor stays at the target (growing) and the Safe can pay
 * (shrinking). `refused` when nothing is left.
 */
export function aaveLegTrade(
  ctx: AaveLegContext,
  tradeBase: number,
): { trade: AaveLegTrade; refused: null } | { trade: null; refused: string } {
  const { book, leg, account, short, collateral } = ctx;
  const feed = collateralFeed(ctx);
  if (feed === null)
    return { trade: null, refused: `no fresh feed for ${collateral.asset.symbol} to bound the swap` };
  const slippageBps = bpsOf(leg.swap.maxSlippageBps);
  const wanted = fromFloat("tradeBase", Math.abs(tradeBase), short.asset.decimals);
  const actions: PlanAction[] = [];
  let units: bigint;
  let healthFactorAfterWad: bigint;
  if (tradeBase < 0) {
    const minOutOf = (amountIn: bigint) =>
      oracleSwapMinOut({
        amountIn,
        tokenInDecimals: short.asset.decimals,
        tokenOutDecimals: collateral.asset.decimals,
        priceIn: book.baseOracle,
        priceOut: feed,
        slippageBps,
      });
    // Growing the short at the target health factor needs collateral: the sale's proceeds alone are worth less than
    // the debt they add at the liquidation threshold (0.80 × 0.997 < 1.2 for USDC), so the health factor falls as
    // the borrow grows. The Safe's held collateral (within the move cap) is supplied first, as much as the band needs.
    const heldCollateral = min(
      spotBalance(book, collateral.asset.address),
      unitsForUsd(ctx, collateral, leg.caps.maxCollateralMoveUsd),
    );
    const after = (x: bigint, held: bigint, proceeds: boolean) =>
      aaveHealthFactorAfter(account, [
        change(short.asset.address, 0n, x),
        change(collateral.asset.address, held + (proceeds ? minOutOf(x) : 0n), 0n),
      ]);
    // ValidationLogic.validateBorrow: the borrow must fit the collateral at its LTV before the proceeds are supplied
    // (the held collateral is supplied before it).
    const unit = 10n ** BigInt(short.asset.decimals);
    const withinLtv = (x: bigint, held: bigint) => {
      const totals = aaveTotalsAfter(account, [change(collateral.asset.address, held, 0n)]);
      return (
        totals.avgLtvBps !== 0n &&
        percentDiv(totals.totalDebtBase + (short.priceBase * x) / unit, totals.avgLtvBps) <=
          totals.totalCollateralBase
      );
    };
    units = greatestHolding(
      wanted,
      (x) => after(x, heldCollateral, true) >= ctx.am.targetWad && withinLtv(x, heldCollateral),
    );
    if (units === 0n) return { trade: null, refused: "the health factor band leaves no room to borrow" };
    // Smaller is still inside the band: the health factor after falls as the borrow grows (above).
    const route = legSwapRoute(ctx, short, collateral);
    if (route !== null) units = largestSwapPaying(route.pool, route.zeroForOne, units, minOutOf);
    if (units === 0n) return { trade: null, refused: poolPaysTooLittle(short, collateral, slippageBps) };
    const grown = units;
    const supplyProceeds = after(grown, 0n, false) < ctx.am.targetWad || !withinLtv(grown, 0n);
    const supplyHeld = supplyProceeds
      ? leastReaching(heldCollateral, (s) => after(grown, s, true) >= ctx.am.targetWad && withinLtv(grown, s))
      : 0n;
    const minOut = minOutOf(units);
    if (supplyHeld > 0n) actions.push(aaveAction(ctx, "aave.supply", collateral, supplyHeld));
    actions.push(aaveAction(ctx, "aave.borrow", short, units));
    actions.push(swapAction(ctx, short, collateral, units, minOut));
    if (supplyProceeds) actions.push(aaveAction(ctx, "aave.supply", collateral, minOut));
    healthFactorAfterWad = after(units, supplyHeld, supplyProceeds);
  } else {
    units = min(wanted, short.variableDebt);
    // The collateral that buys `units` at the feeds' price less the slippage bound: its minimum out covers the repay.
    const collateralIn = (x: bigint) =>
      leastReaching(
        unitsForUsd(ctx, collateral, usdOf(ctx, short, x) * 2 + 1),
        (amountIn) =>
          oracleSwapMinOut({
            amountIn,
            tokenInDecimals: collateral.asset.decimals,
            tokenOutDecimals: short.asset.decimals,
            priceIn: feed,
            priceOut: book.baseOracle,
            slippageBps,
          }) >= x,
      );
    const held = spotBalance(book, collateral.asset.address);
    const withdrawable = min(
      collateral.aTokenBalance,
      unitsForUsd(ctx, collateral, leg.caps.maxCollateralMoveUsd),
    );
    const affordable = greatestHolding(units, (x) => collateralIn(x) <= held + withdrawable);
    if (affordable === 0n)
      return { trade: null, refused: `the Safe cannot pay ${collateral.asset.symbol} to buy back` };
    const route = legSwapRoute(ctx, collateral, short);
    const pays = (x: bigint) => {
      if (route === null) return true;
      const quote = quoteSwap(route.pool, route.zeroForOne, collateralIn(x));
      return quote !== null && quote.amountOut >= x;
    };
    units = greatestHolding(affordable, pays);
    if (units === 0n) return { trade: null, refused: poolPaysTooLittle(collateral, short, slippageBps) };
    const amountIn = collateralIn(units);
    const withdraw = amountIn > held ? amountIn - held : 0n;
    if (withdraw > 0n) actions.push(aaveAction(ctx, "aave.withdraw", collateral, withdraw));
    actions.push(swapAction(ctx, collateral, short, amountIn, units));
    actions.push(aaveAction(ctx, "aave.repay", short, units));
    healthFactorAfterWad = aaveHealthFactorAfter(account, [
      change(short.asset.address, 0n, -units),
      change(collateral.asset.address, -withdraw, 0n),
    ]);
  }
  const signedBase = (tradeBase < 0 ? -1 : 1) * toFloat(units, short.asset.decimals);
  return { trade: { actions, signedBase, healthFactorAfterWad }, refused: null };
}

/** The leg's swap fee and slippage bound on `notionalUsd`: what its cost test counts. */
export function aaveLegTradeCosts(ctx: AaveLegContext, notionalUsd: number) {
  return {
    feesUsd: notionalUsd * (ctx.leg.swap.fee / 1_000_000),
    slippageUsd: notionalUsd * (ctx.leg.swap.maxSlippageBps / 10_000),
  };
}

/**
 * The hedge trade on the leg (aaveLegTrade), cost-tested like the perp trade: risk removed > cost × costMargin.
 */
export function planAaveTrade(ctx: AaveLegContext, tradeBase: number): AaveTradeOutcome {
  const { params, metrics: m } = ctx;
  const sized = aaveLegTrade(ctx, tradeBase);
  if (sized.trade === null) return { decision: null, refused: sized.refused };
  const { actions, signedBase, healthFactorAfterWad } = sized.trade;
  const notionalUsd = Math.abs(signedBase) * m.basePriceUsd;
  const horizonYears = params.risk.horizonSec / SECONDS_PER_YEAR;
  const carryApr = ctx.am.borrowApr - ctx.am.supplyApr;
  const carryUsd = notionalUsd * carryApr * horizonYears * (signedBase < 0 ? 1 : -1);
  const { feesUsd, slippageUsd } = aaveLegTradeCosts(ctx, notionalUsd);
  const driftAfter = driftAfterTrade(m, params, signedBase);
  const sigmaHorizon = m.sigmaAnnual * Math.sqrt(horizonYears);
  const riskReductionUsd = Math.max(
    0,
    (Math.abs(m.drift.driftUsd) - Math.abs(driftAfter.driftUsd)) * sigmaHorizon * params.risk.confidenceZ,
  );
  const plan = assemble(ctx, {
    lane: "routine",
    reason: `hedge ${m.drift.state} on aave-v3-borrow: drift ${m.drift.driftBps.toFixed(1)} bps → ${driftAfter.driftBps.toFixed(1)} bps, health factor → ${toFloat(healthFactorAfterWad, 18).toFixed(3)}`,
    actions,
    healthFactorAfterWad,
    swaps: 1,
    feesUsd,
    slippageUsd,
    carryUsd,
    riskReductionUsd,
    hedgeDeltaChangeBase: signedBase,
    // Acting on the trade disarms once the book is back inside the re-arm band.
    hedgeTriggered: Math.abs(driftAfter.driftBps) > params.rearmBps,
  });
  if (riskReductionUsd <= plan.expectedCost.totalUsd * params.costMargin)
    return {
      decision: null,
      refused: `risk reduction $${riskReductionUsd.toFixed(2)} <= cost $${plan.expectedCost.totalUsd.toFixed(2)} × ${params.costMargin}`,
    };
  return { decision: { kind: "plan", plan }, refused: null };
}

function driftAfterTrade(m: BookMetrics, params: BookParams, signedBase: number) {
  return hedgeDrift({
    lpDeltaBase: m.drift.lpDeltaBase,
    spotDeltaBase: m.drift.spotDeltaBase,
    hedgeDeltaBase: m.drift.hedgeDeltaBase + signedBase,
    basePriceUsd: m.basePriceUsd,
    bookValueUsd: m.bookValueUsd,
    targetHedgeRatio: params.targetHedgeRatio,
  });
}

function aaveAction(
  ctx: AaveLegContext,
  kind: AaveAction["kind"],
  reserve: AaveReserveSnapshot,
  amount: bigint,
): AaveAction {
  return { kind, venue: "aave-v3", pool: ctx.leg.pool, asset: reserve.asset.address, amount };
}

function swapAction(
  ctx: AaveLegContext,
  tokenIn: AaveReserveSnapshot,
  tokenOut: AaveReserveSnapshot,
  amountIn: bigint,
  amountOutMinimum: bigint,
): SwapExactInputSingleAction {
  return {
    kind: "swap.exactInputSingle",
    venue: "uniswap-v3",
    tokenIn: tokenIn.asset.address,
    tokenOut: tokenOut.asset.address,
    fee: ctx.leg.swap.fee,
    amountIn,
    amountOutMinimum,
  };
}

interface AssembleInput {
  lane: Lane;
  reason: string;
  actions: PlanAction[];
  healthFactorAfterWad: bigint;
  swaps: number;
  feesUsd: number;
  slippageUsd: number;
  /** Carry over the risk horizon, USD (negative: saved). */
  carryUsd: number;
  riskReductionUsd: number;
  hedgeDeltaChangeBase: number;
  hedgeTriggered: boolean;
}

/** HedgeGuard's post bound: the floor, or, for a plan that cannot reach it, the health factor found (never worse). */
export function aaveHealthFactorBound(ctx: AaveLegContext, healthFactorAfterWad: bigint): bigint {
  const { am } = ctx;
  return healthFactorAfterWad >= am.floorWad ? am.floorWad : min(am.healthFactorWad, healthFactorAfterWad);
}

/**
 * The plan: the oracle band premise, and HedgeGuard's post check at the floor. A safety plan that cannot reach the
 * floor within caps still must not leave the account worse than it found it: its bound is the health factor found.
 */
function assemble(ctx: AaveLegContext, input: AssembleInput): Plan {
  const { book, params, metrics: m } = ctx;
  const poolCalls = input.actions.length - input.swaps;
  const gas = gasUsd(
    params,
    params.costs.gasBase +
      poolCalls * params.costs.gasPerCollateralMove +
      input.swaps * params.costs.gasPerSwap,
    m.basePriceUsd,
  );
  const minHealthFactorWad = aaveHealthFactorBound(ctx, input.healthFactorAfterWad);
  const driftAfter = driftAfterTrade(m, params, input.hedgeDeltaChangeBase);
  return {
    planId: planId(book.bookId, book.blockNumber, input.actions),
    bookId: book.bookId,
    blockNumber: book.blockNumber,
    lane: input.lane,
    reason: input.reason,
    actions: input.actions,
    premise: {
      deadlineSec: ctx.nowSec + params.premise.deadlineSec,
      oracle: oraclePremise(book.baseOracle, params.premise.oracleBandBps),
    },
    post: { aave: { pool: ctx.leg.pool, minHealthFactorWad }, minBalances: [] },
    expectedRiskReductionUsd: input.riskReductionUsd,
    expectedCost: planCost({
      gasUsd: gas,
      feesUsd: input.feesUsd,
      slippageUsd: input.slippageUsd,
      fundingUsd: input.carryUsd,
    }),
    // Each swap leg quoted at its pool's spot net of fee when the book reads that pool (aave-swap-quotes.ts): the
    // realized cost then has its slippage and fees; a leg through a pool the book does not read is gas only.
    quote: { basePriceUsd: m.basePriceUsd, legs: aaveSwapQuotes(book, ctx.account, input.actions) },
    driftBpsBefore: m.drift.driftBps,
    driftBpsAfter: driftAfter.driftBps,
    hedgeTriggered: input.hedgeTriggered,
  };
}
