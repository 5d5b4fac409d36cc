// `npm run bench:api`: the book-detail API over 30 days of per-minute samples for 20 books
// (864,000 book_samples rows), on the machine's PostgreSQL (DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test,
// in a fresh schema dropped at the end) and on embedded PGlite (memory://), seeded the same way.
//  1. GET /api/books/:id over the full 30 days, default points and points=1000, real fetch over loopback HTTP:
//     p50/p95/p99/max; target p95 < 100 ms on PostgreSQL.
//  2. The naive alternative in the same run, behind the same HTTP route: read the book's 43,200 raw rows and bucket
//     them in JS to the same points (naiveSeriesFromRawRows). Both must return identical series.
// Timings: per case, WARMUP requests, then ROUNDS alternating blocks of BLOCK sequential requests per case (random
// books), so load on a shared machine falls on every case alike and each block's garbage mostly stays in it.
// Writes bench/results/api.json.
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { isDeepStrictEqual } from "node:util";
import { type ApiServer, startApiServer } from "../src/api/api-server.ts";
import type { BookResponse } from "../src/api/api-types.ts";
import { mulberry32 } from "../src/engine/stress.ts";
import { applyMigrations } from "../src/store/apply-migrations.ts";
import { redactDatabaseUrl } from "../src/store/database-url.ts";
import type { HistoryStore, SeriesPoint } from "../src/store/history-store.ts";
import { HistoryStoreError } from "../src/store/history-store-errors.ts";
import { openHistoryStore } from "../src/store/open-history-store.ts";
import { openPgliteDatabase } from "../src/store/pglite-database.ts";
import { createPostgresDatabase } from "../src/store/postgres-database.ts";
import { basisBps, type SeriesRange, seriesBuckets } from "../src/store/read-series.ts";
import type { SqlDatabase, SqlQueryable } from "../src/store/sql-database.ts";
import { createSqlHistoryStore } from "../src/store/sql-history-store.ts";
import { bigintFromSql, numberFromSql, numberOrNaNFromSql } from "../src/store/sql-values.ts";
import { bookDetail } from "../test/integration/api/history-fixture.ts";
import { percentile } from "./percentile.ts";

const BOOKS = 20;
const DAYS = 30;
const INTERVAL_SEC = 60;
const SAMPLES_PER_BOOK = (DAYS * 86_400) / INTERVAL_SEC;
const CHAIN_ID = 1;
/** One sample a minute on a 12 s chain: every fifth block. */
const BLOCKS_PER_SAMPLE = 5;
const FIRST_BLOCK = 20_000_000;
const DEFAULT_POINTS = 500; // the route's default (api-routes.ts POINTS.fallback); the bench sends no points for it
const WARMUP = 20;
const ROUNDS = 6;
const BLOCK = 50;
const REQUESTS = ROUNDS * BLOCK;
const TARGET_P95_MS = 100;
const DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/test";

const databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
const endSec = Math.floor(Date.now() / 1000 / INTERVAL_SEC) * INTERVAL_SEC;
const startSec = endSec - (SAMPLES_PER_BOOK - 1) * INTERVAL_SEC;

/** Per-book character: a different pair, price level, volatility and drift cycle for each. */
const PAIRS = [
  { pair: "eth-usdc", priceUsd: 3200, volPerMin: 0.0008 },
  { pair: "wbtc-usdc", priceUsd: 64_000, volPerMin: 0.0006 },
  { pair: "arb-usdc", priceUsd: 1.1, volPerMin: 0.0012 },
  { pair: "link-eth", priceUsd: 15, volPerMin: 0.001 },
  { pair: "sol-usdc", priceUsd: 150, volPerMin: 0.0011 },
];
const books = Array.from({ length: BOOKS }, (_, k) => {
  const { pair, priceUsd, volPerMin } = PAIRS[k % PAIRS.length]!;
  return {
    bookId: `${pair}-${Math.floor(k / PAIRS.length) + 1}`,
    seed: (k + 1) / (BOOKS + 1),
    priceUsd,
    // random() − 0.5 has a standard deviation of 1/√12: scale each step to the pair's per-minute volatility.
    stepScale: volPerMin * Math.sqrt(12),
    lpValueUsd: 250_000 * (1 + (k % 7)),
    thresholdBps: [300, 400, 500][k % 3]!,
    driftAmplitudeBps: 120 + 37 * k,
    driftPeriodMin: 360 + 97 * k,
    targetHedgeRatio: [1, 0.9, 0.8][k % 3]!,
  };
});
type SeededBook = (typeof books)[number];

