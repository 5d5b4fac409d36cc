import { parseAbi } from "viem";

/** The ERC-2470 singleton factory: CREATE2 deployment of `initCode` with `salt`. */
export const ERC2470_ABI = parseAbi([
  "function deploy(bytes initCode, bytes32 salt) returns (address createdContract)",
]);
