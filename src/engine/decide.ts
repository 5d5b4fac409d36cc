// decide(book, params, nowSec): noop with a reason, or a Plan the execution layer turns into one Safe
// transaction (HedgeGuard.checkPremise, the actions, HedgeGuard.checkPost). Check-then-perform after
// Chainlink Automation's checkUpkeep/performUpkeep: the plan carries the premise it was decided on and the
// post-state it promises, and the transaction re-checks both on-chain.
//
// Policy, in order (one module per step):
//  1. Never act on a stale snapshot; never act on a stale oracle (de-peg sources drop stale feeds).
//  1b. Aave safety → urgent lane (aave-plan.ts): a health factor under its floor or a liquidation price within the
//     configured distance is restored first: a liquidation costs its bonus on the debt repaid, more than a de-peg's
//     swap can save.
//  2. De-peg act tier → urgent lane (depeg-plan.ts, quoting swaps with swap-math.ts): swap held exposure of the
//     de-pegged stable into the healthiest configured stable. May skip cooldown and hysteresis, never caps or
//     the cost test. Slippage bounds come from the Chainlink answers (oracle-bounds.ts).
//  3. Hedge legs (hedge-leg.ts): an Aave leg under its recalibration trigger (halfway from floor to target: a
//     hysteresis band) is restored to its target before the hedge is
//     sized up; the total hedge's trade goes to the leg that costs least (leg-choice.ts): the perp (below), or the
//     Aave leg (aave-plan.ts), which also withdraws collateral above its ceiling when there is no trade.
//     Perp (hedge-trade.ts): hysteresis (arm at armBps, stay armed until inside rearmBps), cooldown, caps,
//     minimum trade, then act only when expected risk reduction > expected cost × costMargin.
//  3b. Leg shift (leg-shift.ts, leg-shift-plan.ts), when legShiftHorizonSec is set: with the total hedge inside its
//     band, hedge moves from the leg whose short carries dearest to the cheapest when the carry saved over
//     legShiftHorizonSec beats both trades' fees, slippage and gas × costMargin; the book's delta is unchanged.
//  4. Collateral (collateral-plan.ts): keep the perp margin ratio in [floor, ceiling] and the liquidation
//     distance above its limit.
//  5. The plan (plan-assembly.ts): actions, premise, post-state, cost.
import { aaveLegContext, planAaveRecalibration, planAaveSafety, planAaveTrade } from "./aave-plan.ts";
import { type BookMetrics, evaluateBook } from "./book-metrics.ts";
import { marginBelowLimits, recalibrateCollateral, withdrawalPaysForGas } from "./collateral-plan.ts";
import { planDepeg } from "./depeg-plan.ts";
import { driftBand, isBeyondBand } from "./drift-band.ts";
import { hedgeTradeRefusal, sizeHedgeTrade } from "./hedge-trade.ts";
import { fail } from "./input-guards.ts";
import { chooseHedgeLeg } from "./leg-choice.ts";
import { chooseLegShift } from "./leg-shift.ts";
import { planLegShift } from "./leg-shift-plan.ts";
import { assertBookParams, type BookParams } from "./params.ts";
import type { PerpMetrics } from "./perp-metrics.ts";
import type { Decision, Noop } from "./plan.ts";
import { gasUsd, noop, routinePlan } from "./plan-assembly.ts";
import type { BookSnapshot, PerpPositionSnapshot } from "./snapshot.ts";

/** `metrics`: the caller's `evaluateBook(book, params, nowSec)` when it already has it (saves a second pass). */
export function decide(
  book: BookSnapshot,
  params: BookParams,
  nowSec: number,
  metrics?: BookMetrics,
): Decision {
  if (typeof nowSec !== "number" || !Number.isFinite(nowSec))
    fail("nowSec", "must be a finite number", nowSec);
  assertBookParams(params);
  const m = metrics ?? evaluateBook(book, params, nowSec);
  const wasTriggered = book.keeper.hedgeTriggered;
  const snapshotAgeSec = nowSec - book.blockTimestampSec;
  if (snapshotAgeSec > params.maxSnapshotAgeSec) {
    return noop(
      book,
      m,
      "stale-snapshot",
      `snapshot is ${snapshotAgeSec}s old (limit ${params.maxSnapshotAgeSec}s)`,
      wasTriggered,
    );
  }
  const safety = m.baseOracle.fresh ? aaveSafety(book, params, m, nowSec) : null;
  if (safety) return safety;
  const urgent = planDepeg(book, params, m, nowSec);
  // A de-peg the keeper cannot act on because its market is off the oracle is reported, not hidden behind a
  // routine decision on prices that may be as wrong (a lying RPC, a pushed pool): the keeper waits.
  if (urgent?.kind === "plan" || urgent?.code === "pool-off-oracle") return urgent;
  if (!m.baseOracle.fresh) {
    return noop(book, m, "oracle-stale", `base oracle not usable: ${m.baseOracle.problem}`, wasTriggered);
  }
  const gate = routineGate(book, params, m, nowSec);
  if (gate.kind === "noop") return gate;
  const legs = decideHedgeLegs(book, params, m, nowSec, gate);
  if (legs.kind === "decided") return legs.decision;
  if (gate.perp && gate.perpMetrics)
    return decideRoutine(book, params, m, nowSec, {
      ...gate,
      perp: gate.perp,
      perpMetrics: gate.perpMetrics,
    });
  return legs.refused
    ? noop(book, m, "cost-exceeds-benefit", legs.refused, gate.triggered)
    : nothingToDo(book, params, m, null, gate.triggered);
}

