import { type Address, concat, encodeFunctionData, encodePacked, type Hex, size } from "viem";
import { MULTI_SEND_ABI } from "./abis.ts";

/** Safe operation: a CALL (0) or a DELEGATECALL (1). */
export const CALL = 0;
export const DELEGATE_CALL = 1;

export interface MetaTransaction {
  to: Address;
  value: bigint;
  data: Hex;
}

/**
 * Safe MultiSend packing (safe-contracts libraries/MultiSend.sol): each transaction is
 * `uint8 operation ‖ address to ‖ uint256 value ‖ uint256 dataLength ‖ bytes data`, concatenated.
 * MultiSendCallOnly refuses operation 1, so every entry here is a CALL.
 */
export function encodeMultiSendTransactions(transactions: readonly MetaTransaction[]): Hex {
  return concat(
    transactions.map((tx) =>
      encodePacked(
        ["uint8", "address", "uint256", "uint256", "bytes"],
        [CALL, tx.to, tx.value, BigInt(size(tx.data)), tx.data],
      ),
    ),
  );
}

/** Calldata for `multiSend(bytes)` over `transactions`. */
export function encodeMultiSend(transactions: readonly MetaTransaction[]): Hex {
  if (transactions.length === 0) throw new RangeError("a MultiSend batch needs at least one transaction");
  return encodeFunctionData({
    abi: MULTI_SEND_ABI,
    functionName: "multiSend",
    args: [encodeMultiSendTransactions(transactions)],
  });
}
