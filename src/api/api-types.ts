// What each route answers, as the client receives it (bigint as a decimal string). The dashboard imports these
// types, so a change here is a compile error there.

import type { BookDetail } from "../evaluation/book-evaluation.ts";
import type { KeeperHealth } from "../metrics/metrics.ts";
import type { ChartPoint } from "../performance/performance-report.ts";
import type { FigureSection } from "../performance/report-figures.ts";
import type {
  ActionView,
  AlertHistory,
  BookStatus,
  DecisionRecord,
  HistoryStore,
  SeriesPoint,
} from "../store/history-store.ts";
import type { BandColour, DriftBand } from "./drift-band.ts";
import type { PublishedStressRow } from "./stress-table.ts";

/** A value as JSON carries it: bigint → string, recursively. */
export type Wire<T> = T extends bigint
  ? string
  : T extends readonly (infer U)[]
    ? Wire<U>[]
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

/** A book on the overview: its status block without the detail, and where its drift sits against its band. */
export interface BookOverview extends Omit<BookStatus, "detail"> {
  band: DriftBand;
  colour: BandColour;
}

export interface BooksResponse {
  books: Wire<BookOverview>[];
}

export interface BookResponse {
  /** `detail` is null when the stored one is not a BookDetail (written by another keeper version). */
  book: Wire<BookOverview & { detail: BookDetail | null }>;
  series: Wire<SeriesPoint>[];
  range: { fromSec: number; toSec: number; maxPoints: number };
}

/**
 * A book's performance report for a period (GET /api/books/:id/report?from&to&bucket): the figures as the CLI
 * prints them, and the self-contained HTML document `hedgekeeper report --format html` writes.
 */
export interface ReportResponse {
  bookId: string;
  range: { fromSec: number; toSec: number; bucketSec: number };
  figures: FigureSection[];
  unexplainedShareOfGross: number;
  /** The charts' points (at most REPORT_CHART_POINTS, evenly picked) and the rolling effectiveness. */
  chart: ChartPoint[];
  rolling: { timestampSec: number; ederington: number | null }[];
  effectivenessFloor: number;
  html: string;
}

/** The latest reading of one stablecoin, as the store answers it. */
export type DepegRow = Awaited<ReturnType<HistoryStore["depeg"]>>[number];

export interface DepegResponse {
  depeg: Wire<DepegRow>[];
}

export interface ActionsResponse {
  actions: Wire<ActionView>[];
}

export interface DecisionsResponse {
  decisions: Wire<DecisionRecord>[];
}

export interface AlertsResponse {
  alerts: AlertHistory[];
}

export interface KeeperResponse {
  keeper: KeeperHealth;
  /** Seconds since the keeper's heartbeat (when it last did work), by this server's clock; null: it never has. */
  heartbeatAgeSec: number | null;
}

export interface BookStress {
  chainId: number;
  bookId: string;
  blockNumber: string;
  timestampSec: number;
  rows: PublishedStressRow[];
}

export interface StressResponse {
  books: BookStress[];
}

/** The `update` event on /api/events: the new overview and the books whose status advanced. */
export interface UpdateEvent {
  books: Wire<BookOverview>[];
  changed: string[];
}

export interface HealthResponse {
  ok: boolean;
  store: "postgres" | "pglite";
  error?: string;
}

export interface ErrorResponse {
  error: string;
}
