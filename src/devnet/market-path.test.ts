import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type ChainlinkUpdateRule,
  type FeedRound,
  type LinearPricePath,
  nextRoundDueSec,
  priceAt,
  roundTrigger,
} from "./chainlink-update-rule.ts";
import { planMarketPath, type RuleFollowingFeed } from "./market-path.ts";

const ETH_USD: ChainlinkUpdateRule = { deviationBps: 50, heartbeatSec: 3_600 };
const USDC_USD: ChainlinkUpdateRule = { deviationBps: 25, heartbeatSec: 86_400 };
const T0 = 1_800_000_000;

/** What a Chainlink node watching every second would post: the reference the planner must equal. */
function everySecond<K extends string>(
  feeds: readonly RuleFollowingFeed<K>[],
  startSec: number,
  endSec: number,
) {
  const posted: { feed: K; atSec: number; answer: number }[] = [];
  const last = new Map(feeds.map((f) => [f.key, { ...f.last }]));
  for (let at = startSec + 1; at <= endSec; at++) {
    for (const feed of feeds) {
      const price = priceAt(feed.market, at);
      if (roundTrigger(feed.rule, last.get(feed.key)!, price, at) === null) continue;
      const answer = Number(price.toFixed(8));
      posted.push({ feed: feed.key, atSec: at, answer });
      last.set(feed.key, { answer, updatedAtSec: at });
    }
  }
  return posted;
}

function plannedRounds<K extends string>(
  feeds: readonly RuleFollowingFeed<K>[],
  durationSec: number,
  ticks: number,
) {
  return planMarketPath({ startSec: T0, durationSec, ticks, feeds, answerDecimals: 8 }).flatMap((block) =>
    block.rounds.map((round) => ({ feed: round.feed, atSec: block.atSec, answer: round.answer })),
  );
}

describe("Chainlink's update rule", () => {
  const last: FeedRound = { answer: 3_000, updatedAtSec: T0 };

  it("posts when the price moved at least the deviation threshold from the last answer", () => {
    expect(roundTrigger(ETH_USD, last, 3_015, T0 + 60)).toBe("deviation");
    expect(roundTrigger(ETH_USD, last, 2_985, T0 + 60)).toBe("deviation");
  });

  it("stays silent inside the threshold before the heartbeat", () => {
    expect(roundTrigger(ETH_USD, last, 3_014.99, T0 + 3_599)).toBeNull();
  });

  it("posts an unchanged price once the heartbeat has passed", () => {
    expect(roundTrigger(ETH_USD, last, 3_000, T0 + 3_600)).toBe("heartbeat");
  });

  it("finds the first whole second the drifting price leaves the band", () => {
    // 3000 → 3030 over 600 s: 5 USD per 100 s; the 0.5% edge (3015) is reached at 300 s.
    const path: LinearPricePath = { startSec: T0, endSec: T0 + 600, from: 3_000, to: 3_030 };
    expect(nextRoundDueSec(ETH_USD, last, path, T0)).toBe(T0 + 300);
  });

  it("finds the heartbeat when the price stays inside the band", () => {
    const path: LinearPricePath = { startSec: T0, endSec: T0 + 7_200, from: 3_000, to: 3_010 };
    expect(nextRoundDueSec(ETH_USD, { answer: 3_000, updatedAtSec: T0 - 1_000 }, path, T0)).toBe(T0 + 2_600);
  });

  it("posts at once when the heartbeat was already missed", () => {
    const path: LinearPricePath = { startSec: T0, endSec: T0 + 600, from: 3_000, to: 3_000 };
    expect(nextRoundDueSec(ETH_USD, { answer: 3_000, updatedAtSec: T0 - 5_000 }, path, T0)).toBe(T0 + 1);
  });

  it("is silent until the end when neither fires", () => {
    const path: LinearPricePath = { startSec: T0, endSec: T0 + 600, from: 3_000, to: 3_010 };
    expect(nextRoundDueSec(ETH_USD, last, path, T0)).toBeNull();
  });
});

