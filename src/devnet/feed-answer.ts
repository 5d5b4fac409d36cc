import { type Address, encodeFunctionData, parseUnits } from "viem";
import { FEED_DECIMALS, fluxAggregatorAbi } from "./deploy-chainlink.ts";
import type { DevnetClient } from "./devnet-client.ts";
import { type LabelledTransaction, writeDevnetContract } from "./transactions.ts";

export function feedUnits(answer: number): bigint {
  return parseUnits(answer.toFixed(FEED_DECIMALS), FEED_DECIMALS);
}

const SUBMIT_GAS = 500_000n;

/** The oracle's submission of `answer` (USD) as aggregator round `round`: updatedAt becomes that block's time. */
export function feedSubmitTransaction(
  operator: Address,
  aggregator: Address,
  round: bigint,
  answer: number,
): LabelledTransaction {
  return {
    label: `submit ${answer} to aggregator ${aggregator}`,
    from: operator,
    to: aggregator,
    gas: SUBMIT_GAS,
    data: encodeFunctionData({
      abi: fluxAggregatorAbi,
      functionName: "submit",
      args: [round, feedUnits(answer)],
    }),
  };
}

/** Submits a new round with `answer` (USD) to a feed's aggregator, as its oracle: updatedAt becomes now. */
export async function submitFeedAnswer(
  client: DevnetClient,
  operator: Address,
  aggregator: Address,
  answer: number,
): Promise<void> {
  const latestRound = await client.publicClient.readContract({
    address: aggregator,
    abi: fluxAggregatorAbi,
    functionName: "latestRound",
  });
  await writeDevnetContract(client, operator, {
    address: aggregator,
    abi: fluxAggregatorAbi,
    functionName: "submit",
    args: [latestRound + 1n, feedUnits(answer)],
  });
}
