// The blocks of a `market.path` step: the market moves along straight lines over a stretch of time, traded at
// evenly spaced ticks, while each Chainlink feed posts only when its rule fires (chainlink-update-rule.ts), at
// the first second it does. Pure: the scenario runner sends what this plans, and tests replay it second by second.
import {
  type ChainlinkUpdateRule,
  type FeedRound,
  type LinearPricePath,
  nextRoundDueSec,
  priceAt,
  type RoundTrigger,
  roundTrigger,
} from "./chainlink-update-rule.ts";

/** A feed that follows the rule, over the market price of its asset. */
export interface RuleFollowingFeed<K extends string> {
  key: K;
  rule: ChainlinkUpdateRule;
  /** Its latest round when the step starts. */
  last: FeedRound;
  /** The market price of the asset it prices, over the step. */
  market: LinearPricePath;
}

export interface PlannedRound<K extends string> {
  feed: K;
  /** The market price at that second, as the feed stores it (rounded to its decimals). */
  answer: number;
  trigger: RoundTrigger;
}

export interface PathBlock<K extends string> {
  atSec: number;
  /** Share of the step's duration elapsed: where the market is on its lines. */
  progress: number;
  /** One of the evenly spaced trading ticks (otherwise the block exists for the feeds' rounds). */
  tick: boolean;
  rounds: PlannedRound<K>[];
}

export function planMarketPath<K extends string>(input: {
  startSec: number;
  durationSec: number;
  ticks: number;
  feeds: readonly RuleFollowingFeed<K>[];
  answerDecimals: number;
}): PathBlock<K>[] {
  const { startSec, durationSec, ticks } = input;
  if (!(Number.isInteger(ticks) && ticks >= 1 && ticks <= durationSec))
    throw new RangeError(`ticks must be a whole number in [1, durationSec], got ${ticks}`);
  const endSec = startSec + durationSec;
  const tickTimes = Array.from(
    { length: ticks },
    (_, i) => startSec + Math.round((durationSec * (i + 1)) / ticks),
  );
  const last = new Map(input.feeds.map((feed) => [feed.key, { ...feed.last }]));
  const stored = (price: number) => Number(price.toFixed(input.answerDecimals));
  const blocks: PathBlock<K>[] = [];
  let now = startSec;
  let nextTick = 0;
  for (;;) {
    const tickAt = tickTimes[nextTick];
    let at = tickAt ?? Number.POSITIVE_INFINITY;
    for (const feed of input.feeds) {
      const due = nextRoundDueSec(feed.rule, last.get(feed.key)!, feed.market, now);
      if (due !== null && due < at) at = due;
    }
    if (at > endSec) break;
    const rounds: PlannedRound<K>[] = [];
    for (const feed of input.feeds) {
      const price = priceAt(feed.market, at);
      const trigger = roundTrigger(feed.rule, last.get(feed.key)!, price, at);
      if (trigger === null) continue;
      const answer = stored(price);
      rounds.push({ feed: feed.key, answer, trigger });
      last.set(feed.key, { answer, updatedAtSec: at });
    }
    const tick = at === tickAt;
    if (tick) nextTick++;
    blocks.push({ atSec: at, progress: (at - startSec) / durationSec, tick, rounds });
    now = at;
  }
  return blocks;
}
