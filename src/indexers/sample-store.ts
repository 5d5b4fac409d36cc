import type { BookSample } from "../engine/snapshot.ts";

/**
 * Where per-block samples live for the engine's rolling metrics. Writes are idempotent per (book, block): a
 * re-read block replaces its sample; a reorg removes the samples of orphaned blocks. The history store
 * (src/store/sql-sample-store.ts) provides the durable implementation; this one keeps them in memory.
 */
export interface SampleStore {
  put(bookId: string, sample: BookSample): Promise<void>;
  /** The most recent `limit` samples at or below `uptoBlock`, oldest first. */
  recent(bookId: string, options: { limit: number; uptoBlock?: bigint }): Promise<BookSample[]>;
  /** recent() for each of several books in one read (a group evaluated at one block): `result[i]` is `bookIds[i]`'s. */
  recentOfBooks(
    bookIds: readonly string[],
    options: { limit: number; uptoBlock?: bigint },
  ): Promise<BookSample[][]>;
  /** Drop every sample at or above `fromBlock` (the blocks a reorg orphaned). */
  removeFrom(fromBlock: bigint): Promise<number>;
}

/** Samples in memory, bounded per book (oldest dropped first). */
export function createMemorySampleStore(options: { maxPerBook: number }): SampleStore {
  const books = new Map<string, BookSample[]>();
  const store: SampleStore = {
    async put(bookId, sample) {
      const samples = books.get(bookId) ?? [];
      const at = samples.findIndex((s) => s.blockNumber >= sample.blockNumber);
      if (at === -1) samples.push(sample);
      else if (samples[at]!.blockNumber === sample.blockNumber) samples[at] = sample;
      else samples.splice(at, 0, sample);
      if (samples.length > options.maxPerBook) samples.splice(0, samples.length - options.maxPerBook);
      books.set(bookId, samples);
    },
    async recent(bookId, { limit, uptoBlock }) {
      const samples = books.get(bookId) ?? [];
      const eligible = uptoBlock === undefined ? samples : samples.filter((s) => s.blockNumber <= uptoBlock);
      return eligible.slice(Math.max(0, eligible.length - limit));
    },
    recentOfBooks(bookIds, options) {
      return Promise.all(bookIds.map((bookId) => store.recent(bookId, options)));
    },
    async removeFrom(fromBlock) {
      let removed = 0;
      for (const [bookId, samples] of books) {
        const kept = samples.filter((s) => s.blockNumber < fromBlock);
        removed += samples.length - kept.length;
        books.set(bookId, kept);
      }
      return removed;
    },
  };
  return store;
}
