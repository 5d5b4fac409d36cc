import {
  type Address,
  concat,
  encodeFunctionData,
  type Hex,
  type LocalAccount,
  type PublicClient,
  parseAbi,
  zeroAddress,
} from "viem";

// Safe 1.3+/1.4.1 transactions signed by owners with EIP-712 (Safe's `SafeTx` type) and executed through
// `execTransaction`. Plain functions: the caller brings the client and the signing accounts.

export const safeAbi = parseAbi([
  "function nonce() view returns (uint256)",
  "function getOwners() view returns (address[])",
  "function getThreshold() view returns (uint256)",
  "function isModuleEnabled(address module) view returns (bool)",
  "function enableModule(address module)",
  "function execTransaction(address to, uint256 value, bytes data, uint8 operation, uint256 safeTxGas, uint256 baseGas, uint256 gasPrice, address gasToken, address refundReceiver, bytes signatures) payable returns (bool)",
  "event ExecutionSuccess(bytes32 txHash, uint256 payment)",
  "event ExecutionFailure(bytes32 txHash, uint256 payment)",
]);

/** 0 = CALL, 1 = DELEGATECALL (e.g. to MultiSendCallOnly). */
export type SafeOperation = 0 | 1;

export interface SafeTransaction {
  to: Address;
  value: bigint;
  data: Hex;
  operation: SafeOperation;
  nonce: bigint;
}

const SAFE_TX_TYPES = {
  SafeTx: [
    { name: "to", type: "address" },
    { name: "value", type: "uint256" },
    { name: "data", type: "bytes" },
    { name: "operation", type: "uint8" },
    { name: "safeTxGas", type: "uint256" },
    { name: "baseGas", type: "uint256" },
    { name: "gasPrice", type: "uint256" },
    { name: "gasToken", type: "address" },
    { name: "refundReceiver", type: "address" },
    { name: "nonce", type: "uint256" },
  ],
} as const;

/** The EIP-712 typed data owners sign (no gas refund: safeTxGas, baseGas, gasPrice zero). */
export function safeTransactionTypedData(chainId: number, safe: Address, tx: SafeTransaction) {
  return {
    domain: { chainId, verifyingContract: safe },
    types: SAFE_TX_TYPES,
    primaryType: "SafeTx" as const,
    message: {
      ...tx,
      safeTxGas: 0n,
      baseGas: 0n,
      gasPrice: 0n,
      gasToken: zeroAddress,
      refundReceiver: zeroAddress,
    },
  };
}

export function readSafeNonce(client: PublicClient, safe: Address): Promise<bigint> {
  return client.readContract({ address: safe, abi: safeAbi, functionName: "nonce" });
}

/** Owners' EIP-712 signatures, concatenated in ascending signer order as `checkSignatures` requires. */
export async function signSafeTransaction(
  owners: readonly LocalAccount[],
  chainId: number,
  safe: Address,
  tx: SafeTransaction,
): Promise<Hex> {
  const typedData = safeTransactionTypedData(chainId, safe, tx);
  const sorted = [...owners].sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1));
  const signatures = await Promise.all(
    sorted.map((owner) => {
      if (!owner.signTypedData) throw new Error(`account ${owner.address} cannot sign typed data`);
      return owner.signTypedData(typedData);
    }),
  );
  return concat(signatures);
}

/** Calldata of `execTransaction` for a signed transaction. */
export function encodeExecTransaction(tx: SafeTransaction, signatures: Hex): Hex {
  return encodeFunctionData({
    abi: safeAbi,
    functionName: "execTransaction",
    args: [tx.to, tx.value, tx.data, tx.operation, 0n, 0n, 0n, zeroAddress, zeroAddress, signatures],
  });
}
