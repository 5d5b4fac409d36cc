// The last complete snapshot's v3 state (positions, bound ticks, pool ticks), kept so the next snapshot reads only
// what the logs since then say may have changed (book-changes.ts). Unusable, and the book is read whole, when
// there is none yet, an older block is asked for, the gap is too long for one log query, or the cached block is
// no longer canonical (a reorg).
import { type AbiEvent, type Address, type Hex, type PublicClient, toEventSelector } from "viem";
import { classifyChainError } from "../chain/classify-error.ts";
import type { TickFeeGrowth, V3PoolSnapshot } from "../engine/snapshot.ts";
import {
  BOOK_CHANGE_EVENTS,
  type BookChanges,
  type ChangeLog,
  changeLogOf,
  detectBookChanges,
} from "./book-changes.ts";
import { topicFilteredLogs } from "./topic-filtered-logs.ts";
import type { V3PositionState } from "./uniswap-v3-reads.ts";
import type { V3Statics } from "./v3-statics.ts";

/** The state a snapshot at `blockNumber` (with `blockHash`) left for the next one to build on. */
export interface BookCache {
  blockNumber: bigint;
  blockHash: `0x${string}`;
  tokenIds: bigint[];
  positions: Map<bigint, V3PositionState>;
  /** `${pool lowercase}:${tick}` → fee growth outside. */
  ticks: Map<string, TickFeeGrowth>;
  /** Pool (lowercase) → its tick at `blockNumber`. */
  poolTicks: Map<string, number>;
}

export const tickKey = (pool: Address, tick: number) => `${pool.toLowerCase()}:${tick}`;

/** Beyond this many blocks since the cache, one log query may exceed providers' ranges: read everything again. */
const MAX_INCREMENTAL_BLOCKS = 2_000n;
/** The EVM's BLOCKHASH answers for the 256 most recent blocks only (the yellow paper; 0 beyond). */
const BLOCKHASH_WINDOW = 256n;

/** What changed since the cache, and the cached block still to be proven canonical (see `changesSince`). */
export interface ChangesSince {
  base: BookCache;
  changes: BookChanges;
  logs: readonly ChangeLog[];
  /**
   * The cached block, when its hash is not proven yet: the caller reads Multicall3.getBlockHash of it in its main
   * round (pinned to the new block), and on a mismatch forgets the cache and reads everything.
   */
  verify?: { blockNumber: bigint; blockHash: `0x${string}` };
}

