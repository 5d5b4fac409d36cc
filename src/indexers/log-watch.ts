// One stream of a book's event logs (contracts × events) the indexer must see every block of, whoever sent the
// transactions: the Aave Pool's liquidations of the Safe (aave-liquidations.ts), the perp venue's funding settlements
// and vault moves for it (perp-funding-settlements.ts). Each snapshot reports the logs of the blocks since the last
// complete snapshot and the first block it covered (`scannedFromBlock`), which the sample keeps: the report trusts a
// step's recorded events only when the scans cover all of it (src/store/report-period.ts).
// With a v3 side the stream's events ride in the incremental cache's one getLogs per block (incremental-cache.ts
// `alsoLogs`): no request added. When that getLogs is not made (a cold snapshot, a reorged cache, a gap beyond its
// range, a book without a v3 side) the stream's contracts are asked alone, from
//   1. the block after the last complete snapshot this watch looked up to, when it remembers one;
//   2. else (a restarted process: a cold watch) the resume block the caller names, the block after the last sample
//      the book's history recorded;
//   3. else the snapshot's block alone (what happened before the keeper watched is not its to report),
// and, 1 or 2, only when the span is at most `maxScanBlocks` long: beyond it the step stays uncovered, as the sample
// then says. The span is read in getLogs of at most `maxBlocksPerGetLogs` blocks each (providers cap log ranges).
import { type AbiEvent, type Address, type Hex, type PublicClient, toEventSelector } from "viem";
import { classifyChainError } from "../chain/classify-error.ts";
import { type ChangeLog, changeLogOf } from "./book-changes.ts";
import { topicFilteredLogs } from "./topic-filtered-logs.ts";

/**
 * The longest span a watch reads alone, and the most blocks one getLogs asks for: the incremental cache's own limit
 * (incremental-cache.ts), a range common providers answer in one query.
 */
export const DEFAULT_MAX_SCAN_BLOCKS = 2_000n;

/** The stream's logs over blocks [scannedFromBlock, the snapshot's block], oldest first within each getLogs. */
export interface LogWatchScan {
  scannedFromBlock: bigint;
  logs: readonly ChangeLog[];
}

/** The last complete snapshot's scan: blocks [fromBlock, toBlock]. */
export interface ScannedSpan {
  fromBlock: bigint;
  toBlock: bigint;
}

/**
 * The first block a snapshot at `blockNumber` scans when no shared getLogs covered it (see the file's head). A block
 * read again (a retried evaluation) is scanned over the same span as the first time, so its sample vouches for as
 * much; an older block than the last one looked at, for itself alone.
 */
export function scanStart(input: {
  blockNumber: bigint;
  last: ScannedSpan | undefined;
  resumeFromBlock: bigint | undefined;
  maxScanBlocks: bigint;
}): bigint {
  return spanToBuildOn(input) ?? input.blockNumber;
}

/** scanStart when a remembered scan or the resume block gives it; undefined when only the block alone would be read. */
export function spanToBuildOn(input: {
  blockNumber: bigint;
  last: ScannedSpan | undefined;
  resumeFromBlock: bigint | undefined;
  maxScanBlocks: bigint;
}): bigint | undefined {
  const { blockNumber, last, resumeFromBlock, maxScanBlocks } = input;
  if (last !== undefined) {
    if (blockNumber === last.toBlock) return last.fromBlock;
    if (blockNumber > last.toBlock && blockNumber - last.toBlock <= maxScanBlocks) return last.toBlock + 1n;
    return undefined;
  }
  if (
    resumeFromBlock !== undefined &&
    resumeFromBlock <= blockNumber &&
    blockNumber - resumeFromBlock < maxScanBlocks
  )
    return resumeFromBlock;
  return undefined;
}

/** Blocks [fromBlock, toBlock] cut into consecutive ranges of at most `maxBlocks` each, oldest first. */
export function blockRanges(
  fromBlock: bigint,
  toBlock: bigint,
  maxBlocks: bigint,
): { fromBlock: bigint; toBlock: bigint }[] {
  if (maxBlocks <= 0n) throw new RangeError(`maxBlocksPerGetLogs must be positive, got ${maxBlocks}`);
  if (fromBlock > toBlock) throw new RangeError(`empty block range [${fromBlock}, ${toBlock}]`);
  const ranges: { fromBlock: bigint; toBlock: bigint }[] = [];
  for (let start = fromBlock; start <= toBlock; start += maxBlocks) {
    const end = start + maxBlocks - 1n;
    ranges.push({ fromBlock: start, toBlock: end < toBlock ? end : toBlock });
  }
  return ranges;
}

