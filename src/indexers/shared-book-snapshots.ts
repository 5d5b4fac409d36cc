// Books that read the same chain state share one indexer and one snapshot per block. Several books of one
// treasury (one Safe, the same venues and feeds, different policies) would otherwise each read the same values at
// every block: with a thousand books on a network, the reads, not the engine, bound how fast a block is evaluated.
// The engine's memory (keeper state, samples) and the book id stay each book's own.
import type { PublicClient } from "viem";
import { createSharedBlockReads, type SharedBlockReads } from "../chain/shared-block-reads.ts";
import type { BookSample, KeeperState } from "../engine/snapshot.ts";
import { createBookIndexer, type IndexedBook, resumeBlockAfter } from "./book-indexer.ts";
import type { BookSources } from "./book-sources.ts";

/** Snapshots kept per shared indexer: the newest blocks, for books whose evaluations of a block arrive late. */
const BLOCKS_KEPT = 4;

export interface SharedBookReader {
  snapshotAt(
    blockNumber: bigint,
    memory: { keeper: KeeperState; samples: BookSample[] },
  ): Promise<IndexedBook>;
}

const NO_KEEPER_STATE = { hedgeTriggered: false, lastPlanAtSec: null };

function createSharedIndexer(client: PublicClient, sources: BookSources, sharedReads: SharedBlockReads) {
  const indexer = createBookIndexer(client, sources, { sharedReads });
  const byBlock = new Map<bigint, Promise<IndexedBook>>();
  // Per book: the block after its newest sample, as it last asked. A cold snapshot's log streams resume from the
  // earliest of them (log-watch.ts), so the span since every book's last sample is scanned: a book whose last sample
  // is later is covered too (its sample says so), and events before it are recorded again (idempotent upserts).
  const resumeByBook = new Map<string, bigint>();
  // One snapshot at a time: the indexer builds each on the last (incremental-cache.ts), so two at once would race.
  let previous: Promise<unknown> = Promise.resolve();
  return (blockNumber: bigint, bookId: string, samples: readonly BookSample[]): Promise<IndexedBook> => {
    const resume = resumeBlockAfter(samples);
    if (resume !== undefined) resumeByBook.set(bookId, resume);
    const known = byBlock.get(blockNumber);
    if (known !== undefined) return known;
    // The memory is no book's own: the books of a group differ in it (each reader puts its own back). The resume
    // block is read when the snapshot starts, after the books that asked for this block meanwhile (a group job's
    // books ask together: group-reads.ts reads their samples in one query).
    const read = () => {
      let earliest: bigint | undefined;
      for (const resume of resumeByBook.values())
        if (earliest === undefined || resume < earliest) earliest = resume;
      return indexer.snapshotAt(blockNumber, {
        keeper: NO_KEEPER_STATE,
        samples: [],
        ...(earliest !== undefined && { resumeFromBlock: earliest }),
      });
    };
    const snapshot = previous.then(read, read);
    previous = snapshot.catch(() => {});
    byBlock.set(blockNumber, snapshot);
    // A failed read is not kept: the next evaluation of the block (a retried job) reads it again.
    snapshot.catch(() => byBlock.delete(blockNumber));
    for (const block of byBlock.keys()) if (byBlock.size > BLOCKS_KEPT) byBlock.delete(block);
    return snapshot;
  };
}

/**
 * Readers for books, keyed by what they read: `readerFor(key, sources)` with the key of another book's sources
 * (the same chain state, whatever the book's policy) hands out a reader over the same indexer, so each block is read
 * once for all of them. The caller derives the key from configuration data (bookReadKey in config/adapters.ts).
 */
export function createSharedBookSnapshots(client: PublicClient) {
  const indexers = new Map<string, ReturnType<typeof createSharedIndexer>>();
  // And indexers of different chain state (treasuries) send the reads they make alike once per block.
  const sharedReads = createSharedBlockReads();
  return {
    readerFor(readKey: string, sources: BookSources): SharedBookReader {
      let shared = indexers.get(readKey);
      if (shared === undefined) {
        shared = createSharedIndexer(client, sources, sharedReads);
        indexers.set(readKey, shared);
      }
      const snapshotOf = shared;
      return {
        async snapshotAt(blockNumber, memory) {
          const indexed = await snapshotOf(blockNumber, sources.bookId, memory.samples);
          return {
            ...indexed,
            snapshot: {
              ...indexed.snapshot,
              bookId: sources.bookId,
              keeper: memory.keeper,
              samples: memory.samples,
            },
          };
        },
      };
    },
    /** Reads sent and reads answered from another indexer's round, since start. */
    get readCounts() {
      return { ...sharedReads.counts };
    },
    /** Distinct indexers: the snapshots read per block. */
    get indexerCount(): number {
      return indexers.size;
    },
  };
}

export type SharedBookSnapshots = ReturnType<typeof createSharedBookSnapshots>;
