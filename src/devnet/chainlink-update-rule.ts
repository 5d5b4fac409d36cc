// When a Chainlink price feed writes a new round: its nodes post when the market price has moved at least the
// deviation threshold away from the last answer, or when the heartbeat has passed since the last update,
// whichever comes first (Chainlink docs, "Data Feeds: Check the latest answer against the deviation threshold
// and heartbeat"). Mainnet ETH/USD: 0.5% and 3600 s; USDC/USD: 0.25% and 86400 s. Pure: the devnet's
// `market.path` step plans its oracle rounds with it, and tests check recorded rounds against it.

export interface ChainlinkUpdateRule {
  /** A new round when |price − last answer| ≥ this share of the last answer, bps. */
  deviationBps: number;
  /** A new round when the last one is this old, s. */
  heartbeatSec: number;
}

/** The feed's latest round, as the rule sees it. */
export interface FeedRound {
  answer: number;
  updatedAtSec: number;
}

export type RoundTrigger = "deviation" | "heartbeat";

/** Why the feed writes a round at `atSec` with the market at `priceUsd`, or null when it stays silent. */
export function roundTrigger(
  rule: ChainlinkUpdateRule,
  last: FeedRound,
  priceUsd: number,
  atSec: number,
): RoundTrigger | null {
  if (Math.abs(priceUsd - last.answer) >= (rule.deviationBps / 10_000) * last.answer) return "deviation";
  if (atSec - last.updatedAtSec >= rule.heartbeatSec) return "heartbeat";
  return null;
}

/** A price that moves in a straight line from `from` (at `startSec`) to `to` (at `endSec`). */
export interface LinearPricePath {
  startSec: number;
  endSec: number;
  from: number;
  to: number;
}

export function priceAt(path: LinearPricePath, atSec: number): number {
  if (atSec >= path.endSec) return path.to;
  if (atSec <= path.startSec) return path.from;
  return path.from + ((path.to - path.from) * (atSec - path.startSec)) / (path.endSec - path.startSec);
}

/**
 * The first whole second after `afterSec` (and not after the path's end) at which the rule fires for a feed
 * whose market follows `path`, or null when it stays silent until the end. Block times are whole seconds: the
 * deviation's crossing is solved on the line and rounded up to the first second where it holds.
 */
export function nextRoundDueSec(
  rule: ChainlinkUpdateRule,
  last: FeedRound,
  path: LinearPricePath,
  afterSec: number,
): number | null {
  const first = afterSec + 1;
  if (first > path.endSec) return null;
  if (roundTrigger(rule, last, priceAt(path, first), first) !== null) return first;
  const heartbeatAt = last.updatedAtSec + rule.heartbeatSec;
  let due = heartbeatAt <= path.endSec ? heartbeatAt : null;
  const slope = (path.to - path.from) / (path.endSec - path.startSec);
  if (slope !== 0 && Number.isFinite(slope)) {
    // Inside the band now: only the edge the price moves toward can be reached.
    const band = (rule.deviationBps / 10_000) * last.answer;
    const edge = slope > 0 ? last.answer + band : last.answer - band;
    let at = Math.max(first, Math.ceil(path.startSec + (edge - path.from) / slope));
    // Rounding of the solved time may leave it a second short of the threshold.
    while (at <= path.endSec && roundTrigger(rule, last, priceAt(path, at), at) === null) at++;
    if (at <= path.endSec && (due === null || at < due)) due = at;
  }
  return due;
}
