// Every Perp v2 ClearingHouse `FundingPaymentSettled` whose trader is the book's Safe, whoever sent the transaction:
// a plan's trade or withdrawal, the Safe's owners in a transaction of their own (`ClearingHouse.settleAllFunding`,
// which Perp v2 lets only the trader or the vault call: "CH_OVOT"; any trade, deposit or withdrawal), a liquidator. Each
// moves funding out of the pending funding the samples record into owed realized P&L, so the report's carry over a
// step is the fall in pending funding less what was settled in it (src/store/report-period.ts): exact only when
// every settlement is known, not only those in the keeper's own receipts.
// They are read as one log stream (log-watch.ts: in the v3 side's getLogs when it is made, else the ClearingHouse
// alone over the span not yet looked at). Each answer names the first block it covered (`scannedFromBlock`), which
// the sample keeps: the report trusts the settlements of a step only when the scans cover all of it.
// Given the venue's Vault, the same scan also reads its Deposited/Withdrawn for the Safe (perp-collateral-move-logs.ts):
// one getLogs for both, so one covered span (book_samples.funding_scanned_from_block) vouches for both.
import { type Address, getAbiItem, isAddressEqual, type PublicClient } from "viem";
import { PERP_FUNDING_SETTLED_ABI } from "../chain/abis/perp-v2-abi.ts";
import type { ChangeLog } from "./book-changes.ts";
import { inChainOrder } from "./log-order.ts";
import { createLogWatch, type LogScanLimits } from "./log-watch.ts";
import {
  collateralMovesAmong,
  type PerpCollateralMove,
  VAULT_DEPOSITED_EVENT,
  VAULT_WITHDRAWN_EVENT,
} from "./perp-collateral-move-logs.ts";

export const FUNDING_PAYMENT_SETTLED_EVENT = getAbiItem({
  abi: PERP_FUNDING_SETTLED_ABI,
  name: "FundingPaymentSettled",
});

/** One FundingPaymentSettled for the watched trader, as the ClearingHouse emitted it. */
export interface PerpFundingSettlement {
  blockNumber: bigint;
  transactionHash: `0x${string}`;
  logIndex: number;
  baseToken: Address;
  /** 18 decimals, quote (vUSD) units; positive = the trader paid. */
  fundingPaymentWad: bigint;
}

/** The settlements (and, given a vault, the collateral moves) found in blocks [scannedFromBlock, the snapshot's block]. */
export interface FundingSettlementsScan {
  scannedFromBlock: bigint;
  settlements: PerpFundingSettlement[];
  /** The vault's Deposited/Withdrawn for the trader; absent when the watch was given no vault. */
  collateralMoves?: PerpCollateralMove[];
}

/** The trader's settlements among decoded logs (any addresses, any events), oldest first. */
export function fundingSettlementsAmong(
  logs: readonly ChangeLog[],
  clearingHouse: Address,
  trader: Address,
): PerpFundingSettlement[] {
  const found: PerpFundingSettlement[] = [];
  for (const log of logs) {
    if (log.eventName !== "FundingPaymentSettled" || !isAddressEqual(log.address, clearingHouse)) continue;
    const args = log.args as { trader: Address; baseToken: Address; fundingPayment: bigint };
    if (!isAddressEqual(args.trader, trader)) continue;
    if (log.transactionHash === undefined)
      throw new TypeError(
        `FundingPaymentSettled at block ${log.blockNumber} came without its transaction hash`,
      );
    found.push({
      blockNumber: log.blockNumber,
      transactionHash: log.transactionHash,
      logIndex: log.logIndex,
      baseToken: args.baseToken,
      fundingPaymentWad: args.fundingPayment,
    });
  }
  return found.sort(inChainOrder);
}

/** The trader's settlements (and, given a vault, its collateral moves): one log stream (log-watch.ts). */
export function createFundingSettlementWatch(input: {
  client: PublicClient;
  clearingHouse: Address;
  trader: Address;
  /** The venue's Vault, whose Deposited/Withdrawn for the trader the same scan reads; absent: settlements only. */
  vault?: Address;
  /** How far a scan read alone reaches, and the node's range limit (default: 2,000 blocks each). */
  limits?: LogScanLimits;
}) {
  const vault = input.vault;
  // The trader is an indexed topic of every event here, but in a different position in each: filtered when decoded.
  const watch = createLogWatch({
    client: input.client,
    addresses: vault === undefined ? [input.clearingHouse] : [input.clearingHouse, vault],
    events:
      vault === undefined
        ? [FUNDING_PAYMENT_SETTLED_EVENT]
        : [FUNDING_PAYMENT_SETTLED_EVENT, VAULT_DEPOSITED_EVENT, VAULT_WITHDRAWN_EVENT],
    ...input.limits,
  });
  return {
    /** The ClearingHouse (and Vault) and events to add to a shared getLogs. */
    logSources: watch.logSources,
    /** The trader's settlements up to `blockNumber` (LogWatch.scan: the span and where its logs come from). */
    async since(
      blockNumber: bigint,
      shared: { fromBlock: bigint; logs: readonly ChangeLog[] } | undefined,
      countRequest: () => void,
      resumeFromBlock?: bigint,
    ): Promise<FundingSettlementsScan> {
      const { scannedFromBlock, logs } = await watch.scan(blockNumber, shared, countRequest, {
        resumeFromBlock,
      });
      return {
        scannedFromBlock,
        settlements: fundingSettlementsAmong(logs, input.clearingHouse, input.trader),
        ...(vault !== undefined && { collateralMoves: collateralMovesAmong(logs, vault, input.trader) }),
      };
    },
    remember: watch.remember,
  };
}
