// Every Perp v2 Vault `Deposited` / `Withdrawn` whose trader is the book's Safe, whoever sent the transaction: a
// plan's deposit or withdrawal, or the Safe's owners in a transaction of their own. Either moves settlement tokens
// into or out of the vault balance the samples record, so the report's P&L settled into collateral over a step is
// the balance's change less what was moved in it (src/store/report-period.ts): exact only when every move is known,
// not only those in the keeper's own receipts. They ride in the funding settlements' scan
// (perp-funding-settlements.ts): the same getLogs, the same covered span.
import { type Address, getAbiItem, isAddressEqual } from "viem";
import { PERP_VAULT_ABI } from "../chain/abis/perp-v2-abi.ts";
import type { ChangeLog } from "./book-changes.ts";
import { inChainOrder } from "./log-order.ts";

export const VAULT_DEPOSITED_EVENT = getAbiItem({ abi: PERP_VAULT_ABI, name: "Deposited" });
export const VAULT_WITHDRAWN_EVENT = getAbiItem({ abi: PERP_VAULT_ABI, name: "Withdrawn" });

/** One Deposited or Withdrawn for the watched trader, as the Vault emitted it. */
export interface PerpCollateralMove {
  blockNumber: bigint;
  transactionHash: `0x${string}`;
  logIndex: number;
  collateralToken: Address;
  /** Settlement-token units (the vault's decimals); positive = deposited, negative = withdrawn. */
  movedUnits: bigint;
}

/** The trader's deposits and withdrawals among decoded logs (any addresses, any events), oldest first. */
export function collateralMovesAmong(
  logs: readonly ChangeLog[],
  vault: Address,
  trader: Address,
): PerpCollateralMove[] {
  const found: PerpCollateralMove[] = [];
  for (const log of logs) {
    if (log.eventName !== "Deposited" && log.eventName !== "Withdrawn") continue;
    if (!isAddressEqual(log.address, vault)) continue;
    const args = log.args as { collateralToken: Address; trader: Address; amount: bigint };
    if (!isAddressEqual(args.trader, trader)) continue;
    if (log.transactionHash === undefined)
      throw new TypeError(`${log.eventName} at block ${log.blockNumber} came without its transaction hash`);
    found.push({
      blockNumber: log.blockNumber,
      transactionHash: log.transactionHash,
      logIndex: log.logIndex,
      collateralToken: args.collateralToken,
      movedUnits: log.eventName === "Deposited" ? args.amount : -args.amount,
    });
  }
  return found.sort(inChainOrder);
}
