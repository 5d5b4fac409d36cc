// One book over time: its status block and charts (drift inside its band, IL, hedge ratio against target, basis,
// funding). The rest of the engine's summary is in book-facts.ts.
import type { BookResponse } from "../../../src/api/api-types.ts";
import { h } from "../element.ts";
import { ago, bps, clockTime, count, percent, ratio, usd } from "../format.ts";
import { lineChart } from "../line-chart.ts";
import { driftGauge, effectivenessTitle, statusBadge } from "./books-overview.ts";

type Book = BookResponse["book"];

function shortTime(sec: number): string {
  return new Date(sec * 1000).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
}

export function bookSummary(book: Book, nowSec = Date.now() / 1000): HTMLElement {
  const id = book.bookId;
  return h(
    "div",
    { class: `summary colour-${book.colour}`, "data-testid": `book-summary-${id}` },
    h(
      "p",
      { class: "headline" },
      statusBadge(book.status),
      h(
        "span",
        { "data-testid": `book-drift-${id}`, class: `value colour-${book.colour}` },
        bps(book.driftBps),
      ),
      h("small", {}, ` of ±${Math.abs(book.thresholdBps)} bps · ${book.band}`),
    ),
    driftGauge(book),
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, "Impermanent loss"),
      h("dd", {}, usd(book.impermanentLossUsd)),
      h("dt", {}, "Hedge ratio / target"),
      h("dd", {}, `${ratio(book.hedgeRatio)} / ${ratio(book.targetHedgeRatio)}`),
      h("dt", {}, "Effectiveness"),
      h(
        "dd",
        { "data-testid": `book-summary-effectiveness-${id}`, title: effectivenessTitle(book) },
        book.effectivenessWindow === null
          ? percent(book.effectiveness)
          : `${percent(book.effectiveness)} vs target (${book.effectivenessWindow})`,
      ),
      h("dt", {}, "Book value"),
      h("dd", {}, usd(book.bookValueUsd)),
      h("dt", {}, "Last block"),
      h(
        "dd",
        {},
        `#${count(book.blockNumber)} · ${clockTime(book.timestampSec)} (${ago(book.timestampSec, nowSec)})`,
      ),
      h("dt", {}, "Chain"),
      h("dd", {}, String(book.chainId)),
    ),
  );
}

export function bookCharts(response: BookResponse): HTMLElement {
  const { series, book } = response;
  const times = series.map((p) => p.timestampSec);
  const formatTime = (sec: number) => shortTime(sec);
  return h(
    "div",
    { class: "charts" },
    lineChart({
      title: "Drift against its band",
      testId: "chart-drift",
      timesSec: times,
      series: [
        { label: "drift", className: "series-a", values: series.map((p) => p.driftBps) },
        { label: "band edge", className: "series-band", values: series.map((p) => Math.abs(p.thresholdBps)) },
        {
          label: "band −",
          className: "series-band",
          values: series.map((p) => -Math.abs(p.thresholdBps)),
          unlabelled: true,
        },
      ],
      format: bps,
      formatTime,
    }),
    lineChart({
      title: "Impermanent loss",
      testId: "chart-il",
      timesSec: times,
      series: [{ label: "IL", className: "series-b", values: series.map((p) => p.impermanentLossUsd) }],
      format: usd,
      formatTime,
    }),
    lineChart({
      title: "Hedge ratio",
      testId: "chart-hedge-ratio",
      timesSec: times,
      series: [{ label: "hedge ratio", className: "series-c", values: series.map((p) => p.hedgeRatio) }],
      guides: [{ label: "target", value: book.targetHedgeRatio, className: "series-band" }],
      format: ratio,
      formatTime,
    }),
    lineChart({
      title: "Basis (mark vs index)",
      testId: "chart-basis",
      timesSec: times,
      series: [{ label: "basis", className: "series-d", values: series.map((p) => p.basisBps) }],
      format: bps,
      formatTime,
    }),
    lineChart({
      title: "Funding rate, daily",
      testId: "chart-funding",
      timesSec: times,
      series: [{ label: "funding", className: "series-a", values: series.map((p) => p.fundingRateDaily) }],
      format: (v) => percent(v, 3),
      formatTime,
    }),
  );
}
