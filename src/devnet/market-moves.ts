import { type Address, encodeFunctionData, zeroHash } from "viem";
import { perpArtifact } from "./deploy-perp.ts";
import type { DevnetClient } from "./devnet-client.ts";
import type { DevnetManifest } from "./manifest.ts";
import type { DevnetPool } from "./pools.ts";
import { sqrtPriceX96FromQuote, sqrtPriceX96FromRawPrice } from "./price-math.ts";
import { sendDevnetTransaction } from "./transactions.ts";
import { NO_DEADLINE, positionManagerAbi, swapRouterAbi, uniswapV3PoolAbi } from "./uniswap-v3-abi.ts";

// Transactions that move the market: each is a real trade or update by a market participant.

/** More than any trade needs: a swap with a price limit stops at the limit and pays only what it used. */
const UNBOUNDED_AMOUNT = 10n ** 30n;

/**
 * Swaps in `pool` until its price (base in quote) reaches `price`: exactInputSingle with an unbounded input and
 * `sqrtPriceLimitX96` at the target, so the pool's own liquidity decides the cost.
 */
export async function movePoolPrice(
  client: DevnetClient,
  trader: Address,
  swapRouter: Address,
  pool: DevnetPool,
  price: number,
): Promise<void> {
  const target = sqrtPriceX96FromQuote(pool, price);
  const [current] = await client.publicClient.readContract({
    address: pool.address,
    abi: uniswapV3PoolAbi,
    functionName: "slot0",
  });
  if (target === current) return;
  // Selling token0 lowers token1/token0; buying token0 (paying token1) raises it.
  const zeroForOne = target < current;
  await sendDevnetTransaction(client, `move ${pool.address} to ${price}`, {
    from: trader,
    to: swapRouter,
    gas: 5_000_000n,
    data: encodeFunctionData({
      abi: swapRouterAbi,
      functionName: "exactInputSingle",
      args: [
        {
          tokenIn: zeroForOne ? pool.token0 : pool.token1,
          tokenOut: zeroForOne ? pool.token1 : pool.token0,
          fee: pool.fee,
          recipient: trader,
          deadline: NO_DEADLINE,
          amountIn: UNBOUNDED_AMOUNT,
          amountOutMinimum: 0n,
          sqrtPriceLimitX96: target,
        },
      ],
    }),
  });
}

/**
 * Trades vETH on perp until its market price reaches `price`: a taker position with an unbounded amount and a
 * price limit. Perp rejects moves of more than ~10% per block (maxTickCrossedWithinBlock).
 */
export async function movePerpMarketPrice(
  client: DevnetClient,
  trader: Address,
  perp: DevnetManifest["contracts"]["perp"],
  price: number,
): Promise<void> {
  const target = sqrtPriceX96FromRawPrice(price);
  const [current] = await client.publicClient.readContract({
    address: perp.pool,
    abi: uniswapV3PoolAbi,
    functionName: "slot0",
  });
  if (target === current) return;
  const sellBase = target < current;
  await sendDevnetTransaction(client, `move the perp market to ${price}`, {
    from: trader,
    to: perp.clearingHouse,
    gas: 5_000_000n,
    data: encodeFunctionData({
      abi: perpArtifact("ClearingHouse").abi,
      functionName: "openPosition",
      args: [
        {
          baseToken: perp.baseToken,
          isBaseToQuote: sellBase,
          isExactInput: true,
          amount: UNBOUNDED_AMOUNT,
          oppositeAmountBound: 0n,
          deadline: NO_DEADLINE,
          sqrtPriceLimitX96: target,
          referralCode: zeroHash,
        },
      ],
    }),
  });
}

/** Withdraws `fraction` of every position `owner` holds in `pool` (decrease liquidity, then collect). */
export async function removePoolLiquidity(
  client: DevnetClient,
  owner: Address,
  positionManager: Address,
  pool: DevnetPool,
  fraction: number,
): Promise<number> {
  const read = client.publicClient.readContract.bind(client.publicClient);
  const count = await read({
    address: positionManager,
    abi: positionManagerAbi,
    functionName: "balanceOf",
    args: [owner],
  });
  const tokenIds = await Promise.all(
    Array.from({ length: Number(count) }, (_, index) =>
      read({
        address: positionManager,
        abi: positionManagerAbi,
        functionName: "tokenOfOwnerByIndex",
        args: [owner, BigInt(index)],
      }),
    ),
  );
  const positions = await Promise.all(
    tokenIds.map((tokenId) =>
      read({ address: positionManager, abi: positionManagerAbi, functionName: "positions", args: [tokenId] }),
    ),
  );
  const scaled = BigInt(Math.round(fraction * 1_000_000));
  let removed = 0;
  for (const [index, position] of positions.entries()) {
    const [, , token0, token1, fee, , , liquidity] = position;
    const tokenId = tokenIds[index];
    if (tokenId === undefined || token0 !== pool.token0 || token1 !== pool.token1 || fee !== pool.fee)
      continue;
    const amount = (liquidity * scaled) / 1_000_000n;
    if (amount === 0n) continue;
    await sendDevnetTransaction(client, `remove liquidity from position ${tokenId}`, {
      from: owner,
      to: positionManager,
      data: encodeFunctionData({
        abi: positionManagerAbi,
        functionName: "decreaseLiquidity",
        args: [{ tokenId, liquidity: amount, amount0Min: 0n, amount1Min: 0n, deadline: NO_DEADLINE }],
      }),
    });
    await sendDevnetTransaction(client, `collect position ${tokenId}`, {
      from: owner,
      to: positionManager,
      data: encodeFunctionData({
        abi: positionManagerAbi,
        functionName: "collect",
        args: [{ tokenId, recipient: owner, amount0Max: 2n ** 128n - 1n, amount1Max: 2n ** 128n - 1n }],
      }),
    });
    removed += 1;
  }
  return removed;
}
