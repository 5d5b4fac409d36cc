// The Reports page: a book and a period in, the performance report out: its figures as the CLI prints them (the
// API sends them formatted) and its four charts, drawn like the book page's.
import type { BookOverview, ReportResponse, Wire } from "../../../src/api/api-types.ts";
import { h } from "../element.ts";
import { bps, ratio, usd } from "../format.ts";
import { lineChart } from "../line-chart.ts";

export interface ReportRequestForm {
  bookId: string;
  fromSec: number;
  toSec: number;
  bucketSec: number;
}

const BUCKETS: readonly [number, string][] = [
  [3_600, "hour"],
  [86_400, "day"],
];

const toLocalInput = (sec: number) => new Date(sec * 1000).toISOString().slice(0, 16);
const fromLocalInput = (value: string) => Math.floor(Date.parse(`${value}:00Z`) / 1000);

/** Book, from, to (UTC) and bucket width; `onSubmit` gets a validated request. */
export function reportForm(
  books: readonly Wire<BookOverview>[],
  initial: ReportRequestForm,
  onSubmit: (request: ReportRequestForm) => void,
): HTMLElement {
  const book = h(
    "select",
    { name: "book", "data-testid": "report-book" },
    books.map((b) => h("option", { value: b.bookId, selected: b.bookId === initial.bookId }, b.bookId)),
  );
  const from = h("input", {
    type: "datetime-local",
    name: "from",
    value: toLocalInput(initial.fromSec),
    "data-testid": "report-from",
  });
  const to = h("input", {
    type: "datetime-local",
    name: "to",
    value: toLocalInput(initial.toSec),
    "data-testid": "report-to",
  });
  const bucket = h(
    "select",
    { name: "bucket", "data-testid": "report-bucket" },
    BUCKETS.map(([sec, label]) =>
      h("option", { value: String(sec), selected: sec === initial.bucketSec }, label),
    ),
  );
  const problem = h("p", { class: "error", hidden: true, "data-testid": "report-form-error" });
  return h(
    "form",
    {
      class: "report-form",
      onsubmit: (event: Event) => {
        event.preventDefault();
        const fromSec = fromLocalInput(from.value);
        const toSec = fromLocalInput(to.value);
        problem.hidden = true;
        if (!Number.isFinite(fromSec) || !Number.isFinite(toSec) || toSec <= fromSec) {
          problem.textContent = "The period's end must be after its start.";
          problem.hidden = false;
          return;
        }
        onSubmit({ bookId: book.value, fromSec, toSec, bucketSec: Number(bucket.value) });
      },
    },
    h("label", {}, "Book ", book),
    h("label", {}, "From (UTC) ", from),
    h("label", {}, "To (UTC) ", to),
    h("label", {}, "Per ", bucket),
    h("button", { type: "submit", "data-testid": "report-show" }, "Show report"),
    problem,
  );
}

function reportCharts(report: ReportResponse): HTMLElement {
  const times = report.chart.map((p) => p.timestampSec);
  const formatTime = (sec: number) => new Date(sec * 1000).toISOString().slice(5, 16).replace("T", " ");
  return h(
    "div",
    { class: "charts" },
    lineChart({
      title: "Cumulative P&L: hedged against unhedged",
      testId: "report-chart-pnl",
      timesSec: times,
      series: [
        { label: "hedged (book)", className: "series-a", values: report.chart.map((p) => p.hedgedPnlUsd) },
        {
          label: "unhedged (item)",
          className: "series-b",
          values: report.chart.map((p) => p.unhedgedPnlUsd),
        },
      ],
      format: usd,
      formatTime,
    }),
    lineChart({
      title: "Drift against the band",
      testId: "report-chart-drift",
      timesSec: times,
      series: [
        { label: "drift", className: "series-a", values: report.chart.map((p) => p.driftBps) },
        { label: "band edge", className: "series-band", values: report.chart.map((p) => p.thresholdBps) },
        {
          label: "band −",
          className: "series-band",
          values: report.chart.map((p) => -p.thresholdBps),
          unlabelled: true,
        },
      ],
      format: bps,
      formatTime,
    }),
    lineChart({
      title: "Rolling effectiveness against the target",
      testId: "report-chart-effectiveness",
      timesSec: report.rolling.map((p) => p.timestampSec),
      series: [
        { label: "Ederington", className: "series-c", values: report.rolling.map((p) => p.ederington) },
      ],
      guides: [{ label: "floor", value: report.effectivenessFloor, className: "series-band" }],
      format: ratio,
      formatTime,
    }),
    lineChart({
      title: "Carry received (funding)",
      testId: "report-chart-carry",
      timesSec: times,
      series: [{ label: "carry", className: "series-d", values: report.chart.map((p) => p.carryUsd) }],
      format: usd,
      formatTime,
    }),
  );
}

export function reportView(report: ReportResponse): HTMLElement {
  return h(
    "div",
    { class: "report", "data-testid": "report-view" },
    h(
      "div",
      { class: "report-figures" },
      report.figures.map((section) =>
        h(
          "section",
          { "data-testid": `report-figures-${section.id}` },
          h("h3", {}, section.title),
          h(
            "table",
            { class: "facts" },
            h(
              "tbody",
              {},
              section.rows.map(([label, value]) =>
                h("tr", {}, h("th", {}, label.trim()), h("td", {}, value)),
              ),
            ),
          ),
          section.note ? h("p", { class: "note" }, section.note) : null,
        ),
      ),
    ),
    reportCharts(report),
  );
}
