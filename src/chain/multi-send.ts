import { type Address, encodeFunctionData, encodePacked, type Hex, parseAbi, size } from "viem";

export const multiSendAbi = parseAbi(["function multiSend(bytes transactions) payable"]);

export interface MultiSendCall {
  to: Address;
  value?: bigint;
  data: Hex;
}

/**
 * Calldata for Safe's MultiSendCallOnly: each call packed as operation (uint8, always CALL) ‖ to ‖ value ‖
 * data length ‖ data, as in MultiSendCallOnly.sol. The Safe DELEGATECALLs it, so the calls run as the Safe.
 */
export function encodeMultiSendCallOnly(calls: readonly MultiSendCall[]): Hex {
  const packed = calls.map((call) =>
    encodePacked(
      ["uint8", "address", "uint256", "uint256", "bytes"],
      [0, call.to, call.value ?? 0n, BigInt(size(call.data)), call.data],
    ),
  );
  return encodeFunctionData({
    abi: multiSendAbi,
    functionName: "multiSend",
    args: [packed.length === 0 ? "0x" : (`0x${packed.map((p) => p.slice(2)).join("")}` as Hex)],
  });
}
