// The parts every decision is assembled from: a noop with its reason, the oracle band premise, the cost in USD,
// and the routine lane's plan (collateral moves around a perp resize, with the premise HedgeGuard re-checks and
// the post-state it asserts). The de-peg lane's plan is assembled in depeg-plan.ts from the same parts.
import type { BookMetrics } from "./book-metrics.ts";
import type { HedgeDrift } from "./hedge-drift.ts";
import { toFloat } from "./input-guards.ts";
import { oraclePerpQuoteBound } from "./oracle-bounds.ts";
import type { BookParams } from "./params.ts";
import type {
  Decision,
  Noop,
  NoopCode,
  PerpAdjustPositionAction,
  Plan,
  PlanAction,
  PlanCost,
  PlanPremise,
  TradeQuote,
} from "./plan.ts";
import { planId } from "./plan-id.ts";
import type { BookSnapshot, OracleReading, PerpPositionSnapshot } from "./snapshot.ts";

/** Smallest perp size tolerance in the premise (1e-6 base), so a rounding wei never fails a check. */
const MIN_SIZE_TOLERANCE = 10n ** 12n;

export function noop(
  book: BookSnapshot,
  m: BookMetrics | null,
  code: NoopCode,
  reason: string,
  hedgeTriggered: boolean,
): Noop {
  return {
    kind: "noop",
    bookId: book.bookId,
    reason,
    code,
    driftBps: m?.drift.driftBps ?? 0,
    hedgeTriggered,
  };
}

/** A basis-point parameter as the integer the on-chain bounds use. */
export function bpsOf(x: number): bigint {
  return BigInt(Math.round(x));
}

/** The oracle band premise: the answer may move at most ± bandBps before the plan is void. */
export function oraclePremise(reading: OracleReading, bandBps: number): PlanPremise["oracle"] {
  const band = (reading.answer * bpsOf(bandBps)) / 10_000n;
  return {
    feed: reading.feed,
    heartbeatSec: reading.heartbeatSec,
    minAnswer: reading.answer - band,
    maxAnswer: reading.answer + band,
  };
}

export function gasUsd(params: BookParams, gasUnits: number, basePriceUsd: number): number {
  // The base asset is the gas token's price proxy (WETH books); gwei → ETH → USD.
  return gasUnits * params.costs.gasPriceGwei * 1e-9 * basePriceUsd;
}

export function planCost(parts: Omit<PlanCost, "totalUsd">): PlanCost {
  return { ...parts, totalUsd: parts.gasUsd + parts.feesUsd + parts.slippageUsd + parts.fundingUsd };
}

/** What the Safe holds of `token` (every spot entry of it summed). */
export function spotBalance(book: BookSnapshot, token: string): bigint {
  let total = 0n;
  for (const s of book.spot) if (s.token.address.toLowerCase() === token.toLowerCase()) total += s.balance;
  return total;
}

/** The premise's and post-state's tolerance on a perp size: perpSizeToleranceBps of it, at least 1e-6 base. */
export function perpSizeTolerance(params: BookParams, size: bigint): bigint {
  const abs = size < 0n ? -size : size;
  const t = (abs * bpsOf(params.premise.perpSizeToleranceBps)) / 10_000n;
  return t > MIN_SIZE_TOLERANCE ? t : MIN_SIZE_TOLERANCE;
}

/** The perp resize by `trade` (signed, 18 decimals), its quote bound from the base feed's answer. */
export function perpAdjustAction(
  book: BookSnapshot,
  params: BookParams,
  perp: PerpPositionSnapshot,
  trade: bigint,
): PerpAdjustPositionAction {
  const absTrade = trade < 0n ? -trade : trade;
  return {
    kind: "perp.adjustPosition",
    venue: perp.venue,
    baseToken: perp.baseToken,
    isBaseToQuote: trade < 0n,
    amountBase: absTrade,
    // From the base feed's answer, not the venue's index price (an RPC answer that may lie).
    oppositeAmountBound: oraclePerpQuoteBound({
      amountBase: absTrade,
      isBaseToQuote: trade < 0n,
      price: book.baseOracle,
      slippageBps: bpsOf(params.costs.perpSlippageBps),
    }),
    expectedSizeBefore: perp.sizeBase,
    expectedSizeAfter: perp.sizeBase + trade,
  };
}

