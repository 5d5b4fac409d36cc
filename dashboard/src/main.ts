// The steward dashboard: the portfolio overview (#/), one book over time (#/book/<id>) and the performance report
// of a book over a chosen period (#/reports), kept current by the
// API's event stream (polling when the stream is down), everything else refreshed every REFRESH_MS.
import "./styles.css";
import type { BookResponse, UpdateEvent } from "../../src/api/api-types.ts";
import { api, sessionToken, setSessionToken, UnauthorizedError } from "./api-client.ts";
import { h, replaceContent } from "./element.ts";
import { type Connection, startLiveUpdates } from "./live-updates.ts";
import { actionsTable } from "./views/actions-log.ts";
import { alertsList } from "./views/alerts-list.ts";
import { bookCharts, bookSummary } from "./views/book-detail.ts";
import { detailFacts } from "./views/book-facts.ts";
import { booksTable } from "./views/books-overview.ts";
import { decisionsTable } from "./views/decisions-table.ts";
import { depegCards } from "./views/depeg-panel.ts";
import { keeperHealthView } from "./views/keeper-health.ts";
import { type Panel, panel } from "./views/panel.ts";
import { type ReportRequestForm, reportForm, reportView } from "./views/report-view.ts";
import { bookStressTable, stressTable } from "./views/stress-table.ts";
import { tokenPrompt } from "./views/token-prompt.ts";

const REFRESH_MS = 15_000;
const RANGES: readonly { label: string; seconds: number }[] = [
  { label: "1 h", seconds: 3600 },
  { label: "6 h", seconds: 6 * 3600 },
  { label: "24 h", seconds: 86_400 },
  { label: "7 d", seconds: 7 * 86_400 },
];

type Route = { page: "overview" } | { page: "book"; bookId: string } | { page: "reports" };

function currentRoute(): Route {
  if (window.location.hash === "#/reports") return { page: "reports" };
  const match = /^#\/book\/(.+)$/.exec(window.location.hash);
  if (match) {
    try {
      return { page: "book", bookId: decodeURIComponent(match[1]!) };
    } catch {
      // a mangled link: fall back to the overview
    }
  }
  return { page: "overview" };
}

const connection = h("span", { class: "connection", "data-testid": "connection" }, "connecting");
const lastUpdate = h("span", { class: "last-update", "data-testid": "last-update" });
const main = h("main", {});
const overlay = h("div", { class: "overlay", hidden: true });
document
  .getElementById("app")!
  .replaceChildren(
    h(
      "header",
      { class: "top" },
      h("h1", {}, h("a", { href: "#/" }, "hedgekeeper")),
      h("nav", {}, h("a", { href: "#/reports", "data-testid": "nav-reports" }, "Reports")),
      h("div", { class: "status-line" }, connection, lastUpdate),
    ),
    main,
    overlay,
  );

let route = currentRoute();
let rangeSec = 86_400;
/** Loaders of the page on screen; replaced when the route changes. */
let loaders: (() => Promise<void>)[] = [];
let renderBooks: ((books: UpdateEvent["books"]) => void) | undefined;

function showConnection(state: Connection): void {
  connection.textContent = state;
  connection.className = `connection connection-${state}`;
}

function markUpdated(): void {
  lastUpdate.textContent = `updated ${new Date().toLocaleTimeString()}`;
  document.body.dataset.loaded = "true";
}

function askForToken(): void {
  if (!overlay.hidden) return;
  const rejected = sessionToken() !== null;
  replaceContent(
    overlay,
    tokenPrompt((token) => {
      setSessionToken(token);
      overlay.hidden = true;
      live.restart();
      void refresh();
    }, rejected),
  );
  overlay.hidden = false;
  overlay.querySelector("input")?.focus();
}

/** Runs a panel's loader: a 401 asks for the token, any other failure shows in the panel. */
function load(target: Panel, task: () => Promise<void>): () => Promise<void> {
  return async () => {
    try {
      await task();
    } catch (error) {
      if (error instanceof UnauthorizedError) askForToken();
      else target.showError(error instanceof Error ? error.message : String(error));
    }
  };
}

function overviewPage(): void {
  const books = panel("Books", "books-panel", "wide");
  const depeg = panel("Stablecoins", "depeg-panel");
  const keeper = panel("Keeper", "keeper-panel");
  const actions = panel("Actions", "actions-panel", "wide");
  const alerts = panel("Alerts", "alerts-panel");
  const stress = panel("Stress", "stress-panel", "wide");
  replaceContent(
    main,
    h(
      "div",
      { class: "grid" },
      books.element,
      depeg.element,
      keeper.element,
      actions.element,
      alerts.element,
      stress.element,
    ),
  );
  renderBooks = (list) => books.show(booksTable(list));
  loaders = [
    load(books, async () => renderBooks?.((await api.books()).books)),
    load(depeg, async () => depeg.show(depegCards((await api.depeg()).depeg))),
    load(keeper, async () => {
      try {
        keeper.show(keeperHealthView(await api.keeper()));
      } catch (error) {
        // 503: this API has no keeper attached, or the keeper did not answer; say so in the panel.
        if (error instanceof UnauthorizedError) throw error;
        keeper.show(
          h("p", { class: "empty", "data-testid": "keeper-unavailable" }, (error as Error).message),
        );
      }
    }),
    load(actions, async () => actions.show(actionsTable((await api.actions({ limit: 50 })).actions))),
    load(alerts, async () => alerts.show(alertsList((await api.alerts(30)).alerts))),
    load(stress, async () => {
      const { books: tables } = await api.stress();
      stress.show(
        tables.length === 0
          ? h("p", { class: "empty" }, "No books yet.")
          : tables.map((t) =>
              h(
                "details",
                { open: tables.length === 1 },
                h("summary", {}, t.bookId),
                stressTable(t.bookId, t.rows),
              ),
            ),
      );
    }),
  ];
}

