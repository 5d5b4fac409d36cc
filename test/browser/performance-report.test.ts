import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { inflateSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiServer, startApiServer } from "../../src/api/api-server.ts";
import { DASHBOARD_DIST_DIR } from "../../src/api/dashboard-dir.ts";
import { type PerformanceReport, performanceReport } from "../../src/performance/performance-report.ts";
import { reportFigures } from "../../src/performance/report-figures.ts";
import { reportHtml } from "../../src/performance/report-html.ts";
import { printHtmlToPdf } from "../../src/runtime/print-pdf.ts";
import type { HistoryStore } from "../../src/store/history-store.ts";
import { openHistoryStore } from "../../src/store/open-history-store.ts";
import {
  type FilledReportHistory,
  fillReportHistory,
  REPORT_BOOK,
} from "../../src/store/report-history.test-support.ts";
import { readReportPeriod } from "../../src/store/report-period.ts";
import { bookDetail } from "../integration/api/history-fixture.ts";
import { chromiumPath, hasHorizontalOverflow, withPage } from "../support/browser.ts";

// The HTML report as a steward opens it on a phone, and its PDF as printed by the machine's Chromium.
const dir = mkdtempSync(join(tmpdir(), "hedgekeeper-report-"));
let report: PerformanceReport;
let page: string;
let store: HistoryStore;
let api: ApiServer;
let filled: FilledReportHistory;

beforeAll(async () => {
  store = await openHistoryStore({ dataDir: "memory://" });
  filled = await fillReportHistory(store, 1_764_806_400);
  report = performanceReport(
    await readReportPeriod(store, { bookId: REPORT_BOOK, fromSec: filled.fromSec, toSec: filled.toSec }),
  );
  page = join(dir, "report.html");
  writeFileSync(page, reportHtml(report));
  // The Reports page lists the books the keeper evaluated: the book's status at its last sample.
  await store.putBookStatus({
    chainId: 31_337,
    bookId: REPORT_BOOK,
    blockNumber: 1_071n,
    timestampSec: filled.toSec,
    status: "ok",
    driftBps: 10,
    thresholdBps: 150,
    hedgeRatio: 0.6,
    targetHedgeRatio: 0.6,
    impermanentLossUsd: 0,
    bookValueUsd: 100_000,
    effectiveness: 0.9,
    effectivenessWindow: "1d",
    detail: bookDetail(REPORT_BOOK),
  });
  api = await startApiServer({ store, host: "127.0.0.1", port: 0, dashboardDir: DASHBOARD_DIST_DIR });
});
afterAll(async () => {
  await api?.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The text a PDF shows: each font's ToUnicode map applied to the hex glyph strings of the page streams. */
function pdfText(pdf: Buffer): string {
  const streams: string[] = [];
  const raw = pdf.toString("latin1");
  for (const match of raw.matchAll(/stream\r?\n/g)) {
    const start = match.index! + match[0].length;
    const end = raw.indexOf("endstream", start);
    try {
      streams.push(inflateSync(pdf.subarray(start, end)).toString("latin1"));
    } catch {
      // not a Flate stream (an image, a font program in another filter)
    }
  }
  const glyphs = new Map<string, string>();
  for (const s of streams) {
    for (const block of s.matchAll(/beginbfchar([\s\S]*?)endbfchar/g))
      for (const [, g, u] of block[1]!.matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g))
        glyphs.set(
          g!.toUpperCase(),
          String.fromCodePoint(...u!.match(/.{4}/g)!.map((h) => Number.parseInt(h, 16))),
        );
    for (const block of s.matchAll(/beginbfrange([\s\S]*?)endbfrange/g))
      for (const [, a, b, u] of block[1]!.matchAll(
        /<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g,
      )) {
        const from = Number.parseInt(a!, 16);
        for (let g = from; g <= Number.parseInt(b!, 16); g++)
          glyphs.set(
            g.toString(16).toUpperCase().padStart(a!.length, "0"),
            String.fromCodePoint(Number.parseInt(u!, 16) + g - from),
          );
      }
  }
  return streams
    .flatMap((s) => [...s.matchAll(/<([0-9A-Fa-f]+)>\s*-?[\d.]*\s*(?=[\]<]|Tj)/g)].map((m) => m[1]!))
    .map((hex) => (hex.match(/.{4}/g) ?? []).map((g) => glyphs.get(g.toUpperCase()) ?? "").join(""))
    .join("");
}

