#!/usr/bin/env node
// `node scripts/docs-report-chart.ts`: docs/images/report-cumulative-pnl.svg, the cumulative P&L chart
// docs/stewards.md shows, redrawn by the report's own code from the test suite's synthetic three-day history
// (test/support/report-history.ts, in an embedded PGlite store): readReportPeriod → performanceReport →
// cumulativePnlChart, the chart `hedgekeeper report --format html` draws. The report's stylesheet is inlined (a
// standalone SVG has none). Prints the attribution figures stewards.md quotes, so the text can follow the picture.
import { writeFileSync } from "node:fs";
import { performanceReport } from "../src/performance/performance-report.ts";
import { reportFigures } from "../src/performance/report-figures.ts";
import { cumulativePnlChart } from "../src/performance/report-html.ts";
import { openHistoryStore } from "../src/store/open-history-store.ts";
import { fillReportHistory, REPORT_BOOK } from "../src/store/report-history.test-support.ts";
import { readReportPeriod } from "../src/store/report-period.ts";

const OUT = new URL("../docs/images/report-cumulative-pnl.svg", import.meta.url);
const START_SEC = 1_764_806_400; // 2025-12-04T00:00:00Z, as the report-period test fills it

const store = await openHistoryStore({ dataDir: "memory://" });
try {
  const filled = await fillReportHistory(store, START_SEC);
  const report = performanceReport(
    await readReportPeriod(store, { bookId: REPORT_BOOK, fromSec: filled.fromSec, toSec: filled.toSec }),
  );
  const figure = cumulativePnlChart(report);
  const svg = figure.match(/<svg [^>]*>.*<\/svg>/s)?.[0];
  if (svg === undefined) throw new Error("the report's cumulative P&L chart drew no <svg>");
  // The report's stylesheet for its charts (report-html.ts), as attributes: grid lines and label colour.
  const standalone = svg
    .replace(
      "<svg ",
      '<svg xmlns="http://www.w3.org/2000/svg" width="640" height="220" style="font:11px sans-serif;background:#fff" ',
    )
    .replaceAll('class="grid"', 'stroke="#eaeef2"')
    .replaceAll("<text ", '<text fill="#57606a" ');
  writeFileSync(OUT, standalone);
  console.log(`wrote docs/images/report-cumulative-pnl.svg (${standalone.length} bytes)`);
  for (const [label, value] of reportFigures(report)[0]!.rows) console.log(`${label}: ${value}`);
} finally {
  await store.close();
}
