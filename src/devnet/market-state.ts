import type { Address } from "viem";
import { AGGREGATOR_V3_ABI } from "../chain/abis/chainlink-abi.ts";
import { POSITION_MANAGER_ABI, UNISWAP_V3_POOL_ABI } from "../chain/abis/uniswap-v3-abi.ts";
import { STATE_VIEW_ABI } from "../chain/abis/uniswap-v4-abi.ts";
import { perpArtifact } from "./deploy-perp.ts";
import type { DevnetClient } from "./devnet-client.ts";
import type { DevnetManifest } from "./manifest.ts";
import type { DevnetPool } from "./pools.ts";
import type { DevnetV4Pool } from "./pools-v4.ts";
import { quoteFromSqrtPriceX96, rawPriceFromSqrtPriceX96 } from "./price-math.ts";

// Reads of the market state scenarios move and report: pool prices, feed answers, perp mark and index.

export interface PoolState {
  /** Price of the pool's base token in its quote token (e.g. USDC per WETH). */
  price: number;
  sqrtPriceX96: bigint;
}

/**
 * `at: "pending"` reads the state the next block starts from, transactions already queued for it included (a
 * keeper's trade sent while a scenario holds the block): a move built from it goes the right way.
 */
export type StateAt = "latest" | "pending";

export async function readPoolState(
  client: DevnetClient,
  pool: DevnetPool,
  at: StateAt = "latest",
): Promise<PoolState> {
  const [sqrtPriceX96] = await client.publicClient.readContract({
    address: pool.address,
    abi: UNISWAP_V3_POOL_ABI,
    functionName: "slot0",
    blockTag: at,
  });
  return { price: quoteFromSqrtPriceX96(pool, sqrtPriceX96), sqrtPriceX96 };
}

/** A v4 pool's price, from the PoolManager's slot0 through StateView (v4 pools are ids, not contracts). */
export async function readV4PoolState(
  client: DevnetClient,
  stateView: Address,
  pool: DevnetV4Pool,
  at: StateAt = "latest",
): Promise<PoolState> {
  const [sqrtPriceX96] = await client.publicClient.readContract({
    address: stateView,
    abi: STATE_VIEW_ABI,
    functionName: "getSlot0",
    args: [pool.poolId],
    blockTag: at,
  });
  return { price: quoteFromSqrtPriceX96(pool, sqrtPriceX96), sqrtPriceX96 };
}

/** Price of the pool's base token in its quote token (e.g. USDC per WETH). */
export async function readPoolPrice(client: DevnetClient, pool: DevnetPool): Promise<number> {
  return (await readPoolState(client, pool)).price;
}

/** In-range liquidity of a pool (Uniswap's L). */
export function readPoolLiquidity(client: DevnetClient, pool: Address): Promise<bigint> {
  return client.publicClient.readContract({
    address: pool,
    abi: UNISWAP_V3_POOL_ABI,
    functionName: "liquidity",
  });
}

export interface FeedState {
  answer: number;
  /** The proxy's phase-encoded round id: phase << 64 | aggregator round. */
  roundId: bigint;
  updatedAt: number;
}

/** The aggregator's own round number behind a proxy round id. */
export function aggregatorRound(roundId: bigint): bigint {
  return roundId & ((1n << 64n) - 1n);
}

export async function readFeed(client: DevnetClient, feed: Address): Promise<FeedState> {
  const [roundId, answer, , updatedAt] = await client.publicClient.readContract({
    address: feed,
    abi: AGGREGATOR_V3_ABI,
    functionName: "latestRoundData",
  });
  return { answer: Number(answer) / 1e8, roundId, updatedAt: Number(updatedAt) };
}

export interface PerpPrices {
  /** The vETH/vUSD pool's sqrt price (vETH is token0). */
  sqrtPriceX96: bigint;
  /** The vETH/vUSD pool's spot price: what a taker trades at, and what `perp.moveMark` moves. */
  marketPrice: number;
  /** Perp's mark price (AccountBalance.getMarkPrice: a median of market, market TWAP and index + premium). */
  markPrice: number;
  /** The index (ETH/USD through perp's Chainlink adapter). */
  indexPrice: number;
}

export async function readPerpPrices(
  client: DevnetClient,
  perp: DevnetManifest["contracts"]["perp"],
  at: StateAt = "latest",
): Promise<PerpPrices> {
  const [slot0, mark, index] = await Promise.all([
    client.publicClient.readContract({
      address: perp.pool,
      abi: UNISWAP_V3_POOL_ABI,
      functionName: "slot0",
      blockTag: at,
    }),
    client.publicClient.readContract({
      address: perp.accountBalance,
      abi: perpArtifact("AccountBalance").abi,
      functionName: "getMarkPrice",
      args: [perp.baseToken],
      blockTag: at,
    }) as Promise<bigint>,
    client.publicClient.readContract({
      address: perp.baseToken,
      abi: perpArtifact("BaseToken").abi,
      functionName: "getIndexPrice",
      args: [0n],
      blockTag: at,
    }) as Promise<bigint>,
  ]);
  // vETH is token0 and both virtual tokens have 18 decimals: the raw price is USD per ETH.
  return {
    sqrtPriceX96: slot0[0],
    marketPrice: rawPriceFromSqrtPriceX96(slot0[0]),
    markPrice: Number(mark) / 1e18,
    indexPrice: Number(index) / 1e18,
  };
}

export async function readTimestamp(client: DevnetClient): Promise<number> {
  const block = await client.publicClient.getBlock({ blockTag: "latest" });
  return Number(block.timestamp);
}

/** `owner`'s Uniswap v3 positions in `pool`, with their liquidity. */
export async function readPositionsInPool(
  client: DevnetClient,
  owner: Address,
  positionManager: Address,
  pool: DevnetPool,
): Promise<{ tokenId: bigint; liquidity: bigint }[]> {
  const read = client.publicClient.readContract.bind(client.publicClient);
  const count = await read({
    address: positionManager,
    abi: POSITION_MANAGER_ABI,
    functionName: "balanceOf",
    args: [owner],
  });
  const tokenIds = await Promise.all(
    Array.from({ length: Number(count) }, (_, index) =>
      read({
        address: positionManager,
        abi: POSITION_MANAGER_ABI,
        functionName: "tokenOfOwnerByIndex",
        args: [owner, BigInt(index)],
      }),
    ),
  );
  const positions = await Promise.all(
    tokenIds.map((tokenId) =>
      read({
        address: positionManager,
        abi: POSITION_MANAGER_ABI,
        functionName: "positions",
        args: [tokenId],
      }),
    ),
  );
  return positions.flatMap(([, , token0, token1, fee, , , liquidity], index) => {
    const tokenId = tokenIds[index];
    const inPool = token0 === pool.token0 && token1 === pool.token1 && fee === pool.fee;
    return inPool && tokenId !== undefined ? [{ tokenId, liquidity }] : [];
  });
}
