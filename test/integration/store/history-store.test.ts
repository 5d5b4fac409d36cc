// The history store's behaviour, run as one suite on both engines it supports: embedded PGlite and the machine's
// PostgreSQL (its own schema, dropped afterwards). Then what only one of them can show: PGlite's data directory
// surviving a restart, concurrent opens of one PostgreSQL schema, and how an unreachable server fails.
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { BookSample } from "../../../src/engine/snapshot.ts";
import type { BookDetail } from "../../../src/evaluation/book-evaluation.ts";
import { freeLoopbackPort } from "../../../src/runtime/free-port.ts";
import { applyMigrations } from "../../../src/store/apply-migrations.ts";
import type {
  BookStatus,
  DepegSample,
  HistorySample,
  HistoryStore,
  PlanExecution,
  PlanHistory,
  TransactionHistory,
} from "../../../src/store/history-store.ts";
import {
  HistoryStoreConfigurationError,
  HistoryStoreUnavailableError,
} from "../../../src/store/history-store-errors.ts";
import { MIGRATIONS } from "../../../src/store/migrations.ts";
import { openHistoryStore } from "../../../src/store/open-history-store.ts";
import { openPgliteDatabase } from "../../../src/store/pglite-database.ts";
import { createPostgresDatabase } from "../../../src/store/postgres-database.ts";
import { seriesBuckets } from "../../../src/store/read-series.ts";
import type { SqlDatabase, SqlQueryable } from "../../../src/store/sql-database.ts";
import { createSqlHistoryStore, PART_RETENTION_BLOCKS } from "../../../src/store/sql-history-store.ts";
import { postgresForTests } from "../../support/postgres.ts";

const postgres = await postgresForTests();

const CHAIN = 31337;
const OTHER_CHAIN = 10;
const T0 = 1_700_000_000;
const USDC = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48";
const DAI = "0x6B175474E89094C44Da98b954EedeAC495271d0F";

const bookSample = (block: number, overrides: Partial<BookSample> = {}): BookSample => ({
  blockNumber: BigInt(block),
  timestampSec: T0 + block * 2,
  basePriceUsd: 3000,
  lpValueUsd: 100_000,
  hedgeValueUsd: 50_000,
  perpMarkPriceUsd: 3003,
  perpIndexPriceUsd: 3000,
  poolPriceUsd: 2999.5,
  fundingRateDaily: 0.0001,
  perpSizeBase: -16.5,
  ...overrides,
});

const historySample = (block: number, overrides: Partial<HistorySample> = {}): HistorySample => ({
  ...bookSample(block),
  driftBps: 12.5,
  thresholdBps: 200,
  hedgeRatio: 0.49,
  targetHedgeRatio: 0.5,
  impermanentLossUsd: -42.25,
  bookValueUsd: 150_000,
  ...overrides,
});

const depegReading = (overrides: Partial<DepegSample> = {}): DepegSample => ({
  token: USDC,
  symbol: "USDC",
  priceUsd: 0.9995,
  deviationBps: -5,
  tier: "ok",
  tierNote: null,
  exposureUsd: 50_000,
  sources: [
    {
      kind: "chainlink",
      ref: "0x8fFfFfd4AfB6115b954Bd326cbe7B4BA576818f6",
      priceUsd: 0.9995,
      deviationBps: -5,
      usable: true,
    },
  ],
  ...overrides,
});

/**
 * A status with any JSON as its detail: the store keeps the detail whole and never looks into it, so these
 * tests round-trip shapes that are not a BookDetail (the API is what validates one).
 */
const bookStatus = (
  block: number,
  { detail, ...overrides }: Omit<Partial<BookStatus>, "detail"> & { detail?: unknown } = {},
): BookStatus => ({
  chainId: CHAIN,
  bookId: "eth-usdc",
  blockNumber: BigInt(block),
  timestampSec: T0 + block * 2,
  status: "ok",
  driftBps: 12.5,
  thresholdBps: 200,
  hedgeRatio: 0.49,
  targetHedgeRatio: 0.5,
  impermanentLossUsd: -42.25,
  bookValueUsd: 150_000,
  effectiveness: null,
  effectivenessWindow: null,
  ...overrides,
  detail: (detail ?? {
    windows: [{ label: "1h", samples: 30, effectiveness: null }],
    oracle: { healthy: true },
  }) as BookDetail,
});

const plan = (planId: string, overrides: Partial<PlanHistory> = {}): PlanHistory => ({
  planId,
  chainId: CHAIN,
  bookId: "eth-usdc",
  lane: "routine",
  mode: "execute",
  status: "proposed",
  reason: "drift 240 bps above the 200 bps band",
  blockNumber: 100n,
  createdAtMs: 1_000,
  updatedAtMs: 1_000,
  ...overrides,
});

const transaction = (txHash: string, overrides: Partial<TransactionHistory> = {}): TransactionHistory => ({
  txHash,
  planId: "plan-1",
  chainId: CHAIN,
  nonce: 7,
  kind: "plan",
  status: "broadcast",
  replaces: null,
  gasUsed: null,
  blockNumber: null,
  atMs: 1_000,
  ...overrides,
});

const execution = (planId: string, overrides: Partial<PlanExecution> = {}): PlanExecution => ({
  planId,
  chainId: CHAIN,
  bookId: "eth-usdc",
  blockNumber: 101n,
  txHash: `0x${planId.padStart(64, "0")}`,
  minedAtSec: T0 + 202,
  recordedAtMs: (T0 + 230) * 1000,
  gasUsed: 412_345n,
  effectiveGasPrice: 1_500_000_007n,
  gasUsd: 1.855,
  feesUsd: 12,
  slippageUsd: 3.6,
  totalCostUsd: 17.455,
  expectedCostUsd: 21.5,
  quotedPrice: 3000,
  realizedPrice: 2997.3,
  slippageBps: 9,
  notionalUsd: 12_000,
  riskRemovedUsd: 850,
  perpCollateralMovedUsd: -2_500,
  perpFundingSettledUsd: -3.25,
  lpWithdrawnPrincipalUsd: 0,
  lpFeesCollectedUsd: 0,
  swappedBase: {
    base: -0.75,
    atQuoteUsd: -2_250,
    fill: { cashUsd: 2_241.5, feesUsd: 6.75, slippageUsd: 1.75 },
  },
  legs: [
    {
      actionIndex: 1,
      kind: "perp",
      venue: "perp-v2",
      side: "sell",
      quotedPrice: 3000,
      realizedPrice: 2997.3,
      slippageBps: 9,
      slippageUsd: 3.6,
      notionalUsd: 12_000,
      feesUsd: 12,
    },
  ],
  ...overrides,
});

const TABLES =
  "book_samples, depeg_samples, book_status, book_status_parts, decisions, plans, transactions, plan_executions, alerts, config_versions, perp_funding_settlements, perp_collateral_moves, lp_principal_flows, aave_liquidations";

