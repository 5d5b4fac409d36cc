// Where the engine would certainly do nothing: the range of base prices around the current one over which
// decide() returns "within-band" with room to spare, so the fast replay may skip those steps. Found with the
// engine itself (decide() on the book moved to each probe price), never with a copy of its rules.
//
// Why probing a few prices is enough: with positions unchanged, each LP position's base holdings fall as the base
// price rises (v3 and v2 alike) and the perp and spot sizes are constant, so the book's net delta is monotone in
// the price; so are the perp's margin ratio (account value / notional = collateral / (|size|·P) ± 1) and its
// liquidation distance. Between two probes that pass, each of them lies between its values at the probes, and
// the drift in bps (net delta × P / book value) grows by at most the probes' price ratio (≤ 1.02 here) on top:
// with |drift| ≤ 90% of the arm band at the probes, it stays below 92% between them. The band holds while the
// book is unarmed and unchanged (no plan), for a day at most, and no longer than the funding at the current rate
// takes to use half the margin slack (funding is what moves the perp's account between plans; the fees an LP
// accrues move the book's value by far less than the drift slack in a day). replay.test.ts and bench:backtest
// check the fast replay against decide() at every step.
import { evaluateBook } from "../engine/book-metrics.ts";
import { decide } from "../engine/decide.ts";
import { oraclePrice } from "../engine/oracle.ts";
import type { BookParams } from "../engine/params.ts";
import type { BookSnapshot } from "../engine/snapshot.ts";
import { moveBook } from "./market-move.ts";

export interface QuietBand {
  lowUsd: number;
  highUsd: number;
  /** The band is not used after this time (funding and fees move the book slowly). */
  untilSec: number;
}

/** Probes on each side, relative to the price: each at most 2% beyond the previous one. */
const PROBE_OFFSETS = [0.002, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.12];
/** Largest price ratio between two neighbouring probes, less one (1.04 / 1.02 − 1 < 0.02). */
const MAX_PROBE_GAP = 0.02;
/** |drift| must stay below armBps × (1 − DRIFT_SLACK) at every probe. */
const DRIFT_SLACK = 0.1;
/** The margin ratio must stay this far (relative) inside [floor, ceiling], the liquidation distance above its limit. */
const MARGIN_SLACK = 0.02;
const MAX_BAND_LIFETIME_SEC = 86_400;

/** How long the band holds: funding moves the margin ratio by the rate per day (Δ(account / notional) = rate). */
function bandLifetimeSec(book: BookSnapshot, params: BookParams): number {
  const rate = Math.abs(book.perp?.fundingRateDaily ?? 0);
  const slack = (MARGIN_SLACK / 2) * params.margin.floorRatio;
  return rate === 0
    ? MAX_BAND_LIFETIME_SEC
    : Math.min(MAX_BAND_LIFETIME_SEC, Math.floor((slack / rate) * 86_400));
}

function quietAt(book: BookSnapshot, params: BookParams, nowSec: number, priceUsd: number): boolean {
  const moved = moveBook(book, { timestampSec: nowSec, basePriceUsd: priceUsd }, book.blockNumber).book;
  const metrics = evaluateBook(moved, params, nowSec);
  const decision = decide(moved, params, nowSec, metrics);
  if (decision.kind !== "noop" || decision.code !== "within-band") return false;
  if (Math.abs(metrics.drift.driftBps) > params.armBps * (1 - DRIFT_SLACK)) return false;
  const perp = metrics.perp;
  if (perp === null) return true;
  const { floorRatio, ceilingRatio, minLiquidationDistanceBps } = params.margin;
  if (
    perp.marginRatio !== null &&
    (perp.marginRatio < floorRatio * (1 + MARGIN_SLACK) ||
      perp.marginRatio > ceilingRatio * (1 - MARGIN_SLACK))
  )
    return false;
  return (
    perp.liquidationDistanceBps === null ||
    perp.liquidationDistanceBps > minLiquidationDistanceBps * (1 + MARGIN_SLACK)
  );
}

/**
 * The quiet band around the book's price, or null when the book is armed or not quiet at its own price.
 * `previous`: the band found earlier for the same book (no plan since, not expired), which the price has just
 * left; its probes still hold, so only the side the price left by is probed further.
 */
export function quietBand(
  book: BookSnapshot,
  params: BookParams,
  nowSec: number,
  previous: QuietBand | null = null,
): QuietBand | null {
  if (book.keeper.hedgeTriggered) return null;
  // Out of cooldown and without samples: cooldown and σ never decide a "within-band" noop.
  const probe: BookSnapshot = {
    ...book,
    keeper: { hedgeTriggered: false, lastPlanAtSec: null },
    samples: [],
  };
  const price = oraclePrice(book.baseOracle);
  const quiet = (p: number) => quietAt(probe, params, nowSec, p);
  if (!quiet(price)) return null;
  const reusable = previous !== null && nowSec <= previous.untilSec;
  // The previous band joins this one when the price left it by less than a probe spacing.
  const joinsBelow = reusable && price > previous.highUsd && price <= previous.highUsd * (1 + MAX_PROBE_GAP);
  const joinsAbove = reusable && price < previous.lowUsd && price >= previous.lowUsd * (1 - MAX_PROBE_GAP);
  let lowUsd = price;
  if (joinsBelow) lowUsd = previous.lowUsd;
  else
    for (const offset of PROBE_OFFSETS) {
      const p = price * (1 - offset);
      if (!quiet(p)) break;
      lowUsd = p;
    }
  let highUsd = price;
  if (joinsAbove) highUsd = previous.highUsd;
  else
    for (const offset of PROBE_OFFSETS) {
      const p = price * (1 + offset);
      if (!quiet(p)) break;
      highUsd = p;
    }
  const untilSec = joinsBelow || joinsAbove ? previous!.untilSec : nowSec + bandLifetimeSec(book, params);
  return { lowUsd, highUsd, untilSec };
}
