// What the books of one group job (book-groups.ts: books reading the same chain state, evaluated at one block) read
// from the history with the same arguments: their recent samples, their steward windows' series and their mined
// plans. The first book to ask reads every book of the group in one statement; the others take their part of that
// read. That is what each book's own read would return: the group's own writes of this block reach the store only
// once every running book has asked to write (history-write-batch.ts), which each does after its reads, and the
// recent samples stop at the block before. Other arguments, or a book outside the group, read on their own.
import type { BookSample } from "../src/engine/snapshot.ts";
import type { SampleStore } from "../src/indexers/sample-store.ts";
import type { HistoryStore, PlanExecution } from "../src/store/history-store.ts";
import type { StoredWindowSeries } from "./evaluation-history.ts";
import { storedWindowSeriesOfBooks } from "./stored-window-series.ts";

/** `read(bookId, args)` answered from one read of every book of the group per distinct `key(args)`. */
export function sharedByGroup<Args, Value>(
  bookIds: readonly string[],
  readAll: (bookIds: readonly string[], args: Args) => Promise<Value[]>,
  key: (args: Args) => string,
): (bookId: string, args: Args) => Promise<Value> {
  const index = new Map(bookIds.map((bookId, i) => [bookId, i] as const));
  const reads = new Map<string, Promise<Value[]>>();
  return async (bookId, args) => {
    const i = index.get(bookId);
    if (i === undefined) return (await readAll([bookId], args))[0]!;
    const k = key(args);
    let read = reads.get(k);
    if (read === undefined) {
      read = readAll(bookIds, args);
      reads.set(k, read);
    }
    return (await read)[i]!;
  };
}

export interface GroupReads {
  recentSamples(bookId: string, options: { limit: number; uptoBlock: bigint }): Promise<BookSample[]>;
  storedWindowSeries(bookId: string, endSec: number): Promise<StoredWindowSeries>;
  executions(
    bookId: string,
    options: { limit: number; fromSec: number; toSec: number },
  ): Promise<PlanExecution[]>;
}

export function createGroupReads(
  bookIds: readonly string[],
  samples: SampleStore,
  history: Pick<HistoryStore, "hedgedSeriesOfBooks" | "executionsOfBooks">,
): GroupReads {
  const windows = sharedByGroup<number, StoredWindowSeries>(
    bookIds,
    async (ids, endSec) => {
      const series = await storedWindowSeriesOfBooks(history, ids, endSec);
      return ids.map((id) => series.get(id)!);
    },
    String,
  );
  const recent = sharedByGroup<{ limit: number; uptoBlock: bigint }, BookSample[]>(
    bookIds,
    (ids, options) => samples.recentOfBooks(ids, options),
    ({ limit, uptoBlock }) => `${limit}:${uptoBlock}`,
  );
  const executions = sharedByGroup<{ limit: number; fromSec: number; toSec: number }, PlanExecution[]>(
    bookIds,
    (ids, options) => history.executionsOfBooks(ids, options),
    ({ limit, fromSec, toSec }) => `${limit}:${fromSec}:${toSec}`,
  );
  return { recentSamples: recent, storedWindowSeries: windows, executions };
}
