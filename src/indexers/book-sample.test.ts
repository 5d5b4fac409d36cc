import { describe, expect, it } from "vitest";
import { aaveBook, LEG } from "../engine/aave-fixture.test-support.ts";
import { makeBook, makeParams, NOW_SEC, WETH } from "../engine/book-fixture.test-support.ts";
import { evaluateBook } from "../engine/book-metrics.ts";
import { bookSampleOf } from "./book-sample.ts";

describe("the per-block sample", () => {
  it("carries the whole hedged item: LP value + fees owed + the base held as spot, at the base price", () => {
    const book = makeBook({ ethUsd: 3000 });
    book.spot = book.spot.map((s) =>
      s.token.address === WETH.address ? { ...s, balance: 40n * 10n ** 18n } : s,
    );
    const metrics = evaluateBook(book, makeParams(), NOW_SEC);
    const sample = bookSampleOf(book, metrics);
    expect(sample.lpValueUsd).toBeCloseTo(metrics.lpValueUsd + metrics.lpFeesUsd, 6);
    expect(sample.hedgedItemValueUsd).toBeCloseTo(sample.lpValueUsd + 40 * 3000, 6);
  });

  it("values an Aave leg as its short base position, leaving its stablecoin collateral out", () => {
    const book = aaveBook({ hf: 2 });
    const metrics = evaluateBook(book, makeParams({ aave: LEG }), NOW_SEC);
    const debtBase = Number(book.aave?.reserves[0]?.variableDebt) / 1e18;
    expect(bookSampleOf(book, metrics).hedgeValueUsd).toBeCloseTo(-debtBase * 3000, 6);
    // Twice the collateral, the same hedge value: collateral carries no risk of the base.
    const richer = aaveBook({ hf: 4 });
    const richerMetrics = evaluateBook(richer, makeParams({ aave: LEG }), NOW_SEC);
    expect(bookSampleOf(richer, richerMetrics).hedgeValueUsd).toBeCloseTo(-debtBase * 3000, 6);
  });

  it("carries the base oracle's round and when it was written, never after the block", () => {
    const book = makeBook();
    const metrics = evaluateBook(book, makeParams(), NOW_SEC);
    expect(bookSampleOf(book, metrics)).toMatchObject({
      baseOracleRoundId: book.baseOracle.roundId,
      baseOracleUpdatedAtSec: book.baseOracle.updatedAtSec,
    });
    const ahead = { ...book, baseOracle: { ...book.baseOracle, updatedAtSec: book.blockTimestampSec + 30 } };
    expect(bookSampleOf(ahead, metrics).baseOracleUpdatedAtSec).toBe(book.blockTimestampSec);
  });
});
