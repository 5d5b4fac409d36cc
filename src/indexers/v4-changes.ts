// What can have changed in a book's cached Uniswap v4 state between two blocks, from the logs of the blocks in
// between (read in the same getLogs as the v3 side's). A PositionManager position (PoolManager position owned by
// the PositionManager, salt = tokenId) changes only through ModifyLiquidity with that sender and salt; its
// subscriber flag through Subscription/Unsubscription; its owner through Transfer. A bound tick's fee growth
// outside changes when a swap crosses it or liquidity is modified at it (v4-core Pool.sol: crossTick in swap,
// updateTick in modifyLiquidity), exactly as in v3. Pool price, liquidity and fee growth globals (Swap, Donate)
// are re-read every time.
import { type Address, getAbiItem } from "viem";
import { POOL_MANAGER_V4_ABI, V4_POSITION_MANAGER_ABI } from "../chain/abis/uniswap-v4-abi.ts";
import type { ChangeLog } from "./book-changes.ts";
import { inChainOrder } from "./log-order.ts";

/**
 * The PositionManager events a book follows. Its Transfer shares its topic with v3's NonfungiblePositionManager
 * Transfer (ERC-721's), which the v3 side already asks for: one getLogs decodes both, under either argument name.
 */
export const V4_POSITION_MANAGER_EVENTS = [
  getAbiItem({ abi: V4_POSITION_MANAGER_ABI, name: "Subscription" }),
  getAbiItem({ abi: V4_POSITION_MANAGER_ABI, name: "Unsubscription" }),
] as const;

/** The PoolManager events a book follows; both carry the pool id as their first indexed topic (`id`). */
export const V4_POOL_MANAGER_EVENTS = [
  getAbiItem({ abi: POOL_MANAGER_V4_ABI, name: "ModifyLiquidity" }),
  getAbiItem({ abi: POOL_MANAGER_V4_ABI, name: "Swap" }),
] as const;

export const V4_TRANSFER_EVENT = getAbiItem({ abi: V4_POSITION_MANAGER_ABI, name: "Transfer" });

export interface V4Changes {
  /** Token ids sent to the Safe: candidates whose owner must be read. */
  received: Set<bigint>;
  /** Token ids that moved to or from anyone (their owner must be read again). */
  transferred: Set<bigint>;
  /** Positions whose liquidity, fee growth last or subscriber flag may differ from the cached ones. */
  positions: Set<bigint>;
  /** Per pool id (lowercase), bound ticks whose fee growth outside may differ from the cached value. */
  ticks: Map<string, Set<number>>;
}

/** Salt of a PositionManager position → its token id (bytes32(tokenId)). */
const tokenIdOfSalt = (salt: unknown): bigint => BigInt(String(salt));

/**
 * The v4 changes implied by `logs` (any order), given each pool's tick at the cached block: as on v3, a swap from
 * tick a to tick b crosses every initialized tick t with min(a, b) < t <= max(a, b), so every tracked bound in
 * that interval is marked (a superset).
 */
export function detectV4Changes(input: {
  logs: readonly ChangeLog[];
  safe: Address;
  poolManager: Address;
  positionManager: Address;
  trackedTokenIds: ReadonlySet<bigint>;
  /** Pool id (lowercase) → the ticks tracked positions use as bounds. */
  trackedTicks: ReadonlyMap<string, ReadonlySet<number>>;
  /** Pool id (lowercase) → its tick at the cached block. */
  cachedPoolTicks: ReadonlyMap<string, number>;
}): V4Changes {
  const safe = input.safe.toLowerCase();
  const poolManager = input.poolManager.toLowerCase();
  const positionManager = input.positionManager.toLowerCase();
  const changes: V4Changes = {
    received: new Set(),
    transferred: new Set(),
    positions: new Set(),
    ticks: new Map(),
  };
  const mark = (poolId: string, tick: number) => {
    if (!input.trackedTicks.get(poolId)?.has(tick)) return;
    const set = changes.ticks.get(poolId) ?? new Set<number>();
    set.add(tick);
    changes.ticks.set(poolId, set);
  };
  const ordered = [...input.logs].sort(inChainOrder);
  const poolTick = new Map(input.cachedPoolTicks);
  for (const log of ordered) {
    const address = log.address.toLowerCase();
    if (address === positionManager) {
      const tokenId = (log.args.id ?? log.args.tokenId) as bigint;
      if (log.eventName === "Transfer") {
        changes.transferred.add(tokenId);
        if (String(log.args.to).toLowerCase() === safe) changes.received.add(tokenId);
      } else if (input.trackedTokenIds.has(tokenId)) {
        changes.positions.add(tokenId); // Subscription / Unsubscription
      }
      continue;
    }
    if (address !== poolManager) continue;
    const poolId = String(log.args.id).toLowerCase();
    if (log.eventName === "Swap") {
      const to = Number(log.args.tick);
      const from = poolTick.get(poolId);
      const tracked = input.trackedTicks.get(poolId) ?? [];
      if (from === undefined) {
        for (const tick of tracked) mark(poolId, tick);
      } else {
        const [low, high] = from < to ? [from, to] : [to, from];
        for (const tick of tracked) if (tick > low && tick <= high) mark(poolId, tick);
      }
      poolTick.set(poolId, to);
    } else if (log.eventName === "ModifyLiquidity") {
      mark(poolId, Number(log.args.tickLower));
      mark(poolId, Number(log.args.tickUpper));
      if (String(log.args.sender).toLowerCase() === positionManager) {
        const tokenId = tokenIdOfSalt(log.args.salt);
        if (input.trackedTokenIds.has(tokenId)) changes.positions.add(tokenId);
      }
    }
  }
  return changes;
}
