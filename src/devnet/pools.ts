import { type Address, encodeFunctionData, getAddress, type Hex, parseUnits } from "viem";
import {
  POSITION_MANAGER_ABI,
  UNISWAP_V3_FACTORY_ABI,
  UNISWAP_V3_POOL_ABI,
} from "../chain/abis/uniswap-v3-abi.ts";
import type { DevnetClient } from "./devnet-client.ts";
import { MAINNET_TOKENS } from "./mainnet-addresses.ts";
import {
  alignTick,
  type QuotedPool,
  rawPriceFromQuote,
  sqrtPriceX96FromQuote,
  tickFromRawPrice,
} from "./price-math.ts";
import { NO_DEADLINE, sendDevnetTransaction, writeDevnetContract } from "./transactions.ts";

export type PoolKey = "usdcWeth500" | "daiUsdc100" | "usdcUsdt100";

/** A pool as the manifest records it: tokens in pool order, and which one is quoted in the other. */
export interface DevnetPool extends QuotedPool {
  address: Address;
  token0: Address;
  token1: Address;
  fee: number;
  tickSpacing: number;
  base: Address;
  quote: Address;
}

interface PoolSpec {
  base: Address;
  baseDecimals: number;
  quote: Address;
  quoteDecimals: number;
  fee: number;
  tickSpacing: number;
  initialPrice: number;
  /** The maker's positions: price bounds as factors of the initial price, and quote-token value put in. */
  makerRanges: readonly { lower: number; upper: number; quoteAmount: number }[];
}

// Liquidity is concentrated near the price and thins out, like the mainnet pools' liquidity profile.
const VOLATILE_RANGES = [
  { lower: 0.97, upper: 1.03, quoteAmount: 6_000_000 },
  { lower: 0.9, upper: 1.11, quoteAmount: 4_000_000 },
  { lower: 0.75, upper: 1.33, quoteAmount: 3_000_000 },
  { lower: 0.5, upper: 2, quoteAmount: 2_000_000 },
  { lower: 0.2, upper: 5, quoteAmount: 1_000_000 },
];
const STABLE_RANGES = [
  { lower: 0.999, upper: 1.001, quoteAmount: 10_000_000 },
  { lower: 0.995, upper: 1.005, quoteAmount: 5_000_000 },
  { lower: 0.98, upper: 1.02, quoteAmount: 3_000_000 },
  { lower: 0.9, upper: 1.1, quoteAmount: 2_000_000 },
  { lower: 0.5, upper: 2, quoteAmount: 1_000_000 },
];

/** The token addresses pools are made of (a chain's address book). */
export type PoolTokens = Readonly<Record<keyof typeof MAINNET_TOKENS, Address>>;

/** The three pools over `tokens` (default: mainnet's): same fees, prices and maker ranges on every chain. */
export function poolSpecs(tokens: PoolTokens = MAINNET_TOKENS): Record<PoolKey, PoolSpec> {
  return {
    usdcWeth500: {
      base: tokens.weth,
      baseDecimals: 18,
      quote: tokens.usdc,
      quoteDecimals: 6,
      fee: 500,
      tickSpacing: 10,
      initialPrice: 3000,
      makerRanges: VOLATILE_RANGES,
    },
    daiUsdc100: {
      base: tokens.dai,
      baseDecimals: 18,
      quote: tokens.usdc,
      quoteDecimals: 6,
      fee: 100,
      tickSpacing: 1,
      initialPrice: 1,
      makerRanges: STABLE_RANGES,
    },
    usdcUsdt100: {
      base: tokens.usdc,
      baseDecimals: 6,
      quote: tokens.usdt,
      quoteDecimals: 6,
      fee: 100,
      tickSpacing: 1,
      initialPrice: 1,
      makerRanges: STABLE_RANGES,
    },
  };
}

export const POOL_SPECS: Record<PoolKey, PoolSpec> = poolSpecs();

/** Observation slots per pool: hours of TWAP history at one swap per block. */
export const OBSERVATION_CARDINALITY = 200;

function describePool(address: Address, spec: PoolSpec): DevnetPool {
  const baseIsToken0 = BigInt(spec.base) < BigInt(spec.quote);
  return {
    address: getAddress(address),
    token0: baseIsToken0 ? spec.base : spec.quote,
    token1: baseIsToken0 ? spec.quote : spec.base,
    fee: spec.fee,
    tickSpacing: spec.tickSpacing,
    base: spec.base,
    quote: spec.quote,
    baseIsToken0,
    baseDecimals: spec.baseDecimals,
    quoteDecimals: spec.quoteDecimals,
  };
}

