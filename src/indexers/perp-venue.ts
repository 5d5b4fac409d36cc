import type { Address } from "viem";
import type { ContractRead, ReadOutcome } from "../chain/read-at-block.ts";
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
  ): PerpPositionSnapshot;
}

/** Adds the venue's position reads to the round; the returned function decodes them into the snapshot's perp. */
export function planPerpReads(
  batch: ReadBatch,
  perp: { venue: PerpVenue; market: Address; settlementToken: TokenRef },
  account: Address,
): (outcomes: readonly ReadOutcome[]) => PerpPositionSnapshot {
  const slot = batch.addGroup(perp.venue.positionReads(account, perp.market), "perp read");
  return (outcomes) =>
    perp.venue.decodePosition(slot.value(outcomes), {
      market: perp.market,
      settlementToken: perp.settlementToken,
    });
}