// ── Seeding: one server-side INSERT … SELECT per book into the store's own (already migrated) schema ─────────
// A random walk in log price (a running sum of random steps, seeded per book), a daily cycle on top; drift that
// oscillates through the band with noise; LP value and IL of a full-range position; a perp short sized by the
// hedge ratio, its mark a few bps off the index; funding on a three-day cycle.
const SEED_BOOK_SQL = `
WITH walk AS (
  SELECT i, sum(random() - 0.5) OVER (ORDER BY i) AS w, random() AS u
  FROM generate_series(0, $3::integer - 1) AS i
), priced AS (
  SELECT i, u, $6::double precision * exp($7::double precision * w + 0.02 * sin(2 * pi() * i / 1440.0)) AS price
  FROM walk
), shaped AS (
  SELECT i, u, price, price / $6::double precision AS r,
         $10::double precision * sin(2 * pi() * i / $11::double precision) + 40 * (u - 0.5) AS drift
  FROM priced
), valued AS (
  SELECT i, u, price, r, drift,
         $8::double precision * sqrt(r) AS lp_value,
         $8::double precision * (sqrt(r) - (1 + r) / 2) AS il,
         $12::double precision - drift / 10000 AS hedge_ratio
  FROM shaped
)
INSERT INTO book_samples (chain_id, book_id, block_number, timestamp_sec, base_price_usd, lp_value_usd,
  hedge_value_usd, perp_mark_price_usd, perp_index_price_usd, pool_price_usd, funding_rate_daily, perp_size_base,
  drift_bps, threshold_bps, hedge_ratio, target_hedge_ratio, impermanent_loss_usd, book_value_usd)
SELECT $1::integer, $2::text, $4::bigint + i * ${BLOCKS_PER_SAMPLE}, $5::bigint + i * ${INTERVAL_SEC},
  price, lp_value,
  0.1 * $8::double precision - $8::double precision / 2 * hedge_ratio * (r - 1),
  price * (1 + (5 * sin(2 * pi() * i / 480.0) + 2 * (u - 0.5)) / 10000), price,
  price * (1 + 0.0003 * (u - 0.5)),
  0.0003 + 0.0002 * sin(2 * pi() * i / 4320.0),
  -($8::double precision / (2 * $6::double precision)) * hedge_ratio,
  drift, $9::double precision, hedge_ratio, $12::double precision, il,
  lp_value + 0.1 * $8::double precision - $8::double precision / 2 * hedge_ratio * (r - 1)
FROM valued`;

async function seedBook(db: SqlDatabase, book: SeededBook): Promise<void> {
  // setseed holds for the session: run it and the insert on one connection.
  await db.transaction(async (tx) => {
    await tx.query("SELECT setseed($1)", [book.seed]);
    await tx.query(SEED_BOOK_SQL, [
      CHAIN_ID,
      book.bookId,
      SAMPLES_PER_BOOK,
      FIRST_BLOCK,
      startSec,
      book.priceUsd,
      book.stepScale,
      book.lpValueUsd,
      book.thresholdBps,
      book.driftAmplitudeBps,
      book.driftPeriodMin,
      book.targetHedgeRatio,
    ]);
  });
}

