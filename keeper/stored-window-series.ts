// The history store's series behind the timed steward windows (1h, 1d, 7d, 30d): for each, the store's
// downsampled read (each bucket's last sample) over the window plus one bucket before it, so the window's first
// change starts at or before its start. The engine measures them (evaluation-history.ts, stewardWindowsOf).
import { STEWARD_WINDOWS } from "../src/engine/effectiveness.ts";
import type { HistoryStore } from "../src/store/history-store.ts";
import type { StoredWindowSeries } from "./evaluation-history.ts";

/** Points per timed window: as many as the live window's blocks (30 d → one per 3 h, 1 h → one per 15 s). */
export const STORED_WINDOW_POINTS = 240;

const TIMED_WINDOWS = STEWARD_WINDOWS.flatMap((spec) => ("durationSec" in spec ? [spec] : []));

/** Each timed window's range ending at `endSec`, in TIMED_WINDOWS' order. */
function storedWindowRanges(endSec: number) {
  return TIMED_WINDOWS.map((spec) => {
    const bucketSec = Math.ceil(spec.durationSec / STORED_WINDOW_POINTS);
    return {
      fromSec: Math.max(0, endSec - spec.durationSec - bucketSec),
      toSec: endSec,
      maxPoints: STORED_WINDOW_POINTS + 1,
    };
  });
}

/** Each book's timed steward windows' series ending at `endSec` (the evaluated block's time), in one read. */
export async function storedWindowSeriesOfBooks(
  store: Pick<HistoryStore, "hedgedSeriesOfBooks">,
  bookIds: readonly string[],
  endSec: number,
): Promise<Map<string, StoredWindowSeries>> {
  const series = await store.hedgedSeriesOfBooks(bookIds, storedWindowRanges(endSec));
  return new Map(
    bookIds.map((bookId, b) => [
      bookId,
      Object.fromEntries(TIMED_WINDOWS.map((spec, w) => [spec.label, series[b]![w]!])),
    ]),
  );
}

/** Reads each timed steward window's series ending at `endSec` (the evaluated block's time). */
export async function storedWindowSeries(
  store: Pick<HistoryStore, "hedgedSeriesOfBooks">,
  bookId: string,
  endSec: number,
): Promise<StoredWindowSeries> {
  return (await storedWindowSeriesOfBooks(store, [bookId], endSec)).get(bookId)!;
}
