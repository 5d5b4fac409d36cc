import { describe, expect, it } from "vitest";
import { assessFeed, type FeedRound, splitRoundId } from "./oracle-health.ts";

const NOW = 1_700_000_000;
const expectations = { heartbeatSec: 3_600, decimals: 8 };
const round = (over: Partial<FeedRound> = {}): FeedRound => ({
  roundId: (1n << 64n) | 10n,
  answer: 3_000n * 10n ** 8n,
  startedAt: BigInt(NOW - 60),
  updatedAt: BigInt(NOW - 60),
  ...over,
});

describe("assessFeed", () => {
  it("accepts a fresh, positive answer with the expected decimals", () => {
    const health = assessFeed({ round: round(), decimals: 8, expectations, nowSec: NOW });
    expect(health).toEqual({ usable: true, problems: [], ageSec: 60, phaseId: 1, aggregatorRoundId: 10n });
  });

  it("flags an answer older than the feed's own heartbeat as stale and unusable", () => {
    const health = assessFeed({
      round: round({ updatedAt: BigInt(NOW - 3_601) }),
      decimals: 8,
      expectations,
      nowSec: NOW,
    });
    expect(health.usable).toBe(false);
    expect(health.problems).toEqual(["stale"]);
  });

  it("uses the per-feed heartbeat: a day-old answer is fresh for a 24 h stablecoin feed", () => {
    const health = assessFeed({
      round: round({ updatedAt: BigInt(NOW - 80_000) }),
      decimals: 8,
      expectations: { heartbeatSec: 86_400, decimals: 8 },
      nowSec: NOW,
    });
    expect(health.usable).toBe(true);
  });

  it("flags a zero or negative answer", () => {
    for (const answer of [0n, -1n]) {
      const health = assessFeed({ round: round({ answer }), decimals: 8, expectations, nowSec: NOW });
      expect(health.problems).toContain("non-positive-answer");
      expect(health.usable).toBe(false);
    }
  });

  it("flags a round that goes backwards within a phase, and accepts a new phase restarting its count", () => {
    const previous = round({ roundId: (1n << 64n) | 11n });
    const backwards = assessFeed({ round: round(), previous, decimals: 8, expectations, nowSec: NOW });
    expect(backwards.problems).toEqual(["round-went-backwards"]);

    const newPhase = assessFeed({
      round: round({ roundId: (2n << 64n) | 1n }),
      previous,
      decimals: 8,
      expectations,
      nowSec: NOW,
    });
    expect(newPhase.usable).toBe(true);
    expect(newPhase.phaseId).toBe(2);
  });

  it("flags decimals that differ from the configured ones, and answers outside sanity bounds", () => {
    const health = assessFeed({
      round: round({ answer: 10n }),
      decimals: 18,
      expectations: { ...expectations, minAnswer: 100n, maxAnswer: 10n ** 20n },
      nowSec: NOW,
    });
    expect(health.problems).toEqual(["decimals-mismatch", "below-min-answer"]);
  });

  it("flags an answer from the future instead of calling it fresh", () => {
    const health = assessFeed({
      round: round({ updatedAt: BigInt(NOW + 30) }),
      decimals: 8,
      expectations,
      nowSec: NOW,
    });
    expect(health.problems).toEqual(["updated-in-future"]);
  });

  it("refuses answers while the L2 sequencer is down and during the grace period after it is back", () => {
    const down = assessFeed({
      round: round(),
      decimals: 8,
      expectations,
      nowSec: NOW,
      sequencer: { answer: 1n, startedAt: BigInt(NOW - 10), gracePeriodSec: 3_600 },
    });
    expect(down.problems).toEqual(["sequencer-down"]);
    const grace = assessFeed({
      round: round(),
      decimals: 8,
      expectations,
      nowSec: NOW,
      sequencer: { answer: 0n, startedAt: BigInt(NOW - 100), gracePeriodSec: 3_600 },
    });
    expect(grace.problems).toEqual(["sequencer-grace-period"]);
    const up = assessFeed({
      round: round(),
      decimals: 8,
      expectations,
      nowSec: NOW,
      sequencer: { answer: 0n, startedAt: BigInt(NOW - 7_200), gracePeriodSec: 3_600 },
    });
    expect(up.usable).toBe(true);
  });
});

describe("splitRoundId", () => {
  it("splits a phase-encoded round id into phase and aggregator round", () => {
    expect(splitRoundId((3n << 64n) | 42n)).toEqual({ phaseId: 3, aggregatorRoundId: 42n });
  });
});
