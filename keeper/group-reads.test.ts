import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BookSample } from "../src/engine/snapshot.ts";
import type { SampleStore } from "../src/indexers/sample-store.ts";
import { applyMigrations } from "../src/store/apply-migrations.ts";
import type { HistoryStore } from "../src/store/history-store.ts";
import { openPgliteDatabase } from "../src/store/pglite-database.ts";
import type { SqlDatabase } from "../src/store/sql-database.ts";
import { createSqlHistoryStore } from "../src/store/sql-history-store.ts";
import { createGroupReads } from "./group-reads.ts";
import { storedWindowSeries } from "./stored-window-series.ts";

const CHAIN = 31337;
const T0 = 1_700_000_000;
const GROUP = ["book-a", "book-b", "book-c"];
let db: SqlDatabase;
let store: HistoryStore;
/** The group reads that reached the store, by kind. */
const calls: string[] = [];
let history: Pick<HistoryStore, "hedgedSeriesOfBooks" | "executionsOfBooks" | "executions">;
let samples: SampleStore;

const sample = (book: number, block: number): BookSample => ({
  blockNumber: BigInt(block),
  timestampSec: T0 + block * 12,
  basePriceUsd: 3000 + book,
  lpValueUsd: 100_000 + block,
  hedgeValueUsd: 50_000 - block * book,
  perpMarkPriceUsd: 3003,
  perpIndexPriceUsd: 3000,
  poolPriceUsd: 2999.5,
  fundingRateDaily: 0.0001,
  perpSizeBase: -16.5,
});

beforeAll(async () => {
  db = await openPgliteDatabase({ dataDir: "memory://" });
  await applyMigrations(db);
  store = createSqlHistoryStore(db, "pglite");
  const sql = store.samples(CHAIN);
  // Each book its own history: book-a 260 blocks, book-b 20, book-c none.
  for (let block = 1; block <= 260; block += 1) await sql.put("book-a", sample(1, block));
  for (let block = 241; block <= 260; block += 1) await sql.put("book-b", sample(2, block));
  history = {
    hedgedSeriesOfBooks: (ids, ranges) => {
      calls.push(`series ${ids.length}`);
      return store.hedgedSeriesOfBooks(ids, ranges);
    },
    executionsOfBooks: (ids, options) => {
      calls.push(`executions ${ids.length}`);
      return store.executionsOfBooks(ids, options);
    },
    executions: (options) => store.executions(options),
  };
  samples = {
    ...sql,
    recentOfBooks: (ids, options) => {
      calls.push(`samples ${ids.length}`);
      return sql.recentOfBooks(ids, options);
    },
  };
  // 280 single-row writes into PGlite: seconds on a loaded machine.
}, 60_000);
afterAll(async () => {
  await store.close();
});

describe("a group's reads", () => {
  it("read every book of the group once per kind, each book getting what its own read returns", async () => {
    calls.length = 0;
    const reads = createGroupReads(GROUP, samples, history);
    const endSec = T0 + 261 * 12;
    const recentOptions = { limit: 240, uptoBlock: 259n };
    const period = { limit: 1_000, fromSec: endSec - 30 * 86_400, toSec: endSec };
    const shared = await Promise.all(
      GROUP.map(async (bookId) => ({
        recent: await reads.recentSamples(bookId, recentOptions),
        windows: await reads.storedWindowSeries(bookId, endSec),
        executions: await reads.executions(bookId, period),
      })),
    );
    const own = await Promise.all(
      GROUP.map(async (bookId) => ({
        recent: await samples.recent(bookId, recentOptions),
        windows: await storedWindowSeries(store, bookId, endSec),
        executions: await history.executions({ bookId, ...period }),
      })),
    );
    expect(shared).toEqual(own);
    expect(calls.sort()).toEqual(["executions 3", "samples 3", "series 3"]);
    // Positive control: the books' reads differ and hold data.
    expect(shared.map((book) => book.recent.length)).toEqual([240, 19, 0]);
    expect(shared[0]!.windows["1h"]!.length).toBeGreaterThan(150);
    expect(shared[1]!.windows["1h"]).not.toEqual(shared[0]!.windows["1h"]);
  });

  it("read again for other arguments, and on its own for a book outside the group", async () => {
    calls.length = 0;
    const reads = createGroupReads(GROUP, samples, history);
    await reads.recentSamples("book-a", { limit: 240, uptoBlock: 259n });
    await reads.recentSamples("book-b", { limit: 240, uptoBlock: 259n });
    const earlier = await reads.recentSamples("book-a", { limit: 240, uptoBlock: 200n });
    expect(earlier.at(-1)?.blockNumber).toBe(200n);
    await reads.storedWindowSeries("book-a", T0);
    await reads.storedWindowSeries("book-b", T0 + 12);
    expect(await reads.recentSamples("book-z", { limit: 240, uptoBlock: 259n })).toEqual([]);
    expect(calls).toEqual(["samples 3", "samples 3", "series 3", "series 3", "samples 1"]);
  });
});
