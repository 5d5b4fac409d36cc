// The backtester: a price path replayed through the engine's own decide() with the book's positions and policy,
// each plan applied to the simulated book as it promises (apply-plan.ts) at the cost the keeper expected when it
// decided (the plan's expectedCost: gas, venue fees, slippage, the numbers its cost test weighed), funding paid or
// earned step by step at the path's rate. A step is what the live keeper does on a block (keeper/evaluate-job.ts):
// the samples before it, evaluateBook, decide, the keeper's memory after the decision (keeper-memory.ts).
//
// Two ways to run the same replay:
//  - "every-step" evaluates and decides at every step, as the keeper does on every block.
//  - "fast" skips the steps where the engine would certainly do nothing: after a quiet decision it asks the
//    engine for the band of prices over which the book stays quiet (quiet-band.ts); while the book is unarmed,
//    unchanged and inside that band, a step's decision is "within-band" (or "cooldown" within the cooldown)
//    without evaluating. Every other step is evaluated and decided exactly as "every-step" does.
// Both record the same decision at every step (replay.test.ts and bench:backtest compare them); "fast" records
// book points only at the steps it evaluates (the last step of every UTC day, and before and after each plan),
// which the attribution sums to the same change in value and the same daily P&L.
import { applyPlan } from "../engine/apply-plan.ts";
import { evaluateBook } from "../engine/book-metrics.ts";
import { decide } from "../engine/decide.ts";
import { fail, fromFloat, toFloat } from "../engine/input-guards.ts";
import { DECISION_SAMPLE_WINDOW, keeperStateAfter } from "../engine/keeper-memory.ts";
import type { BookParams } from "../engine/params.ts";
import type { Decision, Lane, NoopCode, Plan } from "../engine/plan.ts";
import type { BookSnapshot, PriceSample } from "../engine/snapshot.ts";
import { usdPricer } from "../engine/usd-price.ts";
import { priceSampleOf } from "../indexers/book-sample.ts";
import type { ReportPoint } from "../performance/performance-report.ts";
import { type ReplayLedger, reportPointOf } from "./book-point.ts";
import { moveBook } from "./market-move.ts";
import type { PricePoint } from "./price-path.ts";
import { type QuietBand, quietBand } from "./quiet-band.ts";

export type ReplayMode = "fast" | "every-step";

/** What decide() said at a step: a noop's code, or the plan's id and lane. */
export type StepDecision =
  | { kind: "noop"; code: NoopCode | null }
  | { kind: "plan"; planId: string; lane: Lane };

/** A plan the replay carried out, and what it cost. */
export interface ExecutedPlan {
  step: number;
  blockNumber: bigint;
  timestampSec: number;
  plan: Plan;
  /** Paid when carried out: the plan's expected gas, venue fees and slippage. Funding is carry, accrued per step. */
  gasUsd: number;
  feesUsd: number;
  slippageUsd: number;
}

export interface ReplayResult {
  /** One per step of the path. */
  decisions: StepDecision[];
  /** The book at each evaluated step, and again after each plan: the report's input, as recorded points are. */
  points: ReportPoint[];
  executed: ExecutedPlan[];
  /** Steps evaluated with the engine (all of them in "every-step"). */
  evaluatedSteps: number;
  ledger: ReplayLedger;
  /** The book after the last step. */
  finalBook: BookSnapshot;
}

export interface ReplayInput {
  /** The starting book: positions, balances and keeper memory; its samples are the first window's history. */
  book: BookSnapshot;
  params: BookParams;
  path: readonly PricePoint[];
  mode?: ReplayMode;
  /** The block number of the first step (default: the book's next block); each step is one block. */
  firstBlock?: bigint;
  /**
   * "carried-out" (default): each plan is applied to the book. "shadow": plans are only recorded, as a keeper in
   * shadow mode records them; the keeper's memory still moves (hysteresis, cooldown), the book does not.
   */
  plans?: "carried-out" | "shadow";
}

const WITHIN_BAND: StepDecision = { kind: "noop", code: "within-band" };
const COOLDOWN: StepDecision = { kind: "noop", code: "cooldown" };

export function stepDecisionOf(decision: Decision): StepDecision {
  return decision.kind === "noop"
    ? { kind: "noop", code: decision.code ?? null }
    : { kind: "plan", planId: decision.plan.planId, lane: decision.plan.lane };
}

const DAY_SEC = 86_400;

/**
 * The path's last step, or the last of a UTC day: always evaluated, so the book is valued where the report's
 * daily buckets close (attribution.ts puts a step in the bucket its end falls in). Skipping it would carry the
 * day's last hours into the next day's P&L, and the daily σ would depend on where the quiet stretches end.
 */
function closesDay(path: readonly PricePoint[], i: number): boolean {
  const next = path[i + 1];
  return (
    next === undefined ||
    Math.floor(next.timestampSec / DAY_SEC) !== Math.floor(path[i]!.timestampSec / DAY_SEC)
  );
}

function isQuiet(decision: Decision): boolean {
  return decision.kind === "noop" && (decision.code === "within-band" || decision.code === "cooldown");
}

