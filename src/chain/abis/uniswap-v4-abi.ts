import { parseAbi } from "viem";

// The parts of Uniswap v4's interfaces this project calls or reads logs of, each with its published signature:
// v4-core IPoolManager 1.0.2, v4-periphery 1.0.3 IPositionManager (+ its ERC-721), StateView and V4Quoter, and
// Permit2's IAllowanceTransfer. A PoolKey is the 5-field struct of v4-core types/PoolKey.sol.

const POOL_KEY =
  "struct PoolKey { address currency0; address currency1; uint24 fee; int24 tickSpacing; address hooks; }";

export const POOL_MANAGER_V4_ABI = parseAbi([
  POOL_KEY,
  "function initialize(PoolKey key, uint160 sqrtPriceX96) returns (int24 tick)",
  "function owner() view returns (address)",
  "function protocolFeeController() view returns (address)",
  "function extsload(bytes32[] slots) view returns (bytes32[] values)",
  "event Initialize(bytes32 indexed id, address indexed currency0, address indexed currency1, uint24 fee, int24 tickSpacing, address hooks, uint160 sqrtPriceX96, int24 tick)",
  "event ModifyLiquidity(bytes32 indexed id, address indexed sender, int24 tickLower, int24 tickUpper, int256 liquidityDelta, bytes32 salt)",
  "event Swap(bytes32 indexed id, address indexed sender, int128 amount0, int128 amount1, uint160 sqrtPriceX96, uint128 liquidity, int24 tick, uint24 fee)",
  "event Donate(bytes32 indexed id, address indexed sender, uint256 amount0, uint256 amount1)",
]);

/**
 * PositionManager: ERC-721 position NFTs without enumeration (no tokenOfOwnerByIndex), every liquidity change
 * through `modifyLiquidities(abi.encode(actions, params), deadline)`. `info` is the packed PositionInfo word.
 */
export const V4_POSITION_MANAGER_ABI = parseAbi([
  POOL_KEY,
  "function modifyLiquidities(bytes unlockData, uint256 deadline) payable",
  "function initializePool(PoolKey key, uint160 sqrtPriceX96) payable returns (int24)",
  "function multicall(bytes[] data) payable returns (bytes[] results)",
  "function nextTokenId() view returns (uint256)",
  "function getPoolAndPositionInfo(uint256 tokenId) view returns (PoolKey poolKey, uint256 info)",
  "function getPositionLiquidity(uint256 tokenId) view returns (uint128 liquidity)",
  "function positionInfo(uint256 tokenId) view returns (uint256 info)",
  "function poolKeys(bytes25 poolId) view returns (address currency0, address currency1, uint24 fee, int24 tickSpacing, address hooks)",
  "function ownerOf(uint256 tokenId) view returns (address owner)",
  "function balanceOf(address owner) view returns (uint256)",
  "function transferFrom(address from, address to, uint256 id)",
  "function name() view returns (string)",
  "function symbol() view returns (string)",
  "function DOMAIN_SEPARATOR() view returns (bytes32)",
  "function poolManager() view returns (address)",
  "function permit2() view returns (address)",
  "event Transfer(address indexed from, address indexed to, uint256 indexed id)",
  "event Subscription(uint256 indexed tokenId, address indexed subscriber)",
  "event Unsubscription(uint256 indexed tokenId, address indexed subscriber)",
]);

/** StateView: the PoolManager's pool state (kept in extsload slots) as plain view functions, by PoolId. */
export const STATE_VIEW_ABI = parseAbi([
  "function poolManager() view returns (address)",
  "function getSlot0(bytes32 poolId) view returns (uint160 sqrtPriceX96, int24 tick, uint24 protocolFee, uint24 lpFee)",
  "function getLiquidity(bytes32 poolId) view returns (uint128 liquidity)",
  "function getFeeGrowthGlobals(bytes32 poolId) view returns (uint256 feeGrowthGlobal0, uint256 feeGrowthGlobal1)",
  "function getFeeGrowthInside(bytes32 poolId, int24 tickLower, int24 tickUpper) view returns (uint256 feeGrowthInside0X128, uint256 feeGrowthInside1X128)",
  "function getPositionInfo(bytes32 poolId, address owner, int24 tickLower, int24 tickUpper, bytes32 salt) view returns (uint128 liquidity, uint256 feeGrowthInside0LastX128, uint256 feeGrowthInside1LastX128)",
  "function getTickInfo(bytes32 poolId, int24 tick) view returns (uint128 liquidityGross, int128 liquidityNet, uint256 feeGrowthOutside0X128, uint256 feeGrowthOutside1X128)",
]);

/** V4Quoter: quotes by simulating the swap and reverting with its result (call it with eth_call only). */
export const V4_QUOTER_ABI = parseAbi([
  POOL_KEY,
  "struct QuoteExactSingleParams { PoolKey poolKey; bool zeroForOne; uint128 exactAmount; bytes hookData; }",
  "function poolManager() view returns (address)",
  "function quoteExactInputSingle(QuoteExactSingleParams params) returns (uint256 amountOut, uint256 gasEstimate)",
]);

/** Permit2's allowance half: PositionManager pulls ERC-20s from the owner through it. */
export const PERMIT2_ABI = parseAbi([
  "function approve(address token, address spender, uint160 amount, uint48 expiration)",
  "function allowance(address user, address token, address spender) view returns (uint160 amount, uint48 expiration, uint48 nonce)",
  "function DOMAIN_SEPARATOR() view returns (bytes32)",
]);

/**
 * v4-core's PoolSwapTest (src/test): the swap router Uniswap deploys on its testnets. The devnet's trader swaps
 * through it; it pulls the input with transferFrom and refunds unused ETH.
 */
export const POOL_SWAP_TEST_ABI = parseAbi([
  POOL_KEY,
  "struct SwapParams { bool zeroForOne; int256 amountSpecified; uint160 sqrtPriceLimitX96; }",
  "struct TestSettings { bool takeClaims; bool settleUsingBurn; }",
  "function swap(PoolKey key, SwapParams params, TestSettings testSettings, bytes hookData) payable returns (int256 delta)",
]);
