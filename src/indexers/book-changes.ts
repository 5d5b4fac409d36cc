import { type Address, getAbiItem } from "viem";
import { POSITION_MANAGER_ABI, UNISWAP_V3_POOL_ABI } from "../chain/abis/uniswap-v3-abi.ts";
import { inChainOrder } from "./log-order.ts";

// What can have changed in a book's cached position and tick state between two blocks, from the logs of the
// blocks in between. Position structs (NonfungiblePositionManager.positions) change only through
// IncreaseLiquidity, DecreaseLiquidity and Collect; a tick's feeGrowthOutside changes only when a swap crosses it
// (Tick.cross) or when liquidity is added or removed at it (Tick.update, on Mint and Burn) — v3-core Tick.sol.
// Everything else a snapshot needs (pool price and liquidity, feeds, perp, balances) is re-read every time.

export const BOOK_CHANGE_EVENTS = [
  getAbiItem({ abi: POSITION_MANAGER_ABI, name: "Transfer" }),
  getAbiItem({ abi: POSITION_MANAGER_ABI, name: "IncreaseLiquidity" }),
  getAbiItem({ abi: POSITION_MANAGER_ABI, name: "DecreaseLiquidity" }),
  getAbiItem({ abi: POSITION_MANAGER_ABI, name: "Collect" }),
  getAbiItem({ abi: UNISWAP_V3_POOL_ABI, name: "Swap" }),
  getAbiItem({ abi: UNISWAP_V3_POOL_ABI, name: "Mint" }),
  getAbiItem({ abi: UNISWAP_V3_POOL_ABI, name: "Burn" }),
] as const;

/** A decoded log as viem returns it, reduced to what change detection reads. */
export interface ChangeLog {
  address: Address;
  eventName: string;
  args: Record<string, unknown>;
  blockNumber: bigint;
  logIndex: number;
  /** The transaction that emitted it (what a recorded event, such as an Aave liquidation, is keyed by). */
  transactionHash?: `0x${string}`;
}

/** A decoded log (viem's parseEventLogs of a mined block's log) as the indexer keeps it. */
export function changeLogOf(log: {
  address: Address;
  eventName: string;
  args: unknown;
  blockNumber: bigint;
  logIndex: number;
  transactionHash: `0x${string}`;
}): ChangeLog {
  return {
    address: log.address,
    eventName: log.eventName,
    args: log.args as Record<string, unknown>,
    blockNumber: log.blockNumber,
    logIndex: log.logIndex,
    transactionHash: log.transactionHash,
  };
}

export interface BookChanges {
  /** An NFT moved to or from the Safe: the set of tracked positions must be read again. */
  rediscover: boolean;
  /** Positions whose struct may differ from the cached one. */
  positions: Set<bigint>;
  /** Per pool (lowercase address), ticks whose fee growth outside may differ from the cached value. */
  ticks: Map<string, Set<number>>;
}

/**
 * The changes implied by `logs` (any order), given the pools' ticks at the cached block. A swap path from tick a
 * to tick b crosses every initialized tick t with min(a, b) < t <= max(a, b) (moving up the pool enters t; moving
 * down it leaves t for t − 1); every tracked tick in such an interval is marked, so the result is a superset.
 */
export function detectBookChanges(input: {
  logs: readonly ChangeLog[];
  safe: Address;
  positionManager: Address;
  trackedTokenIds: ReadonlySet<bigint>;
  /** Pool (lowercase) → the ticks tracked positions use as bounds. */
  trackedTicks: ReadonlyMap<string, ReadonlySet<number>>;
  /** Pool (lowercase) → its current tick at the cached block. */
  cachedPoolTicks: ReadonlyMap<string, number>;
}): BookChanges {
  const safe = input.safe.toLowerCase();
  const manager = input.positionManager.toLowerCase();
  const changes: BookChanges = { rediscover: false, positions: new Set(), ticks: new Map() };
  const mark = (pool: string, tick: number) => {
    if (!input.trackedTicks.get(pool)?.has(tick)) return;
    const set = changes.ticks.get(pool) ?? new Set<number>();
    set.add(tick);
    changes.ticks.set(pool, set);
  };
  const ordered = [...input.logs].sort(inChainOrder);
  const poolTick = new Map(input.cachedPoolTicks);
  for (const log of ordered) {
    const address = log.address.toLowerCase();
    if (address === manager) {
      if (log.eventName === "Transfer") {
        const from = String(log.args.from).toLowerCase();
        const to = String(log.args.to).toLowerCase();
        if (from === safe || to === safe) changes.rediscover = true;
      } else {
        const tokenId = log.args.tokenId as bigint;
        if (input.trackedTokenIds.has(tokenId)) changes.positions.add(tokenId);
      }
      continue;
    }
    if (log.eventName === "Swap") {
      const to = Number(log.args.tick);
      const from = poolTick.get(address);
      if (from === undefined) {
        // A pool we hold no starting tick for: every tracked tick is suspect.
        for (const tick of input.trackedTicks.get(address) ?? []) mark(address, tick);
      } else {
        const [low, high] = from < to ? [from, to] : [to, from];
        for (const tick of input.trackedTicks.get(address) ?? [])
          if (tick > low && tick <= high) mark(address, tick);
      }
      poolTick.set(address, to);
    } else if (log.eventName === "Mint" || log.eventName === "Burn") {
      mark(address, Number(log.args.tickLower));
      mark(address, Number(log.args.tickUpper));
    }
  }
  return changes;
}