describe("a market path's blocks", () => {
  it("trades at evenly spaced ticks and ends on the target", () => {
    const blocks = planMarketPath({
      startSec: T0,
      durationSec: 3_600,
      ticks: 4,
      feeds: [],
      answerDecimals: 8,
    });
    expect(blocks.map((b) => b.atSec - T0)).toEqual([900, 1_800, 2_700, 3_600]);
    expect(blocks.at(-1)!.progress).toBe(1);
  });

  it("adds a block for each round the rule fires between ticks, at the second it fires", () => {
    const feeds: RuleFollowingFeed<"ethUsd">[] = [
      {
        key: "ethUsd",
        rule: ETH_USD,
        last: { answer: 3_000, updatedAtSec: T0 },
        market: { startSec: T0, endSec: T0 + 7_200, from: 3_000, to: 3_090 },
      },
    ];
    const blocks = planMarketPath({ startSec: T0, durationSec: 7_200, ticks: 12, feeds, answerDecimals: 8 });
    const rounds = blocks.filter((b) => b.rounds.length > 0);
    // 3% in 0.5% steps from each new answer: 3015, 3030.08, 3045.23, 3060.45, 3075.75 (3091.1 is past the end).
    expect(rounds.map((b) => b.rounds[0]!.answer.toFixed(0))).toEqual([
      "3015",
      "3030",
      "3045",
      "3060",
      "3076",
    ]);
    expect(rounds.every((b) => b.rounds[0]!.trigger === "deviation")).toBe(true);
    expect(blocks.filter((b) => b.tick)).toHaveLength(12);
  });

  it("posts a depegging stablecoin on its own tighter rule alongside ETH", () => {
    const feeds: RuleFollowingFeed<"ethUsd" | "usdcUsd">[] = [
      {
        key: "ethUsd",
        rule: ETH_USD,
        last: { answer: 3_000, updatedAtSec: T0 },
        market: { startSec: T0, endSec: T0 + 3_600, from: 3_000, to: 2_250 },
      },
      {
        key: "usdcUsd",
        rule: USDC_USD,
        last: { answer: 1, updatedAtSec: T0 - 80_000 },
        market: { startSec: T0, endSec: T0 + 3_600, from: 1, to: 0.88 },
      },
    ];
    const posted = plannedRounds(feeds, 3_600, 6);
    // Each feed ends within its own threshold of where the market ended, not necessarily on it.
    const lastUsdc = posted.filter((r) => r.feed === "usdcUsd").at(-1)!.answer;
    const lastEth = posted.filter((r) => r.feed === "ethUsd").at(-1)!.answer;
    expect(Math.abs(lastUsdc / 0.88 - 1)).toBeLessThan(0.0025);
    expect(Math.abs(lastEth / 2_250 - 1)).toBeLessThan(0.005);
    expect(posted).toEqual(everySecond(feeds, T0, T0 + 3_600));
  });

  it("posts exactly what a node watching every second would (property)", () => {
    const feed = fc.record({
      from: fc.double({ min: 0.5, max: 5_000, noNaN: true }),
      move: fc.double({ min: -0.4, max: 0.4, noNaN: true }),
      deviationBps: fc.integer({ min: 10, max: 200 }),
      heartbeatSec: fc.integer({ min: 60, max: 5_000 }),
      ageSec: fc.integer({ min: 0, max: 6_000 }),
      lag: fc.double({ min: -0.004, max: 0.004, noNaN: true }),
    });
    fc.assert(
      fc.property(
        fc.array(feed, { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 60, max: 3_000 }),
        fc.integer({ min: 1, max: 12 }),
        (specs, durationSec, ticks) => {
          const feeds = specs.map((s, i) => ({
            key: `feed${i}`,
            rule: { deviationBps: s.deviationBps, heartbeatSec: s.heartbeatSec },
            last: { answer: Number((s.from * (1 + s.lag)).toFixed(8)), updatedAtSec: T0 - s.ageSec },
            market: { startSec: T0, endSec: T0 + durationSec, from: s.from, to: s.from * (1 + s.move) },
          }));
          expect(plannedRounds(feeds, durationSec, Math.min(ticks, durationSec))).toEqual(
            everySecond(feeds, T0, T0 + durationSec),
          );
        },
      ),
      { numRuns: 150 },
    );
  });
});
