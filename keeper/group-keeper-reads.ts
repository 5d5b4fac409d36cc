// What the books of one group job read from Redis before deciding: the plan holding each book's lease and each
// book's engine memory. Two GETs per book were most of an evaluation's Redis commands (2.1 of 8.2 on the scale
// bench); the first book to ask reads every book of the group in one MGET per kind, the others take their part.
// The books of a group start together, so the group's read is as fresh as each book's own would have been: a lease
// taken or released meanwhile is seen by the next block's evaluation, as before, and a plan's own claim of the
// lease (plan-store.ts claimInFlight) still decides on the key itself.
import type { KeeperState } from "../src/engine/snapshot.ts";
import { type BookStateStore, keeperStateOf } from "./book-state-store.ts";
import { sharedByGroup } from "./group-reads.ts";
import type { PlanStore } from "./plan-store.ts";

export interface GroupKeeperReads {
  inFlight(bookId: string): Promise<string | null>;
  keeperState(bookId: string): Promise<KeeperState>;
}

export function createGroupKeeperReads(
  bookIds: readonly string[],
  plans: Pick<PlanStore, "inFlightOfBooks">,
  bookState: Pick<BookStateStore, "stateTextsOfBooks">,
): GroupKeeperReads {
  const inFlight = sharedByGroup<void, string | null>(
    bookIds,
    (ids) => plans.inFlightOfBooks(ids),
    () => "",
  );
  const stateTexts = sharedByGroup<void, string | null>(
    bookIds,
    (ids) => bookState.stateTextsOfBooks(ids),
    () => "",
  );
  return {
    inFlight: (bookId) => inFlight(bookId),
    // Parsed per book: one book's unreadable state fails that book alone (handed back), not its group.
    keeperState: async (bookId) => keeperStateOf(await stateTexts(bookId)),
  };
}
