import { describe, expect, it } from "vitest";
import { ApiError } from "./api-error.ts";
import { bookParam, integerParam } from "./query-params.ts";

const params = (query: string) => new URLSearchParams(query);
const LIMIT = { min: 1, max: 1000, fallback: 50 };

function refusal(run: () => unknown): ApiError {
  try {
    run();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error("expected an ApiError");
}

describe("integerParam", () => {
  it("reads a whole number in range and falls back when absent", () => {
    expect(integerParam(params("limit=7"), "limit", LIMIT)).toBe(7);
    expect(integerParam(params(""), "limit", LIMIT)).toBe(50);
    expect(integerParam(params(""), "from", { min: 0, max: 10 })).toBeUndefined();
  });

  it.each(["0", "1001", "-1", "2.5", "1e3", "abc", "", " 5", "0x10", "9".repeat(20)])(
    "refuses limit=%j with a 400 that names the parameter and the range",
    (raw) => {
      const error = refusal(() => integerParam(params(`limit=${encodeURIComponent(raw)}`), "limit", LIMIT));
      expect(error.status).toBe(400);
      expect(error.message).toMatch(/^query parameter limit must be a whole number from 1 to 1000/);
    },
  );

  it("echoes at most a short prefix of a long bad value", () => {
    const error = refusal(() => integerParam(params(`limit=${"x".repeat(500)}`), "limit", LIMIT));
    expect(error.message.length).toBeLessThan(140);
  });
});

describe("bookParam", () => {
  it("passes a book id through and is undefined when absent", () => {
    expect(bookParam(params("book=eth-usdc"))).toBe("eth-usdc");
    expect(bookParam(params("book=ETH%2FUSDC%20v3"))).toBe("ETH/USDC v3");
    expect(bookParam(params(""))).toBeUndefined();
  });

  it.each(["", "a%00b", "x".repeat(201)])("refuses book=%j", (raw) => {
    expect(refusal(() => bookParam(params(`book=${raw}`))).message).toMatch(/^query parameter book /);
  });
});
