// The principal that went into and out of the Safe's v3 LP positions, whoever sent the transaction: a keeper plan,
// the Safe's owners rebalancing a range or adding liquidity. The report counts it as a transfer, not as IL / gamma
// (src/store/report-period.ts). Read from the NonfungiblePositionManager logs the incremental cache already fetches
// for change detection (book-changes.ts): no request added; after a restart, read alone over the span since the
// book's last sample (v3-flows-watch.ts).
//   IncreaseLiquidity(tokenId, liquidity, amount0, amount1)  amounts the position took in: a deposit
//   DecreaseLiquidity(tokenId, liquidity, amount0, amount1)  amounts moved from liquidity to tokensOwed: a withdrawal
//   Collect(tokenId, recipient, amount0, amount1)            tokensOwed paid out; beyond the same transaction's
//                                                            decreases it is fees collected
// (v3-periphery NonfungiblePositionManager: decreaseLiquidity credits tokensOwed with the burned principal plus the
// fees accrued, collect pays tokensOwed out.) One flow per transaction and position, at its first log.
import { type Address, isAddressEqual } from "viem";
import type { TokenRef } from "../engine/snapshot.ts";
import type { ChangeLog } from "./book-changes.ts";
import { inChainOrder } from "./log-order.ts";

export interface LpPrincipalFlow {
  blockNumber: bigint;
  transactionHash: `0x${string}`;
  /** The first of the transaction's logs for this position. */
  logIndex: number;
  /** "uniswap-v3:<tokenId>". */
  position: string;
  token0: TokenRef;
  token1: TokenRef;
  /** Token units paid out of the position's liquidity (+, DecreaseLiquidity) less those put in (−, IncreaseLiquidity). */
  principal0: bigint;
  principal1: bigint;
  /** Token units collected beyond the transaction's decreases (≥ 0): fees earned that left the position. */
  feesCollected0: bigint;
  feesCollected1: bigint;
  /** Every Collect of the transaction paid the Safe (false when one paid another address, or none ran). */
  collectedToSafe: boolean;
}

/**
 * The principal flows found up to the snapshot's block: from `scannedFromBlock` on, all of the Safe's. Flows before
 * it may be listed too (a scan read alone after a restart finds the held positions' flows over its whole span, but
 * not those of a position that left the Safe in it: v3-flows-watch.ts).
 */
export interface LpPrincipalFlowsScan {
  scannedFromBlock: bigint;
  flows: LpPrincipalFlow[];
}

interface AmountsArgs {
  tokenId: bigint;
  amount0: bigint;
  amount1: bigint;
  recipient?: Address;
}

/** The flows of the given positions among decoded logs (any addresses, any events), oldest first. */
/** A transaction's flow of one position before its logs are added: nothing moved yet. */
export function emptyFlowOf(
  log: ChangeLog & { transactionHash: `0x${string}` },
  position: { id: string; token0: TokenRef; token1: TokenRef },
  collectedToSafe: boolean,
): LpPrincipalFlow {
  return {
    blockNumber: log.blockNumber,
    transactionHash: log.transactionHash,
    logIndex: log.logIndex,
    position: position.id,
    token0: position.token0,
    token1: position.token1,
    principal0: 0n,
    principal1: 0n,
    feesCollected0: 0n,
    feesCollected1: 0n,
    collectedToSafe,
  };
}

export function v3PrincipalFlowsAmong(
  logs: readonly ChangeLog[],
  input: {
    positionManager: Address;
    safe: Address;
    /** The Safe's positions (at the cached block or this one) and their tokens. */
    positions: ReadonlyMap<bigint, { token0: TokenRef; token1: TokenRef }>;
  },
): LpPrincipalFlow[] {
  const ordered = [...logs].sort(inChainOrder);
  const byTxAndPosition = new Map<string, LpPrincipalFlow & { decreased0: bigint; decreased1: bigint }>();
  const collected = new Map<string, { amount0: bigint; amount1: bigint }>();
  for (const log of ordered) {
    if (!isAddressEqual(log.address, input.positionManager)) continue;
    if (
      log.eventName !== "IncreaseLiquidity" &&
      log.eventName !== "DecreaseLiquidity" &&
      log.eventName !== "Collect"
    )
      continue;
    const args = log.args as unknown as AmountsArgs;
    const tokens = input.positions.get(args.tokenId);
    if (tokens === undefined) continue;
    if (log.transactionHash === undefined)
      throw new TypeError(`${log.eventName} at block ${log.blockNumber} came without its transaction hash`);
    const key = `${log.transactionHash.toLowerCase()} ${args.tokenId}`;
    let flow = byTxAndPosition.get(key);
    if (flow === undefined) {
      flow = {
        ...emptyFlowOf(
          { ...log, transactionHash: log.transactionHash },
          { id: `uniswap-v3:${args.tokenId}`, ...tokens },
          false,
        ),
        decreased0: 0n,
        decreased1: 0n,
      };
      byTxAndPosition.set(key, flow);
    }
    if (log.eventName === "IncreaseLiquidity") {
      flow.principal0 -= args.amount0;
      flow.principal1 -= args.amount1;
    } else if (log.eventName === "DecreaseLiquidity") {
      flow.principal0 += args.amount0;
      flow.principal1 += args.amount1;
      flow.decreased0 += args.amount0;
      flow.decreased1 += args.amount1;
    } else {
      const sum = collected.get(key) ?? { amount0: 0n, amount1: 0n };
      const firstCollect = !collected.has(key);
      collected.set(key, { amount0: sum.amount0 + args.amount0, amount1: sum.amount1 + args.amount1 });
      const toSafe = args.recipient !== undefined && isAddressEqual(args.recipient, input.safe);
      flow.collectedToSafe = firstCollect ? toSafe : flow.collectedToSafe && toSafe;
    }
  }
  const flows: LpPrincipalFlow[] = [];
  for (const [key, { decreased0, decreased1, ...flow }] of byTxAndPosition) {
    const c = collected.get(key) ?? { amount0: 0n, amount1: 0n };
    // What a Collect paid beyond the decreases of its transaction was fees owed before it (a Collect alone: all fees).
    flow.feesCollected0 = c.amount0 > decreased0 ? c.amount0 - decreased0 : 0n;
    flow.feesCollected1 = c.amount1 > decreased1 ? c.amount1 - decreased1 : 0n;
    flows.push(flow);
  }
  return flows;
}