export function createIncrementalCache(input: {
  client: PublicClient;
  safe: Address;
  positionManager: Address;
  statics: V3Statics;
  /** Other contracts and events to fetch with the v3 side's (the v4 side's), returned beside the changes. */
  alsoLogs?: {
    addresses: readonly Address[];
    events: readonly AbiEvent[];
    /**
     * A singleton contract whose events carry the pool id as their first indexed topic (v4's PoolManager): fetched
     * in a getLogs of its own, filtered to the watched pools' ids, so the other pools' swaps never come back.
     */
    byPoolId?: { address: Address; events: readonly AbiEvent[]; poolIds: () => readonly Hex[] };
  };
}) {
  const { client, statics } = input;
  let cache: BookCache | undefined;
  return {
    /**
     * The cache to build on and what may have changed since it, or undefined (read everything). Looking at the
     * logs costs a getLogs (two with watched v4 pools), counted through `countRequest`. The cached block must still
     * be canonical: `block`'s parent hash proves it for its child; within BLOCKHASH_WINDOW blocks the caller proves
     * it in its main round (`verify`); further back a getBlock of it is read here.
     */
    async changesSince(
      block: { number: bigint; hash: `0x${string}`; parentHash: `0x${string}` },
      countRequest: () => void,
    ): Promise<ChangesSince | undefined> {
      const { number: blockNumber, hash: blockHash } = block;
      const base = cache;
      if (base === undefined || blockNumber < base.blockNumber) return undefined;
      if (blockNumber === base.blockNumber) {
        return blockHash === base.blockHash
          ? { base, changes: { rediscover: false, positions: new Set(), ticks: new Map() }, logs: [] }
          : undefined;
      }
      if (blockNumber - base.blockNumber > MAX_INCREMENTAL_BLOCKS) return undefined;
      const fromBlock = base.blockNumber + 1n;
      const child = blockNumber === fromBlock;
      const verifyInMainRound = !child && blockNumber - base.blockNumber <= BLOCKHASH_WINDOW;
      const byPoolId = input.alsoLogs?.byPoolId;
      const poolIds = byPoolId?.poolIds() ?? [];
      // eth_getLogs ORs the values given for a topic: any of the events (topic 0) of any watched pool (topic 1).
      const readPoolLogs = async (source: NonNullable<typeof byPoolId>) => {
        countRequest();
        return topicFilteredLogs(
          client,
          {
            address: source.address,
            topics: [source.events.map((event) => toEventSelector(event)), [...poolIds]],
            fromBlock,
            toBlock: blockNumber,
          },
          source.events,
        );
      };
      let cachedBlockHash: `0x${string}` | null;
      let logs: ChangeLog[];
      try {
        const trackedPools = [...new Set(base.tokenIds.map((id) => statics.position(id).pool))];
        countRequest();
        const found = client.getLogs({
          address: [input.positionManager, ...trackedPools, ...(input.alsoLogs?.addresses ?? [])],
          events: [...BOOK_CHANGE_EVENTS, ...(input.alsoLogs?.events ?? [])],
          fromBlock,
          toBlock: blockNumber,
          strict: true,
        });
        const poolLogs = byPoolId === undefined || poolIds.length === 0 ? [] : readPoolLogs(byPoolId);
        const readCachedBlock = !child && !verifyInMainRound;
        if (readCachedBlock) countRequest();
        const [cachedHash, v3Logs, v4Logs] = await Promise.all([
          child
            ? block.parentHash
            : readCachedBlock
              ? client.getBlock({ blockNumber: base.blockNumber }).then((cached) => cached.hash)
              : base.blockHash,
          found,
          poolLogs,
        ]);
        cachedBlockHash = cachedHash;
        logs = [...v3Logs, ...v4Logs].map(changeLogOf);
      } catch (error) {
        throw classifyChainError(error);
      }
      if (cachedBlockHash !== base.blockHash) {
        cache = undefined;
        return undefined;
      }
      const changes = detectBookChanges({
        logs,
        safe: input.safe,
        positionManager: input.positionManager,
        trackedTokenIds: new Set(base.tokenIds),
        trackedTicks: statics.boundsByPool(base.tokenIds),
        cachedPoolTicks: base.poolTicks,
      });
      return {
        base,
        changes,
        logs,
        ...(verifyInMainRound && { verify: { blockNumber: base.blockNumber, blockHash: base.blockHash } }),
      };
    },
    /** Drops the cache (its block turned out not canonical): the next snapshot reads everything. */
    forget(): void {
      cache = undefined;
    },
    /** Only a complete, consistent snapshot becomes the base for the next one. */
    remember(snapshot: {
      blockNumber: bigint;
      blockHash: `0x${string}`;
      tokenIds: bigint[];
      positions: Map<bigint, V3PositionState>;
      pools: readonly V3PoolSnapshot[];
    }): void {
      const ticks = new Map<string, TickFeeGrowth>();
      const poolTicks = new Map<string, number>();
      for (const pool of snapshot.pools) {
        poolTicks.set(pool.address.toLowerCase(), pool.tick);
        for (const tick of pool.ticks) ticks.set(tickKey(pool.address, tick.tick), tick);
      }
      const { blockNumber, blockHash, tokenIds, positions } = snapshot;
      cache = { blockNumber, blockHash, tokenIds, positions, ticks, poolTicks };
    },
  };
}