export interface RoutinePlanInput {
  book: BookSnapshot;
  params: BookParams;
  metrics: BookMetrics;
  perp: PerpPositionSnapshot;
  nowSec: number;
  /** Signed perp size change, 18 decimals; 0n for a collateral-only plan. */
  trade: bigint;
  /** What the trade costs and does (hedge-trade.ts); used when `trade` is not 0n. */
  hedge: {
    feesUsd: number;
    slippageUsd: number;
    fundingUsd: number;
    riskReductionUsd: number;
    driftAfter: HedgeDrift;
    note: string;
    /** Why a wanted trade was refused by the cost test, when it was. */
    refused: string | null;
  };
  collateral: { depositUnits: bigint; withdrawUnits: bigint; note: string };
  triggered: boolean;
}

/**
 * The routine plan: deposit first (the trade may need it), the resize, then the withdrawal; the premise pins
 * the perp's size as found (a plan that already ran no longer matches) and the post-state the size after.
 */
export function routinePlan(input: RoutinePlanInput): Decision {
  const { book, params, metrics: m, perp, nowSec, trade, hedge, triggered } = input;
  const { depositUnits, withdrawUnits } = input.collateral;
  const S = m.basePriceUsd;
  const actions: PlanAction[] = [];
  const quotes: TradeQuote[] = [];
  const token = perp.collateral.token.address;
  if (depositUnits > 0n)
    actions.push({ kind: "perp.depositCollateral", venue: perp.venue, token, amount: depositUnits });
  const sizeAfter = perp.sizeBase + trade;
  if (trade !== 0n) {
    quotes.push({ kind: "perp", actionIndex: actions.length, priceUsd: toFloat(perp.markPriceE18, 18) });
    actions.push(perpAdjustAction(book, params, perp, trade));
  }
  if (withdrawUnits > 0n)
    actions.push({ kind: "perp.withdrawCollateral", venue: perp.venue, token, amount: withdrawUnits });
  const tolerance = (size: bigint) => perpSizeTolerance(params, size);
  const nCollateral = (depositUnits > 0n ? 1 : 0) + (withdrawUnits > 0n ? 1 : 0);
  const gas = gasUsd(
    params,
    params.costs.gasBase +
      (trade !== 0n ? params.costs.gasPerPerpTrade : 0) +
      nCollateral * params.costs.gasPerCollateralMove,
    S,
  );
  const traded = trade !== 0n;
  const expectedCost = planCost({
    gasUsd: gas,
    feesUsd: traded ? hedge.feesUsd : 0,
    slippageUsd: traded ? hedge.slippageUsd : 0,
    fundingUsd: traded ? hedge.fundingUsd : 0,
  });
  const afterDrift = traded ? hedge.driftAfter : m.drift;
  const marginNote = input.collateral.note;
  const plan: Plan = {
    planId: planId(book.bookId, book.blockNumber, actions),
    bookId: book.bookId,
    blockNumber: book.blockNumber,
    lane: "routine",
    reason: traded
      ? `hedge ${m.drift.state}: drift ${m.drift.driftBps.toFixed(1)} bps → ${afterDrift.driftBps.toFixed(1)} bps${hedge.note}${marginNote}`
      : `collateral recalibration${marginNote}${hedge.refused ? `; hedge trade refused: ${hedge.refused}` : ""}`,
    actions,
    premise: {
      deadlineSec: nowSec + params.premise.deadlineSec,
      oracle: oraclePremise(book.baseOracle, params.premise.oracleBandBps),
      perp: {
        baseToken: perp.baseToken,
        expectedSize: perp.sizeBase,
        toleranceBase: tolerance(perp.sizeBase),
      },
    },
    post: {
      perp: { baseToken: perp.baseToken, targetSize: sizeAfter, toleranceBase: tolerance(sizeAfter) },
      minBalances: withdrawUnits > 0n ? [{ token, amount: spotBalance(book, token) + withdrawUnits }] : [],
    },
    expectedRiskReductionUsd: traded ? hedge.riskReductionUsd : 0,
    expectedCost,
    quote: { basePriceUsd: S, legs: quotes },
    driftBpsBefore: m.drift.driftBps,
    driftBpsAfter: afterDrift.driftBps,
    // Acting on the full trade disarms once the book is back inside the re-arm band.
    hedgeTriggered: traded ? Math.abs(afterDrift.driftBps) > params.rearmBps : triggered,
  };
  return { kind: "plan", plan };
}
