// The portfolio overview: one row per book with its drift against the band (coloured), IL, hedge ratio against
// target, effectiveness against that target (its window on hover) and the block it was evaluated at.
import type { BookOverview, Wire } from "../../../src/api/api-types.ts";
import { h, svg } from "../element.ts";
import { ago, bps, count, percent, ratio, usd } from "../format.ts";
import { cell, stackedTable } from "./panel.ts";

type Book = Wire<BookOverview>;

/** Drift on a scale of ±1.5 bands, the band's edges marked: where the book sits at a glance. */
export function driftGauge(book: Pick<Book, "driftBps" | "thresholdBps" | "colour">): SVGSVGElement {
  const span = Math.max(Math.abs(book.thresholdBps) * 1.5, Math.abs(book.driftBps), 1);
  const x = (v: number) => 50 + (Math.max(-span, Math.min(span, v)) / span) * 50;
  const edge = Math.abs(book.thresholdBps);
  return svg(
    "svg",
    { class: "gauge", viewBox: "0 0 100 10", preserveAspectRatio: "none", "aria-hidden": "true" },
    svg("rect", { class: "gauge-track", x: 0, y: 3, width: 100, height: 4 }),
    svg("rect", { class: "gauge-band", x: x(-edge), y: 2, width: x(edge) - x(-edge), height: 6 }),
    svg("line", { class: "gauge-centre", x1: 50, x2: 50, y1: 1, y2: 9 }),
    svg("rect", {
      class: `gauge-marker colour-${book.colour}`,
      x: x(book.driftBps) - 1.2,
      y: 0,
      width: 2.4,
      height: 10,
    }),
  );
}

export function statusBadge(status: string): HTMLElement {
  return h("span", { class: `badge status-${status}` }, status);
}

/** What the effectiveness figure is: Ederington against the book's target, over the longest window measured. */
export function effectivenessTitle(book: Pick<Book, "effectivenessWindow" | "targetHedgeRatio">): string {
  return book.effectivenessWindow === null
    ? "No window measured yet"
    : `Variance removed against the ${ratio(book.targetHedgeRatio)} target, over the ${book.effectivenessWindow} window`;
}

function bookRow(book: Book, nowSec: number): HTMLTableRowElement {
  const id = book.bookId;
  return h(
    "tr",
    { "data-testid": `book-row-${id}`, class: `colour-${book.colour}` },
    cell(
      "Book",
      { class: "book-name" },
      h(
        "a",
        { class: "book-link", href: `#/book/${encodeURIComponent(id)}`, "data-testid": `book-link-${id}` },
        id,
      ),
      h("small", {}, ` chain ${book.chainId}`),
    ),
    cell("Status", {}, statusBadge(book.status)),
    cell(
      "Drift",
      { class: "drift" },
      h(
        "span",
        { class: `value colour-${book.colour}`, "data-testid": `book-drift-${id}` },
        bps(book.driftBps),
      ),
      h(
        "small",
        { "data-testid": `book-band-${id}` },
        ` of ±${Math.abs(book.thresholdBps)} bps · ${book.band}`,
      ),
      driftGauge(book),
    ),
    cell("IL", { "data-testid": `book-il-${id}` }, usd(book.impermanentLossUsd)),
    cell(
      "Hedge ratio",
      { "data-testid": `book-hedge-${id}` },
      ratio(book.hedgeRatio),
      h("small", {}, ` / ${ratio(book.targetHedgeRatio)}`),
    ),
    cell(
      "Effectiveness",
      { "data-testid": `book-effectiveness-${id}`, title: effectivenessTitle(book) },
      percent(book.effectiveness),
    ),
    cell("Value", {}, usd(book.bookValueUsd)),
    cell(
      "Last block",
      { "data-testid": `book-block-${id}` },
      `#${count(book.blockNumber)}`,
      h("small", {}, ` ${ago(book.timestampSec, nowSec)}`),
    ),
  );
}

export function booksTable(books: readonly Book[], nowSec = Date.now() / 1000): HTMLElement {
  return stackedTable(
    ["Book", "Status", "Drift vs band", "IL", "Hedge ratio / target", "Effectiveness", "Value", "Last block"],
    books.map((book) => bookRow(book, nowSec)),
    { testId: "books-table", empty: "No book has been evaluated yet." },
  );
}
