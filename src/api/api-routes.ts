// The read-only routes under /api: each turns a path and its query into one JSON body from the history store
// (or the keeper's own health). Failures are thrown as ApiError (4xx/503) or propagate from the store (500,
// answered and logged by the server).

import { EngineInputError } from "../engine/errors.ts";
import { type BookDetail, readBookDetail } from "../evaluation/book-evaluation.ts";
import type { KeeperHealth } from "../metrics/metrics.ts";
import { type PerformanceReport, performanceReport } from "../performance/performance-report.ts";
import { reportFigures } from "../performance/report-figures.ts";
import { reportHtml } from "../performance/report-html.ts";
import type { HistoryStore, StoredBookStatus } from "../store/history-store.ts";
import { ReportPeriodError, readReportPeriod } from "../store/report-period.ts";
import { ApiError } from "./api-error.ts";
import type {
  ActionsResponse,
  AlertsResponse,
  BookOverview,
  BookResponse,
  BooksResponse,
  DecisionsResponse,
  DepegResponse,
  KeeperResponse,
  ReportResponse,
  StressResponse,
  Wire,
} from "./api-types.ts";
import { driftBand } from "./drift-band.ts";
import { bookParam, integerParam } from "./query-params.ts";
import { stressRowsOf } from "./stress-table.ts";

export interface ApiRouteContext {
  store: HistoryStore;
  keeperHealth?: () => Promise<KeeperHealth>;
  nowSec: () => number;
  /** The Ederington floor reports judge effectiveness against (alerts.effectiveness.floorRatio). */
  effectivenessFloor?: number;
}

const DAY_SEC = 86_400;
const LIMIT = { min: 1, max: 1000, fallback: 50 };
const POINTS = { min: 2, max: 5000, fallback: 500 };
/** Unix seconds up to the year 5138: rules out a millisecond timestamp passed by mistake. */
const UNIX_SEC = { min: 0, max: 99_999_999_999 };

export function bookOverview(status: StoredBookStatus): BookOverview {
  const { detail: _detail, ...rest } = status;
  return { ...rest, ...driftBand(status.driftBps, status.thresholdBps) };
}

/** Routes return domain values; bigint becomes a string when the server serialises them (json-response.ts). */
function asWire<T>(value: unknown): Wire<T> {
  return value as Wire<T>;
}

async function books({ store }: ApiRouteContext): Promise<BooksResponse> {
  const statuses = await store.books();
  return { books: statuses.map((s) => asWire<BookOverview>(bookOverview(s))) };
}

async function book(
  context: ApiRouteContext,
  bookId: string,
  params: URLSearchParams,
): Promise<BookResponse> {
  const maxPoints = integerParam(params, "points", POINTS);
  const from = integerParam(params, "from", UNIX_SEC);
  const to = integerParam(params, "to", UNIX_SEC);
  const status = await context.store.book(bookId);
  if (!status) throw new ApiError(404, `no book ${JSON.stringify(bookId)}: GET /api/books lists the books`);
  // "The last 24 h" ends at the book's latest block when the chain runs ahead of the wall clock (a devnet that
  // advanced time), so the default chart is never empty.
  const toSec = to ?? (from !== undefined ? from + DAY_SEC : Math.max(context.nowSec(), status.timestampSec));
  const fromSec = from ?? Math.max(0, toSec - DAY_SEC);
  if (fromSec >= toSec) {
    throw new ApiError(400, `query parameter from must be earlier than to (from=${fromSec}, to=${toSec})`);
  }
  const series = await context.store.series(bookId, { fromSec, toSec, maxPoints });
  return {
    book: asWire<BookOverview & { detail: BookDetail | null }>({
      ...bookOverview(status),
      detail: readBookDetail(status.detail),
    }),
    series: asWire<typeof series>(series),
    range: { fromSec, toSec, maxPoints },
  };
}

async function depeg({ store }: ApiRouteContext): Promise<DepegResponse> {
  return { depeg: asWire(await store.depeg()) };
}

async function actions({ store }: ApiRouteContext, params: URLSearchParams): Promise<ActionsResponse> {
  const limit = integerParam(params, "limit", LIMIT);
  const bookId = bookParam(params);
  return { actions: asWire(await store.actions(bookId === undefined ? { limit } : { limit, bookId })) };
}

async function decisions({ store }: ApiRouteContext, params: URLSearchParams): Promise<DecisionsResponse> {
  const limit = integerParam(params, "limit", LIMIT);
  const bookId = bookParam(params);
  return { decisions: asWire(await store.decisions(bookId === undefined ? { limit } : { limit, bookId })) };
}

async function alerts({ store }: ApiRouteContext, params: URLSearchParams): Promise<AlertsResponse> {
  return { alerts: await store.alerts({ limit: integerParam(params, "limit", LIMIT) }) };
}

