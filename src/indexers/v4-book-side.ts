// What the book indexer keeps about a book's Uniswap v4 side between snapshots, and its part of each snapshot:
// the candidate token ids (v4-candidates.ts), their statics (v4-statics.ts), their reads in the main round
// (v4-book-reads.ts), their entries (v4-position-entries.ts), and the cache the next snapshot builds on with the
// logs the v3 side's getLogs also fetched for it (v4-changes.ts).
import type { Address, PublicClient } from "viem";
import type { ContractRead, ReadOutcome } from "../chain/read-at-block.ts";
import type { ReadBatch } from "../chain/read-batch.ts";
import type { V4PoolSnapshot, V4PositionSnapshot } from "../engine/snapshot.ts";
import { rangeFeeGrowth, v4FeesOwed } from "../engine/v4-position.ts";
import type { ChangeLog } from "./book-changes.ts";
import type { LpPrincipalFlow } from "./lp-principal-flows.ts";
import type { TokenRegistry } from "./token-registry.ts";
import { planV4BookReads, type V4Book, type V4Cache } from "./v4-book-reads.ts";
import { createV4Candidates } from "./v4-candidates.ts";
import { detectV4Changes, V4_POOL_MANAGER_EVENTS, V4_POSITION_MANAGER_EVENTS } from "./v4-changes.ts";
import { createV4PositionEntries } from "./v4-position-entries.ts";
import { v4PrincipalFlowsAmong } from "./v4-principal-flows.ts";
import { createV4Statics, type V4Sources } from "./v4-statics.ts";

type Read = (reads: readonly ContractRead[]) => Promise<ReadOutcome[]>;

export function createV4BookSide(
  client: PublicClient,
  input: { safe: Address; v4: V4Sources; tokens: TokenRegistry },
) {
  const { safe, v4 } = input;
  const statics = createV4Statics(v4, input.tokens);
  const candidates = createV4Candidates(client, {
    positionManager: v4.positionManager,
    safe,
    fromBlock: v4.fromBlock,
  });
  const entries = createV4PositionEntries(client, v4);
  let cache: V4Cache | undefined;
  /** The cached snapshot's pools (its block is the cache's): the prices and fee growth its flows start from. */
  let cachedPools = new Map<string, V4PoolSnapshot>();

  return {
    /**
     * What the v3 side's log query must also fetch for this side: the PositionManager's events, and the
     * PoolManager's only for the pools of the positions cached (a position arriving in another pool is read whole).
     */
    logSources: {
      addresses: [v4.positionManager],
      events: V4_POSITION_MANAGER_EVENTS,
      byPoolId: {
        address: v4.poolManager,
        events: V4_POOL_MANAGER_EVENTS,
        poolIds: () =>
          cache === undefined
            ? []
            : [...new Set(statics.minted([...cache.positions.keys()]).map((p) => p.poolId))],
      },
    },

    /**
     * Before the main round: the candidates and their statics. `logs` are the logs since the cached block
     * `sinceBlock` (undefined: no usable cache, read everything). Returns the planner of the main round's reads.
     */
    async prepare(round: {
      blockNumber: bigint;
      since: { blockNumber: bigint; logs: readonly ChangeLog[] } | undefined;
      read: Read;
      countRequest: () => void;
    }): Promise<(batch: ReadBatch) => (outcomes: readonly ReadOutcome[]) => Promise<V4Side>> {
      const base =
        round.since !== undefined && cache?.blockNumber === round.since.blockNumber ? cache : undefined;
      const tracked = base === undefined ? [] : [...base.positions.keys()];
      const changes =
        base === undefined || round.since === undefined
          ? undefined
          : detectV4Changes({
              logs: round.since.logs,
              safe,
              poolManager: v4.poolManager,
              positionManager: v4.positionManager,
              trackedTokenIds: new Set(tracked),
              trackedTicks: statics.boundsByPool(tracked),
              cachedPoolTicks: base.poolTicks,
            });
      let ids: bigint[];
      if (changes === undefined) {
        ids = await candidates.scan(round.blockNumber, round.countRequest);
      } else {
        candidates.received(changes.received, round.blockNumber);
        ids = candidates.list();
      }
      const infoAtThisBlock = await statics.learn(ids, round.read);
      const since = base === undefined || changes === undefined ? undefined : { base, changes };
      const flows =
        since === undefined || round.since === undefined
          ? undefined
          : principalFlowsSince(round.since.logs, since.base, [...new Set([...tracked, ...ids])]);

      return (batch) => {
        const decode = planV4BookReads(batch, { v4, safe, statics, candidates: ids, since, infoAtThisBlock });
        return async (outcomes) => {
          const book = decode(outcomes);
          const held = statics.minted([...book.positions.keys()]);
          await entries.learn(held, round.blockNumber, round.countRequest);
          const positions = held.map(
            (p): V4PositionSnapshot => ({
              kind: "uniswap-v4",
              tokenId: p.tokenId,
              poolId: p.poolId,
              owner: safe,
              tickLower: p.tickLower,
              tickUpper: p.tickUpper,
              ...book.positions.get(p.tokenId)!,
              entry: entries.entryOf(p.tokenId),
            }),
          );
          return { pools: book.pools, positions, book, ...(flows !== undefined && { flows }) };
        };
      };
    },

    /** Only a complete, consistent snapshot becomes the base for the next one. */
    remember(blockNumber: bigint, book: V4Book): void {
      const poolTicks = new Map(book.pools.map((pool) => [pool.poolId.toLowerCase(), pool.tick]));
      cache = { blockNumber, owners: book.owners, positions: book.positions, ticks: book.ticks, poolTicks };
      cachedPools = new Map(book.pools.map((pool) => [pool.poolId.toLowerCase(), pool]));
    },
  };

  /** The Safe's principal flows in the logs since the cached snapshot `base` (v4-principal-flows.ts). */
  function principalFlowsSince(
    logs: readonly ChangeLog[],
    base: V4Cache,
    tokenIds: readonly bigint[],
  ): LpPrincipalFlow[] {
    const cachedFeesOwed = new Map<bigint, { fees0: bigint; fees1: bigint }>();
    for (const p of statics.minted([...base.positions.keys()])) {
      const state = base.positions.get(p.tokenId)!;
      const pool = cachedPools.get(p.poolId.toLowerCase());
      if (pool === undefined) continue; // not valued then: the flow records its principal only
      const reading = {
        ...state,
        kind: "uniswap-v4" as const,
        tokenId: p.tokenId,
        poolId: p.poolId,
        owner: safe,
      };
      const range = { ...reading, tickLower: p.tickLower, tickUpper: p.tickUpper };
      cachedFeesOwed.set(p.tokenId, v4FeesOwed(range, rangeFeeGrowth(range, pool)));
    }
    return v4PrincipalFlowsAmong(logs, {
      poolManager: v4.poolManager,
      positionManager: v4.positionManager,
      positions: new Map(statics.minted(tokenIds).map((p) => [p.tokenId, p])),
      cachedPrices: new Map(
        [...cachedPools].map(([id, pool]) => [id, { sqrtPriceX96: pool.sqrtPriceX96, tick: pool.tick }]),
      ),
      cachedFeesOwed,
    });
  }
}

/** The v4 side of one snapshot. */
export interface V4Side {
  pools: V4PoolSnapshot[];
  positions: V4PositionSnapshot[];
  /** What the side remembers once the snapshot is known consistent. */
  book: V4Book;
  /** The Safe's principal flows since the cached snapshot; absent when this read had no cache to build on. */
  flows?: LpPrincipalFlow[];
}