/** The book's status is its latest sample's, written through the store as the keeper would. */
async function putStatusOfLatestSample(db: SqlQueryable, store: HistoryStore, book: SeededBook) {
  const [row] = await db.query<Record<string, unknown>>(
    `SELECT block_number, timestamp_sec, drift_bps, threshold_bps, hedge_ratio, target_hedge_ratio,
            impermanent_loss_usd, book_value_usd
     FROM book_samples WHERE book_id = $1 ORDER BY timestamp_sec DESC, block_number DESC LIMIT 1`,
    [book.bookId],
  );
  if (row === undefined) throw new Error(`seeding wrote no samples for ${book.bookId}`);
  const driftBps = numberFromSql(row.drift_bps, "drift_bps");
  const thresholdBps = numberFromSql(row.threshold_bps, "threshold_bps");
  const bookValueUsd = numberFromSql(row.book_value_usd, "book_value_usd");
  await store.putBookStatus({
    chainId: CHAIN_ID,
    bookId: book.bookId,
    blockNumber: bigintFromSql(row.block_number, "block_number"),
    timestampSec: numberFromSql(row.timestamp_sec, "timestamp_sec"),
    status:
      Math.abs(driftBps) > thresholdBps ? "act" : Math.abs(driftBps) > thresholdBps / 2 ? "watch" : "ok",
    driftBps,
    thresholdBps,
    hedgeRatio: numberFromSql(row.hedge_ratio, "hedge_ratio"),
    targetHedgeRatio: numberFromSql(row.target_hedge_ratio, "target_hedge_ratio"),
    impermanentLossUsd: numberFromSql(row.impermanent_loss_usd, "impermanent_loss_usd"),
    bookValueUsd,
    effectiveness: 0.91,
    effectivenessWindow: "1d",
    // The fixture's eth-usdc detail (two effectiveness windows, a perp, a de-peg tier) with this book's stress.
    detail: {
      ...bookDetail("eth-usdc"),
      stress: [-0.3, -0.1, 0.1, 0.3].map((shock) => ({
        shock: `price ${shock > 0 ? "+" : ""}${(shock * 100).toFixed(1)}%`,
        lpPnlUsd: book.lpValueUsd * (Math.sqrt(1 + shock) - 1),
        hedgePnlUsd: (-book.lpValueUsd / 2) * book.targetHedgeRatio * shock,
        netPnlUsd: book.lpValueUsd * (Math.sqrt(1 + shock) - 1 - (shock * book.targetHedgeRatio) / 2),
        netPnlBps:
          ((book.lpValueUsd * (Math.sqrt(1 + shock) - 1 - (shock * book.targetHedgeRatio) / 2)) /
            bookValueUsd) *
          10_000,
        // The stress row's liquidation columns: a hedge the shock leaves whole.
        marginRatioAfter: 0.25,
        liquidated: false,
        liquidationPriceUsd: null,
        liquidationMovePct: null,
        liquidatedFraction: 0,
        liquidationPenaltyUsd: 0,
        liquidationLossUsd: 0,
        collateralDepegPnlUsd: 0,
      })),
    },
  });
}

/** Seeds every book, then VACUUM ANALYZE: fresh statistics and visibility, as a month-old table would have
 * after autovacuum (and no autovacuum run landing in the middle of the measurement). */
async function seedHistory(db: SqlDatabase, store: HistoryStore): Promise<{ insertMs: number; ms: number }> {
  const started = performance.now();
  for (const book of books) await seedBook(db, book);
  const insertMs = performance.now() - started;
  for (const book of books) await putStatusOfLatestSample(db, store, book);
  await db.exec("VACUUM ANALYZE book_samples");
  const [count] = await db.query<{ n: unknown }>("SELECT count(*) AS n FROM book_samples");
  const rows = numberFromSql(count?.n, "count");
  if (rows !== BOOKS * SAMPLES_PER_BOOK)
    throw new Error(`seeded ${rows} rows, expected ${BOOKS * SAMPLES_PER_BOOK}`);
  return { insertMs, ms: performance.now() - started };
}