async function keeper(context: ApiRouteContext): Promise<KeeperResponse> {
  if (!context.keeperHealth) {
    throw new ApiError(503, "keeper health is not available: this API server has no connection to a keeper");
  }
  let health: KeeperHealth;
  try {
    health = await context.keeperHealth();
  } catch (error) {
    throw new ApiError(503, "keeper health is unavailable: the keeper did not answer", { cause: error });
  }
  const beatAtSec = health.heartbeatAtSec;
  return {
    keeper: health,
    heartbeatAgeSec: beatAtSec === null ? null : Math.max(0, context.nowSec() - beatAtSec),
  };
}

async function stress({ store }: ApiRouteContext): Promise<StressResponse> {
  const statuses = await store.books();
  return {
    books: statuses.map((s) => ({
      chainId: s.chainId,
      bookId: s.bookId,
      blockNumber: s.blockNumber.toString(),
      timestampSec: s.timestampSec,
      rows: stressRowsOf(s.detail),
    })),
  };
}

/** Most points a report reads through the API: a longer period is bucketed, as the charts are. */
const REPORT_POINTS = 5_000;
const REPORT_CHART_POINTS = 500;
const BUCKET_SEC = { min: 60, max: 30 * DAY_SEC, fallback: DAY_SEC };

async function bookReport(
  context: ApiRouteContext,
  bookId: string,
  params: URLSearchParams,
): Promise<ReportResponse> {
  const fromSec = integerParam(params, "from", UNIX_SEC);
  const toSec = integerParam(params, "to", UNIX_SEC);
  const bucketSec = integerParam(params, "bucket", BUCKET_SEC);
  if (fromSec === undefined || toSec === undefined)
    throw new ApiError(400, "query parameters from and to are required (unix seconds): the report's period");
  if (fromSec >= toSec) {
    throw new ApiError(400, `query parameter from must be earlier than to (from=${fromSec}, to=${toSec})`);
  }
  let report: PerformanceReport;
  try {
    const input = await readReportPeriod(context.store, { bookId, fromSec, toSec, maxPoints: REPORT_POINTS });
    report = performanceReport(input, {
      bucketSec,
      ...(context.effectivenessFloor === undefined ? {} : { effectivenessFloor: context.effectivenessFloor }),
    });
  } catch (error) {
    if (error instanceof ReportPeriodError) throw new ApiError(404, error.message);
    if (error instanceof EngineInputError)
      throw new ApiError(422, `the history cannot be reported on: ${error.message}`);
    throw error;
  }
  return {
    bookId,
    range: { fromSec, toSec, bucketSec },
    figures: reportFigures(report),
    unexplainedShareOfGross: report.attribution.unexplainedShareOfGross,
    chart: evenlyPicked(report.chart, REPORT_CHART_POINTS),
    rolling: evenlyPicked(report.rolling.points, REPORT_CHART_POINTS).map((p) => ({
      timestampSec: p.timestampSec,
      ederington: p.ederington,
    })),
    effectivenessFloor: report.effectiveness.floor,
    html: reportHtml(report),
  };
}

/** At most `max` items, evenly spaced, the last always kept: what a chart of a few hundred pixels can show. */
function evenlyPicked<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  const step = (items.length - 1) / (max - 1);
  return Array.from({ length: max }, (_, i) => items[Math.round(i * step)]!);
}

const BOOK_PATH = /^\/api\/books\/([^/]+)$/;
const BOOK_REPORT_PATH = /^\/api\/books\/([^/]+)\/report$/;

function bookIdOf(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw new ApiError(400, "the book id in the path is not valid percent-encoding");
  }
}

/** The body for a GET on `pathname` (already known to start with /api/); throws ApiError 404 for no route. */
export async function answerApiRequest(
  context: ApiRouteContext,
  pathname: string,
  params: URLSearchParams,
): Promise<unknown> {
  switch (pathname) {
    case "/api/books":
      return books(context);
    case "/api/depeg":
      return depeg(context);
    case "/api/actions":
      return actions(context, params);
    case "/api/decisions":
      return decisions(context, params);
    case "/api/alerts":
      return alerts(context, params);
    case "/api/keeper":
      return keeper(context);
    case "/api/stress":
      return stress(context);
  }
  const reportMatch = BOOK_REPORT_PATH.exec(pathname);
  if (reportMatch) return bookReport(context, bookIdOf(reportMatch[1]!), params);
  const bookMatch = BOOK_PATH.exec(pathname);
  if (bookMatch) {
    let bookId: string;
    try {
      bookId = decodeURIComponent(bookMatch[1]!);
    } catch {
      throw new ApiError(400, "the book id in the path is not valid percent-encoding");
    }
    return book(context, bookId, params);
  }
  throw new ApiError(
    404,
    "no such API route: see /api/books, /api/books/:id, /api/books/:id/report, /api/depeg, /api/actions, /api/decisions, /api/alerts, /api/keeper, /api/stress, /api/events",
  );
}
