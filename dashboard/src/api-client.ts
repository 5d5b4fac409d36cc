// The dashboard's reads from the API, with the bearer token the steward typed (kept in sessionStorage: gone
// when the tab closes). A 401 is its own error so the page can ask for the token instead of showing a failure.
import type {
  ActionsResponse,
  AlertsResponse,
  BookResponse,
  BooksResponse,
  DecisionsResponse,
  DepegResponse,
  ErrorResponse,
  KeeperResponse,
  ReportResponse,
  StressResponse,
} from "../../src/api/api-types.ts";

const TOKEN_KEY = "hedgekeeper.token";

export function sessionToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setSessionToken(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token);
}

export class UnauthorizedError extends Error {
  override name = "UnauthorizedError";
}

export class ApiRequestError extends Error {
  override name = "ApiRequestError";
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** Relative to the page, so the dashboard works under any mount point. */
function apiUrl(path: string, query: Record<string, string | number | undefined> = {}): string {
  const url = new URL(`./api/${path}`, window.location.href);
  url.hash = "";
  url.search = "";
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  return url.toString();
}

async function getJson<T>(path: string, query?: Record<string, string | number | undefined>): Promise<T> {
  const token = sessionToken();
  const response = await fetch(apiUrl(path, query), {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    cache: "no-store",
  });
  if (response.status === 401) throw new UnauthorizedError("the API needs a token");
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as Partial<ErrorResponse>;
    throw new ApiRequestError(response.status, body.error ?? `HTTP ${response.status}`);
  }
  return (await response.json()) as T;
}

export const api = {
  books: () => getJson<BooksResponse>("books"),
  book: (bookId: string, range: { fromSec?: number; toSec?: number } = {}) =>
    getJson<BookResponse>(`books/${encodeURIComponent(bookId)}`, { from: range.fromSec, to: range.toSec }),
  depeg: () => getJson<DepegResponse>("depeg"),
  actions: (options: { limit?: number; bookId?: string } = {}) =>
    getJson<ActionsResponse>("actions", { limit: options.limit ?? 50, book: options.bookId }),
  decisions: (options: { limit?: number; bookId?: string } = {}) =>
    getJson<DecisionsResponse>("decisions", { limit: options.limit ?? 50, book: options.bookId }),
  alerts: (limit = 30) => getJson<AlertsResponse>("alerts", { limit }),
  keeper: () => getJson<KeeperResponse>("keeper"),
  stress: () => getJson<StressResponse>("stress"),
  report: (bookId: string, range: { fromSec: number; toSec: number; bucketSec: number }) =>
    getJson<ReportResponse>(`books/${encodeURIComponent(bookId)}/report`, {
      from: range.fromSec,
      to: range.toSec,
      bucket: range.bucketSec,
    }),
};

/** The event stream's URL: EventSource cannot send headers, so the token rides in the query. */
export function eventsUrl(): string {
  const token = sessionToken();
  return apiUrl("events", { token: token ?? undefined });
}
