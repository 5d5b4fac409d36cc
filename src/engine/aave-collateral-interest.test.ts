// The collateral's supply interest from Aave's own accounting (aToken balance = scaled × normalized income), valued at
// the AaveOracle's price of the collateral, against figures worked out by hand.
import { describe, expect, it } from "vitest";
import {
  type AaveCollateralReading,
  aaveCollateralInterestUsdBetween,
  aaveCollateralReadingsOf,
} from "./aave-collateral-interest.ts";
import { aaveAccount } from "./aave-fixture.test-support.ts";
import { NOW_SEC, USDC, WETH } from "./book-fixture.test-support.ts";

const YEAR = 365 * 86_400;

const usdc = (scaledSupplied: number, incomeIndex: number, priceUsd: number): AaveCollateralReading => ({
  asset: USDC.address,
  symbol: "USDC",
  scaledSupplied,
  incomeIndex,
  priceUsd,
});

describe("aaveCollateralReadingsOf", () => {
  it("reads every reserve but the short asset: the scaled aToken balance, the income index now, the oracle's price", () => {
    // 271,000 USDC at a 4% supply APR, the reserve last updated 12 s before the block (liquidity index 1 then).
    const account = aaveAccount({ usdc: 271_000, weth: 60, supplyApr: 0.04 });
    const readings = aaveCollateralReadingsOf(account, WETH.address, NOW_SEC);
    const index = 1 + (0.04 * 12) / YEAR; // getNormalizedIncome: linear over the 12 s
    expect(readings).toEqual([
      {
        asset: USDC.address,
        symbol: "USDC",
        scaledSupplied: expect.closeTo(271_000 / index, 6),
        incomeIndex: expect.closeTo(index, 15),
        priceUsd: 1,
      },
    ]);
    // Positive control: the short asset is read when it is not the short (here, as if USDC were shorted instead).
    expect(aaveCollateralReadingsOf(account, USDC.address, NOW_SEC).map((r) => r.symbol)).toEqual(["WETH"]);
  });

  it("prices the collateral at the AaveOracle's answer, de-pegged when it is", () => {
    const account = aaveAccount({ usdc: 100_000, weth: 20 });
    const depegged = {
      ...account,
      reserves: account.reserves.map((r) =>
        r.asset.symbol === "USDC" ? { ...r, priceBase: 97_000_000n } : r,
      ),
    };
    expect(aaveCollateralReadingsOf(depegged, WETH.address, NOW_SEC)[0]!.priceUsd).toBe(0.97);
  });
});

describe("aaveCollateralInterestUsdBetween", () => {
  it("is the scaled balance held over the step × the index's rise × the end's price", () => {
    // 100,000 scaled USDC, index 1.05 → 1.0504: 40 USDC earned, worth $38.80 at a de-pegged $0.97.
    expect(
      aaveCollateralInterestUsdBetween([usdc(100_000, 1.05, 1)], [usdc(120_000, 1.0504, 0.97)]),
    ).toBeCloseTo(38.8, 9);
    // The end's larger balance (a supply within the step) earns from its block on: not in this step.
    expect(aaveCollateralInterestUsdBetween([usdc(0, 1.05, 1)], [usdc(120_000, 1.0504, 1)])).toBe(0);
  });

  it("is unknown when a reserve held at one end was not read at the other, known when it held nothing", () => {
    expect(aaveCollateralInterestUsdBetween([usdc(100_000, 1.05, 1)], [])).toBeNull();
    expect(aaveCollateralInterestUsdBetween([], [usdc(100_000, 1.0504, 1)])).toBeNull();
    // Positive controls: a reserve with nothing supplied on the side it is read is known to earn nothing.
    expect(aaveCollateralInterestUsdBetween([usdc(0, 1.05, 1)], [])).toBe(0);
    expect(aaveCollateralInterestUsdBetween([], [usdc(0, 1.0504, 1)])).toBe(0);
  });
});