// ── The naive alternative: every raw row of the range to the client, bucketed in JS ─────────────────────────
/** Same buckets and same points as the store's series (read-series.ts), from all of the range's rows. */
async function naiveSeriesFromRawRows(
  db: SqlQueryable,
  bookId: string,
  range: SeriesRange,
): Promise<SeriesPoint[]> {
  const { widthSec, count } = seriesBuckets(range);
  if (count === 0) return [];
  const rows = await db.query<Record<string, unknown>>(
    `SELECT block_number, timestamp_sec, drift_bps, threshold_bps, impermanent_loss_usd, hedge_ratio,
            perp_mark_price_usd, perp_index_price_usd, funding_rate_daily
     FROM book_samples
     WHERE book_id = $1 AND timestamp_sec >= $2 AND timestamp_sec <= $3
     ORDER BY timestamp_sec, block_number`,
    [bookId, range.fromSec, range.toSec],
  );
  // Rows come oldest first: the last row seen in a bucket is its latest.
  const lastInBucket = new Map<number, Record<string, unknown>>();
  for (const row of rows) {
    const bucket = Math.floor((numberFromSql(row.timestamp_sec, "timestamp_sec") - range.fromSec) / widthSec);
    lastInBucket.set(bucket, row);
  }
  return [...lastInBucket.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, row]) => ({
      timestampSec: numberFromSql(row.timestamp_sec, "timestamp_sec"),
      blockNumber: bigintFromSql(row.block_number, "block_number"),
      driftBps: numberOrNaNFromSql(row.drift_bps, "drift_bps"),
      thresholdBps: numberOrNaNFromSql(row.threshold_bps, "threshold_bps"),
      impermanentLossUsd: numberOrNaNFromSql(row.impermanent_loss_usd, "impermanent_loss_usd"),
      hedgeRatio: numberOrNaNFromSql(row.hedge_ratio, "hedge_ratio"),
      basisBps: basisBps(
        numberFromSql(row.perp_mark_price_usd, "perp_mark_price_usd"),
        numberFromSql(row.perp_index_price_usd, "perp_index_price_usd"),
      ),
      fundingRateDaily: numberFromSql(row.funding_rate_daily, "funding_rate_daily"),
    }));
}

// ── Measurement ─────────────────────────────────────────────────────────────────────────────────────────
interface Case {
  name: string;
  baseUrl: string;
  /** undefined: the route's default. */
  points: number | undefined;
}

interface Latency {
  requests: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  points: number;
  responseBytes: number;
}

const random = mulberry32(20_260_509);
const randomBook = () => books[Math.floor(random() * books.length)]!.bookId;

function bookUrl(c: Case, bookId: string): string {
  const points = c.points === undefined ? "" : `&points=${c.points}`;
  return `${c.baseUrl}/api/books/${encodeURIComponent(bookId)}?from=${startSec}&to=${endSec}${points}`;
}

async function getBook(url: string): Promise<{ ms: number; body: BookResponse; bytes: number }> {
  const started = performance.now();
  const response = await fetch(url);
  const text = await response.text();
  const ms = performance.now() - started;
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}: ${text.slice(0, 300)}`);
  return { ms, body: JSON.parse(text) as BookResponse, bytes: Buffer.byteLength(text) };
}

async function measure(cases: Case[]): Promise<Latency[]> {
  const times = cases.map(() => [] as number[]);
  const shape = cases.map(() => ({ points: 0, bytes: 0 }));
  for (const [i, c] of cases.entries()) {
    for (let n = 0; n < WARMUP; n += 1) {
      const { body, bytes } = await getBook(bookUrl(c, randomBook()));
      shape[i] = { points: body.series.length, bytes };
    }
  }
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const [i, c] of cases.entries()) {
      for (let n = 0; n < BLOCK; n += 1) times[i]!.push((await getBook(bookUrl(c, randomBook()))).ms);
    }
  }
  return times.map((ms, i) => {
    const sorted = [...ms].sort((a, b) => a - b);
    const round1 = (x: number) => Number(x.toFixed(1));
    return {
      requests: ms.length,
      p50Ms: round1(percentile(sorted, 0.5)),
      p95Ms: round1(percentile(sorted, 0.95)),
      p99Ms: round1(percentile(sorted, 0.99)),
      maxMs: round1(sorted.at(-1)!),
      meanMs: round1(ms.reduce((s, x) => s + x, 0) / ms.length),
      points: shape[i]!.points,
      responseBytes: shape[i]!.bytes,
    };
  });
}

/** The store's series and the naive one must be the same points, or the comparison means nothing. */
async function assertSameSeries(db: SqlQueryable, store: HistoryStore, maxPoints: number): Promise<void> {
  for (const bookId of [books[0]!.bookId, books.at(-1)!.bookId]) {
    const range = { fromSec: startSec, toSec: endSec, maxPoints };
    const fromStore = await store.series(bookId, range);
    const naive = await naiveSeriesFromRawRows(db, bookId, range);
    if (fromStore.length !== maxPoints || !isDeepStrictEqual(fromStore, naive)) {
      throw new Error(
        `${bookId}, ${maxPoints} points: the store's series (${fromStore.length} points) and the naive one (${naive.length}) differ`,
      );
    }
  }
}

