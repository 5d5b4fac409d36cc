import { parseAbi } from "viem";

/** The reads of a Uniswap v2 pair (v2-core IUniswapV2Pair) that value an LP position. */
export const UNISWAP_V2_PAIR_ABI = parseAbi([
  "function getReserves() view returns (uint112 reserve0, uint112 reserve1, uint32 blockTimestampLast)",
  "function totalSupply() view returns (uint256)",
  "function balanceOf(address owner) view returns (uint256)",
  "function token0() view returns (address)",
  "function token1() view returns (address)",
]);