function aaveSafety(book: BookSnapshot, params: BookParams, m: BookMetrics, nowSec: number): Decision | null {
  const ctx = aaveLegContext(book, params, m, nowSec);
  return ctx && planAaveSafety(ctx);
}

/**
 * The Aave leg's share of the routine lane: recalibration below target (before any sizing up), the hedge trade when
 * the leg is the cheaper one to move, or a withdrawal above the ceiling. `pass`: the perp path decides (or nothing).
 */
function decideHedgeLegs(
  book: BookSnapshot,
  params: BookParams,
  m: BookMetrics,
  nowSec: number,
  gate: RoutineGate,
): { kind: "decided"; decision: Decision } | { kind: "pass"; refused: string | null } {
  const ctx = aaveLegContext(book, params, m, nowSec);
  if (!ctx) return { kind: "pass", refused: null };
  if (ctx.am.recalibrationDue) {
    const recalibration = planAaveRecalibration(ctx);
    if (recalibration) return { kind: "decided", decision: recalibration };
  }
  let refused: string | null = null;
  if (gate.triggered && !gate.inCooldown) {
    const wanted = m.drift.targetHedgeDeltaBase - m.drift.hedgeDeltaBase;
    const choice = chooseHedgeLeg(m.hedgeLegs, wanted, {
      priceUsd: m.basePriceUsd,
      horizonSec: params.risk.horizonSec,
      gasUsdPerUnit: gasUsd(params, 1, m.basePriceUsd),
    });
    if (
      choice?.venue === "aave-v3-borrow" &&
      Math.abs(choice.tradeBase) * m.basePriceUsd >= params.minTradeUsd
    ) {
      const trade = planAaveTrade(ctx, choice.tradeBase);
      if (trade.decision) return { kind: "decided", decision: trade.decision };
      refused = trade.refused;
    }
    // The perp is the cheaper leg, or the Aave trade was refused: the perp path sizes the whole trade.
    if (choice?.venue === "perp-v2") return { kind: "pass", refused: null };
  }
  if (ctx.am.band === "above-ceiling" && !gate.inCooldown) {
    const withdrawal = planAaveRecalibration(ctx);
    if (withdrawal) return { kind: "decided", decision: withdrawal };
  }
  // The total hedge is where it should be: what is left to gain is carry, by moving hedge to the cheaper leg.
  // Opt-in (legShiftHorizonSec): a shift is two real trades bought with a carry forecast.
  const shiftHorizonSec = params.legShiftHorizonSec;
  if (shiftHorizonSec !== undefined && !gate.triggered && !gate.inCooldown && gate.perp && gate.perpMetrics) {
    const verdict = chooseLegShift(m.hedgeLegs, {
      priceUsd: m.basePriceUsd,
      horizonSec: shiftHorizonSec,
      gasUsdPerUnit: gasUsd(params, 1, m.basePriceUsd),
      gasBase: params.costs.gasBase,
      costMargin: params.costMargin,
      minTradeUsd: params.minTradeUsd,
    });
    if (verdict.shift) {
      const shift = planLegShift({
        ctx,
        perp: gate.perp,
        perpMetrics: gate.perpMetrics,
        shift: verdict.shift,
      });
      if (shift.decision) return { kind: "decided", decision: shift.decision };
    }
  }
  return { kind: "pass", refused };
}

interface RoutineGate {
  kind: "open";
  /** Drift armed (Schmitt trigger): beyond armBps, or still beyond rearmBps once armed. */
  triggered: boolean;
  /** Within cooldown, only a collateral top-up may go through. */
  inCooldown: boolean;
  perp: PerpPositionSnapshot | null;
  perpMetrics: PerpMetrics | null;
}

interface PerpRoutineGate extends RoutineGate {
  perp: PerpPositionSnapshot;
  perpMetrics: PerpMetrics;
}

