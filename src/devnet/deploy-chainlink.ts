import {
  type Address,
  encodeAbiParameters,
  type Hex,
  keccak256,
  parseAbi,
  parseUnits,
  toHex,
  zeroAddress,
} from "viem";
import { loadArtifact } from "./artifacts.ts";
import type { DevnetClient } from "./devnet-client.ts";
import { MAINNET_FEEDS } from "./mainnet-addresses.ts";
import { deployDevnetContract, moveContract, writeDevnetContract } from "./transactions.ts";

const CHAINLINK = "@chainlink/contracts-0.1.9/abi/v0.6";

export type FeedKey = keyof typeof MAINNET_FEEDS;
export const FEED_DECIMALS = 8;

/** Mainnet's LINK token; the aggregators pay oracles nothing, so it is only recorded, never called. */
const LINK_TOKEN: Address = "0x514910771AF9Ca656af840dff83E8264EcF986CA";

export const fluxAggregatorAbi = parseAbi([
  "function submit(uint256 roundId, int256 submission)",
  "function latestRound() view returns (uint256)",
  "function changeOracles(address[] removed, address[] added, address[] addedAdmins, uint32 minSubmissions, uint32 maxSubmissions, uint32 restartDelay)",
  "function addAccess(address user)",
]);

/** A feed's entry in a chain's address book. */
export interface FeedAddress {
  address: Address;
  description: string;
  heartbeatSec: number;
}

export interface FeedDeployment {
  /** The EACAggregatorProxy at the mainnet address: what consumers read. */
  proxy: Address;
  /** The AccessControlledAggregator behind it: where the devnet's oracle submits answers. */
  aggregator: Address;
  description: string;
  heartbeatSec: number;
}

/**
 * EACAggregatorProxy storage (Owned, AggregatorProxy, EACAggregatorProxy; solc 0.6.6): owner (0), pendingOwner (1),
 * currentPhase {uint16 id, address aggregator} (2), proposedAggregator (3), phaseAggregators mapping (4),
 * accessController (5). Copying these slots and the phase-1 mapping entry moves a constructed proxy elsewhere.
 */
function eacProxyStorageSlots(): Hex[] {
  const plain = [0, 1, 2, 3, 5].map((slot) => toHex(slot, { size: 32 }));
  const phaseOneAggregator = keccak256(
    encodeAbiParameters([{ type: "uint256" }, { type: "uint256" }], [1n, 4n]),
  );
  return [...plain, phaseOneAggregator];
}

/**
 * The four Chainlink feeds at their mainnet proxy addresses, from Chainlink's own published bytecode: an
 * AccessControlledAggregator (the FluxAggregator that served mainnet feeds before OCR, with the feed's
 * description and 8 decimals) behind an EACAggregatorProxy in phase 1, so round ids are phase-encoded
 * (`1 << 64 | aggregatorRound`). The proxy is constructed at a scratch address and moved, code and storage, to
 * the mainnet address: its mainnet deployers and nonces are not reproducible. `operator` owns the aggregators and
 * is their only oracle.
 */
export async function deployChainlinkFeeds(
  client: DevnetClient,
  operator: Address,
  initialAnswers: Readonly<Record<FeedKey, number>>,
  /** Where each feed's proxy goes: the chain's address book (default mainnet's). */
  feedBook: Readonly<Record<FeedKey, FeedAddress>> = MAINNET_FEEDS,
): Promise<Record<FeedKey, FeedDeployment>> {
  const feeds = {} as Record<FeedKey, FeedDeployment>;
  for (const [key, feed] of Object.entries(feedBook) as [FeedKey, FeedAddress][]) {
    feeds[key] = await deployFeedAt(client, operator, feed, {
      decimals: FEED_DECIMALS,
      minSubmission: 1n,
      firstAnswer: parseUnits(initialAnswers[key].toFixed(FEED_DECIMALS), FEED_DECIMALS),
    });
  }
  return feeds;
}

/**
 * One feed as deployChainlinkFeeds builds them: an AccessControlledAggregator with `operator` as its only oracle,
 * its first round `firstAnswer` (raw, in `decimals`), behind an EACAggregatorProxy moved to `feed.address`.
 * `minSubmission` is the smallest answer the aggregator takes (0 for a status feed whose "up" is 0).
 */
export async function deployFeedAt(
  client: DevnetClient,
  operator: Address,
  feed: FeedAddress,
  answers: { decimals: number; minSubmission: bigint; firstAnswer: bigint },
): Promise<FeedDeployment> {
  const aggregator = await deployDevnetContract(client, operator, {
    label: `AccessControlledAggregator ${feed.description}`,
    ...loadArtifact(`${CHAINLINK}/AccessControlledAggregator.json`),
    // link, paymentAmount, timeout, validator, minSubmissionValue, maxSubmissionValue, decimals, description
    args: [
      LINK_TOKEN,
      0n,
      feed.heartbeatSec,
      zeroAddress,
      answers.minSubmission,
      10n ** 30n,
      answers.decimals,
      feed.description,
    ],
  });
  await writeDevnetContract(client, operator, {
    address: aggregator,
    abi: fluxAggregatorAbi,
    functionName: "changeOracles",
    args: [[], [operator], [operator], 1, 1, 0],
  });
  await writeDevnetContract(client, operator, {
    address: aggregator,
    abi: fluxAggregatorAbi,
    functionName: "addAccess",
    args: [feed.address],
  });
  await writeDevnetContract(client, operator, {
    address: aggregator,
    abi: fluxAggregatorAbi,
    functionName: "submit",
    args: [1n, answers.firstAnswer],
  });
  const scratchProxy = await deployDevnetContract(client, operator, {
    label: `EACAggregatorProxy ${feed.description}`,
    ...loadArtifact(`${CHAINLINK}/EACAggregatorProxy.json`),
    args: [aggregator, zeroAddress],
  });
  await moveContract(client, scratchProxy, feed.address, eacProxyStorageSlots());
  return { proxy: feed.address, aggregator, description: feed.description, heartbeatSec: feed.heartbeatSec };
}
