import { type Address, encodeAbiParameters, getAddress, getContractAddress, type Hex, keccak256 } from "viem";
import { POSITION_MANAGER_ABI, UNISWAP_V3_POOL_ABI } from "../chain/abis/uniswap-v3-abi.ts";
import { type ReadResult, typedRead } from "../chain/typed-read.ts";

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

// Hints are what one read costs inside a Multicall3 batch, the batch's memory growth included: measured on the
// devnet with eth_estimateGas over batches of 100 to 1,000 reads (ticks 14.1k-14.8k, positions 18.2k-18.4k, observe
// 19k at cardinality 200), rounded up. Too low a hint makes a batch overrun the node's cap and execute twice.
/** ticks(): four cold slots of one struct. */
export const TICK_READ_GAS = 15_000;
/**
 * observe([window, 0]): a binary search over the observations, two cold slots a step (log2 of the cardinality
 * steps: 8 at the devnet's 200, 16 at the largest, 65,535).
 */
export const OBSERVE_READ_GAS = 40_000;

/** What changes in a pool from block to block, and its TWAP observation over `twapWindowSec`. */
export const poolStateReads = (pool: Address, twapWindowSec: number) => ({
  slot0: typedRead({ address: pool, abi: UNISWAP_V3_POOL_ABI, functionName: "slot0" }),
  liquidity: typedRead({ address: pool, abi: UNISWAP_V3_POOL_ABI, functionName: "liquidity" }),
  feeGrowthGlobal0X128: typedRead({
    address: pool,
    abi: UNISWAP_V3_POOL_ABI,
    functionName: "feeGrowthGlobal0X128",
  }),
  feeGrowthGlobal1X128: typedRead({
    address: pool,
    abi: UNISWAP_V3_POOL_ABI,
    functionName: "feeGrowthGlobal1X128",
  }),
  observe: typedRead({
    address: pool,
    abi: UNISWAP_V3_POOL_ABI,
    functionName: "observe",
    args: [[twapWindowSec, 0]],
    gasHint: OBSERVE_READ_GAS,
  }),
});

/** Static facts about a pool, read once and cached. */
export const poolStaticReads = (pool: Address) => ({
  token0: typedRead({ address: pool, abi: UNISWAP_V3_POOL_ABI, functionName: "token0" }),
  token1: typedRead({ address: pool, abi: UNISWAP_V3_POOL_ABI, functionName: "token1" }),
  fee: typedRead({ address: pool, abi: UNISWAP_V3_POOL_ABI, functionName: "fee" }),
  tickSpacing: typedRead({ address: pool, abi: UNISWAP_V3_POOL_ABI, functionName: "tickSpacing" }),
});

/** positions(): a 12-field struct over five cold slots, plus the pool key lookup. */
export const POSITION_READ_GAS = 25_000;

export const tickRead = (pool: Address, tick: number) =>
  typedRead({
    address: pool,
    abi: UNISWAP_V3_POOL_ABI,
    functionName: "ticks",
    args: [tick],
    gasHint: TICK_READ_GAS,
  });

/** NonfungiblePositionManager.positions(tokenId), by field. */
export type V3PositionState = ReadResult<typeof POSITION_MANAGER_ABI, "positions">;

export const positionRead = (positionManager: Address, tokenId: bigint) =>
  typedRead({
    address: positionManager,
    abi: POSITION_MANAGER_ABI,
    functionName: "positions",
    args: [tokenId],
    gasHint: POSITION_READ_GAS,
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