/** Whether the routine lane may act at all: a hedge venue, and no cooldown unless the margin needs a top-up. */
function routineGate(
  book: BookSnapshot,
  params: BookParams,
  m: BookMetrics,
  nowSec: number,
): RoutineGate | Noop {
  const absDrift = Math.abs(m.drift.driftBps);
  // Schmitt trigger: arm beyond armBps; once armed, stay armed until back inside rearmBps.
  const triggered = isBeyondBand(
    driftBand(absDrift, book.keeper.hedgeTriggered ? params.rearmBps : params.armBps),
  );
  const perp = book.perp;
  const pm = m.perp;
  if (m.hedgeLegs.length === 0) {
    return triggered
      ? noop(book, m, "no-hedge-venue", "drift beyond band but the book has no hedge leg", triggered)
      : noop(book, m, "within-band", `drift ${m.drift.driftBps.toFixed(1)} bps within band`, triggered);
  }
  const sinceLastPlanSec =
    book.keeper.lastPlanAtSec === null ? Number.POSITIVE_INFINITY : nowSec - book.keeper.lastPlanAtSec;
  const inCooldown = sinceLastPlanSec < params.cooldownSec;
  const perpNeedsMargin =
    perp !== null && pm !== null && marginBelowLimits(book, params, pm.accountValueUsd, pm.indexPrice);
  if (inCooldown && !perpNeedsMargin && !m.aave?.recalibrationDue) {
    return noop(
      book,
      m,
      "cooldown",
      `cooldown: ${sinceLastPlanSec}s since last plan (< ${params.cooldownSec}s)`,
      triggered,
    );
  }
  return { kind: "open", triggered, inCooldown, perp, perpMetrics: pm ?? null };
}

/** The routine lane: the hedge trade (cost-tested), the collateral around it, and the plan, or why none. */
function decideRoutine(
  book: BookSnapshot,
  params: BookParams,
  m: BookMetrics,
  nowSec: number,
  gate: PerpRoutineGate,
): Decision {
  const { triggered, perp, perpMetrics: pm } = gate;
  // During cooldown only a collateral top-up may go through (margin below its floor or the liquidation
  // distance below its limit): it only removes risk, and waiting could cost the position.
  const hedge = sizeHedgeTrade({
    book,
    params,
    metrics: m,
    perp,
    perpMetrics: pm,
    act: triggered && !gate.inCooldown,
  });
  // The cost test applies to the hedge trade; a margin-floor deposit is a safety action and passes regardless.
  const hedgeRefused = hedgeTradeRefusal(hedge, params, m.basePriceUsd);
  const trade = hedgeRefused === null ? hedge.signedTrade : 0n;
  const margin = recalibrateCollateral({
    book,
    params,
    perp,
    perpMetrics: pm,
    trade,
    tradeCostUsd: trade === 0n ? 0 : hedge.feesUsd + hedge.slippageUsd,
  });
  const { depositUnits } = margin;
  // A withdrawal is never urgent, and the free collateral it may take is only known after the trade settles
  // (a resize realizes P&L and moves the margin requirement in the same batch): with a trade, it waits for a
  // later plan computed from the post-trade state.
  const deferWithdrawal = trade !== 0n && margin.withdrawUnits > 0n;
  const withdrawUnits = deferWithdrawal ? 0n : margin.withdrawUnits;
  const withdrawUsd = deferWithdrawal ? 0 : margin.withdrawUsd;
  const marginNote = deferWithdrawal ? "; excess collateral withdrawn after the trade settles" : margin.note;
  if (trade === 0n && depositUnits === 0n && withdrawUnits === 0n)
    return nothingToDo(book, params, m, hedgeRefused, triggered);
  if (
    trade === 0n &&
    withdrawUnits > 0n &&
    depositUnits === 0n &&
    !withdrawalPaysForGas(withdrawUsd, params, m.basePriceUsd)
  )
    return noop(book, m, "cost-exceeds-benefit", "collateral withdrawal smaller than its gas", triggered);

  return routinePlan({
    book,
    params,
    metrics: m,
    perp,
    nowSec,
    trade,
    hedge: { ...hedge, refused: hedgeRefused },
    collateral: { depositUnits, withdrawUnits, note: marginNote },
    triggered,
  });
}

/** Why the routine lane does nothing: the trade failed its cost test, rounded to nothing, or drift is inside. */
function nothingToDo(
  book: BookSnapshot,
  params: BookParams,
  m: BookMetrics,
  hedgeRefused: string | null,
  triggered: boolean,
): Noop {
  if (hedgeRefused) return noop(book, m, "cost-exceeds-benefit", hedgeRefused, triggered);
  if (triggered)
    return noop(
      book,
      m,
      "below-min-trade",
      `drift ${m.drift.driftBps.toFixed(1)} bps but the trade is below minTradeUsd or capped at zero`,
      triggered,
    );
  return noop(
    book,
    m,
    "within-band",
    `drift ${m.drift.driftBps.toFixed(1)} bps within band (arm ${params.armBps}, re-arm ${params.rearmBps})`,
    triggered,
  );
}
