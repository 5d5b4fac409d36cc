import { describe, expect, it } from "vitest";
import { makeBook, NOW_SEC } from "./book-fixture.test-support.ts";
import { StaleSnapshotError } from "./errors.ts";
import { assertFreshBook, freshOraclePrice, oracleHealth } from "./oracle.ts";

describe("oracle readings", () => {
  it("are fresh within their own feed's heartbeat, not a global one", () => {
    const { baseOracle, oracles } = makeBook();
    const usdc = oracles[0]!; // 24 h heartbeat
    expect(oracleHealth(baseOracle, NOW_SEC + 3_000).fresh).toBe(true);
    expect(oracleHealth(baseOracle, NOW_SEC + 4_000)).toMatchObject({
      fresh: false,
      problem: "older than heartbeat 3600s",
    });
    expect(oracleHealth(usdc, NOW_SEC + 4_000).fresh).toBe(true);
  });

  it("are not usable when the answer is not positive or the indexer flagged them", () => {
    const { baseOracle } = makeBook();
    expect(oracleHealth({ ...baseOracle, answer: 0n }, NOW_SEC)).toMatchObject({
      fresh: false,
      problem: "answer <= 0",
    });
    expect(oracleHealth({ ...baseOracle, stale: true }, NOW_SEC).fresh).toBe(false);
  });

  it("apply decimals: 8-decimal USD feeds", () => {
    expect(freshOraclePrice(makeBook().baseOracle, NOW_SEC)).toBe(3000);
  });

  it("a stale feed or snapshot is a typed error for callers that must not proceed", () => {
    const book = makeBook();
    expect(() => freshOraclePrice(book.baseOracle, NOW_SEC + 10_000)).toThrow(StaleSnapshotError);
    expect(() => assertFreshBook(book, NOW_SEC + 600, 120)).toThrow(/book.blockTimestampSec/);
    expect(() => assertFreshBook(book, NOW_SEC, 120)).not.toThrow();
  });
});
