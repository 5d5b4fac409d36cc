import { type Address, erc20Abi, type Hash, maxUint48, maxUint160, maxUint256, parseUnits } from "viem";
import { PERMIT2_ABI, POOL_MANAGER_V4_ABI, STATE_VIEW_ABI } from "../chain/abis/uniswap-v4-abi.ts";
import { encodeModifyLiquidities, type V4Action } from "../chain/uniswap-v4-actions.ts";
import { maxLiquidityForAmounts } from "../engine/liquidity-amounts.ts";
import type { Hex32 } from "../engine/plan.ts";
import { mintAmounts } from "../engine/position-amounts.ts";
import type { V4PoolKey } from "../engine/snapshot.ts";
import { sqrtRatioAtValidTick } from "../engine/tick-math.ts";
import { DYNAMIC_FEE_FLAG, NO_HOOK } from "../engine/v4-hook-flags.ts";
import { NATIVE_CURRENCY } from "../engine/v4-position.ts";
import { computeV4PoolId } from "../indexers/uniswap-v4-reads.ts";
import type { DevnetClient } from "./devnet-client.ts";
import { MAINNET_TOKENS } from "./mainnet-addresses.ts";
import { v4PoolMoveTransaction } from "./market-moves.ts";
import type { PoolKey, PositionRequest } from "./pools.ts";
import {
  alignTick,
  type QuotedPool,
  rawPriceFromQuote,
  sqrtPriceX96FromQuote,
  tickFromRawPrice,
} from "./price-math.ts";
import { NO_DEADLINE, sendDevnetTransaction, writeDevnetContract } from "./transactions.ts";

export type V4PoolName = "ethUsdc500" | "usdcUsdt10" | "ethUsdcDynamic";

/** A v4 pool as the manifest records it: its key and id, and which currency is quoted in the other. */
export interface DevnetV4Pool extends QuotedPool {
  poolId: Hex32;
  key: V4PoolKey;
  base: Address;
  quote: Address;
}

interface V4PoolSpec {
  /** address(0) for native ETH. */
  base: Address;
  baseDecimals: number;
  quote: Address;
  quoteDecimals: number;
  /** LP fee in hundredths of a bip, or "dynamic": the devnet hook sets it (see DevnetDynamicFeeHook). */
  fee: number | "dynamic";
  tickSpacing: number;
  initialPrice: number;
  /** The maker's positions: price bounds as factors of the initial price, and quote-token value put in. */
  makerRanges: readonly { lower: number; upper: number; quoteAmount: number }[];
}

/**
 * The devnet's v4 pools. The first two have the keys of the mainnet pools (native ETH/USDC 0.05% tick spacing 10,
 * USDC/USDT 0.001% tick spacing 1), so their pool ids are mainnet's too; the third is a devnet-only hooked pool.
 */
export const V4_POOL_SPECS: Record<V4PoolName, V4PoolSpec> = {
  ethUsdc500: {
    base: NATIVE_CURRENCY,
    baseDecimals: 18,
    quote: MAINNET_TOKENS.usdc,
    quoteDecimals: 6,
    fee: 500,
    tickSpacing: 10,
    initialPrice: 3000,
    makerRanges: [
      { lower: 0.97, upper: 1.03, quoteAmount: 2_000_000 },
      { lower: 0.9, upper: 1.11, quoteAmount: 1_000_000 },
      { lower: 0.5, upper: 2, quoteAmount: 500_000 },
    ],
  },
  usdcUsdt10: {
    base: MAINNET_TOKENS.usdc,
    baseDecimals: 6,
    quote: MAINNET_TOKENS.usdt,
    quoteDecimals: 6,
    fee: 10,
    tickSpacing: 1,
    initialPrice: 1,
    makerRanges: [
      { lower: 0.999, upper: 1.001, quoteAmount: 4_000_000 },
      { lower: 0.995, upper: 1.005, quoteAmount: 2_000_000 },
      { lower: 0.98, upper: 1.02, quoteAmount: 500_000 },
    ],
  },
  ethUsdcDynamic: {
    base: NATIVE_CURRENCY,
    baseDecimals: 18,
    quote: MAINNET_TOKENS.usdc,
    quoteDecimals: 6,
    fee: "dynamic",
    tickSpacing: 60,
    initialPrice: 3000,
    makerRanges: [
      { lower: 0.9, upper: 1.11, quoteAmount: 1_000_000 },
      { lower: 0.5, upper: 2, quoteAmount: 500_000 },
    ],
  },
};

function describeV4Pool(spec: V4PoolSpec, hook: Address): DevnetV4Pool {
  const baseIsToken0 = BigInt(spec.base) < BigInt(spec.quote);
  const key: V4PoolKey = {
    currency0: baseIsToken0 ? spec.base : spec.quote,
    currency1: baseIsToken0 ? spec.quote : spec.base,
    fee: spec.fee === "dynamic" ? DYNAMIC_FEE_FLAG : spec.fee,
    tickSpacing: spec.tickSpacing,
    hooks: spec.fee === "dynamic" ? hook : NO_HOOK,
  };
  return {
    poolId: computeV4PoolId(key),
    key,
    base: spec.base,
    quote: spec.quote,
    baseIsToken0,
    baseDecimals: spec.baseDecimals,
    quoteDecimals: spec.quoteDecimals,
  };
}

