import { describe, expect, it } from "vitest";
import { aaveBook } from "../src/engine/aave-fixture.test-support.ts";
import { makeBook, USDC, WETH } from "../src/engine/book-fixture.test-support.ts";
import type { AaveLiquidationFound } from "../src/indexers/aave-liquidations.ts";
import { aaveLiquidationHistoryOf } from "./aave-liquidation-history.ts";

const event: AaveLiquidationFound = {
  blockNumber: 21_000_005n,
  transactionHash: `0x${"12".repeat(32)}`,
  logIndex: 7,
  user: "0x1111111111111111111111111111111111111111",
  liquidator: "0x2222222222222222222222222222222222222222",
  collateralAsset: USDC.address,
  debtAsset: WETH.address,
  // 10 WETH repaid at $3,000: Aave takes 1.045 × $30,000 = $31,350 of USDC (the fixture's USDC bonus, 4.5%), of
  // which 20% of the bonus part ($270) to its treasury and $31,080 to the liquidator (the event's amount).
  debtCovered: 10n * 10n ** 18n,
  collateralSeized: 31_080n * 10n ** 6n,
  receiveAToken: false,
  collateralProtocolFeeBps: 2_000,
};

describe("aaveLiquidationHistoryOf", () => {
  it("values the event's amounts at the Aave oracle's prices, and the bonus as seized + protocol fee − covered", () => {
    const book = aaveBook({ hf: 1.2 });
    const row = aaveLiquidationHistoryOf(1, book, event);
    expect(row.collateralSeized).toBe(31_080n * 10n ** 6n);
    expect(row.debtCovered).toBe(10n * 10n ** 18n);
    expect(row.protocolFee).toBe(270n * 10n ** 6n);
    expect(row.collateralSeizedUsd).toBeCloseTo(31_080, 9);
    expect(row.protocolFeeUsd).toBeCloseTo(270, 9);
    expect(row.debtCoveredUsd).toBeCloseTo(30_000, 9);
    expect(row.bonusUsd).toBeCloseTo(1_350, 9);
    // Without a protocol fee the liquidator's amount is the whole of what the Safe lost.
    expect(aaveLiquidationHistoryOf(1, book, { ...event, collateralProtocolFeeBps: 0 }).protocolFee).toBe(0n);
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
