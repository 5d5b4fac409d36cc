// The order the chain emitted logs in: by block, then by the log's index within its block (eth_getLogs' logIndex is
// the log's position in the block, not in its transaction). Every list of logs, or of what was decoded from them, is
// kept oldest first with this one comparator.

/** A log, or a record made from one, placed by its block and its index in that block. */
export interface LogPosition {
  blockNumber: bigint;
  logIndex: number;
}

/** Array.prototype.sort comparator: older block first, then lower log index. */
export function inChainOrder(a: LogPosition, b: LogPosition): number {
  if (a.blockNumber !== b.blockNumber) return a.blockNumber < b.blockNumber ? -1 : 1;
  return a.logIndex - b.logIndex;
}
