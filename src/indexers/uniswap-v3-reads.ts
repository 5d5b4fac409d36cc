import {
  type Address,
  encodeAbiParameters,
  getAddress,
  getContractAddress,
  type Hex,
  keccak256,
  parseAbi,
} from "viem";
import type { ContractRead } from "../chain/read-at-block.ts";

export const POSITION_MANAGER_READ_ABI = parseAbi([
  "function balanceOf(address owner) view returns (uint256)",
  "function tokenOfOwnerByIndex(address owner, uint256 index) view returns (uint256)",
  "function positions(uint256 tokenId) view returns (uint96 nonce, address operator, address token0, address token1, uint24 fee, int24 tickLower, int24 tickUpper, uint128 liquidity, uint256 feeGrowthInside0LastX128, uint256 feeGrowthInside1LastX128, uint128 tokensOwed0, uint128 tokensOwed1)",
  "event IncreaseLiquidity(uint256 indexed tokenId, uint128 liquidity, uint256 amount0, uint256 amount1)",
  "event DecreaseLiquidity(uint256 indexed tokenId, uint128 liquidity, uint256 amount0, uint256 amount1)",
]);

export const POOL_READ_ABI = parseAbi([
  "function slot0() view returns (uint160 sqrtPriceX96, int24 tick, uint16 observationIndex, uint16 observationCardinality, uint16 observationCardinalityNext, uint8 feeProtocol, bool unlocked)",
  "function liquidity() view returns (uint128)",
  "function feeGrowthGlobal0X128() view returns (uint256)",
  "function feeGrowthGlobal1X128() view returns (uint256)",
  "function tickSpacing() view returns (int24)",
  "function fee() view returns (uint24)",
  "function token0() view returns (address)",
  "function token1() view returns (address)",
  "function ticks(int24 tick) view returns (uint128 liquidityGross, int128 liquidityNet, uint256 feeGrowthOutside0X128, uint256 feeGrowthOutside1X128, int56 tickCumulativeOutside, uint160 secondsPerLiquidityOutsideX128, uint32 secondsOutside, bool initialized)",
  "function observe(uint32[] secondsAgos) view returns (int56[] tickCumulatives, uint160[] secondsPerLiquidityCumulativeX128s)",
]);

export const ERC20_READ_ABI = parseAbi([
  "function balanceOf(address owner) view returns (uint256)",
  "function decimals() view returns (uint8)",
  "function symbol() view returns (string)",
]);

/** Uniswap v3's pool init-code hash on mainnet (v3-core 1.0.1 UniswapV3Pool). */
export const UNISWAP_V3_POOL_INIT_CODE_HASH: Hex =
  "0xe34f199b19b2b4f47f68442619d555527d244f78a3297ea89325f843f87b8b54";

/**
 * The pool's address from its key, as PoolAddress.computeAddress in v3-periphery: CREATE2 by the factory
 * with salt keccak256(abi.encode(token0, token1, fee)) over the pool's init-code hash; tokens sorted.
 */
export function computeV3PoolAddress(input: {
  factory: Address;
  tokenA: Address;
  tokenB: Address;
  fee: number;
  initCodeHash?: Hex;
}): Address {
  const [token0, token1] =
    BigInt(input.tokenA) < BigInt(input.tokenB) ? [input.tokenA, input.tokenB] : [input.tokenB, input.tokenA];
  const salt = keccak256(
    encodeAbiParameters(
      [{ type: "address" }, { type: "address" }, { type: "uint24" }],
      [token0, token1, input.fee],
    ),
  );
  return getAddress(
    getContractAddress({
      opcode: "CREATE2",
      from: input.factory,
      salt,
      bytecodeHash: input.initCodeHash ?? UNISWAP_V3_POOL_INIT_CODE_HASH,
    }),
  );
}

export const poolStateReads = (pool: Address, twapWindowSec: number): ContractRead[] => [
  { address: pool, abi: POOL_READ_ABI, functionName: "slot0" },
  { address: pool, abi: POOL_READ_ABI, functionName: "liquidity" },
  { address: pool, abi: POOL_READ_ABI, functionName: "feeGrowthGlobal0X128" },
  { address: pool, abi: POOL_READ_ABI, functionName: "feeGrowthGlobal1X128" },
  { address: pool, abi: POOL_READ_ABI, functionName: "observe", args: [[twapWindowSec, 0]] },
];

/** Static facts about a pool, read once and cached. */
export const poolStaticReads = (pool: Address): ContractRead[] => [
  { address: pool, abi: POOL_READ_ABI, functionName: "token0" },
  { address: pool, abi: POOL_READ_ABI, functionName: "token1" },
  { address: pool, abi: POOL_READ_ABI, functionName: "fee" },
  { address: pool, abi: POOL_READ_ABI, functionName: "tickSpacing" },
];

/** ticks(): four cold slots of one struct. */
export const TICK_READ_GAS = 12_000;
/** positions(): a 12-field struct over five cold slots, plus the pool key lookup. */
export const POSITION_READ_GAS = 25_000;

export const tickReads = (pool: Address, tick: number): ContractRead => ({
  address: pool,
  abi: POOL_READ_ABI,
  functionName: "ticks",
  args: [tick],
  gasHint: TICK_READ_GAS,
});

/** TWAP tick over the window from observe([window, 0]): (cumulative now − cumulative then) / window, rounded toward −∞ as OracleLibrary.consult. */
export function twapTickFromObservation(tickCumulatives: readonly bigint[], windowSec: number): number {
  const [then, now] = tickCumulatives;
  if (then === undefined || now === undefined) throw new RangeError("observe must return two cumulatives");
  const delta = now - then;
  const window = BigInt(windowSec);
  let tick = delta / window;
  if (delta < 0n && delta % window !== 0n) tick -= 1n;
  return Number(tick);
}
