import type { Address } from "viem";
import { AGGREGATOR_V3_ABI } from "../chain/abis/chainlink-abi.ts";
import { type ReadResult, typedRead } from "../chain/typed-read.ts";
import type { OracleReading } from "../engine/snapshot.ts";
import { assessFeed, type FeedHealth, type FeedRound, type SequencerStatus } from "./oracle-health.ts";

export interface FeedSource {
  address: Address;
  /** The asset the feed prices in USD. */
  asset: Address;
  heartbeatSec: number;
  decimals: number;
  minAnswer?: bigint;
  maxAnswer?: bigint;
}

export const feedReads = (feed: Address) => ({
  latestRoundData: typedRead({ address: feed, abi: AGGREGATOR_V3_ABI, functionName: "latestRoundData" }),
  decimals: typedRead({ address: feed, abi: AGGREGATOR_V3_ABI, functionName: "decimals" }),
  description: typedRead({ address: feed, abi: AGGREGATOR_V3_ABI, functionName: "description" }),
});

/** What a feed answered at one block: its latest round, its decimals and its description. */
export interface FeedValues {
  round: ReadResult<typeof AGGREGATOR_V3_ABI, "latestRoundData">;
  decimals: number;
  description: string;
}

export function decodeFeed(
  source: FeedSource,
  values: FeedValues,
  context: { nowSec: number; previous?: FeedRound | undefined; sequencer?: SequencerStatus | undefined },
): { reading: OracleReading; health: FeedHealth; round: FeedRound } {
  const { decimals, description } = values;
  const round: FeedRound = {
    roundId: values.round.roundId,
    answer: values.round.answer,
    startedAt: values.round.startedAt,
    updatedAt: values.round.updatedAt,
  };
  const health = assessFeed({
    round,
    decimals,
    expectations: {
      heartbeatSec: source.heartbeatSec,
      decimals: source.decimals,
      ...(source.minAnswer === undefined ? {} : { minAnswer: source.minAnswer }),
      ...(source.maxAnswer === undefined ? {} : { maxAnswer: source.maxAnswer }),
    },
    nowSec: context.nowSec,
    previous: context.previous,
    sequencer: context.sequencer,
  });
  return {
    round,
    health,
    reading: {
      feed: source.address,
      description,
      asset: source.asset,
      answer: round.answer,
      decimals,
      updatedAtSec: Number(round.updatedAt),
      heartbeatSec: source.heartbeatSec,
      roundId: round.roundId,
      stale: !health.usable,
      ...(health.problems.length > 0 && { flags: health.problems }),
    },
  };
}