/** Every devnet v4 pool, its dynamic-fee pool on `hook`. */
export function describeV4Pools(hook: Address): Record<V4PoolName, DevnetV4Pool> {
  const pools = {} as Record<V4PoolName, DevnetV4Pool>;
  for (const [name, spec] of Object.entries(V4_POOL_SPECS) as [V4PoolName, V4PoolSpec][]) {
    pools[name] = describeV4Pool(spec, hook);
  }
  return pools;
}

/** Initializes each pool at its spec's price through PoolManager.initialize (the hooked one calls its hook). */
export async function initializeV4Pools(
  client: DevnetClient,
  from: Address,
  poolManager: Address,
  pools: Record<V4PoolName, DevnetV4Pool>,
): Promise<void> {
  for (const [name, pool] of Object.entries(pools) as [V4PoolName, DevnetV4Pool][]) {
    await writeDevnetContract(client, from, {
      address: poolManager,
      abi: POOL_MANAGER_V4_ABI,
      functionName: "initialize",
      args: [pool.key, sqrtPriceX96FromQuote(pool, V4_POOL_SPECS[name].initialPrice)],
    });
  }
}

export interface V4Mint {
  action: Extract<V4Action, { action: "MINT_POSITION" }>;
  /** What the mint takes of each currency: exact, as the PoolManager rounds (up). */
  amount0: bigint;
  amount1: bigint;
}

/**
 * A MINT_POSITION for a position in human prices and amounts: the most liquidity the amounts fund at the pool's
 * current price, and as bounds exactly what the PoolManager will take for it there.
 */
export function planV4Mint(
  pool: DevnetV4Pool,
  state: { sqrtPriceX96: bigint; tick: number },
  request: PositionRequest,
): V4Mint {
  const tickA = tickFromRawPrice(rawPriceFromQuote(pool, request.lowerPrice));
  const tickB = tickFromRawPrice(rawPriceFromQuote(pool, request.upperPrice));
  const tickLower = alignTick(Math.min(tickA, tickB), pool.key.tickSpacing, "down");
  const tickUpper = alignTick(Math.max(tickA, tickB), pool.key.tickSpacing, "up");
  const baseUnits = parseUnits(request.baseAmount.toFixed(pool.baseDecimals), pool.baseDecimals);
  const quoteUnits = parseUnits(request.quoteAmount.toFixed(pool.quoteDecimals), pool.quoteDecimals);
  const liquidity = maxLiquidityForAmounts(
    state.sqrtPriceX96,
    sqrtRatioAtValidTick(tickLower),
    sqrtRatioAtValidTick(tickUpper),
    pool.baseIsToken0 ? baseUnits : quoteUnits,
    pool.baseIsToken0 ? quoteUnits : baseUnits,
    true,
  );
  const { amount0, amount1 } = mintAmounts({
    sqrtPriceX96: state.sqrtPriceX96,
    tickCurrent: state.tick,
    tickLower,
    tickUpper,
    liquidity,
  });
  return {
    action: {
      action: "MINT_POSITION",
      poolKey: pool.key,
      tickLower,
      tickUpper,
      liquidity,
      amount0Max: amount0,
      amount1Max: amount1,
      owner: request.recipient,
    },
    amount0,
    amount1,
  };
}

/** slot0 of each pool, through StateView. */
export async function readV4PoolStates(
  client: DevnetClient,
  stateView: Address,
  pools: Record<V4PoolName, DevnetV4Pool>,
): Promise<Record<V4PoolName, { sqrtPriceX96: bigint; tick: number }>> {
  const states = {} as Record<V4PoolName, { sqrtPriceX96: bigint; tick: number }>;
  for (const [name, pool] of Object.entries(pools) as [V4PoolName, DevnetV4Pool][]) {
    const [sqrtPriceX96, tick] = await client.publicClient.readContract({
      address: stateView,
      abi: STATE_VIEW_ABI,
      functionName: "getSlot0",
      args: [pool.poolId],
    });
    states[name] = { sqrtPriceX96, tick };
  }
  return states;
}

/**
 * The actions that mint `mints` and pay for them in one modifyLiquidities: each currency's debt closed from the
 * caller (ETH from the call's value, ERC-20s through Permit2), then any ETH left swept back to `payer`.
 */
export function mintAndSettleActions(mints: readonly V4Mint[], payer: Address): V4Action[] {
  const currencies = [
    ...new Set(mints.flatMap((m) => [m.action.poolKey.currency0, m.action.poolKey.currency1])),
  ];
  return [
    ...mints.map((m) => m.action),
    ...currencies.map((currency): V4Action => ({ action: "CLOSE_CURRENCY", currency })),
    { action: "SWEEP", currency: NATIVE_CURRENCY, to: payer },
  ];
}

