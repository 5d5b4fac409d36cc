// `hedgekeeper report`'s arguments, validated: each bad value is an error naming its flag, never a default.
export const REPORT_FORMATS = ["html", "md", "csv", "json", "pdf"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export class ReportArgsError extends Error {
  override name = "ReportArgsError";
  readonly flag: string;

  constructor(flag: string, reason: string) {
    super(`${flag}: ${reason}`);
    this.flag = flag;
  }
}

export interface ReportRequest {
  bookId: string;
  fromSec: number;
  toSec: number;
  format: ReportFormat;
  /** Where to write; stdout when absent (not for pdf). */
  out: string | undefined;
  bucketSec: number;
}

/** A time as unix seconds or an ISO 8601 date / date-time (a date alone is its UTC midnight). */
export function parseTimeArg(flag: string, raw: string): number {
  if (/^\d{1,12}$/.test(raw)) return Number(raw);
  if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(raw)) {
    const text = raw.length === 10 ? `${raw}T00:00:00Z` : /Z|[+-]\d{2}:?\d{2}$/.test(raw) ? raw : `${raw}Z`;
    const ms = Date.parse(text.replace(" ", "T"));
    if (Number.isFinite(ms)) return Math.floor(ms / 1000);
  }
  throw new ReportArgsError(
    flag,
    `not a time: ${JSON.stringify(raw)} (unix seconds, or ISO 8601 such as 2026-11-01 or 2026-11-01T12:00Z)`,
  );
}

export function parseReportArgs(values: {
  book?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  format?: string | undefined;
  out?: string | undefined;
  "bucket-sec"?: string | undefined;
}): ReportRequest {
  if (values.book === undefined || values.book === "")
    throw new ReportArgsError("--book", "required (a book id of the configuration)");
  if (values.from === undefined) throw new ReportArgsError("--from", "required (the period's start)");
  if (values.to === undefined) throw new ReportArgsError("--to", "required (the period's end)");
  const fromSec = parseTimeArg("--from", values.from);
  const toSec = parseTimeArg("--to", values.to);
  if (toSec <= fromSec) throw new ReportArgsError("--to", `must be after --from (${values.from})`);
  const format = values.format ?? "html";
  if (!(REPORT_FORMATS as readonly string[]).includes(format))
    throw new ReportArgsError(
      "--format",
      `one of ${REPORT_FORMATS.join(", ")} (got ${JSON.stringify(format)})`,
    );
  if (format === "pdf" && values.out === undefined)
    throw new ReportArgsError("--out", "required with --format pdf");
  const bucketRaw = values["bucket-sec"] ?? "86400";
  const bucketSec = /^\d{1,9}$/.test(bucketRaw) ? Number(bucketRaw) : Number.NaN;
  if (!(bucketSec >= 1))
    throw new ReportArgsError(
      "--bucket-sec",
      `a whole number of seconds >= 1 (got ${JSON.stringify(bucketRaw)})`,
    );
  return { bookId: values.book, fromSec, toSec, format: format as ReportFormat, out: values.out, bucketSec };
}