/** How a watch reads alone: the longest span it builds on, and the most blocks one getLogs asks for. */
export interface LogScanLimits {
  maxScanBlocks?: bigint;
  maxBlocksPerGetLogs?: bigint;
}

export function createLogWatch(
  input: {
    client: PublicClient;
    addresses: readonly Address[];
    events: readonly AbiEvent[];
    /**
     * The getLogs topics when the watch reads alone; default: any of the events (topic 0). A stream of one event may
     * narrow it to the watched account's indexed topic (encodeEventTopics), so other accounts' logs never come back.
     */
    topics?: readonly (Hex | readonly Hex[] | null)[];
  } & LogScanLimits,
) {
  const { client, addresses, events } = input;
  const maxScanBlocks = input.maxScanBlocks ?? DEFAULT_MAX_SCAN_BLOCKS;
  const maxBlocksPerGetLogs = input.maxBlocksPerGetLogs ?? DEFAULT_MAX_SCAN_BLOCKS;
  if (maxScanBlocks <= 0n) throw new RangeError(`maxScanBlocks must be positive, got ${maxScanBlocks}`);
  if (maxBlocksPerGetLogs <= 0n)
    throw new RangeError(`maxBlocksPerGetLogs must be positive, got ${maxBlocksPerGetLogs}`);
  const defaultTopics = input.topics ?? [events.map((event) => toEventSelector(event))];
  let last: ScannedSpan | undefined;

  const getLogs = async (
    fromBlock: bigint,
    toBlock: bigint,
    topics: readonly (Hex | readonly Hex[] | null)[],
  ): Promise<ChangeLog[]> => {
    const logs = await topicFilteredLogs(client, { address: addresses, topics, fromBlock, toBlock }, events);
    return logs.map(changeLogOf);
  };

  return {
    /** The contracts and events to add to a shared getLogs. */
    logSources: { addresses, events },
    /**
     * The stream's logs up to `blockNumber`: from `shared` when a shared getLogs fetched blocks
     * [shared.fromBlock, blockNumber], otherwise read here (one request per `maxBlocksPerGetLogs` blocks).
     */
    async scan(
      blockNumber: bigint,
      shared: { fromBlock: bigint; logs: readonly ChangeLog[] } | undefined,
      countRequest: () => void,
      options: {
        resumeFromBlock?: bigint | undefined;
        /** This scan's topics when read alone (a stream whose watched ids change: the Safe's positions). */
        topics?: readonly (Hex | readonly Hex[] | null)[];
      } = {},
    ): Promise<LogWatchScan> {
      if (shared !== undefined) return { scannedFromBlock: shared.fromBlock, logs: shared.logs };
      const { resumeFromBlock } = options;
      const scannedFromBlock = scanStart({ blockNumber, last, resumeFromBlock, maxScanBlocks });
      const ranges = blockRanges(scannedFromBlock, blockNumber, maxBlocksPerGetLogs);
      try {
        const chunks = await Promise.all(
          ranges.map((range) => {
            countRequest();
            return getLogs(range.fromBlock, range.toBlock, options.topics ?? defaultTopics);
          }),
        );
        return { scannedFromBlock, logs: chunks.flat() };
      } catch (error) {
        throw classifyChainError(error);
      }
    },
    /**
     * Whether a scan read alone at `blockNumber` would build on a remembered scan or the resume block (the first
     * block it would read), or read the block alone (undefined).
     */
    buildsOn(blockNumber: bigint, resumeFromBlock: bigint | undefined): bigint | undefined {
      return spanToBuildOn({ blockNumber, last, resumeFromBlock, maxScanBlocks });
    },
    /** A complete snapshot at `blockNumber` scanned from `scannedFromBlock` up to it: the next scan builds on it. */
    remember(blockNumber: bigint, scannedFromBlock: bigint): void {
      if (last === undefined || blockNumber >= last.toBlock)
        last = { fromBlock: scannedFromBlock, toBlock: blockNumber };
    },
  };
}

export type LogWatch = ReturnType<typeof createLogWatch>;
