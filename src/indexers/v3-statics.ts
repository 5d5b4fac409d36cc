// What never changes about a book's Uniswap v3 side: each position's pool and bounds, each pool's tokens, fee and
// tick spacing, and the metadata of the tokens they hold. Read once, when a position or pool first appears, and
// kept: a steady-state snapshot reads none of it.
import { type Address, erc20Abi, getAddress } from "viem";
import { UNISWAP_V3_POOL_ABI } from "../chain/abis/uniswap-v3-abi.ts";
import type { ContractRead, ReadOutcome } from "../chain/read-at-block.ts";
import { createReadBatch } from "../chain/read-batch.ts";
import { typedRead } from "../chain/typed-read.ts";
import type { BookSources } from "./book-sources.ts";
import type { TokenRegistry } from "./token-registry.ts";
import {
  computeV3PoolAddress,
  poolStaticReads,
  positionRead,
  type V3PositionState,
} from "./uniswap-v3-reads.ts";

export type V3Sources = NonNullable<BookSources["uniswapV3"]>;

export interface PositionStatics {
  tokenId: bigint;
  pool: Address;
  token0: Address;
  token1: Address;
  fee: number;
  tickLower: number;
  tickUpper: number;
}

export interface PoolStatics {
  token0: Address;
  token1: Address;
  fee: number;
  tickSpacing: number;
}

type Read = (reads: readonly ContractRead[]) => Promise<ReadOutcome[]>;

