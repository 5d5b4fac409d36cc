// A book's Uniswap v3 side in the main round: each tracked pool's state and the fee growth of every tick a position
// uses as a bound, and each position's struct. With a usable cache (incremental-cache.ts), a tick or position the
// logs prove unchanged is taken from it instead of read.
import type { Address } from "viem";
import { MalformedReturnDataError } from "../chain/errors.ts";
import type { ReadOutcome } from "../chain/read-at-block.ts";
import type { ReadBatch } from "../chain/read-batch.ts";
import type { TickFeeGrowth, V3PoolSnapshot, V3PositionSnapshot } from "../engine/snapshot.ts";
import type { BookChanges } from "./book-changes.ts";
import { type BookCache, tickKey } from "./incremental-cache.ts";
import type { PositionEntries } from "./position-entries.ts";
import type { TokenRegistry } from "./token-registry.ts";
import {
  poolStateReads,
  positionRead,
  tickRead,
  twapTickFromObservation,
  type V3PositionState,
} from "./uniswap-v3-reads.ts";
import type { V3Sources, V3Statics } from "./v3-statics.ts";

export interface V3Book {
  pools: V3PoolSnapshot[];
  /** Every position's struct, fresh or cached, by token id (in the order of the token ids). */
  positions: Map<bigint, V3PositionState>;
  /** Per pool: the TWAP tick over `twapWindowSec` (absent where the pool's history is too short). */
  twapTicks: Record<Address, number>;
  warnings: string[];
}

/** Adds the v3 reads to the round (pool states, then bound ticks, then positions); the function decodes them. */
export function planV3BookReads(
  batch: ReadBatch,
  input: {
    v3: V3Sources;
    statics: V3Statics;
    tokens: TokenRegistry;
    tokenIds: readonly bigint[];
    /** The cache to build on and what changed since; undefined: read everything. */
    since: { base: BookCache; changes: BookChanges } | undefined;
    /** Position structs already read at this block (by the statics round): not read again. */
    readAtThisBlock: ReadonlyMap<bigint, V3PositionState>;
  },
): (outcomes: readonly ReadOutcome[]) => V3Book {
  const { v3, statics, tokens, tokenIds, since, readAtThisBlock } = input;
  const readTick = (pool: Address, tick: number) =>
    since === undefined ||
    (since.changes.ticks.get(pool.toLowerCase())?.has(tick) ?? false) ||
    !since.base.ticks.has(tickKey(pool, tick));
  const readPosition = (id: bigint) =>
    !readAtThisBlock.has(id) &&
    (since === undefined || since.changes.positions.has(id) || !since.base.positions.has(id));

  const trackedPools = statics.trackedPools(tokenIds);
  const poolSlots = trackedPools.map((pool) => {
    const reads = poolStateReads(pool, v3.twapWindowSec);
    return {
      pool,
      slot0: batch.add(reads.slot0, `${pool}.slot0`),
      liquidity: batch.add(reads.liquidity, `${pool}.liquidity`),
      feeGrowthGlobal0X128: batch.add(reads.feeGrowthGlobal0X128, `${pool}.feeGrowthGlobal0X128`),
      feeGrowthGlobal1X128: batch.add(reads.feeGrowthGlobal1X128, `${pool}.feeGrowthGlobal1X128`),
      observe: batch.add(reads.observe, `${pool}.observe`),
    };
  });
  // Per pool, every tick a tracked position uses as a bound, with its fresh read (undefined: cached).
  const bounds = statics.boundsByPool(tokenIds);
  const tickSlots = trackedPools.map((pool) =>
    [...(bounds.get(pool.toLowerCase()) ?? [])]
      .sort((a, b) => a - b)
      .map((tick) => ({
        tick,
        slot: readTick(pool, tick) ? batch.add(tickRead(pool, tick), `${pool}.ticks(${tick})`) : undefined,
      })),
  );
  const positionSlots = new Map(
    tokenIds
      .filter(readPosition)
      .map((id) => [id, batch.add(positionRead(v3.positionManager, id), `positions(${id})`)] as const),
  );

  return (outcomes) => {
    const twapTicks: Record<Address, number> = {};
    const warnings: string[] = [];
    const pools = poolSlots.map((slots, index): V3PoolSnapshot => {
      const { pool } = slots;
      const poolStatics = statics.pool(pool);
      const { sqrtPriceX96, tick } = slots.slot0.value(outcomes);
      if (sqrtPriceX96 === 0n)
        throw new MalformedReturnDataError(`pool ${pool} has no price (uninitialized)`);
      // A pool whose oracle history is shorter than the window answers OLD: its TWAP is unknown, not zero, and
      // nothing else in the snapshot depends on it.
      const observation = slots.observe.outcome(outcomes);
      if (observation.ok) {
        twapTicks[pool] = twapTickFromObservation(observation.value.tickCumulatives, v3.twapWindowSec);
      } else {
        warnings.push(`${pool}: TWAP unavailable (${observation.error.message.split("\n")[0]})`);
      }
      const ticks = tickSlots[index]!.map(({ tick, slot }): TickFeeGrowth => {
        if (slot === undefined) return since!.base.ticks.get(tickKey(pool, tick))!;
        const { feeGrowthOutside0X128, feeGrowthOutside1X128 } = slot.value(outcomes);
        return { tick, feeGrowthOutside0X128, feeGrowthOutside1X128 };
      });
      return {
        kind: "uniswap-v3",
        address: pool,
        token0: tokens.get(poolStatics.token0),
        token1: tokens.get(poolStatics.token1),
        fee: poolStatics.fee,
        tickSpacing: poolStatics.tickSpacing,
        sqrtPriceX96,
        tick,
        liquidity: slots.liquidity.value(outcomes),
        feeGrowthGlobal0X128: slots.feeGrowthGlobal0X128.value(outcomes),
        feeGrowthGlobal1X128: slots.feeGrowthGlobal1X128.value(outcomes),
        ticks,
      };
    });
    const positions = new Map(
      tokenIds.map((id) => [
        id,
        positionSlots.get(id)?.value(outcomes) ?? readAtThisBlock.get(id) ?? since!.base.positions.get(id)!,
      ]),
    );
    return { pools, positions, twapTicks, warnings };
  };
}

/** The engine's view of each position: its bounds (static), its struct at the block, and its entry amounts. */
export function v3PositionSnapshots(
  positions: ReadonlyMap<bigint, V3PositionState>,
  statics: V3Statics,
  entries: PositionEntries,
): V3PositionSnapshot[] {
  return [...positions].map(([tokenId, position]) => {
    const { pool, tickLower, tickUpper } = statics.position(tokenId);
    return {
      kind: "uniswap-v3",
      tokenId,
      pool,
      tickLower,
      tickUpper,
      liquidity: position.liquidity,
      feeGrowthInside0LastX128: position.feeGrowthInside0LastX128,
      feeGrowthInside1LastX128: position.feeGrowthInside1LastX128,
      tokensOwed0: position.tokensOwed0,
      tokensOwed1: position.tokensOwed1,
      entry: entries.entryOf(tokenId, position.liquidity),
    };
  });
}
