#!/usr/bin/env node
// `node scripts/docs-screenshots.ts`: the pictures docs/stewards.md walks through, redrawn from code so they can
// be regenerated whenever the report or the backtest view changes:
//   docs/images/report.png              the HTML report (`hedgekeeper report --format html`), its first screen
//   docs/images/backtest-frontier.png   the backtest's frontier chart and grid table (`hedgekeeper backtest --out`)
// Both come from one backtest of the tests' fixture book (a USDC/WETH v3 LP hedged with a Perp v2 short) over a
// generated, seeded 30-day jump-diffusion path: generated prices, never presented as history. The report picture
// is the configured policy's report, which is the report `hedgekeeper report` renders (same PerformanceReport,
// same reportHtml). Rendered by the machine's Chromium (CHROMIUM_PATH, default /usr/bin/chromium) through
// playwright-core, which never downloads a browser. Each PNG is checked to stay under 200 KB.
import { existsSync, mkdirSync, statSync } from "node:fs";
import { chromium } from "playwright-core";
import { runBacktest } from "../src/backtest/backtest-run.ts";
import { parseGrid } from "../src/backtest/policy-grid.ts";
import { generatePricePath } from "../src/backtest/price-generators.ts";
import { renderBacktestHtml } from "../src/cli/backtest-view.ts";
import { makeBook, makeParams, NOW_SEC } from "../src/engine/book-fixture.test-support.ts";
import { reportHtml } from "../src/performance/report-html.ts";
import { chromiumExecutable } from "../src/runtime/print-pdf.ts";

const OUT_DIR = new URL("../docs/images/", import.meta.url);
const MAX_BYTES = 200 * 1024;

process.env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD = "1";

const book = makeBook({ rangeHalfWidthTicks: 6931, safeUsdc: 2_000_000 });
const params = makeParams({ armBps: 300, rearmBps: 100, cooldownSec: 3_600 });
const path = generatePricePath({
  model: "jump",
  seed: 7,
  jumpsPerYear: 20,
  jumpMeanLog: 0,
  jumpSigmaLog: 0.04,
  startSec: NOW_SEC,
  stepSec: 300,
  steps: 30 * 288,
  startPriceUsd: 3000,
  driftAnnual: 0,
  sigmaAnnual: 0.6,
  fundingRateDaily: 0.0001,
  volumeUsdPerDay: 200_000_000,
});
const run = runBacktest({
  bookId: book.bookId,
  book,
  params,
  path,
  grid: parseGrid("armBps=150,300,600;cooldownSec=600,21600;costMargin=1,4"),
});

const executablePath = chromiumExecutable();
if (!existsSync(executablePath))
  throw new Error(`no Chromium at ${executablePath}: install Debian's chromium or set CHROMIUM_PATH`);
mkdirSync(OUT_DIR, { recursive: true });
const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
});
try {
  const page = await browser.newPage({ viewport: { width: 900, height: 1100 }, deviceScaleFactor: 1 });
  // The report's first screen: the headline figures, the attribution and the first charts.
  await page.setContent(reportHtml(run.configured.report), { waitUntil: "load" });
  const reportPng = new URL("report.png", OUT_DIR);
  await page.screenshot({ path: reportPng.pathname, fullPage: false });
  // The backtest page from its grid heading down: the frontier chart and the table of policies.
  await page.setContent(renderBacktestHtml(run), { waitUntil: "load" });
  const frontierPng = new URL("backtest-frontier.png", OUT_DIR);
  const heading = page.locator("h2", { hasText: "Grid" });
  const top = Math.max(0, ((await heading.boundingBox())?.y ?? 0) - 12);
  // The page's height, read in the browser (this file is typed without the DOM library).
  const height = Number(await page.evaluate("document.documentElement.scrollHeight"));
  await page.screenshot({
    path: frontierPng.pathname,
    clip: { x: 0, y: top, width: 900, height: Math.min(1100, height - top) },
    fullPage: true,
  });
  for (const png of [reportPng, frontierPng]) {
    const bytes = statSync(png).size;
    if (bytes > MAX_BYTES) throw new Error(`${png.pathname} is ${bytes} bytes, over ${MAX_BYTES}`);
    console.log(`wrote ${png.pathname.replace(/.*\/docs\//, "docs/")} (${Math.round(bytes / 1024)} KB)`);
  }
} finally {
  await browser.close();
}
