import { parseAbi } from "viem";

/** Multicall3's views beyond aggregate3 (viem's multicall3Abi declares only what viem itself calls). */
export const MULTICALL3_VIEWS_ABI = parseAbi([
  "function getBlockHash(uint256 blockNumber) view returns (bytes32 blockHash)",
]);
