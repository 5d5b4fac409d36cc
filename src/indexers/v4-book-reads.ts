// A book's Uniswap v4 side in the main round, beside the v3 reads: who owns each candidate token id, each position's
// PoolManager state, each pool's slot0, liquidity and fee growth globals, and the fee growth outside of every tick a
// position uses as a bound. Position states and tick fee growths are words of the PoolManager's storage, read in a
// few extsload calls (v4-state-slots.ts) rather than one StateView call each: on a cold snapshot of 500 positions
// that is 1,500 fewer calls into StateView and back. The fee growth inside a range is computed from those
// (v4-core Pool.getFeeGrowthInside is v3's Tick.getFeeGrowthInside), so a steady block re-reads only the ticks a
// swap crossed, as on v3. With a usable cache, what the logs prove unchanged is taken from it.
import type { Address, Hex } from "viem";
import { STATE_VIEW_ABI, V4_POSITION_MANAGER_ABI } from "../chain/abis/uniswap-v4-abi.ts";
import { ContractCallRevertedError, InconsistentBlockError } from "../chain/errors.ts";
import type { ReadOutcome } from "../chain/read-at-block.ts";
import type { ReadBatch } from "../chain/read-batch.ts";
import { typedRead } from "../chain/typed-read.ts";
import { getFeeGrowthInside } from "../engine/fee-growth.ts";
import type { Hex32 } from "../engine/plan.ts";
import type { TickFeeGrowth, V4PoolSnapshot } from "../engine/snapshot.ts";
import { decodePositionInfo, v4PositionSalt } from "./uniswap-v4-reads.ts";
import type { V4Changes } from "./v4-changes.ts";
import { addSlotReads, positionStateSlots, tickFeeGrowthOutsideSlots } from "./v4-state-slots.ts";
import type { V4Sources, V4Statics } from "./v4-statics.ts";

/** A position's PoolManager state at a block (its Position.State words) and PositionInfo's subscriber flag. */
export interface V4PositionState {
  liquidity: bigint;
  feeGrowthInside0LastX128: bigint;
  feeGrowthInside1LastX128: bigint;
  hasSubscriber: boolean;
}

/** What a complete v4 read left for the next snapshot to build on. */
export interface V4Cache {
  blockNumber: bigint;
  /** Token id → its owner at the block, or null when burned (ownerOf reverts). */
  owners: Map<bigint, Address | null>;
  positions: Map<bigint, V4PositionState>;
  /** `${poolId lowercase}:${tick}` → fee growth outside. */
  ticks: Map<string, TickFeeGrowth>;
  /** Pool id (lowercase) → its tick at the block. */
  poolTicks: Map<string, number>;
}

export interface V4Book {
  pools: V4PoolSnapshot[];
  /** The Safe's positions at the block, by token id (in the order of the candidates). */
  positions: Map<bigint, V4PositionState>;
  owners: Map<bigint, Address | null>;
  /** Every bound tick's fee growth outside, fresh or cached. */
  ticks: Map<string, TickFeeGrowth>;
}

const UINT128_MASK = (1n << 128n) - 1n;

export const v4TickKey = (poolId: string, tick: number) => `${poolId.toLowerCase()}:${tick}`;

