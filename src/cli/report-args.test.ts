import { describe, expect, it } from "vitest";
import { parseReportArgs, parseTimeArg, ReportArgsError } from "./report-args.ts";

function flagOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ReportArgsError);
    return (error as ReportArgsError).flag;
  }
  throw new Error("expected a ReportArgsError");
}

describe("parseTimeArg", () => {
  it("reads unix seconds, a UTC date, and a date-time with or without its zone", () => {
    expect(parseTimeArg("--from", "1764806400")).toBe(1_764_806_400);
    expect(parseTimeArg("--from", "2025-12-04")).toBe(Date.UTC(2025, 11, 4) / 1000);
    expect(parseTimeArg("--from", "2025-12-04T12:30")).toBe(Date.UTC(2025, 11, 4, 12, 30) / 1000);
    expect(parseTimeArg("--from", "2025-12-04T12:30:00+02:00")).toBe(Date.UTC(2025, 11, 4, 10, 30) / 1000);
  });

  it("refuses what is not a time, naming the flag", () => {
    expect(flagOf(() => parseTimeArg("--to", "yesterday"))).toBe("--to");
    expect(flagOf(() => parseTimeArg("--to", "2025-13-45"))).toBe("--to");
  });
});

describe("parseReportArgs", () => {
  const good = { book: "eth-usdc", from: "2025-12-01", to: "2025-12-04" };

  it("takes a book and a period, HTML to stdout and daily buckets by default", () => {
    expect(parseReportArgs(good)).toEqual({
      bookId: "eth-usdc",
      fromSec: Date.UTC(2025, 11, 1) / 1000,
      toSec: Date.UTC(2025, 11, 4) / 1000,
      format: "html",
      out: undefined,
      bucketSec: 86_400,
    });
    expect(parseReportArgs({ ...good, format: "csv", "bucket-sec": "3600" }).bucketSec).toBe(3_600);
  });

  it("names the flag at fault", () => {
    expect(flagOf(() => parseReportArgs({ ...good, book: undefined }))).toBe("--book");
    expect(flagOf(() => parseReportArgs({ ...good, from: undefined }))).toBe("--from");
    expect(flagOf(() => parseReportArgs({ ...good, to: "2025-11-30" }))).toBe("--to");
    expect(flagOf(() => parseReportArgs({ ...good, format: "docx" }))).toBe("--format");
    expect(flagOf(() => parseReportArgs({ ...good, format: "pdf" }))).toBe("--out");
    expect(flagOf(() => parseReportArgs({ ...good, "bucket-sec": "0" }))).toBe("--bucket-sec");
  });
});