interface SuiteBackend {
  store: HistoryStore;
  /** The store's own tables, for what the store never writes (a malformed row). */
  sql: SqlQueryable;
  /** Empties every table, so each test starts from nothing. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

historyStoreSuite("history store on PGlite", undefined, async () => {
  const db = await openPgliteDatabase({ dataDir: "memory://" });
  await applyMigrations(db);
  const store = createSqlHistoryStore(db, "pglite");
  return { store, sql: db, reset: () => db.exec(`TRUNCATE ${TABLES}`), close: () => store.close() };
});

historyStoreSuite("history store on PostgreSQL", postgres.skipReason, async () => {
  const url = postgres.url!;
  const schema = postgres.freshSchema("history_store");
  const store = await openHistoryStore({ databaseUrl: url, schema });
  const admin: SqlDatabase = createPostgresDatabase({ url, schema });
  return {
    store,
    sql: admin,
    reset: () => admin.exec(`TRUNCATE ${TABLES}`),
    close: async () => {
      await store.close();
      await admin.close();
    },
  };
});

/**
 * The contract of the tables the indexer's scans fill, one row per transaction log (funding settlements, collateral
 * moves, LP principal flows; src/store/event-table.ts): a log found again overwrites its row with the later
 * figures, another book's rows stay out, and a book's rows read back by block range, both ends included, oldest
 * first. `record` builds a row of book eth-usdc whose figure is `usd`.
 */
function itKeepsEveryRecordOncePerLog<R extends { bookId: string; txHash: string; logIndex: number }>(table: {
  record: (txHash: string, blockNumber: bigint, logIndex: number, usd: number) => R;
  put: (rows: R[]) => Promise<void>;
  read: (bookId: string, blocks: { fromBlock: bigint; toBlock: bigint }) => Promise<R[]>;
  figure: (row: R) => number;
  figures: { later: number; first: number; again: number; added: number };
}) {
  const { record, put, read, figure, figures } = table;
  it("keeps every record once per log, and reads a book's by block range, oldest first", async () => {
    await put([record("0xb", 12n, 1, figures.later), record("0xa", 11n, 4, figures.first)]);
    // Found again (a retried evaluation): the same rows, the later figures.
    await put([record("0xa", 11n, 4, figures.again), record("0xa", 11n, 5, figures.added)]);
    await put([{ ...record("0xc", 11n, 0, 9), bookId: "other" }]);
    const rows = await read("eth-usdc", { fromBlock: 11n, toBlock: 12n });
    expect(rows.map((r) => [r.txHash, r.logIndex, figure(r)])).toEqual([
      ["0xa", 4, figures.again],
      ["0xa", 5, figures.added],
      ["0xb", 1, figures.later],
    ]);
    expect(rows[0]).toEqual(record("0xa", 11n, 4, figures.again));
    expect(await read("eth-usdc", { fromBlock: 12n, toBlock: 20n })).toHaveLength(1);
  });
}

function historyStoreSuite(
  label: string,
  skipReason: string | undefined,
  start: () => Promise<SuiteBackend>,
) {
  describe.skipIf(skipReason !== undefined)(`${label} ${skipReason ?? ""}`.trim(), () => {
    let backend: SuiteBackend | undefined;
    const store = () => backend!.store;
    beforeAll(async () => {
      backend = await start();
    });
    afterAll(async () => {
      await backend?.close();
    });
    beforeEach(async () => {
      await backend!.reset();
    });

    describe("samples", () => {
      it("keeps one sample per block when a block is replayed, with the replay's values and readings", async () => {
        await store().putSample(CHAIN, "eth-usdc", historySample(10, { lpValueUsd: 100 }), [
          depegReading(),
          depegReading({ token: DAI, symbol: "DAI" }),
        ]);
        await store().putSample(CHAIN, "eth-usdc", historySample(10, { lpValueUsd: 250 }), [
          depegReading({ priceUsd: 0.98, deviationBps: -200, tier: "warn", tierNote: "below 0.99" }),
        ]);

        const recent = await store().samples(CHAIN).recent("eth-usdc", { limit: 10 });
        expect(recent).toEqual([bookSample(10, { lpValueUsd: 250 })]);
        const depeg = await store().depeg();
        expect(depeg).toEqual([
          {
            ...depegReading({ priceUsd: 0.98, deviationBps: -200, tier: "warn", tierNote: "below 0.99" }),
            chainId: CHAIN,
            bookId: "eth-usdc",
            blockNumber: 10n,
            timestampSec: T0 + 20,
          },
        ]);
      });

      it("returns the most recent samples at or below a block, oldest first, per chain and book", async () => {
        const samples = store().samples(CHAIN);
        for (const block of [3, 1, 5, 2, 4]) await samples.put("eth-usdc", bookSample(block));
        await samples.put("btc-usdc", bookSample(9));
        await store().samples(OTHER_CHAIN).put("eth-usdc", bookSample(8));

        const blocks = async (options: { limit: number; uptoBlock?: bigint }) =>
          (await samples.recent("eth-usdc", options)).map((s) => s.blockNumber);
        expect(await blocks({ limit: 3 })).toEqual([3n, 4n, 5n]);
        expect(await blocks({ limit: 10, uptoBlock: 2n })).toEqual([1n, 2n]);
        expect(await blocks({ limit: 2, uptoBlock: 4n })).toEqual([3n, 4n]);
        expect(await blocks({ limit: 0 })).toEqual([]);
        expect(await store().samples(OTHER_CHAIN).recent("eth-usdc", { limit: 10 })).toEqual([bookSample(8)]);
      });

      it("reads several books' recent samples in one read: each book's own recent(), in the order asked", async () => {
        const samples = store().samples(CHAIN);
        for (const block of [3, 1, 5, 2, 4]) await samples.put("eth-usdc", bookSample(block));
        for (const block of [9, 7]) await samples.put("btc-usdc", bookSample(block, { lpValueUsd: block }));
        await store().samples(OTHER_CHAIN).put("eth-usdc", bookSample(8));
        const bookIds = ["btc-usdc", "no-such-book", "eth-usdc", "btc-usdc"];
        let read = 0;
        for (const options of [
          { limit: 3 },
          { limit: 10, uptoBlock: 8n },
          { limit: 2, uptoBlock: 4n },
          { limit: 0 },
        ]) {
          const together = await samples.recentOfBooks(bookIds, options);
          const alone = await Promise.all(bookIds.map((bookId) => samples.recent(bookId, options)));
          expect(together).toEqual(alone);
          read += alone.flat().length;
        }
        // Positive control: the reads do hold samples.
        expect(read).toBeGreaterThan(10);
        expect(await samples.recentOfBooks([], { limit: 3 })).toEqual([]);
      });

      it("round-trips a sample without a perp size as one without the field", async () => {
        const { perpSizeBase: _omitted, ...withoutSize } = bookSample(1);
        await store().samples(CHAIN).put("eth-usdc", withoutSize);
        const [read] = await store().samples(CHAIN).recent("eth-usdc", { limit: 1 });
        expect(read).toEqual(withoutSize);
        expect(read).not.toHaveProperty("perpSizeBase");
      });

      it("keeps the dashboard columns when the engine's SampleStore re-puts a block as a plain BookSample", async () => {
        await store().putSample(CHAIN, "eth-usdc", historySample(10, { driftBps: 77 }), []);
        await store()
          .samples(CHAIN)
          .put("eth-usdc", bookSample(10, { lpValueUsd: 1 }));
        await store().samples(CHAIN).put("eth-usdc", bookSample(11));

        const points = await store().series("eth-usdc", { fromSec: T0, toSec: T0 + 100, maxPoints: 100 });
        expect(points.map((p) => [p.blockNumber, p.driftBps])).toEqual([
          [10n, 77],
          [11n, Number.NaN],
        ]);
        expect(
          (await store().samples(CHAIN).recent("eth-usdc", { limit: 1, uptoBlock: 10n }))[0]!.lpValueUsd,
        ).toBe(1);
      });

      it("drops the samples, de-peg readings and decisions of orphaned blocks on a reorg, on that chain only", async () => {
        for (const block of [10, 11, 12, 13]) {
          await store().putSample(CHAIN, "eth-usdc", historySample(block), [depegReading()]);
          await store().putSample(CHAIN, "btc-usdc", historySample(block), []);
          await store().putDecision({
            chainId: CHAIN,
            bookId: "eth-usdc",
            blockNumber: BigInt(block),
            atMs: block,
            kind: "noop",
            reason: "inside the band",
            planId: null,
            driftBps: 1,
          });
        }
        await store().putSample(OTHER_CHAIN, "eth-usdc", historySample(12), [depegReading()]);
        await store().putBookStatus(bookStatus(13));

        expect(await store().samples(CHAIN).removeFrom(12n)).toBe(4);

        const blocks = (await store().samples(CHAIN).recent("eth-usdc", { limit: 10 })).map(
          (s) => s.blockNumber,
        );
        expect(blocks).toEqual([10n, 11n]);
        expect((await store().samples(CHAIN).recent("btc-usdc", { limit: 10 })).length).toBe(2);
        expect((await store().samples(OTHER_CHAIN).recent("eth-usdc", { limit: 10 })).length).toBe(1);
        expect((await store().decisions({ limit: 10 })).map((d) => d.blockNumber)).toEqual([11n, 10n]);
        const depeg = await store().depeg();
        expect(depeg.map((d) => [d.chainId, d.blockNumber])).toEqual([
          [OTHER_CHAIN, 12n],
          [CHAIN, 11n],
        ]);
        // The status stays until the next evaluation replaces it.
        expect((await store().book("eth-usdc"))?.blockNumber).toBe(13n);
      });

      it("round-trips the whole hedged item and the base oracle's round (wider than bigint) and update time", async () => {
        const roundId = (7n << 64n) | 123_456n;
        const withItem = bookSample(1, {
          hedgedItemValueUsd: 160_000.5,
          baseOracleRoundId: roundId,
          baseOracleUpdatedAtSec: T0 - 30,
        });
        await store().putSample(CHAIN, "eth-usdc", { ...historySample(1), ...withItem }, []);
        await store()
          .samples(CHAIN)
          .put("eth-usdc", bookSample(2, { hedgedItemValueUsd: 1, baseOracleRoundId: 9n }));
        await store().samples(CHAIN).put("eth-usdc", bookSample(3));
        const [first, second, third] = await store().samples(CHAIN).recent("eth-usdc", { limit: 10 });
        expect(first).toEqual(withItem);
        expect(first!.baseOracleRoundId).toBe(roundId);
        expect(second).toEqual(bookSample(2, { hedgedItemValueUsd: 1, baseOracleRoundId: 9n }));
        // A sample without them (as older keepers wrote) reads without the fields, not as zeros.
        expect(third).toEqual(bookSample(3));
        for (const field of ["hedgedItemValueUsd", "baseOracleRoundId", "baseOracleUpdatedAtSec"])
          expect(third).not.toHaveProperty(field);
      });

      it("stores NaN and infinite measurements as they are", async () => {
        await store().putSample(
          CHAIN,
          "eth-usdc",
          historySample(1, { driftBps: Number.NaN, impermanentLossUsd: Number.POSITIVE_INFINITY }),
          [],
        );
        const [point] = await store().series("eth-usdc", { fromSec: T0, toSec: T0 + 10, maxPoints: 10 });
        expect(point?.driftBps).toBeNaN();
        expect(point?.impermanentLossUsd).toBe(Number.POSITIVE_INFINITY);
      });
    });

    describe("series", () => {
      // Blocks every 10 s, two of them sharing a timestamp (the later block is the bucket's last).
      const seed = async () => {
        for (let i = 0; i < 100; i += 1) {
          await store().putSample(
            CHAIN,
            "eth-usdc",
            historySample(1_000 + i, { timestampSec: T0 + i * 10, driftBps: i }),
            [],
          );
        }
        await store().putSample(
          CHAIN,
          "eth-usdc",
          historySample(1_200, { timestampSec: T0 + 990, driftBps: 999 }),
          [],
        );
        await store().putSample(
          CHAIN,
          "other-book",
          historySample(1_000, { timestampSec: T0 + 500, driftBps: -1 }),
          [],
        );
      };

      /** What the series should be, computed in memory from the same samples. */
      const expectedBlocks = (fromSec: number, toSec: number, maxPoints: number) => {
        const all = [
          ...Array.from({ length: 100 }, (_, i) => ({ block: 1_000 + i, ts: T0 + i * 10 })),
          { block: 1_200, ts: T0 + 990 },
        ].filter((s) => s.ts >= fromSec && s.ts <= toSec);
        const { widthSec } = seriesBuckets({ fromSec, toSec, maxPoints });
        const last = new Map<number, { block: number; ts: number }>();
        for (const s of all) {
          const bucket = Math.floor((s.ts - fromSec) / widthSec);
          const held = last.get(bucket);
          if (!held || s.ts > held.ts || (s.ts === held.ts && s.block > held.block)) last.set(bucket, s);
        }
        return [...last.entries()].sort(([a], [b]) => a - b).map(([, s]) => BigInt(s.block));
      };

      it("returns at most maxPoints points, each the last sample of its time bucket, oldest first", async () => {
        await seed();
        for (const [fromSec, toSec, maxPoints] of [
          [T0, T0 + 990, 10],
          [T0, T0 + 990, 7],
          [T0 - 5_000, T0 + 5_000, 3],
          [T0 + 15, T0 + 333, 1],
          [T0, T0 + 990, 1_000],
        ] as const) {
          const points = await store().series("eth-usdc", { fromSec, toSec, maxPoints });
          expect(points.length).toBeLessThanOrEqual(maxPoints);
          expect(points.map((p) => p.blockNumber)).toEqual(expectedBlocks(fromSec, toSec, maxPoints));
        }
      });

      it("reads the chart fields from the sample and derives the perp basis in bps", async () => {
        await seed();
        const points = await store().series("eth-usdc", { fromSec: T0 + 990, toSec: T0 + 990, maxPoints: 5 });
        expect(points).toEqual([
          {
            timestampSec: T0 + 990,
            blockNumber: 1_200n,
            driftBps: 999,
            thresholdBps: 200,
            impermanentLossUsd: -42.25,
            hedgeRatio: 0.49,
            basisBps: ((3003 - 3000) / 3000) * 10_000,
            fundingRateDaily: 0.0001,
          },
        ]);
      });

      it("reads the hedged series over the same buckets: the hedge's and the whole item's values", async () => {
        await seed();
        await store().putSample(
          CHAIN,
          "eth-usdc",
          historySample(1_300, {
            timestampSec: T0 + 995,
            hedgeValueUsd: 49_000,
            hedgedItemValueUsd: 151_000,
          }),
          [],
        );
        for (const [fromSec, toSec, maxPoints] of [
          [T0, T0 + 995, 10],
          [T0 + 15, T0 + 333, 4],
        ] as const) {
          const hedged = await store().hedgedSeries("eth-usdc", { fromSec, toSec, maxPoints });
          const chart = await store().series("eth-usdc", { fromSec, toSec, maxPoints });
          expect(hedged.map((p) => [p.blockNumber, p.timestampSec])).toEqual(
            chart.map((p) => [p.blockNumber, p.timestampSec]),
          );
        }
        const [older, last] = await store().hedgedSeries("eth-usdc", {
          fromSec: T0 + 990,
          toSec: T0 + 995,
          maxPoints: 6,
        });
        // The seeded samples carry no hedged item: the point says so by leaving it out.
        expect(older).toEqual({ timestampSec: T0 + 990, blockNumber: 1_200n, hedgeValueUsd: 50_000 });
        expect(last).toEqual({
          timestampSec: T0 + 995,
          blockNumber: 1_300n,
          hedgeValueUsd: 49_000,
          hedgedItemValueUsd: 151_000,
        });
      });

      it("returns nothing for an empty or inverted range", async () => {
        await seed();
        expect(await store().series("eth-usdc", { fromSec: T0 + 1, toSec: T0 + 9, maxPoints: 10 })).toEqual(
          [],
        );
        expect(await store().series("eth-usdc", { fromSec: T0 + 100, toSec: T0, maxPoints: 10 })).toEqual([]);
        expect(await store().series("eth-usdc", { fromSec: T0, toSec: T0 + 100, maxPoints: 0 })).toEqual([]);
        expect(await store().series("no-such-book", { fromSec: T0, toSec: T0 + 990, maxPoints: 10 })).toEqual(
          [],
        );
        expect(
          await store().hedgedSeries("eth-usdc", { fromSec: T0 + 100, toSec: T0, maxPoints: 10 }),
        ).toEqual([]);
      });
      it("reads several books' hedged series over several ranges in one read: each book's own series, range by range", async () => {
        await seed();
        // A young book: its first sample late in the ranges, so their leading buckets are empty (the read skips them).
        await store().putSamples(
          [3, 5, 6, 40].map((i) => ({
            chainId: CHAIN,
            bookId: "young-book",
            sample: historySample(2_000 + i, {
              timestampSec: T0 + 600 + i * 7,
              hedgeValueUsd: 40_000 + i,
              hedgedItemValueUsd: 120_000 - i,
            }),
            depeg: [],
          })),
        );
        const bookIds = ["young-book", "eth-usdc", "no-such-book", "other-book", "eth-usdc"];
        const ranges = [
          { fromSec: T0, toSec: T0 + 995, maxPoints: 10 },
          { fromSec: T0 + 15, toSec: T0 + 333, maxPoints: 4 },
          { fromSec: T0 - 5_000, toSec: T0 + 900, maxPoints: 241 },
          { fromSec: T0 + 610, toSec: T0 + 640, maxPoints: 31 },
          { fromSec: T0 + 100, toSec: T0, maxPoints: 10 },
          { fromSec: T0, toSec: T0 + 100, maxPoints: 0 },
        ];
        const together = await store().hedgedSeriesOfBooks(bookIds, ranges);
        expect(together).toHaveLength(bookIds.length);
        let points = 0;
        for (const [b, bookId] of bookIds.entries()) {
          expect(together[b]).toHaveLength(ranges.length);
          for (const [r, range] of ranges.entries()) {
            // The chart's buckets (a statement of its own, probing every bucket) pick the same samples.
            const chart = await store().series(bookId, range);
            expect(together[b]![r]!.map((p) => [p.blockNumber, p.timestampSec])).toEqual(
              chart.map((p) => [p.blockNumber, p.timestampSec]),
            );
            expect(together[b]![r]).toEqual(await store().hedgedSeries(bookId, range));
            points += chart.length;
          }
        }
        // Positive control: the ranges do hold points, the young book's among them with its values.
        expect(points).toBeGreaterThan(50);
        expect(together[0]![3]).toEqual([
          { timestampSec: T0 + 621, blockNumber: 2_003n, hedgeValueUsd: 40_003, hedgedItemValueUsd: 119_997 },
          { timestampSec: T0 + 635, blockNumber: 2_005n, hedgeValueUsd: 40_005, hedgedItemValueUsd: 119_995 },
        ]);
        expect(await store().hedgedSeriesOfBooks([], ranges)).toEqual([]);
      });
    });

    describe("book status", () => {
      it("never moves a book's status back to an older block, and round-trips its detail", async () => {
        const watched = { status: "watch", effectiveness: 0.93, effectivenessWindow: "1d" } as const;
        await store().putBookStatus(bookStatus(10, watched));
        await store().putBookStatus(bookStatus(9, { status: "act" }));
        expect(await store().book("eth-usdc")).toEqual(bookStatus(10, watched));

        await store().putBookStatus(
          bookStatus(11, { status: "act", detail: { stress: [{ movePct: -20, pnlUsd: -1_234.5 }] } }),
        );
        expect(await store().book("eth-usdc")).toEqual(
          bookStatus(11, { status: "act", detail: { stress: [{ movePct: -20, pnlUsd: -1_234.5 }] } }),
        );
      });

      it("lists one status per book, filtered by chain", async () => {
        await store().putBookStatus(bookStatus(10));
        await store().putBookStatus(bookStatus(10, { bookId: "btc-usdc" }));
        await store().putBookStatus(bookStatus(10, { chainId: OTHER_CHAIN, bookId: "op-usdc" }));
        expect((await store().books()).map((b) => [b.chainId, b.bookId])).toEqual([
          [OTHER_CHAIN, "op-usdc"],
          [CHAIN, "btc-usdc"],
          [CHAIN, "eth-usdc"],
        ]);
        expect((await store().books(CHAIN)).map((b) => b.bookId)).toEqual(["btc-usdc", "eth-usdc"]);
        expect(await store().book("no-such-book")).toBeUndefined();
      });

      it("writes JSON's own values for what JSON cannot hold: NaN as null, a bigint as its decimal string", async () => {
        await store().putBookStatus(
          bookStatus(10, { detail: { var95Usd: Number.NaN, gas: 21_000n as unknown } }),
        );
        expect((await store().book("eth-usdc"))?.detail).toEqual({ var95Usd: null, gas: "21000" });
      });
    });

    describe("a block's detail sections shared by its books", () => {
      /** A treasury's books at one block: one snapshot (the stress table, σ), each its own steward windows. */
      const groupStatuses = (block: number, books: readonly string[], stressMovePct = -20) =>
        books.map((bookId, i) =>
          bookStatus(block, {
            bookId,
            detail: {
              armBps: 200,
              sigma: { annual: 0.6123456789012345, source: "realized" },
              targetEffectiveness: [
                { label: "live", targetHedgeRatio: 0.4 + i / 10, ederington: 0.9 - i / 100 },
              ],
              stress: Array.from({ length: 12 }, (_, r) => ({
                shock: `price ${stressMovePct + r}%`,
                netPnlUsd: -1_234.567890123 * (r + 1),
              })),
              stressProblem: null,
            },
          }),
        );
      const storedRows = () =>
        backend!.sql.query<{ book_id: string; detail: unknown; detail_part: string | null }>(
          "SELECT book_id, detail, detail_part FROM book_status ORDER BY book_id",
        );
      const storedParts = () =>
        backend!.sql.query<{ hash: string; block_number: unknown }>(
          "SELECT hash, block_number FROM book_status_parts ORDER BY block_number, hash",
        );
      const asText = (detail: unknown) =>
        JSON.stringify(typeof detail === "string" ? JSON.parse(detail) : detail);

      it("stores what a block's books share once, and reads every detail back whole, in its own key order", async () => {
        const written = groupStatuses(20, ["eth-a", "eth-b", "eth-c"]);
        await store().putBookStatuses(written);

        const read = await store().books(CHAIN);
        expect(read).toEqual(written);
        // Byte for byte what a whole detail would read as: the same keys in the same order.
        expect(read.map((s) => JSON.stringify(s.detail))).toEqual(
          written.map((s) => JSON.stringify(s.detail)),
        );
        expect(await store().book("eth-b")).toEqual(written[1]);
        // One part for the three; each row keeps only its own section, and names the part.
        const parts = await storedParts();
        expect(parts).toHaveLength(1);
        const rows = await storedRows();
        expect(rows.map((r) => r.detail_part)).toEqual([parts[0]!.hash, parts[0]!.hash, parts[0]!.hash]);
        expect(rows.map((r) => Object.keys(JSON.parse(asText(r.detail))))).toEqual([
          ["targetEffectiveness"],
          ["targetEffectiveness"],
          ["targetEffectiveness"],
        ]);
      });

      it("writes nothing new when a batch is replayed", async () => {
        const written = groupStatuses(20, ["eth-a", "eth-b", "eth-c"]);
        await store().putBookStatuses(written);
        const before = { parts: await storedParts(), rows: await storedRows() };
        await store().putBookStatuses(written);
        expect(await storedParts()).toEqual(before.parts);
        expect(await storedRows()).toEqual(before.rows);
        expect(await store().books(CHAIN)).toEqual(written);
      });

      it("keeps the newer block's details when an older block's batch comes after it", async () => {
        const newer = groupStatuses(21, ["eth-a", "eth-b"], -30);
        await store().putBookStatuses(newer);
        await store().putBookStatuses(groupStatuses(20, ["eth-a", "eth-b"], -20));
        expect(await store().books(CHAIN)).toEqual(newer);
        // Positive control: a later block's batch does replace them, its part with it.
        const latest = groupStatuses(22, ["eth-a", "eth-b"], -40);
        await store().putBookStatuses(latest);
        expect(await store().books(CHAIN)).toEqual(latest);
      });

      it("stores a detail whole when it is written alone or shares nothing, and reads rows from before the split", async () => {
        // A book handed back from its group writes its status alone.
        const [alone] = groupStatuses(20, ["eth-a"]);
        await store().putBookStatus(alone!);
        // Two books with nothing in common at their block (different keys).
        const apart = [
          bookStatus(20, { bookId: "eth-b", detail: { stress: [{ shock: "price -20%" }] } }),
          bookStatus(20, { bookId: "eth-c", detail: { oracle: { fresh: true } } }),
        ];
        await store().putBookStatuses(apart);
        // A row as migration 14 left it: no part column set.
        const old = bookStatus(19, { bookId: "eth-d", detail: { stress: [], armBps: 150 } });
        await backend!.sql.query(
          `INSERT INTO book_status (chain_id, book_id, block_number, timestamp_sec, status, drift_bps, threshold_bps,
             hedge_ratio, target_hedge_ratio, impermanent_loss_usd, book_value_usd, effectiveness, effectiveness_window,
             detail)
           VALUES ($1, 'eth-d', 19, $2, 'ok', 12.5, 200, 0.49, 0.5, -42.25, 150000, NULL, NULL, $3::json)`,
          [CHAIN, old.timestampSec, JSON.stringify(old.detail)],
        );
        expect(await storedParts()).toEqual([]);
        expect((await storedRows()).map((r) => r.detail_part)).toEqual([null, null, null, null]);
        expect(await store().books(CHAIN)).toEqual([alone, ...apart, old]);
      });

      it("deletes a part nothing references once the chain is past its retention, never one still referenced", async () => {
        const retention = Number(PART_RETENTION_BLOCKS);
        // Two treasuries at block 20: eth-* and btc-*, each its own part.
        await store().putBookStatuses(groupStatuses(20, ["eth-a", "eth-b"], -20));
        await store().putBookStatuses(groupStatuses(20, ["btc-a", "btc-b"], -25));
        // eth-* move on; their block-20 part is referenced no more, btc-*'s still is (they lag behind).
        await store().putBookStatuses(groupStatuses(21, ["eth-a", "eth-b"], -30));
        // Within the retention nothing goes: a late write of block 20 could still reference it.
        await store().putBookStatuses(groupStatuses(20 + retention, ["eth-a", "eth-b"], -35));
        expect((await storedParts()).map((p) => Number(p.block_number))).toEqual([
          20,
          20,
          21,
          20 + retention,
        ]);

        const latest = groupStatuses(21 + retention, ["eth-a", "eth-b"], -40);
        await store().putBookStatuses(latest);
        const parts = await storedParts();
        // eth-*'s block-20 part gone; btc-*'s kept (referenced); the later ones inside the retention kept.
        expect(parts.map((p) => Number(p.block_number))).toEqual([20, 21, 20 + retention, 21 + retention]);
        const btc = (await storedRows()).find((r) => r.book_id === "btc-a")!.detail_part;
        expect(parts[0]!.hash).toBe(btc);
        expect(await store().books(CHAIN)).toEqual([
          ...groupStatuses(20, ["btc-a", "btc-b"], -25),
          ...latest,
        ]);
      });
    });

    describe("decisions", () => {
      it("overwrites a retried evaluation of the same block instead of adding a decision", async () => {
        const decision = {
          chainId: CHAIN,
          bookId: "eth-usdc",
          blockNumber: 10n,
          atMs: 1_000,
          kind: "noop" as const,
          reason: "inside the band",
          planId: null,
          driftBps: 12,
        };
        await store().putDecision(decision);
        await store().putDecision({
          ...decision,
          atMs: 2_000,
          kind: "plan",
          reason: "drift above the band",
          planId: "plan-1",
          driftBps: 240,
        });
        expect(await store().decisions({ limit: 10 })).toEqual([
          {
            ...decision,
            atMs: 2_000,
            kind: "plan",
            reason: "drift above the band",
            planId: "plan-1",
            driftBps: 240,
          },
        ]);
      });

      it("lists decisions newest first, per book on request, keeping a skipped one's NaN drift", async () => {
        const base = { chainId: CHAIN, reason: "r", planId: null };
        await store().putDecision({
          ...base,
          bookId: "eth-usdc",
          blockNumber: 10n,
          atMs: 1_000,
          kind: "noop",
          driftBps: 1,
        });
        await store().putDecision({
          ...base,
          bookId: "btc-usdc",
          blockNumber: 10n,
          atMs: 2_000,
          kind: "noop",
          driftBps: null,
        });
        await store().putDecision({
          ...base,
          bookId: "eth-usdc",
          blockNumber: 11n,
          atMs: 3_000,
          kind: "skipped",
          driftBps: Number.NaN,
        });

        const all = await store().decisions({ limit: 10 });
        expect(all.map((d) => [d.bookId, d.blockNumber])).toEqual([
          ["eth-usdc", 11n],
          ["btc-usdc", 10n],
          ["eth-usdc", 10n],
        ]);
        expect(all[0]!.driftBps).toBeNaN();
        expect(all[1]!.driftBps).toBeNull();
        expect((await store().decisions({ limit: 1, bookId: "eth-usdc" })).map((d) => d.blockNumber)).toEqual(
          [11n],
        );
      });
    });

    describe("a group's writes in one go", () => {
      it("writes many books' samples, readings, statuses and decisions as the single writes would, the last of a key winning", async () => {
        const books = ["eth-a", "eth-b", "eth-c"];
        // Book eth-c's block 10 is already stored with a reading of a token that has since left the book.
        await store().putSample(CHAIN, "eth-c", historySample(10, { lpValueUsd: 1 }), [
          depegReading({ token: DAI, symbol: "DAI" }),
        ]);
        await store().putBookStatus(bookStatus(12, { bookId: "eth-c", status: "act" }));
        // One stablecoin per book, so the latest reading per token (depeg()) shows each book's.
        const tokens = [
          { token: USDC, symbol: "USDC" },
          { token: "0xdAC17F958D2ee523a2206206994597C13D831ec7", symbol: "USDT" },
          { token: "0x853d955aCEf822Db058eb8505911ED77F175b99e", symbol: "FRAX" },
        ];
        await store().putSamples([
          ...books.map((bookId, i) => ({
            chainId: CHAIN,
            bookId,
            sample: historySample(10, { lpValueUsd: 100 + i }),
            depeg: [depegReading({ ...tokens[i]!, priceUsd: 0.99 + i / 1000 })],
          })),
          // A second write of eth-a's block in the same batch: the later one is kept, as two puts would leave it.
          { chainId: CHAIN, bookId: "eth-a", sample: historySample(10, { lpValueUsd: 999 }), depeg: [] },
        ]);
        await store().putBookStatuses(books.map((bookId) => bookStatus(11, { bookId, status: "watch" })));
        const decision = (bookId: string, kind: "noop" | "plan") => ({
          chainId: CHAIN,
          bookId,
          blockNumber: 10n,
          atMs: 1_000,
          kind,
          reason: kind === "noop" ? "inside the band" : "drift above the band",
          planId: kind === "plan" ? `plan-${bookId}` : null,
          driftBps: kind === "plan" ? 240 : Number.NaN,
        });
        await store().putDecisions([decision("eth-a", "noop"), decision("eth-b", "plan")]);
        await store().putDecisions([decision("eth-a", "plan"), decision("eth-c", "noop")]);

        const samples = store().samples(CHAIN);
        expect(await samples.recent("eth-a", { limit: 5 })).toEqual([bookSample(10, { lpValueUsd: 999 })]);
        expect(await samples.recent("eth-b", { limit: 5 })).toEqual([bookSample(10, { lpValueUsd: 101 })]);
        expect(await samples.recent("eth-c", { limit: 5 })).toEqual([bookSample(10, { lpValueUsd: 102 })]);
        // Each block's readings replaced whole: eth-a's last write had none (no USDC), eth-c's DAI is gone.
        expect((await store().depeg()).map((d) => [d.bookId, d.symbol, d.priceUsd]).sort()).toEqual([
          ["eth-b", "USDT", 0.991],
          ["eth-c", "FRAX", 0.992],
        ]);
        // A status never goes back to an older block: eth-c stays at block 12.
        expect((await store().books(CHAIN)).map((b) => [b.bookId, b.blockNumber, b.status])).toEqual([
          ["eth-a", 11n, "watch"],
          ["eth-b", 11n, "watch"],
          ["eth-c", 12n, "act"],
        ]);
        expect(
          (await store().decisions({ limit: 10 })).map((d) => [d.bookId, d.kind, d.planId]).sort(),
        ).toEqual([
          ["eth-a", "plan", "plan-eth-a"],
          ["eth-b", "plan", "plan-eth-b"],
          ["eth-c", "noop", null],
        ]);
        // Nothing to write is not an error.
        await store().putSamples([]);
        await store().putBookStatuses([]);
        await store().putDecisions([]);
      });

      it("writes a batch too large for one statement in one transaction: all of it, or nothing", async () => {
        const batch = (tier: DepegSample["tier"]) =>
          Array.from({ length: 1_000 }, (_, i) => ({
            chainId: CHAIN,
            bookId: `book-${i}`,
            sample: historySample(20),
            depeg: [depegReading({ tier: i === 999 ? tier : "ok" })],
          }));
        // The last book's reading breaks the table's tier check: its statement, the batch's last, fails.
        await expect(store().putSamples(batch("bogus" as DepegSample["tier"]))).rejects.toThrow();
        expect(await store().samples(CHAIN).recent("book-0", { limit: 5 })).toEqual([]);
        // Control: the same batch with a valid tier is written whole, over several statements.
        await store().putSamples(batch("warn"));
        expect(await store().samples(CHAIN).recent("book-0", { limit: 5 })).toEqual([bookSample(20)]);
        expect(await store().samples(CHAIN).recent("book-999", { limit: 5 })).toEqual([bookSample(20)]);
        const [counted] = await backend!.sql.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM depeg_samples WHERE block_number = 20",
        );
        expect(counted?.n).toBe(1_000);
      });
    });

    describe("plans and transactions", () => {
      it("keeps the later update of a plan when an older one arrives after it", async () => {
        await store().putPlan(plan("plan-1", { status: "mined", updatedAtMs: 5_000 }));
        await store().putPlan(plan("plan-1", { status: "proposed", updatedAtMs: 1_000 }));
        expect((await store().actions({ limit: 10 }))[0]).toMatchObject({
          status: "mined",
          updatedAtMs: 5_000,
        });
      });

      it("shows each plan with its current transaction, its gas, how often it was fee-bumped and its slippage", async () => {
        await store().putPlan(plan("plan-1", { createdAtMs: 1_000 }));
        await store().putPlan(plan("plan-2", { createdAtMs: 2_000, bookId: "btc-usdc" }));
        await store().putTransaction(transaction("0xa1", { atMs: 1_000 }));
        await store().putTransaction(
          transaction("0xb2", { kind: "replacement", replaces: "0xa1", atMs: 2_000 }),
        );
        // The original's "replaced" is recorded after its replacement: the replacement stays the plan's current tx.
        await store().putTransaction(transaction("0xa1", { status: "replaced", atMs: 2_500 }));
        await store().putTransaction(
          transaction("0xb2", {
            kind: "replacement",
            status: "mined",
            gasUsed: 187_654n,
            blockNumber: 101n,
            atMs: 3_000,
          }),
        );
        // A replayed broadcast event never takes a mined transaction back.
        await store().putTransaction(
          transaction("0xb2", { kind: "replacement", replaces: "0xa1", status: "broadcast", atMs: 3_500 }),
        );

        // Its realized cost, once recorded, shows as the plan's slippage.
        await store().putExecution(execution("plan-1", { txHash: "0xb2", slippageBps: 9 }));

        const actions = await store().actions({ limit: 10 });
        expect(actions).toEqual([
          {
            ...plan("plan-2", { createdAtMs: 2_000, bookId: "btc-usdc" }),
            txHash: null,
            txStatus: null,
            gasUsed: null,
            replacements: 0,
            slippageBps: null,
          },
          {
            ...plan("plan-1", { createdAtMs: 1_000 }),
            txHash: "0xb2",
            txStatus: "mined",
            gasUsed: 187_654n,
            replacements: 1,
            slippageBps: 9,
          },
        ]);
        expect((await store().actions({ limit: 10, bookId: "eth-usdc" })).map((a) => a.planId)).toEqual([
          "plan-1",
        ]);
        expect((await store().actions({ limit: 1 })).map((a) => a.planId)).toEqual(["plan-2"]);
      });
    });

    describe("report samples", () => {
      it("reads back a sample's attribution inputs with the perp account's books (migration 5), and older samples without them", async () => {
        const attribution = {
          lpFeesOwedUsd: 21.5,
          lpDeltaBase: 31.25,
          spotBase: 2,
          pendingFundingUsd: -1.75,
          perp: {
            owedRealizedPnlUsd: -45_783.5,
            unrealizedPnlUsd: 1_204.125,
            pendingFeeUsd: 0.5,
            collateralUsd: 250_000,
          },
          fundingScannedFromBlock: 7n,
          lpFlowsScannedFromBlock: 9n,
        };
        await store().putSample(CHAIN, "eth-usdc", historySample(10, { attribution }), []);
        // A sample written before migration 5: its attribution inputs, no perp books.
        await store().putSample(
          CHAIN,
          "eth-usdc",
          historySample(11, { attribution: { ...attribution, perp: null } }),
          [],
        );
        const range = { fromSec: T0, toSec: T0 + 100, maxPoints: 100 };
        const [withBooks, without] = await store().reportSamples("eth-usdc", range);
        expect(withBooks?.attribution).toEqual(attribution);
        expect(without?.attribution).toEqual({ ...attribution, perp: null });
      });

      it("reads back a sample's Aave accrual reading (migration 10), and a sample without one as null", async () => {
        const aaveAccrual = {
          scaledDebtBase: 98.0392156862745,
          scaledSuppliedBase: 0.99009900990099,
          debtIndex: 1.0200000123456789,
          supplyIndex: 1.0100000012345678,
        };
        await store().putSample(CHAIN, "eth-usdc", { ...historySample(10), aaveAccrual }, []);
        await store().putSample(CHAIN, "eth-usdc", historySample(11), []);
        const range = { fromSec: T0, toSec: T0 + 100, maxPoints: 100 };
        const [withReading, without] = await store().reportSamples("eth-usdc", range);
        expect(withReading?.aaveAccrual).toEqual(aaveAccrual);
        expect(without?.aaveAccrual).toBeNull();
      });

      it("reads back a sample's Aave collateral readings (migration 13) to the last digit, and a sample without them as null", async () => {
        const aaveCollateralAccrual = [
          {
            asset: "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48",
            symbol: "USDC",
            scaledSupplied: 263_592.482758123,
            incomeIndex: 1.028103456789012,
            priceUsd: 0.9713,
          },
          {
            asset: "0x6B175474E89094C44Da98b954EedeAC495271d0F",
            symbol: "DAI",
            scaledSupplied: 0,
            incomeIndex: 1,
            priceUsd: 1,
          },
        ];
        await store().putSample(CHAIN, "eth-usdc", { ...historySample(10), aaveCollateralAccrual }, []);
        await store().putSample(CHAIN, "eth-usdc", historySample(11), []);
        const range = { fromSec: T0, toSec: T0 + 100, maxPoints: 100 };
        const [withReadings, without] = await store().reportSamples("eth-usdc", range);
        expect(withReadings?.aaveCollateralAccrual).toEqual(aaveCollateralAccrual);
        expect(without?.aaveCollateralAccrual).toBeNull();
      });

      it("reads an unknown funding or LP flow scan (a sample before migration 9 or 11, a book without a perp) as null", async () => {
        const attribution = {
          lpFeesOwedUsd: 0,
          lpDeltaBase: 1,
          spotBase: 0,
          pendingFundingUsd: 0,
          perp: null,
        };
        await store().putSample(CHAIN, "eth-usdc", historySample(10, { attribution }), []);
        const [read] = await store().reportSamples("eth-usdc", {
          fromSec: T0,
          toSec: T0 + 100,
          maxPoints: 100,
        });
        expect(read?.attribution?.fundingScannedFromBlock).toBeNull();
        expect(read?.attribution?.lpFlowsScannedFromBlock).toBeNull();
      });
    });

    describe("funding settlements", () => {
      const settled = (txHash: string, blockNumber: bigint, logIndex: number, usd: number) => ({
        chainId: CHAIN,
        bookId: "eth-usdc",
        blockNumber,
        txHash,
        logIndex,
        timestampSec: T0 + Number(blockNumber),
        baseToken: "0x8c835dfaa34e2ae61775e80ee29e2c724c6ae2bb",
        fundingPaymentUsd: usd,
      });

      itKeepsEveryRecordOncePerLog({
        record: settled,
        put: (rows) => store().putFundingSettlements(rows),
        read: (bookId, blocks) => store().fundingSettlements(bookId, blocks),
        figure: (row) => row.fundingPaymentUsd,
        figures: { later: -0.5, first: 2.25, again: 2.5, added: 1 },
      });

      it("throws naming the table and column of a malformed row, where the well-formed one reads", async () => {
        // A NULL where a token belongs (the column loosened for the test) is no token and must not read as one.
        const sql = backend!.sql;
        await sql.exec("ALTER TABLE perp_funding_settlements ALTER COLUMN base_token DROP NOT NULL");
        try {
          const blocks = { fromBlock: 11n, toBlock: 11n };
          await store().putFundingSettlements([settled("0xa", 11n, 4, 2.5)]);
          expect(await store().fundingSettlements("eth-usdc", blocks)).toEqual([settled("0xa", 11n, 4, 2.5)]);
          await sql.query("UPDATE perp_funding_settlements SET base_token = NULL");
          await expect(store().fundingSettlements("eth-usdc", blocks)).rejects.toThrow(
            "column perp_funding_settlements.base_token: expected text, got null",
          );
        } finally {
          await sql.exec("DELETE FROM perp_funding_settlements");
          await sql.exec("ALTER TABLE perp_funding_settlements ALTER COLUMN base_token SET NOT NULL");
        }
      });
    });

    describe("Aave liquidations", () => {
      const liquidated = (logIndex: number, timestampSec: number) => ({
        chainId: CHAIN,
        bookId: "eth-usdc",
        blockNumber: BigInt(timestampSec - T0),
        txHash: `0x${"ab".repeat(32)}`,
        logIndex,
        timestampSec,
        account: "0x000000000000000000000000000000000000a11c",
        liquidator: "0x000000000000000000000000000000000000b0b0",
        collateralAsset: "0x00000000000000000000000000000000000000c0",
        collateralSymbol: "USDC",
        // Wider than 2^64: numeric(78, 0) carries it exactly both ways.
        collateralSeized: 2n ** 70n + 1n,
        collateralSeizedUsd: 1_050,
        protocolFee: 5_000_000n,
        protocolFeeUsd: 5,
        debtAsset: "0x00000000000000000000000000000000000000d0",
        debtSymbol: "WETH",
        debtCovered: 3n * 10n ** 17n,
        debtCoveredUsd: 1_000,
        debtCoveredBase: 0.3,
        bonusUsd: 55,
      });

      it("keeps one row per log, and reads a book's between two times with both ends included, oldest first", async () => {
        for (const [logIndex, sec] of [
          [0, 9],
          [2, 20],
          [1, 10],
          [3, 21],
        ] as const)
          await store().putAaveLiquidation(liquidated(logIndex, T0 + sec));
        await store().putAaveLiquidation({ ...liquidated(2, T0 + 20), bonusUsd: 56 });
        expect(await store().aaveLiquidations("eth-usdc", { fromSec: T0 + 10, toSec: T0 + 20 })).toEqual([
          liquidated(1, T0 + 10),
          { ...liquidated(2, T0 + 20), bonusUsd: 56 },
        ]);
      });
    });

    describe("perp collateral moves", () => {
      const moved = (txHash: string, blockNumber: bigint, logIndex: number, movedUsd: number) => ({
        chainId: CHAIN,
        bookId: "eth-usdc",
        blockNumber,
        txHash,
        logIndex,
        timestampSec: T0 + Number(blockNumber),
        collateralToken: "0x000000000000000000000000000000000000c0c0",
        movedUsd,
      });

      itKeepsEveryRecordOncePerLog({
        record: moved,
        put: (rows) => store().putCollateralMoves(rows),
        read: (bookId, blocks) => store().collateralMoves(bookId, blocks),
        figure: (row) => row.movedUsd,
        figures: { later: -300, first: 500, again: 501, added: 1 },
      });
    });

    describe("LP principal flows", () => {
      const flowed = (txHash: string, blockNumber: bigint, logIndex: number, principalUsd: number) => ({
        chainId: CHAIN,
        bookId: "eth-usdc",
        blockNumber,
        txHash,
        logIndex,
        timestampSec: T0 + Number(blockNumber),
        position: "uniswap-v3:7",
        principalUsd,
        principalToSpotUsd: principalUsd / 2,
        feesCollectedUsd: 1.5,
        feesToSpotUsd: 0.5,
      });

      itKeepsEveryRecordOncePerLog({
        record: flowed,
        put: (rows) => store().putLpPrincipalFlows(rows),
        read: (bookId, blocks) => store().lpPrincipalFlows(bookId, blocks),
        figure: (row) => row.principalUsd,
        figures: { later: -400, first: 250, again: 260, added: 10 },
      });
    });

    describe("plan executions", () => {
      it("round-trips a mined plan's realized cost, its legs and a gas price wider than bigint", async () => {
        const wide = execution("plan-1", { effectiveGasPrice: 2n ** 70n + 3n });
        await store().putExecution(wide);
        expect(await store().executions({ limit: 10 })).toEqual([wide]);
      });

      it("keeps one row per plan when its execution is recorded again, with the later figures", async () => {
        await store().putExecution(execution("plan-1"));
        await store().putExecution(execution("plan-1", { slippageBps: 11, recordedAtMs: (T0 + 300) * 1000 }));
        const rows = await store().executions({ limit: 10 });
        expect(rows.map((r) => [r.planId, r.slippageBps])).toEqual([["plan-1", 11]]);
      });

      it("keeps a plan that traded nothing as null prices and slippage, not zeros", async () => {
        const collateralOnly = execution("plan-1", {
          quotedPrice: null,
          realizedPrice: null,
          slippageBps: null,
          legs: [],
          feesUsd: 0,
          slippageUsd: 0,
          notionalUsd: 0,
          totalCostUsd: 1.855,
        });
        await store().putExecution(collateralOnly);
        expect(await store().executions({ limit: 1 })).toEqual([collateralOnly]);
      });

      it("keeps what an execution's LP withdrawal paid (migration 8), and an unknown payout as null, not zero", async () => {
        await store().putExecution(
          execution("plan-1", { lpWithdrawnPrincipalUsd: 172_267.441_234, lpFeesCollectedUsd: 0.125 }),
        );
        await store().putExecution(execution("plan-2"));
        await store().putExecution(
          execution("plan-3", { lpWithdrawnPrincipalUsd: null, lpFeesCollectedUsd: null }),
        );
        const rows = await store().executions({ limit: 10 });
        expect(
          Object.fromEntries(rows.map((r) => [r.planId, [r.lpWithdrawnPrincipalUsd, r.lpFeesCollectedUsd]])),
        ).toEqual({
          "plan-1": [172_267.441_234, 0.125],
          "plan-2": [0, 0],
          "plan-3": [null, null],
        });
      });

      it("keeps the funding an execution settled (migration 6), and an unknown one as null, not zero", async () => {
        await store().putExecution(execution("plan-1"));
        await store().putExecution(execution("plan-2", { perpFundingSettledUsd: null }));
        const rows = await store().executions({ limit: 10 });
        expect(Object.fromEntries(rows.map((r) => [r.planId, r.perpFundingSettledUsd]))).toEqual({
          "plan-1": -3.25,
          "plan-2": null,
        });
      });

      it("reads an execution recorded before migration 9 without its swapped base: null, not zero", async () => {
        await store().putExecution(execution("plan-1", { swappedBase: null }));
        expect((await store().executions({ limit: 1 }))[0]?.swappedBase).toBeNull();
      });

      it("keeps a swap's fill (migration 10), and reads one recorded before it as null, not zero", async () => {
        const fill = { cashUsd: 2_241.5, feesUsd: 6.75, slippageUsd: 1.75 };
        await store().putExecution(
          execution("plan-1", { swappedBase: { base: -0.75, atQuoteUsd: -2_250, fill } }),
        );
        await store().putExecution(
          execution("plan-2", { minedAtSec: T0 + 300, swappedBase: { base: -0.75, atQuoteUsd: -2_250 } }),
        );
        const read = await store().executions({ limit: 2 });
        expect(Object.fromEntries(read.map((e) => [e.planId, e.swappedBase?.fill]))).toEqual({
          "plan-1": fill,
          "plan-2": null,
        });
      });

      it("lists executions newest first, per book and within a time range on request", async () => {
        await store().putExecution(execution("a", { minedAtSec: T0 + 100 }));
        await store().putExecution(execution("b", { minedAtSec: T0 + 200, bookId: "btc-usdc" }));
        await store().putExecution(execution("c", { minedAtSec: T0 + 300 }));
        await store().putExecution(execution("d", { minedAtSec: T0 + 400 }));
        const ids = (rows: PlanExecution[]) => rows.map((r) => r.planId);
        expect(ids(await store().executions({ limit: 10 }))).toEqual(["d", "c", "b", "a"]);
        expect(ids(await store().executions({ limit: 2 }))).toEqual(["d", "c"]);
        expect(ids(await store().executions({ limit: 10, bookId: "eth-usdc" }))).toEqual(["d", "c", "a"]);
        expect(
          ids(
            await store().executions({ limit: 10, bookId: "eth-usdc", fromSec: T0 + 100, toSec: T0 + 300 }),
          ),
        ).toEqual(["c", "a"]);
        expect(ids(await store().executions({ limit: 10, fromSec: T0 + 150 }))).toEqual(["d", "c", "b"]);
        expect(ids(await store().executions({ limit: 10, toSec: T0 + 150 }))).toEqual(["a"]);
      });

      it("reads several books' executions over one period in one read: each book's own executions()", async () => {
        await store().putExecution(execution("a", { minedAtSec: T0 + 100 }));
        await store().putExecution(execution("b", { minedAtSec: T0 + 200, bookId: "btc-usdc" }));
        await store().putExecution(execution("c", { minedAtSec: T0 + 300 }));
        await store().putExecution(execution("d", { minedAtSec: T0 + 400 }));
        await store().putExecution(execution("e", { minedAtSec: T0 + 300, blockNumber: 7n }));
        const bookIds = ["eth-usdc", "no-such-book", "btc-usdc"];
        for (const period of [
          { limit: 10, fromSec: T0, toSec: T0 + 1_000 },
          { limit: 2, fromSec: T0 + 100, toSec: T0 + 300 },
          { limit: 10, fromSec: T0 + 250, toSec: T0 + 250 },
        ]) {
          const together = await store().executionsOfBooks(bookIds, period);
          expect(together).toEqual(
            await Promise.all(bookIds.map((bookId) => store().executions({ bookId, ...period }))),
          );
        }
        const ids = (rows: PlanExecution[][]) => rows.map((book) => book.map((r) => r.planId));
        // Positive control: newest first per book, the per-book limit applied to each.
        expect(
          ids(await store().executionsOfBooks(bookIds, { limit: 2, fromSec: T0, toSec: T0 + 1_000 })),
        ).toEqual([["d", "c"], [], ["b"]]);
      });
    });

    describe("alerts and config", () => {
      it("writes a replayed alert message once, keeping firing and resolved apart", async () => {
        const alert = {
          key: "drift:eth-usdc",
          severity: "warning" as const,
          status: "firing" as const,
          title: "Drift",
          text: "240 bps",
          bookId: "eth-usdc",
          atSec: T0,
        };
        await store().putAlert(alert);
        await store().putAlert(alert);
        await store().putAlert({ ...alert, status: "resolved", atSec: T0 + 60 });
        await store().putAlert({
          ...alert,
          key: "keeper:heartbeat",
          bookId: null,
          severity: "critical",
          atSec: T0 + 30,
        });

        expect((await store().alerts({ limit: 10 })).map((a) => [a.key, a.status, a.atSec])).toEqual([
          ["drift:eth-usdc", "resolved", T0 + 60],
          ["keeper:heartbeat", "firing", T0 + 30],
          ["drift:eth-usdc", "firing", T0],
        ]);
        expect(await store().alerts({ limit: 1 })).toHaveLength(1);
      });

      it("hashes a config text to a stable sha256 and reports the version recorded last with its first sighting", async () => {
        expect(await store().configVersion()).toBeUndefined();
        const a = await store().putConfigVersion("networks: {}\n", 1_000);
        expect(a).toBe("554abbbe1d5c55363f23a403d142be4813aa44d7812b2564b2526ec488b7f7d6");
        expect(await store().putConfigVersion("networks: {}\n", 1_500)).toBe(a);
        const b = await store().putConfigVersion("networks: { x: 1 }\n", 2_000);
        expect(await store().configVersion()).toEqual({ hash: b, atMs: 2_000 });
        await store().putConfigVersion("networks: {}\n", 3_000);
        expect(await store().configVersion()).toEqual({ hash: a, atMs: 1_000 });
      });
    });

    describe("compaction", () => {
      const policy = { downsampleAfterSec: 3_600, retainSec: 86_400, retainActionsSec: 7 * 86_400 };
      const now = T0 + 30 * 86_400;
      const minute = (secondsAgo: number) => Math.floor((now - secondsAgo) / 60) * 60;

      it("thins old samples to the last of each minute and deletes what is past retention, once", async () => {
        let block = 0;
        const put = async (timestampSec: number, depeg: boolean) => {
          block += 1;
          await store().putSample(
            CHAIN,
            "eth-usdc",
            historySample(block, { timestampSec }),
            depeg ? [depegReading()] : [],
          );
          return BigInt(block);
        };
        // Past retention: 2 samples (1 with a de-peg reading).
        await put(now - 2 * 86_400, true);
        await put(now - 2 * 86_400 + 1, false);
        // Old enough to thin: one minute with 5 samples (each with a reading), one with 2.
        const old = minute(7_200);
        const oldMinute = [];
        for (const s of [0, 12, 24, 36, 48]) oldMinute.push(await put(old + s, true));
        const nextMinute = [await put(old + 60, false), await put(old + 90, false)];
        // Recent: all 3 stay.
        const recent = [await put(now - 100, true), await put(now - 90, true), await put(now - 80, true)];

        const base = {
          chainId: CHAIN,
          bookId: "eth-usdc",
          kind: "noop" as const,
          reason: "r",
          planId: null,
          driftBps: 0,
        };
        await store().putDecision({ ...base, blockNumber: 1n, atMs: (now - 2 * 86_400) * 1000 });
        await store().putDecision({ ...base, blockNumber: 2n, atMs: (now - 60) * 1000 });
        const alert = {
          key: "k",
          severity: "info" as const,
          status: "firing" as const,
          title: "t",
          text: "x",
          bookId: null,
        };
        await store().putAlert({ ...alert, atSec: now - 2 * 86_400 });
        await store().putAlert({ ...alert, atSec: now - 60 });
        await store().putPlan(
          plan("old", { createdAtMs: (now - 8 * 86_400) * 1000, updatedAtMs: (now - 8 * 86_400) * 1000 }),
        );
        await store().putPlan(
          plan("kept", { createdAtMs: (now - 2 * 86_400) * 1000, updatedAtMs: (now - 2 * 86_400) * 1000 }),
        );
        await store().putTransaction(
          transaction("0xold", { planId: "old", atMs: (now - 8 * 86_400) * 1000 }),
        );
        await store().putTransaction(
          transaction("0xkept", { planId: "kept", atMs: (now - 2 * 86_400) * 1000 }),
        );
        await store().putExecution(execution("old", { recordedAtMs: (now - 8 * 86_400) * 1000 }));
        await store().putExecution(execution("kept", { recordedAtMs: (now - 2 * 86_400) * 1000 }));

        expect(await store().compact(policy, now)).toEqual({
          book_samples: 2 + 4 + 1,
          depeg_samples: 1 + 4,
          decisions: 1,
          alerts: 1,
          plans: 1,
          transactions: 1,
          plan_executions: 1,
        });
        const left = (await store().samples(CHAIN).recent("eth-usdc", { limit: 100 })).map(
          (s) => s.blockNumber,
        );
        expect(left).toEqual([oldMinute[4], nextMinute[1], ...recent]);
        expect((await store().depeg()).map((d) => d.blockNumber)).toEqual([recent[2]]);
        expect((await store().decisions({ limit: 10 })).map((d) => d.blockNumber)).toEqual([2n]);
        expect((await store().alerts({ limit: 10 })).map((a) => a.atSec)).toEqual([now - 60]);
        expect((await store().actions({ limit: 10 })).map((a) => [a.planId, a.txHash])).toEqual([
          ["kept", "0xkept"],
        ]);
        expect((await store().executions({ limit: 10 })).map((e) => e.planId)).toEqual(["kept"]);

        expect(await store().compact(policy, now)).toEqual({
          book_samples: 0,
          depeg_samples: 0,
          decisions: 0,
          alerts: 0,
          plans: 0,
          transactions: 0,
          plan_executions: 0,
        });
      });

      it("keeps the hedged item and the oracle round of the sample each thinned minute keeps", async () => {
        const old = minute(7_200);
        for (const [i, s] of [0, 12, 24].entries()) {
          await store().putSample(
            CHAIN,
            "eth-usdc",
            historySample(i + 1, {
              timestampSec: old + s,
              hedgedItemValueUsd: 150_000 + i,
              baseOracleRoundId: (1n << 64n) | BigInt(500 + i),
              baseOracleUpdatedAtSec: old + s - 5,
            }),
            [],
          );
        }
        expect((await store().compact(policy, now)).book_samples).toBe(2);
        const [kept] = await store().samples(CHAIN).recent("eth-usdc", { limit: 10 });
        expect(kept).toMatchObject({
          blockNumber: 3n,
          hedgedItemValueUsd: 150_002,
          baseOracleRoundId: (1n << 64n) | 502n,
          baseOracleUpdatedAtSec: old + 19,
        });
        expect(
          await store().hedgedSeries("eth-usdc", { fromSec: old, toSec: old + 59, maxPoints: 60 }),
        ).toEqual([
          { timestampSec: old + 24, blockNumber: 3n, hedgeValueUsd: 50_000, hedgedItemValueUsd: 150_002 },
        ]);
      });

      it("refuses a retention policy that is not whole seconds", async () => {
        await expect(store().compact({ ...policy, retainSec: -1 }, now)).rejects.toBeInstanceOf(
          HistoryStoreConfigurationError,
        );
      });
    });
  });
}

