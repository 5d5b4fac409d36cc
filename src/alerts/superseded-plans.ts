// Per book, the plans the keeper superseded within a window: planned, then refused because the chain moved from
// their premise before they could be sent (a pool moved, a feed left the oracle band, an urgent plan displaced
// them). One is routine; several in a window mean the keeper keeps deciding and acts on none of it, a hedge left to
// drift with no failure to page on. Pure: the caller hands in each superseded plan and the time.

export interface SupersededPlans {
  bookId: string;
  /** Superseded plans of the book within the window. */
  count: number;
  windowSec: number;
  /** The last one's reason, as recorded. */
  lastReason: string;
}

export function createSupersededPlansWindow(windowSec: number) {
  if (!(windowSec > 0)) throw new RangeError("the window must be positive");
  const byBook = new Map<string, { atSec: number; reason: string }[]>();
  const prune = (bookId: string, nowSec: number) => {
    const kept = (byBook.get(bookId) ?? []).filter((s) => s.atSec > nowSec - windowSec);
    if (kept.length === 0) byBook.delete(bookId);
    else byBook.set(bookId, kept);
    return kept;
  };
  return {
    record(bookId: string, reason: string, atSec: number): void {
      byBook.set(bookId, [...prune(bookId, atSec), { atSec, reason }]);
    },
    /** Books with at least `minCount` superseded plans in the window ending at `nowSec`. */
    atLeast(minCount: number, nowSec: number): SupersededPlans[] {
      return [...byBook.keys()].flatMap((bookId) => {
        const kept = prune(bookId, nowSec);
        return kept.length >= minCount
          ? [{ bookId, count: kept.length, windowSec, lastReason: kept.at(-1)!.reason }]
          : [];
      });
    },
  };
}
