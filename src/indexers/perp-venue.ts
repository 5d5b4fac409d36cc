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
  positionReads(account: Address, market: Address): ContractRead[];
  decodePosition(
    values: readonly unknown[],
    context: { market: Address; settlementToken: TokenRef },
  ): PerpPositionDraft;
}

/**
 * The main round's values decoded, and the one further round at the same block that completes the market's
 * depth: which ticks to read depends on the price the main round read, so they cannot go in it.
 */
export interface PerpPositionDraft {
  depthReads: ContractRead[];
  complete(depthValues: readonly unknown[]): PerpPositionSnapshot;
}

/**
 * Adds the venue's position reads to the round; the returned function decodes them and reads the depth's round
 * with `read` (pinned to the same block) into the snapshot's perp.
 */
export function planPerpReads(
  batch: ReadBatch,
  perp: { venue: PerpVenue; market: Address; settlementToken: TokenRef },
  account: Address,
): (
  outcomes: readonly ReadOutcome[],
  read: (reads: readonly ContractRead[]) => Promise<ReadOutcome[]>,
) => Promise<PerpPositionSnapshot> {
  const slot = batch.addGroup(perp.venue.positionReads(account, perp.market), "perp read");
  return async (outcomes, read) => {
    const draft = perp.venue.decodePosition(slot.value(outcomes), {
      market: perp.market,
      settlementToken: perp.settlementToken,
    });
    const depthOutcomes = await read(draft.depthReads);
    return draft.complete(depthOutcomes.map((o, i) => requireValue<unknown>(o, `perp depth read ${i}`)));
  };
}