export function createV3Statics(v3: V3Sources, tokens: TokenRegistry) {
  const positions = new Map<bigint, PositionStatics>();
  const pools = new Map<string, PoolStatics>();

  /**
   * A position's facts from its positions() struct; its pool's from the same key (the spacing is read after).
   * Returns the tokens met and the structs read, which are the positions' state at the block `read` is pinned to.
   */
  async function learnPositionsAndPools(
    tokenIds: readonly bigint[],
    read: Read,
  ): Promise<{ newTokens: Set<Address>; structs: Map<bigint, V3PositionState> }> {
    const newIds = tokenIds.filter((id) => !positions.has(id));
    const newExtraPools = v3.extraPools.filter((pool) => !pools.has(pool.toLowerCase()));
    const newTokens = new Set<Address>();
    const structs = new Map<bigint, V3PositionState>();
    if (newIds.length === 0 && newExtraPools.length === 0) return { newTokens, structs };
    const batch = createReadBatch();
    const positionSlots = newIds.map((id) =>
      batch.add(positionRead(v3.positionManager, id), `positions(${id})`),
    );
    const poolSlots = newExtraPools.map((pool) => {
      const reads = poolStaticReads(pool);
      return {
        pool,
        token0: batch.add(reads.token0, `${pool}.token0`),
        token1: batch.add(reads.token1, `${pool}.token1`),
        fee: batch.add(reads.fee, `${pool}.fee`),
        tickSpacing: batch.add(reads.tickSpacing, `${pool}.tickSpacing`),
      };
    });
    const outcomes = await read(batch.reads);
    for (const [index, id] of newIds.entries()) {
      const struct = positionSlots[index]!.value(outcomes);
      structs.set(id, struct);
      const { token0, token1, fee, tickLower, tickUpper } = struct;
      const pool = computeV3PoolAddress({
        factory: v3.factory,
        tokenA: token0,
        tokenB: token1,
        fee,
        ...(v3.poolInitCodeHash === undefined ? {} : { initCodeHash: v3.poolInitCodeHash }),
      });
      positions.set(id, { tokenId: id, pool, token0, token1, fee, tickLower, tickUpper });
      // Tick spacing follows from the fee tier (UniswapV3Factory.feeAmountTickSpacing); read it to be exact.
      if (!pools.has(pool.toLowerCase()))
        pools.set(pool.toLowerCase(), { token0, token1, fee, tickSpacing: Number.NaN });
      newTokens.add(token0);
      newTokens.add(token1);
    }
    for (const slots of poolSlots) {
      const token0 = slots.token0.value(outcomes);
      const token1 = slots.token1.value(outcomes);
      pools.set(slots.pool.toLowerCase(), {
        token0,
        token1,
        fee: slots.fee.value(outcomes),
        tickSpacing: slots.tickSpacing.value(outcomes),
      });
      newTokens.add(token0);
      newTokens.add(token1);
    }
    return { newTokens, structs };
  }

  /** The tick spacing of pools known only from a position's key, and the metadata of tokens not known yet. */
  async function learnSpacingAndTokens(newTokens: ReadonlySet<Address>, read: Read): Promise<void> {
    const needSpacing = [...pools.entries()].filter(([, s]) => Number.isNaN(s.tickSpacing));
    const unknownTokens = [...newTokens].filter((t) => !tokens.has(t));
    if (needSpacing.length === 0 && unknownTokens.length === 0) return;
    const batch = createReadBatch();
    const spacingSlots = needSpacing.map(([pool]) =>
      batch.add(
        typedRead({ address: pool as Address, abi: UNISWAP_V3_POOL_ABI, functionName: "tickSpacing" }),
        `${pool}.tickSpacing`,
      ),
    );
    const tokenSlots = unknownTokens.map((address) => ({
      address,
      decimals: batch.add(
        typedRead({ address, abi: erc20Abi, functionName: "decimals" }),
        `${address}.decimals`,
      ),
      symbol: batch.add(typedRead({ address, abi: erc20Abi, functionName: "symbol" }), `${address}.symbol`),
    }));
    const outcomes = await read(batch.reads);
    for (const [index, [pool, statics]] of needSpacing.entries()) {
      pools.set(pool, { ...statics, tickSpacing: spacingSlots[index]!.value(outcomes) });
    }
    for (const slots of tokenSlots) {
      tokens.add({
        address: slots.address,
        decimals: slots.decimals.value(outcomes),
        symbol: slots.symbol.value(outcomes),
      });
    }
  }

  return {
    /**
     * Learns whatever is new among `tokenIds` and the configured extra pools: at most two rounds, none if nothing
     * is. Returns the positions() structs it read (of the new positions, at the block `read` is pinned to), so the
     * snapshot at that block need not read them again.
     */
    async learn(tokenIds: readonly bigint[], read: Read): Promise<Map<bigint, V3PositionState>> {
      const { structs, rest } = await this.learnInTwo(tokenIds, read);
      await rest();
      return structs;
    },
    /**
     * `learn` in its two rounds: the first gives every position's pool and bounds (enough to plan the book's reads)
     * and the structs; `rest` reads the pools' tick spacing and the tokens' metadata, which only decoding needs, so
     * a cold snapshot sends it alongside its main round instead of before it.
     */
    async learnInTwo(
      tokenIds: readonly bigint[],
      read: Read,
    ): Promise<{ structs: Map<bigint, V3PositionState>; rest: () => Promise<void> }> {
      const { newTokens, structs } = await learnPositionsAndPools(tokenIds, read);
      return { structs, rest: () => learnSpacingAndTokens(newTokens, read) };
    },
    position(tokenId: bigint): PositionStatics {
      return positions.get(tokenId)!;
    },
    pool(address: Address): PoolStatics {
      return pools.get(address.toLowerCase())!;
    },
    /** The pools the positions are in, then the configured extra pools, each once. */
    trackedPools(tokenIds: readonly bigint[]): Address[] {
      const tracked = new Map<string, Address>();
      for (const id of tokenIds) {
        const pool = positions.get(id)!.pool;
        tracked.set(pool.toLowerCase(), pool);
      }
      for (const pool of v3.extraPools) tracked.set(pool.toLowerCase(), getAddress(pool));
      return [...tracked.values()];
    },
    /** Pool (lowercase) → the ticks the given positions use as bounds. */
    boundsByPool(tokenIds: readonly bigint[]): Map<string, Set<number>> {
      const bounds = new Map<string, Set<number>>();
      for (const id of tokenIds) {
        const s = positions.get(id)!;
        const set = bounds.get(s.pool.toLowerCase()) ?? new Set<number>();
        set.add(s.tickLower);
        set.add(s.tickUpper);
        bounds.set(s.pool.toLowerCase(), set);
      }
      return bounds;
    },
  };
}

export type V3Statics = ReturnType<typeof createV3Statics>;
