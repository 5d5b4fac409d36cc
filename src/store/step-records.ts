// How a report step (one sample to the next) takes the history's records of what happened within it: executions,
// liquidations, funding settlements, collateral moves, LP principal flows, each at the block it was mined in. Pure.
import { inChainOrder } from "../indexers/log-order.ts";
import type { PlanExecution } from "./history-store.ts";

/** A record of the chain, at its block (and its log's index within it, when it is a log). */
export interface BlockOrderedRecord {
  blockNumber: bigint;
  logIndex?: number;
}

/**
 * The records in chain order, handed out step by step: each call takes those mined after the previous call's block,
 * up to and including `throughBlock` (a step's end sample's block). Calls go forward in block order.
 */
export function stepSweepOf<T extends BlockOrderedRecord>(
  records: readonly T[],
): (throughBlock: bigint) => T[] {
  // One kind of record each: logs all carry their index, executions none (one per block and book).
  const ordered = [...records].sort((a, b) =>
    inChainOrder(
      { blockNumber: a.blockNumber, logIndex: a.logIndex ?? 0 },
      { blockNumber: b.blockNumber, logIndex: b.logIndex ?? 0 },
    ),
  );
  let next = 0;
  return (throughBlock) => {
    const taken: T[] = [];
    while (next < ordered.length && ordered[next]!.blockNumber <= throughBlock) taken.push(ordered[next++]!);
    return taken;
  };
}

/**
 * A step's total of an amount the indexer's scans record per transaction for the Safe, whoever sent it (funding
 * settled, collateral moved). Where the scans cover the step, the recorded ones are all of them: their sum, a plan's
 * own among them, counted once. Where they do not, the step's executions' receipts say what they moved (null when one
 * of them does not: unknown), and the recorded amounts of other transactions (the Safe's owners' own) are added,
 * deduplicated by transaction hash.
 */
export function stepTotalOf<R extends { txHash: string }>(input: {
  recorded: readonly R[];
  amountOf: (record: R) => number;
  executions: readonly PlanExecution[];
  receiptAmountOf: (execution: PlanExecution) => number | null;
  scansCoverStep: boolean;
}): number | null {
  const { recorded, amountOf } = input;
  if (input.scansCoverStep) return recorded.reduce((sum, r) => sum + amountOf(r), 0);
  let total: number | null = 0;
  for (const e of input.executions) {
    const amount = input.receiptAmountOf(e);
    total = total === null || amount === null ? null : total + amount;
  }
  if (total === null) return null;
  const executed = new Set(input.executions.map((e) => e.txHash.toLowerCase()));
  for (const r of recorded) if (!executed.has(r.txHash.toLowerCase())) total += amountOf(r);
  return total;
}