describe("PGlite data directory", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "hedgekeeper-history-"));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it("keeps the history across close and reopen, applying each migration once", async () => {
    const first = await openHistoryStore({ dataDir });
    expect(first.backend).toBe("pglite");
    await first.putSample(CHAIN, "eth-usdc", historySample(10), [depegReading()]);
    await first.putBookStatus(bookStatus(10));
    await first.close();

    const second = await openHistoryStore({ dataDir });
    expect(await second.samples(CHAIN).recent("eth-usdc", { limit: 10 })).toEqual([bookSample(10)]);
    expect(await second.book("eth-usdc")).toEqual(bookStatus(10));
    await second.close();

    const db = await openPgliteDatabase({ dataDir });
    try {
      expect(await applyMigrations(db)).toEqual([]);
      const rows = await db.query<{ version: number }>(
        "SELECT version FROM schema_migrations ORDER BY version",
      );
      expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    } finally {
      await db.close();
    }
  });
});

describe("an upgrade from schema version 1", () => {
  it("adds the hedged item, the oracle round and the effectiveness window; older rows read without them", async () => {
    const db = await openPgliteDatabase({ dataDir: "memory://" });
    try {
      expect(await applyMigrations(db, { migrations: MIGRATIONS.slice(0, 1) })).toEqual([1]);
      const v1 = createSqlHistoryStore(db, "pglite");
      // What a version-1 keeper wrote: no hedged item, no round, no effectiveness window.
      await db.query(
        `INSERT INTO book_samples (chain_id, book_id, block_number, timestamp_sec, base_price_usd, lp_value_usd,
           hedge_value_usd, perp_mark_price_usd, perp_index_price_usd, pool_price_usd, funding_rate_daily,
           perp_size_base)
         VALUES ($1, 'eth-usdc', 1, $2, 3000, 100000, 50000, 3003, 3000, 2999.5, 0.0001, -16.5)`,
        [CHAIN, T0 + 2],
      );
      expect(await applyMigrations(db)).toEqual(MIGRATIONS.slice(1).map((m) => m.version));
      expect(await v1.samples(CHAIN).recent("eth-usdc", { limit: 1 })).toEqual([bookSample(1)]);
      await v1.putSample(CHAIN, "eth-usdc", historySample(2, { hedgedItemValueUsd: 150_000 }), []);
      expect((await v1.samples(CHAIN).recent("eth-usdc", { limit: 1 }))[0]?.hedgedItemValueUsd).toBe(150_000);
    } finally {
      await db.close();
    }
  });
});

