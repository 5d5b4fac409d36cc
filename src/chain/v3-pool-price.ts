// A v3 pool's price and in-range liquidity at one block (or the pending block), read as the pool reports them.
import type { Address, PublicClient } from "viem";
import { UNISWAP_V3_POOL_ABI } from "./abis/uniswap-v3-abi.ts";
import { classifyChainError } from "./classify-error.ts";

/** A v3 pool's price and in-range liquidity: what a swap through it pays, from one block. */
export interface V3PoolPrice {
  sqrtPriceX96: bigint;
  tick: number;
  liquidity: bigint;
}

export async function readV3PoolPrice(
  client: PublicClient,
  pool: Address,
  at: { blockNumber: bigint } | { blockTag: "pending" | "latest" },
): Promise<V3PoolPrice> {
  try {
    const [slot0, liquidity] = await Promise.all([
      client.readContract({ address: pool, abi: UNISWAP_V3_POOL_ABI, functionName: "slot0", ...at }),
      client.readContract({ address: pool, abi: UNISWAP_V3_POOL_ABI, functionName: "liquidity", ...at }),
    ]);
    return { sqrtPriceX96: slot0[0], tick: slot0[1], liquidity };
  } catch (error) {
    throw classifyChainError(error);
  }
}
