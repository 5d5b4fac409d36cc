import { describe, expect, it } from "vitest";
import { aaveBook } from "../src/engine/aave-fixture.test-support.ts";
import { makeBook, USDC, WETH } from "../src/engine/book-fixture.test-support.ts";
import type { AaveLiquidationEvent } from "../src/indexers/aave-liquidations.ts";
import { aaveLiquidationHistoryOf } from "./aave-liquidation-history.ts";

const event: AaveLiquidationEvent = {
  blockNumber: 21_000_005n,
  transactionHash: `0x${"12".repeat(32)}`,
  logIndex: 7,
  user: "0x1111111111111111111111111111111111111111",
  liquidator: "0x2222222222222222222222222222222222222222",
  collateralAsset: USDC.address,
  debtAsset: WETH.address,
  // 10 WETH repaid at $3,000; $31,500 of USDC taken (the 5% bonus).
  debtCovered: 10n * 10n ** 18n,
  collateralSeized: 31_500n * 10n ** 6n,
  receiveAToken: false,
};

describe("aaveLiquidationHistoryOf", () => {
  it("values the event's amounts at the Aave oracle's prices, and the bonus as seized − covered", () => {
    const book = aaveBook({ hf: 1.2 });
    const row = aaveLiquidationHistoryOf(1, book, event);
    expect(row.collateralSeized).toBe(31_500n * 10n ** 6n);
    expect(row.debtCovered).toBe(10n * 10n ** 18n);
    expect(row.collateralSeizedUsd).toBeCloseTo(31_500, 9);
    expect(row.debtCoveredUsd).toBeCloseTo(30_000, 9);
    expect(row.bonusUsd).toBeCloseTo(1_500, 9);
    // The debt is the book's base: the short bought back, in base units.
    expect(row.debtCoveredBase).toBe(10);
    expect([row.collateralSymbol, row.debtSymbol]).toEqual(["USDC", "WETH"]);
    expect([row.txHash, row.logIndex, row.blockNumber]).toEqual([event.transactionHash, 7, 21_000_005n]);
    expect(row.timestampSec).toBe(book.blockTimestampSec);
  });

  it("refuses a reserve the book's Aave leg does not read, and a book without an Aave leg, naming them", () => {
    const book = aaveBook({ hf: 1.2 });
    const stranger = "0x3333333333333333333333333333333333333333";
    expect(() => aaveLiquidationHistoryOf(1, book, { ...event, collateralAsset: stranger })).toThrow(
      new RegExp(`reserve ${stranger}`),
    );
    expect(() => aaveLiquidationHistoryOf(1, makeBook(), event)).toThrow(/without an Aave leg/);
  });
});
