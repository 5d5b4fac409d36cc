import { describe, expect, it } from "vitest";
import { makeBook, makeParams, NOW_SEC } from "../engine/book-fixture.test-support.ts";
import { evaluateBook } from "../engine/book-metrics.ts";
import { decide } from "../engine/decide.ts";
import type { BookSnapshot } from "../engine/snapshot.ts";
import { alertConditions } from "./alert-conditions.ts";

const thresholds = { keeperHeartbeatMaxAgeSec: 60, signerBalanceMinEth: 0.1 };

/** The book with its base feed flagged by the indexer (oracle-health.ts) for `flags`. */
function flagged(flags: readonly string[]): BookSnapshot {
  const book = makeBook({ hedgeRatio: 0.5 });
  book.baseOracle = { ...book.baseOracle, stale: true, flags };
  return book;
}

function alertsOf(book: BookSnapshot) {
  const params = makeParams();
  const metrics = evaluateBook(book, params, NOW_SEC);
  return alertConditions({ nowSec: NOW_SEC, books: [{ metrics, armBps: params.armBps }], thresholds });
}

describe("alert conditions: the L2 sequencer", () => {
  it("pages 'sequencer down' while the uptime feed says down, and the keeper does not act on the drifted book", () => {
    const book = flagged(["sequencer-down"]);
    expect(decide(book, makeParams(), NOW_SEC)).toMatchObject({ kind: "noop", code: "oracle-stale" });
    const keys = alertsOf(book).map((alert) => alert.key);
    expect(keys).toContain(`sequencer-down:${book.bookId}`);
    expect(keys).not.toContain(`oracle-stale:${book.bookId}`);
  });

  it("moves to 'grace period' once it is back up (a new key, so 'down' resolves)", () => {
    const book = flagged(["sequencer-grace-period"]);
    const alert = alertsOf(book).find((a) => a.key.startsWith("sequencer-"));
    expect(alert).toMatchObject({ key: `sequencer-grace-period:${book.bookId}`, severity: "critical" });
    expect(alert?.title).toMatch(/grace period/);
  });

  it("keeps other indexer flags as a stale-oracle alert naming the flag (positive control for the sequencer keys)", () => {
    const book = flagged(["round-went-backwards"]);
    const alerts = alertsOf(book);
    const stale = alerts.find((a) => a.key === `oracle-stale:${book.bookId}`);
    expect(stale?.text).toMatch(/round-went-backwards/);
    expect(alerts.some((a) => a.key.startsWith("sequencer-"))).toBe(false);
  });

  it("raises no oracle alert at all for a usable feed", () => {
    const keys = alertsOf(makeBook({ hedgeRatio: 0.5 })).map((alert) => alert.key);
    expect(keys.some((key) => key.startsWith("sequencer-") || key.startsWith("oracle-stale"))).toBe(false);
  });
});

describe("alert conditions: an Aave liquidation", () => {
  it("pages it as critical, once per liquidation, with what was repaid, seized and lost", () => {
    const liquidation = {
      bookId: "treasury-eth-aave",
      txHash: `0x${"ab".repeat(32)}`,
      logIndex: 3,
      blockNumber: 120n,
      liquidator: "0x2222222222222222222222222222222222222222",
      collateralSymbol: "USDC",
      collateralSeizedUsd: 31_500,
      debtSymbol: "WETH",
      debtCoveredUsd: 30_000,
      bonusUsd: 1_500,
    };
    const alerts = alertConditions({
      nowSec: NOW_SEC,
      books: [],
      aaveLiquidations: [liquidation],
      thresholds,
    });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      key: `aave-liquidated:${liquidation.txHash}:3`,
      severity: "critical",
      bookId: "treasury-eth-aave",
      event: true,
    });
    expect(alerts[0]!.text).toMatch(/\$30000\.00 of WETH debt .* \$31500\.00 of USDC \(bonus \$1500\.00\)/);
    expect(alertConditions({ nowSec: NOW_SEC, books: [], thresholds })).toEqual([]);
  });

  it("warns of a book whose plans keep being superseded, until the window no longer holds them", () => {
    const superseded = {
      bookId: "treasury-usdc",
      count: 3,
      windowSec: 900,
      lastReason: "superseded: the pool moved from tick -409 to -478 since block 120",
    };
    const alerts = alertConditions({ nowSec: NOW_SEC, books: [], supersededPlans: [superseded], thresholds });
    expect(alerts).toEqual([
      {
        key: "plans-superseded:treasury-usdc",
        severity: "warning",
        title: "treasury-usdc: 3 plans superseded within 900 s",
        text: `Each was planned, then refused before sending because the chain moved from its premise; the last: ${superseded.lastReason}`,
        bookId: "treasury-usdc",
        fields: { superseded: 3 },
      },
    ]);
    // A condition, not an event: it clears when the window's count falls under the threshold.
    expect(alerts[0]!.event).toBeUndefined();
    expect(alertConditions({ nowSec: NOW_SEC, books: [], supersededPlans: [], thresholds })).toEqual([]);
  });
});
