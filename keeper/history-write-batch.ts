// A group job's history writes, coalesced: each book still awaits its own putSample, putBookStatus and putDecision
// in its own order, but a write goes to the store only once every book of the group still running has asked for
// the same kind of write (or finished, or went past it: an evaluation writes in that order, sample, status, decision,
// and a skipped one its decision only), and then as one multi-row statement for all of them (putSamples,
// putBookStatuses, putDecisions). Ten books cost three statements instead of some forty round trips. A book never
// waits on another's progress, only for the others to reach the same point or end, so no book can block the
// group. A failed write fails every book in it, each handed back as its own job (evaluate-group-job.ts).
import type {
  BookStatus,
  DecisionRecord,
  DepegSample,
  HistorySample,
  HistoryStore,
} from "../src/store/history-store.ts";

interface Pending<Row> {
  bookId: string;
  row: Row;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** One kind of write: its rows wait until no running book that has not made this write yet remains. */
function coalesced<Row>(
  bookIds: readonly string[],
  ended: ReadonlySet<string>,
  write: (rows: Row[]) => Promise<void>,
) {
  let pending: Pending<Row>[] = [];
  /** Books that wrote this kind, or went past it (asked for a later kind): none will ask for it again. */
  const wrote = new Set<string>();
  const flushIfReady = () => {
    if (pending.length === 0) return;
    const asking = new Set(pending.map((p) => p.bookId));
    for (const id of bookIds) if (!asking.has(id) && !ended.has(id) && !wrote.has(id)) return;
    const batch = pending;
    pending = [];
    for (const p of batch) wrote.add(p.bookId);
    write(batch.map((p) => p.row)).then(
      () => {
        for (const p of batch) p.resolve();
      },
      (error: unknown) => {
        for (const p of batch) p.reject(error);
      },
    );
  };
  return {
    add: (bookId: string, row: Row) =>
      new Promise<void>((resolve, reject) => {
        pending.push({ bookId, row, resolve, reject });
        flushIfReady();
      }),
    flushIfReady,
    /** `bookId` asked for a later kind of write: it will not make this one (a skipped evaluation writes only its decision). */
    passed(bookId: string) {
      wrote.add(bookId);
      flushIfReady();
    },
  };
}

/**
 * The history as the group's books see it: the three per-evaluation writes coalesced, everything else (reads,
 * plans) straight through. `ended(bookId)` must be called when a book's evaluation has settled, however it did.
 */
export function createHistoryWriteBatch(history: HistoryStore, bookIds: readonly string[]) {
  const ended = new Set<string>();
  const samples = coalesced<{
    chainId: number;
    bookId: string;
    sample: HistorySample;
    depeg: readonly DepegSample[];
  }>(bookIds, ended, (rows) => history.putSamples(rows));
  const statuses = coalesced<BookStatus>(bookIds, ended, (rows) => history.putBookStatuses(rows));
  const decisions = coalesced<DecisionRecord>(bookIds, ended, (rows) => history.putDecisions(rows));
  const store: HistoryStore = {
    ...history,
    putSample: (chainId, bookId, sample, depeg) => samples.add(bookId, { chainId, bookId, sample, depeg }),
    putBookStatus: (status) => {
      samples.passed(status.bookId);
      return statuses.add(status.bookId, status);
    },
    putDecision: (decision) => {
      samples.passed(decision.bookId);
      statuses.passed(decision.bookId);
      return decisions.add(decision.bookId, decision);
    },
  };
  return {
    store,
    ended(bookId: string): void {
      ended.add(bookId);
      for (const kind of [samples, statuses, decisions]) kind.flushIfReady();
    },
  };
}
