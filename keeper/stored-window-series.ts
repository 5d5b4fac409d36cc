// The history store's series behind the timed steward windows (1h, 1d, 7d, 30d): for each, the store's
// downsampled read (each bucket's last sample) over the window plus one bucket before it, so the window's first
// change starts at or before its start. The engine measures them (evaluation-history.ts, stewardWindowsOf).
import { STEWARD_WINDOWS } from "../src/engine/effectiveness.ts";
import type { HistoryStore } from "../src/store/history-store.ts";
import type { StoredWindowSeries } from "./evaluation-history.ts";

/** Points per timed window: as many as the live window's blocks (30 d → one per 3 h, 1 h → one per 15 s). */
export const STORED_WINDOW_POINTS = 240;

/** Reads each timed steward window's series ending at `endSec` (the evaluated block's time). */
export async function storedWindowSeries(
  store: Pick<HistoryStore, "hedgedSeries">,
  bookId: string,
  endSec: number,
): Promise<StoredWindowSeries> {
  const timed = STEWARD_WINDOWS.flatMap((spec) => ("durationSec" in spec ? [spec] : []));
  const series = await Promise.all(
    timed.map((spec) => {
      const bucketSec = Math.ceil(spec.durationSec / STORED_WINDOW_POINTS);
      return store.hedgedSeries(bookId, {
        fromSec: Math.max(0, endSec - spec.durationSec - bucketSec),
        toSec: endSec,
        maxPoints: STORED_WINDOW_POINTS + 1,
      });
    }),
  );
  return Object.fromEntries(timed.map((spec, i) => [spec.label, series[i]!]));
}
