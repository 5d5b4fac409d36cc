import type { Address } from "viem";
import { AGGREGATOR_V3_ABI } from "../chain/abis/chainlink-abi.ts";
import { MalformedReturnDataError } from "../chain/errors.ts";
import type { ContractRead } from "../chain/read-at-block.ts";
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

export const feedReads = (feed: Address): ContractRead[] => [
  { address: feed, abi: AGGREGATOR_V3_ABI, functionName: "latestRoundData" },
  { address: feed, abi: AGGREGATOR_V3_ABI, functionName: "decimals" },
  { address: feed, abi: AGGREGATOR_V3_ABI, functionName: "description" },
];

export function decodeFeed(
  source: FeedSource,
  values: readonly unknown[],
  context: { nowSec: number; previous?: FeedRound | undefined; sequencer?: SequencerStatus | undefined },
): { reading: OracleReading; health: FeedHealth; round: FeedRound } {
  const [roundData, decimals, description] = values as [
    readonly [bigint, bigint, bigint, bigint, bigint],
    number,
    string,
  ];
  if (!Array.isArray(roundData) || roundData.length !== 5) {
    throw new MalformedReturnDataError("latestRoundData did not return five values", {
      details: { feed: source.address },
    });
  }
  const round: FeedRound = {
    roundId: roundData[0],
    answer: roundData[1],
    startedAt: roundData[2],
    updatedAt: roundData[3],
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
    },
  };
}
