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
  /** What the main round prefetches of the market's depth on `hint`: decodePosition takes the answers back. */
  depthHintReads(hint: PerpDepthHint): ContractRead[];
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

/**
 * What a snapshot leaves the next one to prefetch, before that block's price is known: the window of ticks a trade
 * can reach by then, and the ticks the last reading found initialized in it.
 */
export interface PerpDepthHint {
  window: PerpDepthWindow;
  initializedTicks: readonly number[];
}

/** A hint's reads answered in the main round (depthHintReads' order). */
export interface PrefetchedPerpDepth {
  hint: PerpDepthHint;
  values: readonly unknown[];
}

/**
 * The main round's values decoded, and what completes the market's depth: which ticks to read depends on the price
 * the main round read. When the prefetched window covers them, `depthReads` is empty and no further round is needed;
 * otherwise they are one more round at the same block.
 */
export interface PerpPositionDraft {
  depthReads: ContractRead[];
  complete(depthValues: readonly unknown[]): PerpPositionRead;
}

/** A position with its market's depth, and what the next snapshot prefetches in its main round. */
export interface PerpPositionRead {
  perp: PerpPositionSnapshot;
  /** Every tick a trade can reach by the next block, and those of them known initialized now. */
  nextDepthHint: PerpDepthHint;
}

/**
 * Adds the venue's position reads to the round, with the reads of `depthHint` (the last snapshot's `nextDepthHint`)
 * when there is one; the returned function decodes them and, only when the hint did not cover the ticks a trade can
 * reach from this block's price (no hint yet, blocks skipped, a reorg, a tick initialized since), reads what it
 * missed in one more round with `read` (pinned to the same block). Either way the snapshot is the same.
 */
export function planPerpReads(
  batch: ReadBatch,
  perp: { venue: PerpVenue; market: Address; settlementToken: TokenRef },
  account: Address,
  depthHint: PerpDepthHint | undefined,
): (
  outcomes: readonly ReadOutcome[],
  read: (reads: readonly ContractRead[]) => Promise<ReadOutcome[]>,
) => Promise<PerpPositionRead> {
  const slot = batch.addGroup(perp.venue.positionReads(account, perp.market), "perp read");
  const hinted = depthHint && {
    hint: depthHint,
    slot: batch.addGroup(perp.venue.depthHintReads(depthHint), "perp depth read (hinted window)"),
  };
  return async (outcomes, read) => {
    const draft = perp.venue.decodePosition(
      slot.value(outcomes),
      { market: perp.market, settlementToken: perp.settlementToken },
      hinted && { hint: hinted.hint, values: hinted.slot.value(outcomes) },
    );
    if (draft.depthReads.length === 0) return draft.complete([]);
    const depthOutcomes = await read(draft.depthReads);
    return draft.complete(depthOutcomes.map((o, i) => requireValue<unknown>(o, `perp depth read ${i}`)));
  };
}
