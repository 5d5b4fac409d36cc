import { describe, expect, it } from "vitest";
import { makeBook, makeParams, USDC, WETH } from "../src/engine/book-fixture.test-support.ts";
import type { LpPrincipalFlow } from "../src/indexers/lp-principal-flows.ts";
import { lpPrincipalFlowHistoryOf } from "./lp-principal-flow-history.ts";

const withdrawal: LpPrincipalFlow = {
  blockNumber: 21_000_005n,
  transactionHash: `0x${"12".repeat(32)}`,
  logIndex: 4,
  position: "uniswap-v3:7",
  token0: USDC,
  token1: WETH,
  // 1,000 USDC and 2 WETH out of the position, 5 USDC and 0.01 WETH of fees beyond them.
  principal0: 1_000n * 10n ** 6n,
  principal1: 2n * 10n ** 18n,
  feesCollected0: 5n * 10n ** 6n,
  feesCollected1: 10n ** 16n,
  collectedToSafe: true,
};

describe("lpPrincipalFlowHistoryOf", () => {
  const book = makeBook({ ethUsd: 3_000 });
  const params = makeParams();

  it("values a withdrawal collected to the Safe at the snapshot's feeds, its WETH share apart as moved to spot", () => {
    const row = lpPrincipalFlowHistoryOf(1, book, params, withdrawal);
    expect(row.principalUsd).toBeCloseTo(1_000 + 6_000, 6);
    expect(row.principalToSpotUsd).toBeCloseTo(6_000, 6);
    expect(row.feesCollectedUsd).toBeCloseTo(5 + 30, 6);
    expect(row.feesToSpotUsd).toBeCloseTo(30, 6);
    expect([row.txHash, row.logIndex, row.blockNumber, row.position]).toEqual([
      withdrawal.transactionHash,
      4,
      21_000_005n,
      "uniswap-v3:7",
    ]);
  });

  it("counts a withdrawal collected elsewhere as leaving the book whole, and a deposit's WETH as taken from spot", () => {
    const elsewhere = lpPrincipalFlowHistoryOf(1, book, params, { ...withdrawal, collectedToSafe: false });
    expect(elsewhere.principalToSpotUsd).toBe(0);
    expect(elsewhere.feesToSpotUsd).toBe(0);
    const deposit = lpPrincipalFlowHistoryOf(1, book, params, {
      ...withdrawal,
      principal0: -(1_000n * 10n ** 6n),
      principal1: -(2n * 10n ** 18n),
      feesCollected0: 0n,
      feesCollected1: 0n,
      collectedToSafe: false,
    });
    expect(deposit.principalUsd).toBeCloseTo(-7_000, 6);
    expect(deposit.principalToSpotUsd).toBeCloseTo(-6_000, 6);
  });

  it("counts the WETH as leaving the book when the book does not hold the Safe's WETH as spot", () => {
    const noWethSpot = { ...book, spot: book.spot.filter((s) => s.token.address !== WETH.address) };
    expect(noWethSpot.spot.length).toBeLessThan(book.spot.length);
    const row = lpPrincipalFlowHistoryOf(1, noWethSpot, params, withdrawal);
    expect(row.principalUsd).toBeCloseTo(7_000, 6);
    expect(row.principalToSpotUsd).toBe(0);
    expect(row.feesToSpotUsd).toBe(0);
  });

  it("prices a v4 pool's native ETH with the base feed, as the engine values it", () => {
    const ETH = {
      address: "0x0000000000000000000000000000000000000000" as const,
      symbol: "ETH",
      decimals: 18,
    };
    const row = lpPrincipalFlowHistoryOf(1, book, params, {
      ...withdrawal,
      position: "uniswap-v4:9",
      token0: ETH,
      token1: USDC,
      principal0: 2n * 10n ** 18n,
      principal1: 1_000n * 10n ** 6n,
      feesCollected0: 10n ** 16n,
      feesCollected1: 0n,
    });
    expect(row.principalUsd).toBeCloseTo(6_000 + 1_000, 6);
    expect(row.feesCollectedUsd).toBeCloseTo(30, 6);
  });
});