/** Adds the v4 reads to the round; the function decodes them. */
export function planV4BookReads(
  batch: ReadBatch,
  input: {
    v4: V4Sources;
    safe: Address;
    statics: V4Statics;
    /** Every token id that may be the Safe's (minted or not, owned or not). */
    candidates: readonly bigint[];
    /** The cache to build on and what changed since; undefined: read everything. */
    since: { base: V4Cache; changes: V4Changes } | undefined;
    /** PositionInfo words already read at this block (the statics of new ids): not read again. */
    infoAtThisBlock?: ReadonlyMap<bigint, bigint>;
  },
): (outcomes: readonly ReadOutcome[]) => V4Book {
  const { v4, safe, statics, candidates, since } = input;
  const infoAtThisBlock = input.infoAtThisBlock ?? new Map<bigint, bigint>();
  const safeLower = safe.toLowerCase();
  const minted = statics.minted(candidates);
  const readOwner = (id: bigint) =>
    since === undefined || since.changes.transferred.has(id) || !since.base.owners.has(id);
  // Positions the Safe may hold at this block: owned at the cached block, or whose owner is read now.
  const maybeHeld = minted.filter(
    (p) => readOwner(p.tokenId) || since?.base.owners.get(p.tokenId)?.toLowerCase() === safeLower,
  );
  const readPosition = (id: bigint) =>
    since === undefined || readOwner(id) || since.changes.positions.has(id) || !since.base.positions.has(id);
  const readTick = (poolId: string, tick: number) =>
    since === undefined ||
    (since.changes.ticks.get(poolId)?.has(tick) ?? false) ||
    !since.base.ticks.has(v4TickKey(poolId, tick));

  const ownerSlots = new Map(
    minted
      .filter((p) => readOwner(p.tokenId))
      .map((p) => [
        p.tokenId,
        batch.add(
          typedRead({
            address: v4.positionManager,
            abi: V4_POSITION_MANAGER_ABI,
            functionName: "ownerOf",
            args: [p.tokenId],
          }),
          `ownerOf(${p.tokenId})`,
        ),
      ]),
  );
  // PositionInfo (for its subscriber flag): the word the statics read at this block, or a read now.
  const packedInfo = (id: bigint): ((outcomes: readonly ReadOutcome[]) => bigint) => {
    const known = infoAtThisBlock.get(id);
    if (known !== undefined) return () => known;
    const slot = batch.add(
      typedRead({
        address: v4.positionManager,
        abi: V4_POSITION_MANAGER_ABI,
        functionName: "positionInfo",
        args: [id],
      }),
      `positionInfo(${id})`,
    );
    return (outcomes) => slot.value(outcomes);
  };
  // Storage words read through extsload: each position's three, each bound tick's two, at these offsets.
  const words: Hex[] = [];
  const wordsAt = (slots: readonly Hex[]) => words.push(...slots) - slots.length;
  const positionSlots = new Map(
    maybeHeld
      .filter((p) => readPosition(p.tokenId))
      .map((p) => [
        p.tokenId,
        {
          state: wordsAt(
            positionStateSlots(p.poolId, {
              owner: v4.positionManager,
              tickLower: p.tickLower,
              tickUpper: p.tickUpper,
              salt: v4PositionSalt(p.tokenId),
            }),
          ),
          packed: packedInfo(p.tokenId),
        },
      ]),
  );
  const poolsById = new Map(maybeHeld.map((p) => [p.poolId.toLowerCase(), p]));
  const bounds = statics.boundsByPool(maybeHeld.map((p) => p.tokenId));
  const poolSlots = [...poolsById.entries()].map(([id, p]) => {
    const poolId = p.poolId as Hex32;
    return {
      id,
      statics: p,
      slot0: batch.add(
        typedRead({ address: v4.stateView, abi: STATE_VIEW_ABI, functionName: "getSlot0", args: [poolId] }),
        `getSlot0(${poolId})`,
      ),
      liquidity: batch.add(
        typedRead({
          address: v4.stateView,
          abi: STATE_VIEW_ABI,
          functionName: "getLiquidity",
          args: [poolId],
        }),
        `getLiquidity(${poolId})`,
      ),
      globals: batch.add(
        typedRead({
          address: v4.stateView,
          abi: STATE_VIEW_ABI,
          functionName: "getFeeGrowthGlobals",
          args: [poolId],
        }),
        `getFeeGrowthGlobals(${poolId})`,
      ),
      ticks: [...(bounds.get(id) ?? [])]
        .sort((a, b) => a - b)
        .map((tick) => ({
          tick,
          at: readTick(id, tick) ? wordsAt(tickFeeGrowthOutsideSlots(poolId, tick)) : undefined,
        })),
    };
  });
  const decodeWords = addSlotReads(batch, v4.poolManager, words);

  return (outcomes) => {
    const word = decodeWords(outcomes);
    const owners = new Map<bigint, Address | null>(since?.base.owners ?? []);
    for (const [id, slot] of ownerSlots) {
      const outcome = slot.outcome(outcomes);
      // ownerOf reverts for a burned token (solmate's NOT_MINTED): gone, not an error to retry.
      if (!outcome.ok && !(outcome.error instanceof ContractCallRevertedError)) throw outcome.error;
      owners.set(id, outcome.ok ? outcome.value : null);
    }
    const positions = new Map<bigint, V4PositionState>();
    for (const p of maybeHeld) {
      if (owners.get(p.tokenId)?.toLowerCase() !== safeLower) continue;
      const slots = positionSlots.get(p.tokenId);
      if (slots === undefined) {
        positions.set(p.tokenId, since!.base.positions.get(p.tokenId)!);
        continue;
      }
      positions.set(p.tokenId, {
        // Position.State's first word is its uint128 liquidity (StateLibrary.getPositionInfo keeps the low half).
        liquidity: word[slots.state]! & UINT128_MASK,
        feeGrowthInside0LastX128: word[slots.state + 1]!,
        feeGrowthInside1LastX128: word[slots.state + 2]!,
        hasSubscriber: decodePositionInfo(slots.packed(outcomes)).hasSubscriber,
      });
    }
    const ticks = new Map<string, TickFeeGrowth>();
    const pools = poolSlots.map((slots): V4PoolSnapshot => {
      const { sqrtPriceX96, tick, protocolFee, lpFee } = slots.slot0.value(outcomes);
      if (sqrtPriceX96 === 0n) {
        throw new InconsistentBlockError(`v4 pool ${slots.id} has no price (uninitialized)`, {
          details: { poolId: slots.id },
        });
      }
      const { feeGrowthGlobal0, feeGrowthGlobal1 } = slots.globals.value(outcomes);
      for (const { tick: boundTick, at } of slots.ticks) {
        const key = v4TickKey(slots.id, boundTick);
        if (at === undefined) {
          ticks.set(key, since!.base.ticks.get(key)!);
          continue;
        }
        ticks.set(key, {
          tick: boundTick,
          feeGrowthOutside0X128: word[at]!,
          feeGrowthOutside1X128: word[at + 1]!,
        });
      }
      const poolPositions = maybeHeld.filter((p) => p.poolId.toLowerCase() === slots.id);
      const ranges = new Map(poolPositions.map((p) => [`${p.tickLower}:${p.tickUpper}`, p]));
      return {
        kind: "uniswap-v4",
        poolId: slots.statics.poolId,
        key: slots.statics.key,
        currency0: slots.statics.currency0,
        currency1: slots.statics.currency1,
        sqrtPriceX96,
        tick: Number(tick),
        lpFee: Number(lpFee),
        protocolFee: Number(protocolFee),
        liquidity: slots.liquidity.value(outcomes),
        feeGrowthGlobal0X128: feeGrowthGlobal0,
        feeGrowthGlobal1X128: feeGrowthGlobal1,
        ranges: [...ranges.values()].map(({ tickLower, tickUpper }) => {
          const lower = ticks.get(v4TickKey(slots.id, tickLower))!;
          const upper = ticks.get(v4TickKey(slots.id, tickUpper))!;
          return {
            tickLower,
            tickUpper,
            ...getFeeGrowthInside({
              tickLower,
              tickUpper,
              tickCurrent: Number(tick),
              feeGrowthGlobal0X128: feeGrowthGlobal0,
              feeGrowthGlobal1X128: feeGrowthGlobal1,
              lowerFeeGrowthOutside0X128: lower.feeGrowthOutside0X128,
              lowerFeeGrowthOutside1X128: lower.feeGrowthOutside1X128,
              upperFeeGrowthOutside0X128: upper.feeGrowthOutside0X128,
              upperFeeGrowthOutside1X128: upper.feeGrowthOutside1X128,
            }),
          };
        }),
      };
    });
    return { pools, positions, owners, ticks };
  };
}
