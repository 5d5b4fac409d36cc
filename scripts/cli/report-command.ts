// `hedgekeeper report`: what the hedge did over a period, from the history store (PostgreSQL or PGlite, as the
// configuration's `history` says): P&L attribution, hedged against unhedged, effectiveness, rebalances, events.
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { jsonReplacer } from "../../src/cli/book-view.ts";
import {
  parseReportArgs,
  REPORT_FORMATS,
  ReportArgsError,
  type ReportRequest,
} from "../../src/cli/report-args.ts";
import { loadConfig, STEWARD_SECRETS } from "../../src/config/load-config.ts";
import { type PerformanceReport, performanceReport } from "../../src/performance/performance-report.ts";
import { reportHtml } from "../../src/performance/report-html.ts";
import { reportCsv, reportMarkdown } from "../../src/performance/report-text.ts";
import { printHtmlToPdf } from "../../src/runtime/print-pdf.ts";
import { openHistoryStore } from "../../src/store/open-history-store.ts";
import { readReportPeriod } from "../../src/store/report-period.ts";

export const REPORT_HELP = `hedgekeeper report --book <id> --from <time> --to <time> [--format ${REPORT_FORMATS.join("|")}] [--out <file>] [--bucket-sec <n>] [--config <file>]

What the hedge did over the period, from the history store: the book's P&L split into delta, IL/gamma (LVR),
LP fees, the hedge's price P&L and carry, and the costs paid (gas, venue fees, slippage), per day and in total,
with the unexplained remainder; hedged against unhedged (volatility, variance reduction, max drawdown, VaR/ES);
effectiveness against the target and the alert floor, h*, rolling correlation, basis; rebalances, time outside
the band, de-peg events, plans and alerts. Times are unix seconds or ISO 8601 (a date is its UTC midnight).
--format html (default) is one self-contained file with charts; pdf prints it through Chromium (CHROMIUM_PATH,
default /usr/bin/chromium) and needs --out. Text formats go to stdout without --out. --bucket-sec sets the
width of the attribution rows and of the risk statistics (default 86400: days).
`;

export function renderReport(
  report: PerformanceReport,
  format: Exclude<ReportRequest["format"], "pdf">,
): string {
  switch (format) {
    case "html":
      return reportHtml(report);
    case "md":
      return reportMarkdown(report);
    case "csv":
      return reportCsv(report);
    case "json":
      return `${JSON.stringify(report, jsonReplacer, 2)}\n`;
  }
}

export async function reportCommand(args: string[], defaultConfig: string): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: "string", short: "c", default: defaultConfig },
      book: { type: "string" },
      from: { type: "string" },
      to: { type: "string" },
      format: { type: "string" },
      out: { type: "string", short: "o" },
      "bucket-sec": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(REPORT_HELP);
    return 0;
  }
  let request: ReportRequest;
  try {
    request = parseReportArgs(values);
  } catch (error) {
    if (!(error instanceof ReportArgsError)) throw error;
    process.stderr.write(`error: ${error.message}\n\n${REPORT_HELP}`);
    return 2;
  }
  // The report reads the history store and the books' names: of the secrets, only the store's URL. The keeper's
  // key and the alert sinks' tokens stay with the keeper (a steward writing a report need not hold them).
  const config = loadConfig(values.config, { secretsUsed: STEWARD_SECRETS });
  if (!(request.bookId in config.books)) {
    process.stderr.write(`error: --book: no book "${request.bookId}" in ${values.config}\n`);
    return 2;
  }
  const store = await openHistoryStore({
    databaseUrl: config.history.databaseUrl,
    dataDir: config.history.dataDir,
  });
  let report: PerformanceReport;
  try {
    report = performanceReport(await readReportPeriod(store, request), {
      bucketSec: request.bucketSec,
      effectivenessFloor: config.alerts.effectiveness.floorRatio,
    });
  } finally {
    await store.close();
  }
  if (request.format === "pdf") {
    await printHtmlToPdf(reportHtml(report), request.out!);
    process.stdout.write(`report for ${request.bookId} printed to ${request.out}\n`);
    return 0;
  }
  const text = renderReport(report, request.format);
  if (request.out === undefined) process.stdout.write(text);
  else {
    writeFileSync(request.out, text);
    process.stdout.write(`report for ${request.bookId} written to ${request.out}\n`);
  }
  return 0;
}
