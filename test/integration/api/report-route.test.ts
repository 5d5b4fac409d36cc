import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiServer, startApiServer } from "../../../src/api/api-server.ts";
import type { ReportResponse } from "../../../src/api/api-types.ts";
import { performanceReport } from "../../../src/performance/performance-report.ts";
import { reportFigures } from "../../../src/performance/report-figures.ts";
import type { HistoryStore } from "../../../src/store/history-store.ts";
import { openHistoryStore } from "../../../src/store/open-history-store.ts";
import {
  type FilledReportHistory,
  fillReportHistory,
  REPORT_BOOK,
} from "../../../src/store/report-history.test-support.ts";
import { readReportPeriod } from "../../../src/store/report-period.ts";

// GET /api/books/:id/report over a real store (embedded PGlite): the figures the CLI prints, for the period asked.
const START = 1_764_806_400;
let store: HistoryStore;
let server: ApiServer;
let filled: FilledReportHistory;

beforeAll(async () => {
  store = await openHistoryStore({ dataDir: "memory://" });
  filled = await fillReportHistory(store, START);
  server = await startApiServer({ store, host: "127.0.0.1", port: 0, effectivenessFloor: 0.7 });
});
afterAll(async () => {
  await server?.close();
  await store?.close();
});

const get = (path: string) => fetch(`${server.url}${path}`);

describe("GET /api/books/:id/report", () => {
  it("serves the period's figures and HTML, the same as the report command renders", async () => {
    const response = await get(
      `/api/books/${REPORT_BOOK}/report?from=${filled.fromSec}&to=${filled.toSec}&bucket=43200`,
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as ReportResponse;
    const expected = performanceReport(
      await readReportPeriod(store, { bookId: REPORT_BOOK, fromSec: filled.fromSec, toSec: filled.toSec }),
      { bucketSec: 43_200, effectivenessFloor: 0.7 },
    );
    expect(body.range).toEqual({ fromSec: filled.fromSec, toSec: filled.toSec, bucketSec: 43_200 });
    expect(body.figures).toEqual(reportFigures(expected));
    const floor = body.figures
      .find((s) => s.id === "effectiveness")!
      .rows.find(([label]) => label === "Floor");
    expect(floor?.[1]).toBe("70%");
    expect(body.unexplainedShareOfGross).toBeLessThan(1e-6);
    expect(body.html).toMatch(/^<!doctype html>/);
    expect(body.html).toContain('data-chart="cumulative-pnl"');
  });

  it("answers 400 naming a missing or inverted period, and 404 for a book without samples", async () => {
    const missing = await get(`/api/books/${REPORT_BOOK}/report?from=${filled.fromSec}`);
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: string }).error).toMatch(/from and to are required/);
    const inverted = await get(`/api/books/${REPORT_BOOK}/report?from=${filled.toSec}&to=${filled.fromSec}`);
    expect(inverted.status).toBe(400);
    const bucket = await get(
      `/api/books/${REPORT_BOOK}/report?from=${filled.fromSec}&to=${filled.toSec}&bucket=5`,
    );
    expect(bucket.status).toBe(400);
    expect(((await bucket.json()) as { error: string }).error).toMatch(/bucket/);
    const unknown = await get(`/api/books/btc-usdc/report?from=${filled.fromSec}&to=${filled.toSec}`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: string }).error).toMatch(/btc-usdc has 0 sample/);
  });
});