// ── Run ─────────────────────────────────────────────────────────────────────────────────────────────────
const schema = `bench_api_${randomBytes(4).toString("hex")}`;
const redactedUrl = redactDatabaseUrl(databaseUrl);
let store: HistoryStore;
try {
  store = await openHistoryStore({ databaseUrl, schema, connectTimeoutMs: 3_000 });
} catch (error) {
  if (!(error instanceof HistoryStoreError)) throw error;
  console.error(`\nbench:api needs PostgreSQL: ${error.message}`);
  console.error(
    `Start one (trust auth is enough), or point DATABASE_URL at one: DATABASE_URL=postgres://user@host:5432/db npm run bench:api\n`,
  );
  process.exit(1);
}
// The bench's own connection to the store's schema: seeding SQL and the naive reads.
const pgDb = createPostgresDatabase({ url: databaseUrl, schema });
const servers: ApiServer[] = [];
let pgliteStore: HistoryStore | undefined;
try {
  const [version] = await pgDb.query<{ server_version: string }>("SHOW server_version");
  console.log(
    `\nBook-detail API: ${BOOKS} books × ${DAYS} days × 1 sample/min = ${(BOOKS * SAMPLES_PER_BOOK).toLocaleString("en")} rows; PostgreSQL ${version?.server_version} at ${redactedUrl} (schema ${schema})`,
  );
  const pgSeed = await seedHistory(pgDb, store);
  console.log(
    `seeded PostgreSQL in ${(pgSeed.ms / 1000).toFixed(1)} s (inserts ${(pgSeed.insertMs / 1000).toFixed(1)} s, then status rows and VACUUM ANALYZE)`,
  );
  await assertSameSeries(pgDb, store, DEFAULT_POINTS);
  await assertSameSeries(pgDb, store, 1000);

  const api = await startApiServer({ store, host: "127.0.0.1", port: 0 });
  servers.push(api);
  // The same server code, the store's series swapped for the naive one: only the series read differs.
  const naiveApi = await startApiServer({
    store: { ...store, series: (bookId, range) => naiveSeriesFromRawRows(pgDb, bookId, range) },
    host: "127.0.0.1",
    port: 0,
  });
  servers.push(naiveApi);
  console.log(
    `measuring over HTTP: ${WARMUP} warm-up, then ${REQUESTS} sequential requests per case (${ROUNDS} alternating blocks of ${BLOCK}), random books, full ${DAYS} days`,
  );
  const [pgDefault, pg1000, pgNaive] = await measure([
    { name: "store, default points", baseUrl: api.url, points: undefined },
    { name: "store, points=1000", baseUrl: api.url, points: 1000 },
    { name: "naive, default points", baseUrl: naiveApi.url, points: undefined },
  ]);
  await api.close();
  await naiveApi.close();
  servers.length = 0;

  // PGlite: the store composed from the same parts openHistoryStore uses, so the bench can seed its one
  // in-memory database (a second `memory://` open would be a different, empty database).
  const pgliteDb = await openPgliteDatabase({ dataDir: "memory://", schema: "history" });
  await applyMigrations(pgliteDb, { schema: "history" });
  pgliteStore = createSqlHistoryStore(pgliteDb, "pglite");
  const pgliteSeed = await seedHistory(pgliteDb, pgliteStore);
  console.log(
    `seeded PGlite (memory://) in ${(pgliteSeed.ms / 1000).toFixed(1)} s (inserts ${(pgliteSeed.insertMs / 1000).toFixed(1)} s)`,
  );
  const pgliteApi = await startApiServer({ store: pgliteStore, host: "127.0.0.1", port: 0 });
  servers.push(pgliteApi);
  const [pgliteDefault, pglite1000] = await measure([
    { name: "PGlite, default points", baseUrl: pgliteApi.url, points: undefined },
    { name: "PGlite, points=1000", baseUrl: pgliteApi.url, points: 1000 },
  ]);

  const pgPass = {
    defaultPoints: pgDefault!.p95Ms < TARGET_P95_MS,
    points1000: pg1000!.p95Ms < TARGET_P95_MS,
  };
  const naiveRatio = Number((pgNaive!.p95Ms / pgDefault!.p95Ms).toFixed(1));

  const row = (label: string, l: Latency) =>
    console.log(
      `${label.padEnd(38)}${String(l.points).padStart(7)}${l.p50Ms.toFixed(1).padStart(9)}${l.p95Ms.toFixed(1).padStart(9)}${l.p99Ms.toFixed(1).padStart(9)}${l.maxMs.toFixed(1).padStart(9)}${(l.responseBytes / 1024).toFixed(0).padStart(8)}`,
    );
  console.log(
    `\n${"GET /api/books/:id, 30 days (ms)".padEnd(38)}${"points".padStart(7)}${"p50".padStart(9)}${"p95".padStart(9)}${"p99".padStart(9)}${"max".padStart(9)}${"KiB".padStart(8)}`,
  );
  row("PostgreSQL, store, default points", pgDefault!);
  row("PostgreSQL, store, points=1000", pg1000!);
  row("PostgreSQL, naive (43,200 rows to JS)", pgNaive!);
  row("PGlite, store, default points", pgliteDefault!);
  row("PGlite, store, points=1000", pglite1000!);
  console.log(
    `\nnaive / store p95 (default points, PostgreSQL): ${pgNaive!.p95Ms.toFixed(1)} / ${pgDefault!.p95Ms.toFixed(1)} ms = ${naiveRatio}x`,
  );
  console.log(
    `target p95 < ${TARGET_P95_MS} ms on PostgreSQL: default points ${pgDefault!.p95Ms.toFixed(1)} ms ${pgPass.defaultPoints ? "PASS" : "FAIL"}; points=1000 ${pg1000!.p95Ms.toFixed(1)} ms ${pgPass.points1000 ? "PASS" : "FAIL"}`,
  );

  const result = {
    benchmark: "api",
    generatedAt: new Date().toISOString(),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? "unknown", node: process.version },
    workload: {
      books: BOOKS,
      days: DAYS,
      sampleIntervalSec: INTERVAL_SEC,
      rows: BOOKS * SAMPLES_PER_BOOK,
      rowsPerBook: SAMPLES_PER_BOOK,
      request: "GET /api/books/:id?from=<30 days ago>&to=<now>[&points=1000], random book",
      transport: "fetch over loopback HTTP to the API server (same process)",
      warmupRequests: WARMUP,
      requestsPerCase: REQUESTS,
      postgres: `PostgreSQL ${version?.server_version}`,
    },
    seeding: {
      postgresMs: Math.round(pgSeed.ms),
      postgresInsertMs: Math.round(pgSeed.insertMs),
      pgliteMs: Math.round(pgliteSeed.ms),
      pgliteInsertMs: Math.round(pgliteSeed.insertMs),
    },
    postgres: { defaultPoints: pgDefault, points1000: pg1000, naiveDefaultPoints: pgNaive },
    pglite: { defaultPoints: pgliteDefault, points1000: pglite1000 },
    ratio: { naiveOverStoreP95: naiveRatio },
    target: { p95Ms: TARGET_P95_MS, pass: pgPass },
  };
  writeFileSync(new URL("./results/api.json", import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
  console.log("wrote bench/results/api.json\n");
  if (!pgPass.defaultPoints || !pgPass.points1000) process.exitCode = 1;
} finally {
  for (const server of servers) await server.close();
  await pgliteStore?.close();
  await store.close();
  try {
    await pgDb.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } catch (error) {
    console.error(`could not drop schema ${schema}: ${(error as Error).message}`);
  }
  await pgDb.close();
}
