// `hedgekeeper export-prices`: a book's recorded base prices (and funding) as the backtester's CSV, so a treasury
// backtests a policy on its own history. Read from the history store's samples (one per evaluated block; one per
// minute once compacted). The store keeps no pool volume or borrow rate: those cells are left empty.
import type { PricePoint } from "../backtest/price-path.ts";
import { fail } from "../engine/input-guards.ts";
import type { HistoryStore } from "../store/history-store.ts";

/** Enough for a year of per-minute samples. */
const MAX_SAMPLES = 1_000_000;

export async function recordedPricePath(
  store: HistoryStore,
  options: { chainId: number; bookId: string; fromSec: number; toSec: number },
): Promise<PricePoint[]> {
  const { fromSec, toSec } = options;
  if (!(Number.isSafeInteger(fromSec) && Number.isSafeInteger(toSec) && fromSec < toSec))
    fail("--from/--to", "must be times with --from before --to", `${fromSec}..${toSec}`);
  const samples = await store.samples(options.chainId).recent(options.bookId, { limit: MAX_SAMPLES });
  const points: PricePoint[] = [];
  for (const s of samples) {
    if (s.timestampSec < fromSec || s.timestampSec > toSec) continue;
    const point: PricePoint = { timestampSec: s.timestampSec, basePriceUsd: s.basePriceUsd };
    if (Number.isFinite(s.fundingRateDaily)) point.fundingRateDaily = s.fundingRateDaily;
    // Blocks in the same second (a devnet mining on demand) keep the last: a path's times strictly increase.
    if (points.length > 0 && points[points.length - 1]!.timestampSec === s.timestampSec) points.pop();
    points.push(point);
  }
  if (points.length < 2)
    fail("history", `book ${options.bookId} has ${points.length} recorded sample(s) in that period (need 2)`);
  return points;
}
