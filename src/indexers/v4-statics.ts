// What never changes about a book's Uniswap v4 side: each token id's pool key and range (PositionManager
// getPoolAndPositionInfo, fixed from mint to burn), each pool's currencies, and their metadata. Read once, when a
// token id first appears, and kept: a steady-state snapshot reads none of it.
import { type Address, erc20Abi, getAddress } from "viem";
import { V4_POSITION_MANAGER_ABI } from "../chain/abis/uniswap-v4-abi.ts";
import { InconsistentBlockError } from "../chain/errors.ts";
import type { ContractRead, ReadOutcome } from "../chain/read-at-block.ts";
import { createReadBatch } from "../chain/read-batch.ts";
import { typedRead } from "../chain/typed-read.ts";
import type { V4PoolKey } from "../engine/snapshot.ts";
import { NATIVE_CURRENCY } from "../engine/v4-position.ts";
import type { BookSources } from "./book-sources.ts";
import type { TokenRegistry } from "./token-registry.ts";
import {
  computeV4PoolId,
  decodePositionInfo,
  NATIVE_ETH,
  type V4PositionStatics,
} from "./uniswap-v4-reads.ts";

export type V4Sources = NonNullable<BookSources["uniswapV4"]>;

type Read = (reads: readonly ContractRead[]) => Promise<ReadOutcome[]>;

export function createV4Statics(v4: V4Sources, tokens: TokenRegistry) {
  /** Token id → its statics, or null for an id that was never minted or is burned (empty PositionInfo). */
  const positions = new Map<bigint, V4PositionStatics | null>();

  const currencyRef = (currency: Address) =>
    currency.toLowerCase() === NATIVE_CURRENCY ? NATIVE_ETH : tokens.get(currency);

  /**
   * The pool key and range of each new token id, then the metadata of currencies not known yet: two rounds at most.
   * Returns the PositionInfo word read for each new minted id, at the block `read` reads: its subscriber flag is
   * that block's, so the main round of the same block need not read it again.
   */
  async function learn(tokenIds: readonly bigint[], read: Read): Promise<Map<bigint, bigint>> {
    const infoAtThisBlock = new Map<bigint, bigint>();
    const newIds = tokenIds.filter((id) => !positions.has(id));
    if (newIds.length === 0) return infoAtThisBlock;
    const batch = createReadBatch();
    const slots = newIds.map((id) =>
      batch.add(
        typedRead({
          address: v4.positionManager,
          abi: V4_POSITION_MANAGER_ABI,
          functionName: "getPoolAndPositionInfo",
          args: [id],
        }),
        `getPoolAndPositionInfo(${id})`,
      ),
    );
    const outcomes = await read(batch.reads);
    const minted: { tokenId: bigint; key: V4PoolKey; info: bigint }[] = [];
    for (const [index, tokenId] of newIds.entries()) {
      const { poolKey, info } = slots[index]!.value(outcomes);
      if (info === 0n) {
        positions.set(tokenId, null);
        continue;
      }
      const key: V4PoolKey = {
        currency0: getAddress(poolKey.currency0),
        currency1: getAddress(poolKey.currency1),
        fee: Number(poolKey.fee),
        tickSpacing: Number(poolKey.tickSpacing),
        hooks: getAddress(poolKey.hooks),
      };
      minted.push({ tokenId, key, info });
      infoAtThisBlock.set(tokenId, info);
    }
    const unknown = [
      ...new Set(
        minted
          .flatMap(({ key }) => [key.currency0, key.currency1])
          .filter((c) => c.toLowerCase() !== NATIVE_CURRENCY && !tokens.has(c)),
      ),
    ];
    if (unknown.length > 0) {
      const metadata = createReadBatch();
      const tokenSlots = unknown.map((address) => ({
        address,
        decimals: metadata.add(
          typedRead({ address, abi: erc20Abi, functionName: "decimals" }),
          `${address}.decimals`,
        ),
        symbol: metadata.add(
          typedRead({ address, abi: erc20Abi, functionName: "symbol" }),
          `${address}.symbol`,
        ),
      }));
      const metadataOutcomes = await read(metadata.reads);
      for (const slot of tokenSlots) {
        tokens.add({
          address: slot.address,
          decimals: slot.decimals.value(metadataOutcomes),
          symbol: slot.symbol.value(metadataOutcomes),
        });
      }
    }
    for (const { tokenId, key, info } of minted) {
      const decoded = decodePositionInfo(info);
      const poolId = computeV4PoolId(key);
      // PositionInfo keeps the pool id's top 25 bytes: the key must hash to it, or the read is not what it claims.
      if (!poolId.startsWith(decoded.poolIdPrefix)) {
        throw new InconsistentBlockError(`token ${tokenId}: PositionInfo's pool id is not its pool key's`, {
          details: { tokenId: String(tokenId), poolId, prefix: decoded.poolIdPrefix },
        });
      }
      positions.set(tokenId, {
        tokenId,
        poolId,
        key,
        tickLower: decoded.tickLower,
        tickUpper: decoded.tickUpper,
        currency0: currencyRef(key.currency0),
        currency1: currencyRef(key.currency1),
      });
    }
    return infoAtThisBlock;
  }

  /** The minted ones among `tokenIds`, with their statics (learn them first). */
  function minted(tokenIds: readonly bigint[]): V4PositionStatics[] {
    return tokenIds.flatMap((id) => {
      const statics = positions.get(id);
      return statics ? [statics] : [];
    });
  }

  return {
    learn,
    minted,
    /** Pool id (lowercase) → the ticks the given positions use as bounds. */
    boundsByPool(tokenIds: readonly bigint[]): Map<string, Set<number>> {
      const bounds = new Map<string, Set<number>>();
      for (const p of minted(tokenIds)) {
        const id = p.poolId.toLowerCase();
        const set = bounds.get(id) ?? new Set<number>();
        set.add(p.tickLower);
        set.add(p.tickUpper);
        bounds.set(id, set);
      }
      return bounds;
    },
  };
}

export type V4Statics = ReturnType<typeof createV4Statics>;