describe.skipIf(postgres.url === undefined)(`PostgreSQL schema ${postgres.skipReason ?? ""}`.trim(), () => {
  it("applies each migration once when several keepers open the same schema together, and on reopen", async () => {
    const schema = postgres.freshSchema("concurrent_open");
    const stores = await Promise.all(
      Array.from({ length: 5 }, () => openHistoryStore({ databaseUrl: postgres.url!, schema })),
    );
    await stores[0]!.putBookStatus(bookStatus(10));
    await Promise.all(stores.map((s) => s.close()));

    const reopened = await openHistoryStore({ databaseUrl: postgres.url!, schema });
    expect(reopened.backend).toBe("postgres");
    expect(await reopened.book("eth-usdc")).toEqual(bookStatus(10));
    await reopened.close();
    const rows = await postgres.query<{ version: number }>(
      `SELECT version FROM ${schema}.schema_migrations ORDER BY version`,
    );
    expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it("runs the history's statements without JIT compilation, on every pooled connection and with the URL's options", async () => {
    // Positive control: the server's own default is on (else this test shows nothing).
    const [server] = await postgres.query<{ jit: string }>("SHOW jit");
    expect(server?.jit).toBe("on");
    const schema = postgres.freshSchema("no_jit");
    const url = new URL(postgres.url!);
    url.searchParams.set("options", "-c statement_timeout=60000");
    for (const db of [
      createPostgresDatabase({ url: postgres.url!, schema, maxConnections: 3 }),
      createPostgresDatabase({ url: url.toString(), maxConnections: 3 }),
    ]) {
      // Three at once: three connections of the pool, each set up on connect.
      const settings = await Promise.all(
        [1, 2, 3].map(() =>
          db.query<{ jit: string; pid: number }>(
            "SELECT current_setting('jit') AS jit, pg_backend_pid() AS pid, pg_sleep(0.05)",
          ),
        ),
      );
      expect(settings.map(([row]) => row?.jit)).toEqual(["off", "off", "off"]);
      expect(new Set(settings.map(([row]) => row?.pid)).size).toBe(3);
      await db.close();
    }
  });

  it("keeps a repeated statement prepared on its connection, answering as the same text unprepared does", async () => {
    const db = createPostgresDatabase({ url: postgres.url!, maxConnections: 1 });
    const sql = "SELECT $1::int + $2::int AS sum";
    const preparedHere = () =>
      db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement = $1 AND NOT from_sql",
        [sql],
      );
    // Control: the same text run plainly leaves nothing prepared on the connection.
    expect(await db.query<{ sum: number }>(sql, [1, 2])).toEqual([{ sum: 3 }]);
    expect(await preparedHere()).toEqual([{ n: 0 }]);
    // Repeated: prepared once (one connection), each run with its own parameters.
    expect(await db.query<{ sum: number }>(sql, [1, 2], { repeated: true })).toEqual([{ sum: 3 }]);
    expect(await db.query<{ sum: number }>(sql, [40, 2], { repeated: true })).toEqual([{ sum: 42 }]);
    expect(await preparedHere()).toEqual([{ n: 1 }]);
    // Another text gets its own statement, never the first one's.
    expect(await db.query<{ sum: number }>(`${sql} -- other`, [5, 5], { repeated: true })).toEqual([
      { sum: 10 },
    ]);
    const [all] = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_prepared_statements WHERE NOT from_sql",
    );
    expect(all?.n).toBe(2);
    await db.close();
  });

  it("refuses a schema that a newer build migrated", async () => {
    const schema = postgres.freshSchema("newer_build");
    await (await openHistoryStore({ databaseUrl: postgres.url!, schema })).close();
    await postgres.query(
      `INSERT INTO ${schema}.schema_migrations (version, name) VALUES (9999, 'from the future')`,
    );
    await expect(openHistoryStore({ databaseUrl: postgres.url!, schema })).rejects.toThrow(
      /newer hedgekeeper/,
    );
  });

  it("names DATABASE_URL when the server refuses the role, without its password", async () => {
    const url = new URL(postgres.url!);
    url.username = "no_such_role_hk";
    url.password = "hunter2-secret";
    const opening = openHistoryStore({ databaseUrl: url.toString() });
    await expect(opening).rejects.toBeInstanceOf(HistoryStoreConfigurationError);
    const error = (await opening.catch((e: unknown) => e)) as Error;
    expect(error.message).toContain("DATABASE_URL=");
    expect(error.message).not.toContain("hunter2-secret");
  });
});

