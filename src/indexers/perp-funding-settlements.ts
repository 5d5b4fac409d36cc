// Every Perp v2 ClearingHouse `FundingPaymentSettled` whose trader is the book's Safe, whoever sent the transaction:
// a plan's trade or withdrawal, the Safe's owners in a transaction of their own (`ClearingHouse.settleAllFunding`,
// which Perp v2 lets only the trader or the vault call: "CH_OVOT"; any trade, deposit or withdrawal), a liquidator. Each
// moves funding out of the pending funding the samples record into owed realized P&L, so the report's carry over a
// step is the fall in pending funding less what was settled in it (src/store/report-period.ts): exact only when
// every settlement is known, not only those in the keeper's own receipts.
// With a v3 side the topic rides in its one getLogs per block (incremental-cache.ts `alsoLogs`): no request added.
// Otherwise the ClearingHouse is asked alone, for the blocks since the last snapshot that looked (only the snapshot's
// block the first time). Each answer names the first block it covered (`scannedFromBlock`), which the sample keeps:
// the report trusts the settlements of a step only when the scans cover all of it.
// Given the venue's Vault, the same scan also reads its Deposited/Withdrawn for the Safe (perp-collateral-move-logs.ts):
// one getLogs for both, so one covered span (book_samples.funding_scanned_from_block) vouches for both.
import { type Address, getAbiItem, isAddressEqual, type PublicClient } from "viem";
import { PERP_FUNDING_SETTLED_ABI } from "../chain/abis/perp-v2-abi.ts";
import { classifyChainError } from "../chain/classify-error.ts";
import type { ChangeLog } from "./book-changes.ts";
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

/** Beyond this many blocks since the last look, one log query may exceed providers' ranges: only the tail is read. */
const MAX_SETTLEMENT_SCAN_BLOCKS = 2_000n;

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
  return found.sort((a, b) =>
    a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1,
  );
}

/** Remembers how far the ClearingHouse's logs were looked at, and reads them alone when no shared getLogs did. */
export function createFundingSettlementWatch(input: {
  client: PublicClient;
  clearingHouse: Address;
  trader: Address;
  /** The venue's Vault, whose Deposited/Withdrawn for the trader the same scan reads; absent: settlements only. */
  vault?: Address;
}) {
  const vault = input.vault;
  const addresses = vault === undefined ? [input.clearingHouse] : [input.clearingHouse, vault];
  const events =
    vault === undefined
      ? [FUNDING_PAYMENT_SETTLED_EVENT]
      : [FUNDING_PAYMENT_SETTLED_EVENT, VAULT_DEPOSITED_EVENT, VAULT_WITHDRAWN_EVENT];
  const scanOf = (scannedFromBlock: bigint, logs: readonly ChangeLog[]): FundingSettlementsScan => ({
    scannedFromBlock,
    settlements: fundingSettlementsAmong(logs, input.clearingHouse, input.trader),
    ...(vault !== undefined && { collateralMoves: collateralMovesAmong(logs, vault, input.trader) }),
  });
  // The last complete snapshot's scan: blocks [fromBlock, toBlock].
  let last: { fromBlock: bigint; toBlock: bigint } | undefined;
  return {
    /** The ClearingHouse (and Vault) and events to add to a shared getLogs. */
    logSources: { addresses, events },
    /**
     * The trader's settlements up to `blockNumber`: from `shared` when a shared getLogs fetched blocks
     * [shared.fromBlock, blockNumber], otherwise read here from the block after the last look.
     */
    async since(
      blockNumber: bigint,
      shared: { fromBlock: bigint; logs: readonly ChangeLog[] } | undefined,
      countRequest: () => void,
    ): Promise<FundingSettlementsScan> {
      if (shared !== undefined) return scanOf(shared.fromBlock, shared.logs);
      // A block read again (a retried evaluation) is scanned over the same span as the first time, so its sample
      // vouches for as much; an older block, or the first look, for itself alone.
      const from =
        last === undefined ||
        blockNumber < last.toBlock ||
        blockNumber - last.toBlock > MAX_SETTLEMENT_SCAN_BLOCKS
          ? blockNumber
          : blockNumber === last.toBlock
            ? last.fromBlock
            : last.toBlock + 1n;
      countRequest();
      try {
        // The trader is an indexed topic of every event here, but in a different position in each: filtered below.
        const logs = await input.client.getLogs({
          address: addresses,
          events,
          fromBlock: from,
          toBlock: blockNumber,
          strict: true,
        });
        return scanOf(
          from,
          logs.map((log) => ({
            address: log.address,
            eventName: log.eventName,
            args: log.args as Record<string, unknown>,
            blockNumber: log.blockNumber,
            logIndex: log.logIndex,
            transactionHash: log.transactionHash,
          })),
        );
      } catch (error) {
        throw classifyChainError(error);
      }
    },
    /** A complete snapshot at `blockNumber` scanned from `scannedFromBlock` up to it. */
    remember(blockNumber: bigint, scannedFromBlock: bigint): void {
      if (last === undefined || blockNumber >= last.toBlock)
        last = { fromBlock: scannedFromBlock, toBlock: blockNumber };
    },
  };
}
