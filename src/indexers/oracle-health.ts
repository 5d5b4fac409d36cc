// Pure judgement of one Chainlink round (no I/O): Chainlink's own guidance (docs "Using Data Feeds":
// check answer > 0, updatedAt against the feed's heartbeat; answeredInRound is deprecated) plus what
// keepers learned the hard way: rounds that go backwards, answers out of sane bounds, L2 sequencer
// downtime with a grace period after it comes back.

export interface FeedRound {
  roundId: bigint;
  answer: bigint;
  startedAt: bigint;
  updatedAt: bigint;
}

export interface FeedExpectations {
  heartbeatSec: number;
  decimals: number;
  /** Optional sanity bounds in the feed's decimals (most feeds no longer enforce min/max themselves). */
  minAnswer?: bigint;
  maxAnswer?: bigint;
}

export interface SequencerStatus {
  /** Chainlink L2 sequencer uptime feed: 0 = up, 1 = down. */
  answer: bigint;
  /** When the status last changed. */
  startedAt: bigint;
  gracePeriodSec: number;
}

export type FeedProblem =
  | "stale"
  | "non-positive-answer"
  | "round-went-backwards"
  | "updated-in-future"
  | "below-min-answer"
  | "above-max-answer"
  | "decimals-mismatch"
  | "sequencer-down"
  | "sequencer-grace-period";

export interface FeedHealth {
  /** True only when nothing is wrong: a flagged reading is reported but never used to act. */
  usable: boolean;
  problems: FeedProblem[];
  ageSec: number;
  phaseId: number;
  aggregatorRoundId: bigint;
}

const AGGREGATOR_ROUND_BITS = 64n;
const AGGREGATOR_ROUND_MASK = (1n << AGGREGATOR_ROUND_BITS) - 1n;

/** Chainlink proxies phase-encode round ids: roundId = (phaseId << 64) | aggregatorRoundId. */
export function splitRoundId(roundId: bigint): { phaseId: number; aggregatorRoundId: bigint } {
  return {
    phaseId: Number(roundId >> AGGREGATOR_ROUND_BITS),
    aggregatorRoundId: roundId & AGGREGATOR_ROUND_MASK,
  };
}

export function assessFeed(input: {
  round: FeedRound;
  decimals: number;
  expectations: FeedExpectations;
  nowSec: number;
  /** The last round this feed was seen at, to catch a feed that goes backwards. */
  previous?: FeedRound | undefined;
  sequencer?: SequencerStatus | undefined;
}): FeedHealth {
  const { round, expectations, nowSec } = input;
  const problems: FeedProblem[] = [];
  const updatedAtSec = Number(round.updatedAt);
  const ageSec = nowSec - updatedAtSec;

  if (input.decimals !== expectations.decimals) problems.push("decimals-mismatch");
  if (round.answer <= 0n) problems.push("non-positive-answer");
  if (updatedAtSec > nowSec) problems.push("updated-in-future");
  else if (ageSec > expectations.heartbeatSec) problems.push("stale");
  if (expectations.minAnswer !== undefined && round.answer < expectations.minAnswer)
    problems.push("below-min-answer");
  if (expectations.maxAnswer !== undefined && round.answer > expectations.maxAnswer)
    problems.push("above-max-answer");

  const current = splitRoundId(round.roundId);
  if (input.previous !== undefined) {
    const before = splitRoundId(input.previous.roundId);
    // Phase first, then the aggregator's round within the phase: a new phase restarts its round count.
    const wentBack =
      current.phaseId < before.phaseId ||
      (current.phaseId === before.phaseId && current.aggregatorRoundId < before.aggregatorRoundId) ||
      round.updatedAt < input.previous.updatedAt;
    if (wentBack) problems.push("round-went-backwards");
  }

  if (input.sequencer !== undefined) {
    if (input.sequencer.answer !== 0n) problems.push("sequencer-down");
    else if (nowSec - Number(input.sequencer.startedAt) < input.sequencer.gracePeriodSec) {
      problems.push("sequencer-grace-period");
    }
  }

  return { usable: problems.length === 0, problems, ageSec, ...current };
}