describe("the HTML report", () => {
  it("shows every figure and draws its four charts on a 390 px phone without sideways scrolling", async () => {
    await withPage(
      pathToFileURL(page).href,
      async ({ page: p, errors, screenshot }) => {
        for (const section of ["attribution", "risk", "effectiveness", "rebalances"])
          await p.locator(`[data-section="${section}"]`).waitFor();
        const text = await p.locator("main").innerText();
        for (const section of reportFigures(report))
          for (const [label, value] of section.rows) {
            expect(text).toContain(label.trim());
            expect(text).toContain(value);
          }
        for (const chart of ["cumulative-pnl", "drift-band", "rolling-effectiveness", "carry"]) {
          const path = p.locator(`[data-chart="${chart}"] svg path`).first();
          const d = (await path.getAttribute("d")) ?? "";
          expect(d.split("L").length, chart).toBeGreaterThan(10);
          const box = await p.locator(`[data-chart="${chart}"] svg`).boundingBox();
          expect(box!.width).toBeGreaterThan(300);
          expect(box!.width).toBeLessThanOrEqual(390);
        }
        expect(await p.locator('table[data-table="attribution"] tr').count()).toBe(1 + 3 + 1);
        expect(await hasHorizontalOverflow(p)).toBe(false);
        await screenshot("performance-report-390");
        expect(errors).toEqual([]);
      },
      { context: { viewport: { width: 390, height: 844 } } },
    );
  });

  it("prints to a PDF that opens with its figures in it", async () => {
    expect(existsSync(chromiumPath())).toBe(true);
    const out = join(dir, "report.pdf");
    await printHtmlToPdf(readFileSync(page, "utf8"), out, { chromiumPath: chromiumPath() });
    const pdf = readFileSync(out);
    expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    expect(pdf.length).toBeGreaterThan(10_000);
    const text = pdfText(pdf).replace(/\s+/g, "");
    for (const label of ["Hedgeperformance", "Variancereduction", "Unexplained", "Rebalances"])
      expect(text).toContain(label);
    const [, varianceReduction] = reportFigures(report)
      .find((s) => s.id === "risk")!
      .rows.find(([label]) => label.startsWith("Variance reduction"))!;
    expect(text).toContain(varianceReduction.replace(/\s+/g, ""));
  });
});

describe("the dashboard's Reports page", () => {
  it("renders the same figures for the chosen period, and the report's charts, on a phone", async () => {
    await withPage(
      `${api.url}/#/reports`,
      async ({ page: p, errors, screenshot }) => {
        await p.getByTestId("report-show").waitFor();
        const iso = (sec: number) => new Date(sec * 1000).toISOString().slice(0, 16);
        await p.getByTestId("report-from").fill(iso(filled.fromSec));
        await p.getByTestId("report-to").fill(iso(filled.toSec));
        await p.getByTestId("report-show").click();
        await p.getByTestId("report-figures-attribution").waitFor();
        for (const section of reportFigures(report)) {
          const text = await p.getByTestId(`report-figures-${section.id}`).innerText();
          for (const [label, value] of section.rows) {
            expect(text).toContain(label.trim());
            expect(text).toContain(value);
          }
        }
        for (const chart of ["pnl", "drift", "effectiveness", "carry"]) {
          const d =
            (await p.getByTestId(`report-chart-${chart}`).locator("svg path").first().getAttribute("d")) ??
            "";
          expect(d.split("L").length, chart).toBeGreaterThan(10);
        }
        expect(await hasHorizontalOverflow(p)).toBe(false);
        await screenshot("dashboard-reports-390");
        expect(errors).toEqual([]);
      },
      { context: { viewport: { width: 390, height: 844 } } },
    );
  });
});