/**
 * Creates and initializes the three pools through the factory at its mainnet address (so USDC/WETH 0.05% lands
 * at 0x88e6…5640) and raises their observation cardinality so TWAPs work.
 */
export async function createPools(
  client: DevnetClient,
  from: Address,
  contracts: { factory: Address; positionManager: Address },
  tokens: PoolTokens = MAINNET_TOKENS,
): Promise<Record<PoolKey, DevnetPool>> {
  const pools = {} as Record<PoolKey, DevnetPool>;
  for (const [key, spec] of Object.entries(poolSpecs(tokens)) as [PoolKey, PoolSpec][]) {
    const described = describePool("0x0000000000000000000000000000000000000000", spec);
    await writeDevnetContract(client, from, {
      address: contracts.positionManager,
      abi: POSITION_MANAGER_ABI,
      functionName: "createAndInitializePoolIfNecessary",
      args: [
        described.token0,
        described.token1,
        spec.fee,
        sqrtPriceX96FromQuote(described, spec.initialPrice),
      ],
    });
    const address = await client.publicClient.readContract({
      address: contracts.factory,
      abi: UNISWAP_V3_FACTORY_ABI,
      functionName: "getPool",
      args: [described.token0, described.token1, spec.fee],
    });
    await writeDevnetContract(client, from, {
      address,
      abi: UNISWAP_V3_POOL_ABI,
      functionName: "increaseObservationCardinalityNext",
      args: [OBSERVATION_CARDINALITY],
    });
    pools[key] = describePool(address, spec);
  }
  return pools;
}

export interface PositionRequest {
  /** Price bounds of base in quote. */
  lowerPrice: number;
  upperPrice: number;
  /** Most of each token to put in (human units); the pool takes what the price and range call for. */
  baseAmount: number;
  quoteAmount: number;
  recipient: Address;
}

/** Calldata of NonfungiblePositionManager.mint for a position given in human prices and amounts. */
export function encodeMintPosition(pool: DevnetPool, request: PositionRequest): Hex {
  const tickA = tickFromRawPrice(rawPriceFromQuote(pool, request.lowerPrice));
  const tickB = tickFromRawPrice(rawPriceFromQuote(pool, request.upperPrice));
  const baseUnits = parseUnits(request.baseAmount.toFixed(pool.baseDecimals), pool.baseDecimals);
  const quoteUnits = parseUnits(request.quoteAmount.toFixed(pool.quoteDecimals), pool.quoteDecimals);
  return encodeFunctionData({
    abi: POSITION_MANAGER_ABI,
    functionName: "mint",
    args: [
      {
        token0: pool.token0,
        token1: pool.token1,
        fee: pool.fee,
        tickLower: alignTick(Math.min(tickA, tickB), pool.tickSpacing, "down"),
        tickUpper: alignTick(Math.max(tickA, tickB), pool.tickSpacing, "up"),
        amount0Desired: pool.baseIsToken0 ? baseUnits : quoteUnits,
        amount1Desired: pool.baseIsToken0 ? quoteUnits : baseUnits,
        amount0Min: 0n,
        amount1Min: 0n,
        recipient: request.recipient,
        deadline: NO_DEADLINE,
      },
    ],
  });
}

/** The maker's liquidity: several positions per pool, concentrated near the price (see POOL_SPECS). */
export async function addMakerLiquidity(
  client: DevnetClient,
  maker: Address,
  positionManager: Address,
  pools: Record<PoolKey, DevnetPool>,
): Promise<void> {
  for (const [key, spec] of Object.entries(POOL_SPECS) as [PoolKey, PoolSpec][]) {
    for (const range of spec.makerRanges) {
      await sendDevnetTransaction(client, `maker liquidity in ${key}`, {
        from: maker,
        to: positionManager,
        data: encodeMintPosition(pools[key], {
          lowerPrice: spec.initialPrice * range.lower,
          upperPrice: spec.initialPrice * range.upper,
          baseAmount: (range.quoteAmount / spec.initialPrice) * 1.2,
          quoteAmount: range.quoteAmount * 1.2,
          recipient: maker,
        }),
      });
    }
  }
}