describe("unreachable PostgreSQL", () => {
  it("fails at once with DATABASE_URL named and the password redacted when nothing listens", async () => {
    const port = await freeLoopbackPort();
    const started = Date.now();
    const error = await openHistoryStore({
      databaseUrl: `postgres://keeper:s3cret-pw@127.0.0.1:${port}/history`,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HistoryStoreUnavailableError);
    const { message } = error as Error;
    expect(message).toContain(`DATABASE_URL=postgres://keeper:***@127.0.0.1:${port}/history`);
    expect(message).not.toContain("s3cret-pw");
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("gives up after the connect timeout when the server accepts but never answers", async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as { port: number };
    try {
      const started = Date.now();
      await expect(
        openHistoryStore({
          databaseUrl: `postgres://keeper:pw@127.0.0.1:${port}/history`,
          connectTimeoutMs: 300,
        }),
      ).rejects.toBeInstanceOf(HistoryStoreUnavailableError);
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it("rejects a DATABASE_URL that is not a PostgreSQL URL", async () => {
    await expect(openHistoryStore({ databaseUrl: "mysql://root:pw@localhost/db" })).rejects.toThrow(
      /DATABASE_URL is not a PostgreSQL URL.*mysql:\/\/root:\*\*\*@localhost\/db/,
    );
  });

  it("refuses a schema name it would have to quote", async () => {
    await expect(
      openHistoryStore({ dataDir: "memory://", schema: "x; DROP TABLE y" }),
    ).rejects.toBeInstanceOf(HistoryStoreConfigurationError);
  });
});
