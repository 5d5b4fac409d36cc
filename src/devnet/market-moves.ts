import { type Address, encodeFunctionData, parseEther, zeroHash } from "viem";
import { POSITION_MANAGER_ABI, SWAP_ROUTER_ABI } from "../chain/abis/uniswap-v3-abi.ts";
import { POOL_SWAP_TEST_ABI } from "../chain/abis/uniswap-v4-abi.ts";
import type { Hex32 } from "../engine/plan.ts";
import type { V4PoolKey } from "../engine/snapshot.ts";
import { NATIVE_CURRENCY } from "../engine/v4-position.ts";
import { perpArtifact } from "./deploy-perp.ts";
import type { DevnetManifest } from "./manifest.ts";
import type { DevnetPool } from "./pools.ts";
import { type QuotedPool, sqrtPriceX96FromQuote, sqrtPriceX96FromRawPrice } from "./price-math.ts";
import { type LabelledTransaction, NO_DEADLINE } from "./transactions.ts";

// Transactions that move the market, each a real trade by a market participant. Built from the current state
// (read by the caller), so a scenario step can send several of them in one block.

/** More than any trade needs: a swap with a price limit stops at the limit and pays only what it used. */
const UNBOUNDED_AMOUNT = 10n ** 30n;
const SWAP_GAS = 3_000_000n;
const PERP_TRADE_GAS = 6_000_000n;
const LIQUIDITY_GAS_PER_POSITION = 1_000_000n;

/**
 * A swap that takes `pool` from `currentSqrtPriceX96` to `price` (base in quote): exactInputSingle with an
 * unbounded input and `sqrtPriceLimitX96` at the target, so the pool's own liquidity decides the cost.
 * Undefined when the pool is already there.
 */
export function poolMoveTransaction(
  trader: Address,
  swapRouter: Address,
  pool: DevnetPool,
  currentSqrtPriceX96: bigint,
  price: number,
): LabelledTransaction | undefined {
  const target = sqrtPriceX96FromQuote(pool, price);
  if (target === currentSqrtPriceX96) return undefined;
  // Selling token0 lowers token1/token0; buying token0 (paying token1) raises it.
  const zeroForOne = target < currentSqrtPriceX96;
  return {
    label: `swap ${pool.address} to ${price}`,
    from: trader,
    to: swapRouter,
    gas: SWAP_GAS,
    data: encodeFunctionData({
      abi: SWAP_ROUTER_ABI,
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
  };
}

/** The most ETH a v4 move sends (PoolSwapTest refunds what the swap did not take); ERC-20s are pulled as needed. */
const V4_MAX_ETH_IN = parseEther("5000");
const V4_MAX_TOKEN_IN = 10n ** 14n;

/**
 * A swap that takes the v4 pool from `currentSqrtPriceX96` to `price` (base in quote), through v4-core's PoolSwapTest
 * (the devnet's v4 router): exact input bounded by more than any move needs, `sqrtPriceLimitX96` at the target, so
 * the limit ends the swap. Native ETH is paid as the call's value, the excess refunded by PoolSwapTest; ERC-20s by
 * transferFrom (the trader approved PoolSwapTest). Undefined when the pool is already there.
 */
export function v4PoolMoveTransaction(
  trader: Address,
  poolSwapTest: Address,
  pool: QuotedPool & { poolId: Hex32; key: V4PoolKey },
  currentSqrtPriceX96: bigint,
  price: number,
): LabelledTransaction | undefined {
  const target = sqrtPriceX96FromQuote(pool, price);
  if (target === currentSqrtPriceX96) return undefined;
  const zeroForOne = target < currentSqrtPriceX96;
  const payingEth = zeroForOne && pool.key.currency0 === NATIVE_CURRENCY;
  const maxIn = payingEth ? V4_MAX_ETH_IN : V4_MAX_TOKEN_IN;
  return {
    label: `v4 swap ${pool.poolId} to ${price}`,
    from: trader,
    to: poolSwapTest,
    gas: SWAP_GAS,
    value: payingEth ? maxIn : 0n,
    data: encodeFunctionData({
      abi: POOL_SWAP_TEST_ABI,
      functionName: "swap",
      args: [
        pool.key,
        { zeroForOne, amountSpecified: -maxIn, sqrtPriceLimitX96: target },
        { takeClaims: false, settleUsingBurn: false },
        "0x",
      ],
    }),
  };
}

/**
 * A perp taker trade that takes the vETH market from `currentSqrtPriceX96` to `price`: an unbounded amount with a
 * price limit. Perp rejects moves of more than maxTickCrossedWithinBlock ticks (~10%) from a reference it refreshes
 * at most every 15 s: the caller times the block (perp-price-limit.ts).
 */
export function perpMoveTransaction(
  trader: Address,
  perp: DevnetManifest["contracts"]["perp"],
  currentSqrtPriceX96: bigint,
  price: number,
): LabelledTransaction | undefined {
  // vETH is token0 and both virtual tokens have 18 decimals: the raw price is USD per ETH.
  const target = sqrtPriceX96FromRawPrice(price);
  if (target === currentSqrtPriceX96) return undefined;
  return {
    label: `trade the perp market to ${price}`,
    from: trader,
    to: perp.clearingHouse,
    gas: PERP_TRADE_GAS,
    data: encodeFunctionData({
      abi: perpArtifact("ClearingHouse").abi,
      functionName: "openPosition",
      args: [
        {
          baseToken: perp.baseToken,
          isBaseToQuote: target < currentSqrtPriceX96,
          isExactInput: true,
          amount: UNBOUNDED_AMOUNT,
          oppositeAmountBound: 0n,
          deadline: NO_DEADLINE,
          sqrtPriceLimitX96: target,
          referralCode: zeroHash,
        },
      ],
    }),
  };
}

/**
 * The maker takes `fraction` of its liquidity out of `positions` and collects it: one transaction, the position
 * manager's `multicall` of `decreaseLiquidity` + `collect` per position, as Uniswap's own interface does it.
 * Undefined when there is nothing to remove.
 */
export function removeLiquidityTransaction(
  owner: Address,
  positionManager: Address,
  positions: readonly { tokenId: bigint; liquidity: bigint }[],
  fraction: number,
): LabelledTransaction | undefined {
  const scaled = BigInt(Math.round(fraction * 1_000_000));
  const calls = positions.flatMap(({ tokenId, liquidity }) => {
    const amount = (liquidity * scaled) / 1_000_000n;
    if (amount === 0n) return [];
    return [
      encodeFunctionData({
        abi: POSITION_MANAGER_ABI,
        functionName: "decreaseLiquidity",
        args: [{ tokenId, liquidity: amount, amount0Min: 0n, amount1Min: 0n, deadline: NO_DEADLINE }],
      }),
      encodeFunctionData({
        abi: POSITION_MANAGER_ABI,
        functionName: "collect",
        args: [{ tokenId, recipient: owner, amount0Max: 2n ** 128n - 1n, amount1Max: 2n ** 128n - 1n }],
      }),
    ];
  });
  if (calls.length === 0) return undefined;
  return {
    label: `remove ${fraction * 100}% of ${calls.length / 2} positions' liquidity`,
    from: owner,
    to: positionManager,
    gas: LIQUIDITY_GAS_PER_POSITION * BigInt(calls.length / 2),
    data: encodeFunctionData({ abi: POSITION_MANAGER_ABI, functionName: "multicall", args: [calls] }),
  };
}