/** Native ETH a set of mints takes. */
export function ethNeeded(mints: readonly V4Mint[]): bigint {
  return mints.reduce(
    (sum, m) =>
      sum +
      (m.action.poolKey.currency0 === NATIVE_CURRENCY ? m.amount0 : 0n) +
      (m.action.poolKey.currency1 === NATIVE_CURRENCY ? m.amount1 : 0n),
    0n,
  );
}

/** ERC-20 approvals for v4's PositionManager: the token to Permit2, then Permit2 to the PositionManager. */
export async function approveThroughPermit2(
  client: DevnetClient,
  owner: Address,
  tokens: readonly Address[],
  contracts: { permit2: Address; positionManager: Address },
): Promise<void> {
  for (const token of tokens) {
    await writeDevnetContract(client, owner, {
      address: token,
      abi: erc20Abi,
      functionName: "approve",
      args: [contracts.permit2, maxUint256],
    });
    await writeDevnetContract(client, owner, {
      address: contracts.permit2,
      abi: PERMIT2_ABI,
      functionName: "approve",
      args: [token, contracts.positionManager, maxUint160, Number(maxUint48)],
    });
  }
}

/**
 * The maker's v4 liquidity: several positions per pool, concentrated near the price (see V4_POOL_SPECS), minted
 * in one modifyLiquidities. The maker's ETH is topped up by what the native-ETH positions take.
 */
export async function addV4MakerLiquidity(
  client: DevnetClient,
  maker: Address,
  contracts: { permit2: Address; positionManager: Address; stateView: Address },
  pools: Record<V4PoolName, DevnetV4Pool>,
): Promise<void> {
  await approveThroughPermit2(client, maker, [MAINNET_TOKENS.usdc, MAINNET_TOKENS.usdt], contracts);
  const states = await readV4PoolStates(client, contracts.stateView, pools);
  const mints = (Object.entries(V4_POOL_SPECS) as [V4PoolName, V4PoolSpec][]).flatMap(([name, spec]) =>
    spec.makerRanges.map((range) =>
      planV4Mint(pools[name], states[name], {
        lowerPrice: spec.initialPrice * range.lower,
        upperPrice: spec.initialPrice * range.upper,
        baseAmount: range.quoteAmount / spec.initialPrice,
        quoteAmount: range.quoteAmount,
        recipient: maker,
      }),
    ),
  );
  const value = ethNeeded(mints);
  const balance = await client.publicClient.getBalance({ address: maker });
  await client.testClient.setBalance({ address: maker, value: balance + value });
  await sendDevnetTransaction(client, "maker liquidity in the v4 pools", {
    from: maker,
    to: contracts.positionManager,
    data: encodeModifyLiquidities(mintAndSettleActions(mints, maker), NO_DEADLINE),
    value,
  });
}

/**
 * A swap through v4-core's PoolSwapTest until the pool reaches `price` (v4PoolMoveTransaction), mined at once,
 * crossing every initialized tick between. Throws when the pool did not get there.
 */
export async function swapV4PoolTo(
  client: DevnetClient,
  contracts: { stateView: Address; poolSwapTest: Address },
  trader: Address,
  pool: DevnetV4Pool,
  price: number,
): Promise<Hash> {
  const readSqrtPrice = async () =>
    (
      await client.publicClient.readContract({
        address: contracts.stateView,
        abi: STATE_VIEW_ABI,
        functionName: "getSlot0",
        args: [pool.poolId],
      })
    )[0];
  const sqrtBefore = await readSqrtPrice();
  const move = v4PoolMoveTransaction(trader, contracts.poolSwapTest, pool, sqrtBefore, price);
  if (move === undefined) throw new Error(`v4 pool ${pool.poolId} is already at ${price}`);
  const hash = await sendDevnetTransaction(client, move.label, move);
  const sqrtAfter = await readSqrtPrice();
  const target = sqrtPriceX96FromQuote(pool, price);
  if (sqrtAfter !== target) {
    throw new Error(`v4 pool ${pool.poolId} stopped at sqrtPriceX96 ${sqrtAfter}, not ${target}`);
  }
  return hash;
}

/**
 * The v4 pools that trade each v3 pool's pair: a scenario that moves the v3 pool moves these to the same price in
 * the same block, as arbitrage would (both ETH/USDC pools follow USDC/WETH; USDC/USDT follows USDC/USDT).
 */
export const V4_POOLS_FOLLOWING: Readonly<Record<PoolKey, readonly V4PoolName[]>> = {
  usdcWeth500: ["ethUsdc500", "ethUsdcDynamic"],
  usdcUsdt100: ["usdcUsdt10"],
  daiUsdc100: [],
};

/** The manifest's pool entry as the devnet's pool description. */
export function v4PoolOfManifest(
  pool: {
    poolId: Hex32;
    currency0: Address;
    currency1: Address;
    fee: number;
    tickSpacing: number;
    hooks: Address;
  } & Omit<DevnetV4Pool, "poolId" | "key">,
): DevnetV4Pool {
  const { poolId, currency0, currency1, fee, tickSpacing, hooks, ...quoted } = pool;
  return { poolId, key: { currency0, currency1, fee, tickSpacing, hooks }, ...quoted };
}
