import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations } from "../src/store/apply-migrations.ts";
import type { BookStatus, HistoryStore } from "../src/store/history-store.ts";
import { openPgliteDatabase } from "../src/store/pglite-database.ts";
import type { SqlDatabase } from "../src/store/sql-database.ts";
import { createSqlHistoryStore } from "../src/store/sql-history-store.ts";
import { createHistoryWriteBatch } from "./history-write-batch.ts";

const CHAIN = 31337;
let db: SqlDatabase;
let history: HistoryStore;
/** The multi-row writes that reached the store, with their row counts. */
const calls: string[] = [];

const status = (bookId: string): BookStatus => ({
  chainId: CHAIN,
  bookId,
  blockNumber: 10n,
  timestampSec: 1_700_000_020,
  status: "ok",
  driftBps: 12,
  thresholdBps: 200,
  hedgeRatio: 0.5,
  targetHedgeRatio: 0.5,
  impermanentLossUsd: 0,
  bookValueUsd: 1_000,
  effectiveness: null,
  effectivenessWindow: null,
  detail: {} as BookStatus["detail"],
});
const decision = (bookId: string) => ({
  chainId: CHAIN,
  bookId,
  blockNumber: 10n,
  atMs: 1_000,
  kind: "noop" as const,
  reason: "inside the band",
  planId: null,
  driftBps: 12,
});
const settled = async (promise: Promise<unknown>) => {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((resolve) => setTimeout(resolve, 20));
  return done;
};

beforeAll(async () => {
  db = await openPgliteDatabase({ dataDir: "memory://" });
  await applyMigrations(db);
  const store = createSqlHistoryStore(db, "pglite");
  history = {
    ...store,
    putBookStatuses: (rows) => {
      calls.push(`statuses ${rows.length}`);
      return store.putBookStatuses(rows);
    },
    putDecisions: (rows) => {
      calls.push(`decisions ${rows.length}`);
      return store.putDecisions(rows);
    },
  };
}, 60_000);
afterAll(async () => {
  await db?.close();
});

describe("a group's coalesced history writes", () => {
  it("write once every running book has asked, as one multi-row statement, each book's write then resolved", async () => {
    calls.length = 0;
    const batch = createHistoryWriteBatch(history, ["a", "b", "c"]);
    const a = batch.store.putBookStatus(status("a"));
    const b = batch.store.putBookStatus(status("b"));
    // c has not asked yet: nothing is written, a and b wait.
    expect(await settled(a)).toBe(false);
    expect(calls).toEqual([]);
    const c = batch.store.putBookStatus(status("c"));
    await Promise.all([a, b, c]);
    expect(calls).toEqual(["statuses 3"]);
    expect((await history.books(CHAIN)).map((s) => s.bookId)).toEqual(["a", "b", "c"]);
  });

  it("do not wait for a book that ended without the write (it failed or was skipped), nor for one that already wrote", async () => {
    calls.length = 0;
    const batch = createHistoryWriteBatch(history, ["a", "b", "c"]);
    // c wrote its decision early (a skipped evaluation) and is still running.
    await Promise.all([
      batch.store.putDecision(decision("c")),
      (async () => {
        const a = batch.store.putDecision(decision("a"));
        expect(await settled(a)).toBe(false);
        // b's evaluation failed before writing anything.
        batch.ended("b");
        await a;
      })(),
    ]);
    // c's own write waited for a and b: c asked first, a asked, b ended; one statement for a and c.
    expect(calls).toEqual(["decisions 2"]);
    expect((await history.decisions({ limit: 10, bookId: "a" })).map((d) => d.kind)).toEqual(["noop"]);
  });

  it("do not wait for a book that went past the write: a skipped book writes only its decision", async () => {
    calls.length = 0;
    const batch = createHistoryWriteBatch(history, ["a", "s"]);
    // s skipped (a plan in flight): its decision only. a evaluates: status, then decision. Neither waits forever.
    const s = batch.store.putDecision(decision("s"));
    expect(await settled(s)).toBe(false);
    const a = (async () => {
      await batch.store.putBookStatus(status("a"));
      await batch.store.putDecision(decision("a"));
    })();
    await Promise.all([s, a]);
    expect(calls).toEqual(["statuses 1", "decisions 2"]);
    expect((await history.decisions({ limit: 10, bookId: "s" })).map((d) => d.kind)).toEqual(["noop"]);
  });

  it("fail every book of a write that failed, each with the store's error", async () => {
    const broken: HistoryStore = {
      ...history,
      putDecisions: async () => {
        throw new Error("history is down");
      },
    };
    const batch = createHistoryWriteBatch(broken, ["a", "b"]);
    const results = await Promise.allSettled([
      batch.store.putDecision(decision("a")),
      batch.store.putDecision(decision("b")),
    ]);
    expect(results.map((r) => (r.status === "rejected" ? (r.reason as Error).message : "ok"))).toEqual([
      "history is down",
      "history is down",
    ]);
  });
});
