import { parseAbi } from "viem";

/** WETH9 beyond ERC-20 (for which viem's `erc20Abi` serves): wrapping ether. */
export const WETH9_ABI = parseAbi(["function deposit() payable"]);
