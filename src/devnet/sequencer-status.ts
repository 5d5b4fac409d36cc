// The L2 devnet's sequencer uptime feed (bootstrap-l2.ts): read its status, and the oracle's report of a change.
import { type Address, encodeFunctionData } from "viem";
import { AGGREGATOR_V3_ABI } from "../chain/abis/chainlink-abi.ts";
import { fluxAggregatorAbi } from "./deploy-chainlink.ts";
import type { DevnetClient } from "./devnet-client.ts";
import type { LabelledTransaction } from "./transactions.ts";

export type SequencerStatus = "up" | "down";

/** Chainlink's encoding of the status: 0 = up, 1 = down. */
export const SEQUENCER_ANSWER: Readonly<Record<SequencerStatus, bigint>> = { up: 0n, down: 1n };

export interface SequencerFeedState {
  status: SequencerStatus;
  /** When the status last changed (the round's startedAt). */
  startedAtSec: number;
  roundId: bigint;
}

export async function readSequencerStatus(client: DevnetClient, feed: Address): Promise<SequencerFeedState> {
  const [roundId, answer, startedAt] = await client.publicClient.readContract({
    address: feed,
    abi: AGGREGATOR_V3_ABI,
    functionName: "latestRoundData",
  });
  if (answer !== SEQUENCER_ANSWER.up && answer !== SEQUENCER_ANSWER.down) {
    throw new Error(`sequencer uptime feed ${feed} answered ${answer}: neither 0 (up) nor 1 (down)`);
  }
  return { status: answer === SEQUENCER_ANSWER.up ? "up" : "down", startedAtSec: Number(startedAt), roundId };
}

/** The oracle's report that the status is now `status`, as aggregator round `round` (startedAt = its block's time). */
export function sequencerStatusTransaction(
  operator: Address,
  aggregator: Address,
  round: bigint,
  status: SequencerStatus,
): LabelledTransaction {
  return {
    label: `report the sequencer ${status}`,
    from: operator,
    to: aggregator,
    gas: 500_000n,
    data: encodeFunctionData({
      abi: fluxAggregatorAbi,
      functionName: "submit",
      args: [round, SEQUENCER_ANSWER[status]],
    }),
  };
}
