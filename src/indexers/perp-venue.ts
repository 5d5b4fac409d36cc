import type { Address } from "viem";
import { type ContractRead, type ReadOutcome, requireValue } from "../chain/read-at-block.ts";
import type { ReadBatch } from "../chain/read-batch.ts";
import type { PerpPositionSnapshot, TokenRef } from "../engine/snapshot.ts";

/**
 * A perpetual futures venue as the indexer sees it: the reads that describe one account's position in
 * one market, contributed to the same block-pinned batch as everything else, and how to turn their
 * values into the engine's `PerpPositionSnapshot`. Add a venue by implementing this; nothing else changes.
 */
export interface PerpVenue {
  readonly id: string;
  /**
   * The contract that logs Perp v2's `FundingPaymentSettled(trader, baseToken, fundingPayment)` for the venue's
   * accounts (the ClearingHouse), whoever caused the settlement; absent for a venue that logs none.
   */
  readonly fundingSettledBy?: Address;
  /**
   * The contract that logs Perp v2's `Deposited` / `Withdrawn(collateralToken, trader, amount)` for the venue's
   * accounts (the Vault), whoever moved the collateral; absent for a venue that logs none.
   */
  readonly collateralMovedBy?: Address;
  positionReads(account: Address, market: Address): ContractRead[];
  /** The market pool's ticks(i) of every multiple of the window's spacing from its lower to its upper tick. */
  depthWindowReads(window: PerpDepthWindow): ContractRead[];
  decodePosition(
    values: readonly unknown[],
    context: { market: Address; settlementToken: TokenRef },
    prefetched?: PrefetchedPerpDepth,
  ): PerpPositionDraft;
}

/** Every multiple of `tickSpacing` from `lower` to `upper` (both multiples of it), inclusive. */
export interface PerpDepthWindow {
  lower: number;
  upper: number;
  tickSpacing: number;
}

/** A window's ticks(i) answers, read in the main round before the block's price was known. */
export interface PrefetchedPerpDepth {
  window: PerpDepthWindow;
  values: readonly unknown[];
}

/**
 * The main round's values decoded, and what completes the market's depth: which ticks to read depends on the price
 * the main round read. When the prefetched window covers them, `depthReads` is empty and no further round is needed;
 * otherwise they are one more round at the same block.
 */
export interface PerpPositionDraft {
  depthReads: ContractRead[];
  complete(depthValues: readonly unknown[]): PerpPositionSnapshot;
  /** The window the next snapshot prefetches in its main round: every tick a trade can reach by then. */
  nextDepthWindow: PerpDepthWindow;
}

/**
 * Adds the venue's position reads to the round, with the ticks of `depthHint` (the last snapshot's
 * `nextDepthWindow`) when there is one; the returned function decodes them and, only when the hint did not cover
 * the ticks a trade can reach from this block's price (no hint yet, blocks skipped, a reorg), reads them in one more
 * round with `read` (pinned to the same block). Either way the snapshot is the same.
 */
export function planPerpReads(
  batch: ReadBatch,
  perp: { venue: PerpVenue; market: Address; settlementToken: TokenRef },
  account: Address,
  depthHint: PerpDepthWindow | undefined,
): (
  outcomes: readonly ReadOutcome[],
  read: (reads: readonly ContractRead[]) => Promise<ReadOutcome[]>,
) => Promise<{ perp: PerpPositionSnapshot; nextDepthWindow: PerpDepthWindow }> {
  const slot = batch.addGroup(perp.venue.positionReads(account, perp.market), "perp read");
  const hinted = depthHint && {
    window: depthHint,
    slot: batch.addGroup(perp.venue.depthWindowReads(depthHint), "perp depth read (hinted window)"),
  };
  return async (outcomes, read) => {
    const draft = perp.venue.decodePosition(
      slot.value(outcomes),
      { market: perp.market, settlementToken: perp.settlementToken },
      hinted && { window: hinted.window, values: hinted.slot.value(outcomes) },
    );
    const { nextDepthWindow } = draft;
    if (draft.depthReads.length === 0) return { perp: draft.complete([]), nextDepthWindow };
    const depthOutcomes = await read(draft.depthReads);
    const values = depthOutcomes.map((o, i) => requireValue<unknown>(o, `perp depth read ${i}`));
    return { perp: draft.complete(values), nextDepthWindow };
  };
}