export function replayPricePath(input: ReplayInput): ReplayResult {
  const { params, path } = input;
  const mode = input.mode ?? "fast";
  if (path.length === 0) fail("path", "is empty");
  const first = path[0]!;
  // The path's first row is the starting state: the book is re-stamped to it (a treasury backtests today's book
  // on last year's prices) and moved to its price with no time elapsed.
  // Its feeds are taken as posted then too (the book's own answers, at the path's time).
  const postedAt = (o: BookSnapshot["baseOracle"]) => ({ ...o, updatedAtSec: first.timestampSec });
  let book: BookSnapshot = {
    ...input.book,
    blockTimestampSec: first.timestampSec,
    baseOracle: postedAt(input.book.baseOracle),
    oracles: input.book.oracles.map(postedAt),
    samples: [],
  };
  const window: PriceSample[] = [...input.book.samples];
  const decisions: StepDecision[] = new Array(path.length);
  const points: ReportPoint[] = [];
  const executed: ExecutedPlan[] = [];
  const ledger: ReplayLedger = {
    carryUsd: 0,
    gasUsd: 0,
    venueFeesUsd: 0,
    slippageUsd: 0,
    lpWithdrawnUsd: 0,
    lpFeesCollectedUsd: 0,
  };
  const firstBlock = input.firstBlock ?? input.book.blockNumber + 1n;
  let band: QuietBand | null = null;
  let evaluatedSteps = 0;
  for (let i = 0; i < path.length; i++) {
    const point = path[i]!;
    const moved = moveBook(book, point, firstBlock + BigInt(i));
    book = moved.book;
    ledger.carryUsd -= moved.flows.fundingPaidUsd;
    const nowSec = point.timestampSec;
    const { keeper } = book;
    if (
      band !== null &&
      !closesDay(path, i) &&
      !keeper.hedgeTriggered &&
      nowSec <= band.untilSec &&
      point.basePriceUsd >= band.lowUsd &&
      point.basePriceUsd <= band.highUsd
    ) {
      const inCooldown = keeper.lastPlanAtSec !== null && nowSec - keeper.lastPlanAtSec < params.cooldownSec;
      decisions[i] = inCooldown ? COOLDOWN : WITHIN_BAND;
      window.push(priceSampleOf(book));
      continue;
    }
    evaluatedSteps++;
    const snapshot = { ...book, samples: window.slice(-DECISION_SAMPLE_WINDOW) };
    const metrics = evaluateBook(snapshot, params, nowSec);
    const decision = decide(snapshot, params, nowSec, metrics);
    decisions[i] = stepDecisionOf(decision);
    points.push(reportPointOf(snapshot, params, metrics, { ...ledger }));
    window.push(priceSampleOf(book));
    if (window.length > 4 * DECISION_SAMPLE_WINDOW) window.splice(0, window.length - DECISION_SAMPLE_WINDOW);
    if (decision.kind === "plan" && input.plans !== "shadow") {
      const { plan } = decision;
      book = payExecution(applyPlan(book, plan, nowSec), plan);
      const cost = plan.expectedCost;
      ledger.gasUsd += cost.gasUsd;
      ledger.venueFeesUsd += cost.feesUsd;
      ledger.slippageUsd += cost.slippageUsd;
      ledger.lpWithdrawnUsd += lpWithdrawalPaidUsd(snapshot, params, plan);
      executed.push({
        step: i,
        blockNumber: book.blockNumber,
        timestampSec: nowSec,
        plan,
        gasUsd: cost.gasUsd,
        feesUsd: cost.feesUsd,
        slippageUsd: cost.slippageUsd,
      });
      // The book as the plan left it, at the same instant: the next step's P&L is held on the new positions.
      const after = { ...book, samples: snapshot.samples };
      points.push(reportPointOf(after, params, evaluateBook(after, params, nowSec), { ...ledger }));
    }
    book = { ...book, keeper: keeperStateAfter(keeper, decision, nowSec) };
    // A plan changed the book: the band found before it says nothing about the new one.
    const previousBand: QuietBand | null = decision.kind === "plan" ? null : band;
    band = mode === "fast" && isQuiet(decision) ? quietBand(book, params, nowSec, previousBand) : null;
  }
  return { decisions, points, executed, evaluatedSteps, ledger, finalBook: book };
}

/** What the plan's v4 withdrawals pay the Safe as applyPlan pays them (each currency's minimum), USD. */
function lpWithdrawalPaidUsd(book: BookSnapshot, params: BookParams, plan: Plan): number {
  const usd = usdPricer(book, params);
  let paid = 0;
  for (const action of plan.actions) {
    if (action.kind !== "uniswapV4.decreaseLiquidity") continue;
    const position = book.lpPositions.find((p) => p.kind === "uniswap-v4" && p.tokenId === action.tokenId);
    const pool = book.pools.find(
      (p) => p.kind === "uniswap-v4" && position?.kind === "uniswap-v4" && p.poolId === position.poolId,
    );
    if (pool?.kind !== "uniswap-v4") fail("plan.actions", `no v4 pool for position ${action.tokenId}`);
    paid +=
      toFloat(action.amount0Min, pool.currency0.decimals) * usd(pool.currency0.address.toLowerCase()) +
      toFloat(action.amount1Min, pool.currency1.decimals) * usd(pool.currency1.address.toLowerCase());
  }
  return paid;
}

/**
 * The venue's fee and the slippage of a perp resize come out of the perp account (Perp v2 charges the fee to the
 * trader's realized P&L; slippage is a worse entry). A swap's are already in its fill: applyPlan fills it at its
 * minimum out. Gas is paid by the keeper's account, outside the book: the attribution charges it to the book.
 */
function payExecution(book: BookSnapshot, plan: Plan): BookSnapshot {
  const perp = book.perp;
  if (!perp || !plan.actions.some((a) => a.kind === "perp.adjustPosition")) return book;
  const paid = fromFloat(
    "perp execution cost",
    plan.expectedCost.feesUsd + plan.expectedCost.slippageUsd,
    18,
  );
  return { ...book, perp: { ...perp, accountValueQuote: perp.accountValueQuote - paid } };
}
