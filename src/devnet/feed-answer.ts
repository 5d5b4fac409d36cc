import { type Address, encodeFunctionData, parseAbi, parseUnits } from "viem";
import { FEED_DECIMALS, fluxAggregatorAbi } from "./deploy-chainlink.ts";
import type { DevnetClient } from "./devnet-client.ts";
import { type LabelledTransaction, writeDevnetContract } from "./transactions.ts";

export const aggregatorV3Abi = parseAbi([
  "function decimals() view returns (uint8)",
  "function description() view returns (string)",
  "function latestRoundData() view returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)",
  "function getRoundData(uint80 roundId) view returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)",
]);

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

/** The latest answer of an AggregatorV3 (the proxy) in USD. */
export async function readFeedAnswer(client: DevnetClient, feed: Address): Promise<number> {
  const [, answer] = await client.publicClient.readContract({
    address: feed,
    abi: aggregatorV3Abi,
    functionName: "latestRoundData",
  });
  return Number(answer) / 10 ** FEED_DECIMALS;
}