function rangeButtons(onPick: () => void): HTMLElement {
  return h(
    "div",
    { class: "ranges", role: "group", "aria-label": "Chart range" },
    RANGES.map((r) =>
      h(
        "button",
        {
          type: "button",
          class: r.seconds === rangeSec ? "selected" : "",
          "aria-pressed": String(r.seconds === rangeSec),
          "data-testid": `range-${r.seconds}`,
          onclick: () => {
            rangeSec = r.seconds;
            onPick();
          },
        },
        r.label,
      ),
    ),
  );
}

function bookPage(bookId: string): void {
  const summary = panel(bookId, "book-panel", "wide");
  const charts = panel("Over time", "charts-panel", "wide");
  const stress = panel("Stress", "book-stress-panel", "wide");
  const decisions = panel("Decisions", "decisions-panel", "wide");
  const actions = panel("Actions", "book-actions-panel", "wide");
  replaceContent(
    main,
    h("p", { class: "back" }, h("a", { href: "#/", "data-testid": "back-to-overview" }, "← all books")),
    h(
      "div",
      { class: "grid" },
      summary.element,
      charts.element,
      stress.element,
      decisions.element,
      actions.element,
    ),
  );
  renderBooks = undefined;
  let latest: BookResponse | undefined;
  const showCharts = () => {
    if (latest)
      charts.show(
        rangeButtons(() => void loadBook()),
        bookCharts(latest),
      );
  };
  const loadBook = load(summary, async () => {
    const nowSec = Math.floor(Date.now() / 1000);
    const previous = latest?.book.timestampSec ?? 0;
    const toSec = Math.max(nowSec, previous);
    latest = await api.book(bookId, rangeSec === 86_400 ? {} : { fromSec: toSec - rangeSec, toSec });
    summary.show(bookSummary(latest.book), detailFacts(latest.book.detail));
    showCharts();
    // The book's own rows, with the spot leg and the hedge's liquidation path (the published table has P&L only).
    stress.show(bookStressTable(bookId, latest.book.detail?.stress ?? []));
  });
  loaders = [
    loadBook,
    load(decisions, async () =>
      decisions.show(decisionsTable((await api.decisions({ bookId, limit: 30 })).decisions)),
    ),
    load(actions, async () => actions.show(actionsTable((await api.actions({ bookId, limit: 30 })).actions))),
  ];
}

/** A report is asked for, not refreshed: the page loads the books once and the report on each request. */
function reportsPage(): void {
  const form = panel("Report period", "report-form-panel", "wide");
  const result = panel("Performance report", "report-panel", "wide");
  replaceContent(main, h("div", { class: "grid" }, form.element, result.element));
  result.show(h("p", { class: "empty" }, "Pick a book and a period."));
  renderBooks = undefined;
  loaders = [];
  const show = (request: ReportRequestForm) => {
    result.show(h("p", { class: "empty" }, "Loading…"));
    void load(result, async () => result.show(reportView(await api.report(request.bookId, request))))();
  };
  void load(form, async () => {
    const { books } = await api.books();
    if (books.length === 0) return form.show(h("p", { class: "empty" }, "No books yet."));
    // The last day up to the book's latest evaluation (a devnet's clock may run ahead of the wall clock).
    const toSec = Math.max(...books.map((b) => b.timestampSec));
    form.show(
      reportForm(
        books,
        { bookId: books[0]!.bookId, fromSec: toSec - 86_400, toSec, bucketSec: 86_400 },
        show,
      ),
    );
  })();
}

let refreshing: Promise<void> | undefined;
let again = false;

/** Runs every loader of the page; a refresh asked for while one runs runs once more after it. */
async function refresh(): Promise<void> {
  if (refreshing) {
    again = true;
    return refreshing;
  }
  refreshing = (async () => {
    do {
      again = false;
      await Promise.all(loaders.map((loader) => loader()));
      markUpdated();
    } while (again);
  })();
  try {
    await refreshing;
  } finally {
    refreshing = undefined;
  }
}

function showRoute(): void {
  route = currentRoute();
  if (route.page === "book") bookPage(route.bookId);
  else if (route.page === "reports") reportsPage();
  else overviewPage();
  window.scrollTo(0, 0);
  void refresh();
}

const live = startLiveUpdates({
  onOpen: () => void refresh(),
  onUpdate: (event) => {
    renderBooks?.(event.books);
    void refresh();
  },
  onPoll: () => void refresh(),
  onConnection: showConnection,
});

window.addEventListener("hashchange", showRoute);
window.setInterval(() => void refresh(), REFRESH_MS);
showRoute();
