// The Safe's v3 principal flows (lp-principal-flows.ts) as a log stream (log-watch.ts). Every block the incremental
// cache's getLogs holds the position manager's logs (no request added); without it (a restart, a reorged cache, a
// gap beyond its range) the position manager is asked alone, but only for a span to build on: from the block after
// the last complete snapshot, or on a cold snapshot from the resume block. With neither, no flows are reported (the
// snapshot's block alone would vouch for nothing the report uses).
// Read alone, the flows need the positions the Safe held at the span's start. The getLogs asks for the
// IncreaseLiquidity / DecreaseLiquidity / Collect of the positions held now (tokenId is their first indexed topic)
// and every Transfer from the Safe (`from` is Transfer's first indexed topic): a position minted or received in the
// span is held now; one that left it (sent away, burned) was not asked about, so the flows are all of the Safe's
// only from the block after the last such Transfer, which `scannedFromBlock` then says.
import { type Address, isAddressEqual, pad, toEventSelector, toHex } from "viem";
import type { TokenRef } from "../engine/snapshot.ts";
import { BOOK_CHANGE_EVENTS, type ChangeLog } from "./book-changes.ts";
import { createLogWatch, type LogScanLimits, type LogWatchScan } from "./log-watch.ts";
import { type LpPrincipalFlowsScan, v3PrincipalFlowsAmong } from "./lp-principal-flows.ts";

/** The position manager's events a flow is made of, and the Transfer that says a position left the Safe. */
const POSITION_FLOW_EVENTS = BOOK_CHANGE_EVENTS.filter((event) =>
  ["Transfer", "IncreaseLiquidity", "DecreaseLiquidity", "Collect"].includes(event.name),
);

/**
 * The first block from which a scan read alone for the positions held now holds all of the Safe's flows: the block
 * after the last position left the Safe (a Transfer from it), else the scan's first block.
 */
export function completeFromBlock(
  logs: readonly ChangeLog[],
  positionManager: Address,
  safe: Address,
  scannedFromBlock: bigint,
): bigint {
  let complete = scannedFromBlock;
  for (const log of logs) {
    if (log.eventName !== "Transfer" || !isAddressEqual(log.address, positionManager)) continue;
    const { from } = log.args as { from: Address };
    if (isAddressEqual(from, safe) && log.blockNumber + 1n > complete) complete = log.blockNumber + 1n;
  }
  return complete;
}

export function createV3FlowsWatch(input: {
  client: Parameters<typeof createLogWatch>[0]["client"];
  positionManager: Address;
  safe: Address;
  /** How far a scan read alone reaches, and the node's range limit (default: 2,000 blocks each). */
  limits?: LogScanLimits;
}) {
  const { positionManager, safe } = input;
  const watch = createLogWatch({
    client: input.client,
    addresses: [positionManager],
    events: POSITION_FLOW_EVENTS,
    ...input.limits,
  });
  const selectors = POSITION_FLOW_EVENTS.map((event) => toEventSelector(event));
  return {
    /**
     * The position manager's logs up to `blockNumber`: the shared getLogs' when it was made, else read alone over
     * the span to build on (for `tokenIds`, the positions held at `blockNumber`); undefined when there is none.
     */
    async scan(
      blockNumber: bigint,
      shared: { fromBlock: bigint; logs: readonly ChangeLog[] } | undefined,
      countRequest: () => void,
      options: { resumeFromBlock: bigint | undefined; tokenIds: readonly bigint[] },
    ): Promise<LogWatchScan | undefined> {
      if (shared === undefined && watch.buildsOn(blockNumber, options.resumeFromBlock) === undefined)
        return undefined;
      // eth_getLogs ORs the values given for a topic: the flow events of the held ids, Transfers from the Safe.
      const topics = [selectors, [...options.tokenIds.map((id) => pad(toHex(id))), pad(safe)]];
      return watch.scan(blockNumber, shared, countRequest, {
        resumeFromBlock: options.resumeFromBlock,
        topics,
      });
    },
    /** The flows of a scan, for the Safe's positions (held at the cached block or now) and their tokens. */
    flowsOf(
      scan: LogWatchScan,
      positions: ReadonlyMap<bigint, { token0: TokenRef; token1: TokenRef }>,
      readAlone: boolean,
    ): LpPrincipalFlowsScan {
      return {
        scannedFromBlock: readAlone
          ? completeFromBlock(scan.logs, positionManager, safe, scan.scannedFromBlock)
          : scan.scannedFromBlock,
        flows: v3PrincipalFlowsAmong(scan.logs, { positionManager, safe, positions }),
      };
    },
    remember: watch.remember,
  };
}
