// eth_getLogs with a topic filter viem's getLogs cannot express: several events (topic 0 ORs their selectors) and a
// value filter on a later topic (a v4 PoolManager's pool ids, a trader's address), decoded against those events.
// A log that does not decode against them is an error (strict), never skipped.
import {
  type AbiEvent,
  type Address,
  formatLog,
  type Hex,
  numberToHex,
  type PublicClient,
  parseEventLogs,
} from "viem";

export interface TopicFilter {
  address: Address | readonly Address[];
  /** Per topic position: one value, any of several (OR), or null for any. */
  topics: readonly (Hex | readonly Hex[] | null)[];
  fromBlock: bigint;
  toBlock: bigint;
}

export async function topicFilteredLogs<const events extends readonly AbiEvent[]>(
  client: PublicClient,
  filter: TopicFilter,
  events: events,
) {
  const raw = await client.request({
    method: "eth_getLogs",
    params: [
      {
        address: typeof filter.address === "string" ? filter.address : [...filter.address],
        topics: filter.topics.map((topic) =>
          topic === null || typeof topic === "string" ? topic : [...topic],
        ),
        fromBlock: numberToHex(filter.fromBlock),
        toBlock: numberToHex(filter.toBlock),
      },
    ],
  });
  return parseEventLogs({ abi: events, logs: raw.map((log) => formatLog(log)), strict: true });
}
