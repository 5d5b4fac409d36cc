// A book's Chainlink feeds at one block: the base feed and the stablecoin feeds, each judged (oracle-health.ts)
// against the round the last complete snapshot saw and, on an L2, the sequencer's uptime feed.
import type { Address } from "viem";
import type { ReadOutcome } from "../chain/read-at-block.ts";
import type { ReadBatch } from "../chain/read-batch.ts";
import type { OracleReading } from "../engine/snapshot.ts";
import type { BookSources } from "./book-sources.ts";
import { decodeFeed, type FeedSource, feedReads } from "./chainlink-reads.ts";
import type { FeedHealth, FeedRound } from "./oracle-health.ts";

export interface BookFeeds {
  baseOracle: OracleReading;
  oracles: OracleReading[];
  /** Per feed: why a reading is flagged (empty when usable). */
  feedHealth: Record<Address, FeedHealth>;
}

export function createBookFeeds(sources: Pick<BookSources, "baseFeed" | "feeds" | "sequencerUptimeFeed">) {
  const previousRounds = new Map<string, FeedRound>();

  const planFeed = (batch: ReadBatch, source: FeedSource) => {
    const reads = feedReads(source.address);
    const round = batch.add(reads.latestRoundData, `${source.address}.latestRoundData`);
    const decimals = batch.add(reads.decimals, `${source.address}.decimals`);
    const description = batch.add(reads.description, `${source.address}.description`);
    return (outcomes: readonly ReadOutcome[]) => ({
      source,
      values: {
        round: round.value(outcomes),
        decimals: decimals.value(outcomes),
        description: description.value(outcomes),
      },
    });
  };

  return {
    /** Adds the feeds' reads to the round (sequencer, base, stablecoins); the returned function decodes them. */
    plan(batch: ReadBatch, nowSec: number): (outcomes: readonly ReadOutcome[]) => BookFeeds {
      const uptime = sources.sequencerUptimeFeed;
      const sequencerRound =
        uptime === undefined
          ? undefined
          : batch.add(feedReads(uptime.address).latestRoundData, "sequencer.latestRoundData");
      const base = planFeed(batch, sources.baseFeed);
      const stables = sources.feeds.map((feed) => planFeed(batch, feed));
      return (outcomes) => {
        const round = sequencerRound?.value(outcomes);
        const sequencer =
          uptime === undefined || round === undefined
            ? undefined
            : { answer: round.answer, startedAt: round.startedAt, gracePeriodSec: uptime.gracePeriodSec };
        const feedHealth: Record<Address, FeedHealth> = {};
        const reading = ({ source, values }: ReturnType<ReturnType<typeof planFeed>>): OracleReading => {
          const decoded = decodeFeed(source, values, {
            nowSec,
            previous: previousRounds.get(source.address.toLowerCase()),
            sequencer,
          });
          feedHealth[source.address] = decoded.health;
          return decoded.reading;
        };
        const baseOracle = reading(base(outcomes));
        const oracles = stables.map((stable) => reading(stable(outcomes)));
        return { baseOracle, oracles, feedHealth };
      };
    },
    /** Only a complete, consistent snapshot advances what "previous round" means for the feeds. */
    remember(readings: readonly OracleReading[]): void {
      for (const reading of readings) {
        previousRounds.set(reading.feed.toLowerCase(), {
          roundId: reading.roundId,
          answer: reading.answer,
          startedAt: 0n,
          updatedAt: BigInt(reading.updatedAtSec),
        });
      }
    },
  };
}
