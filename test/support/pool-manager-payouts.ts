// What a v4 PoolManager transferred out in one transaction, read from its receipt's ERC-20 Transfer logs: the
// tests' own reading of a withdrawal's payout, apart from the keeper's (keeper/lp-withdrawal-payout.ts).
import { type Address, erc20Abi, parseEventLogs, type TransactionReceipt } from "viem";

export function poolManagerPayouts(receipt: TransactionReceipt, poolManager: Address) {
  const transfers = parseEventLogs({ abi: erc20Abi, eventName: "Transfer", logs: receipt.logs }).filter(
    (log) => log.args.from.toLowerCase() === poolManager.toLowerCase(),
  );
  return {
    /** Every recipient of those transfers, lowercased. */
    recipients: new Set(transfers.map((log) => log.args.to.toLowerCase())),
    /** The sum transferred in `currency` (its token address). */
    paidIn: (currency: string) =>
      transfers
        .filter((log) => log.address.toLowerCase() === currency.toLowerCase())
        .reduce((sum, log) => sum + log.args.value, 0n),
  };
}
