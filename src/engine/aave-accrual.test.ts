// Aave's normalized indexes as the Pool computes them (core-v3 1.19.3 ReserveLogic / MathUtils), checked against the
// closed forms they approximate: e^{r·t} for the compounded debt index, 1 + r·t for the linear supply index.
import { describe, expect, it } from "vitest";
import {
  aaveAccrualReadingOf,
  aaveInterestBetween,
  compoundedInterestRay,
  linearInterestRay,
  normalizedDebtIndexRay,
  RAY,
} from "./aave-accrual.ts";
import type { AaveReserveSnapshot } from "./snapshot.ts";

const YEAR = 365 * 86_400;
const ray = (x: number) => BigInt(Math.round(x * 1e9)) * 10n ** 18n;

function reserve(fields: Partial<AaveReserveSnapshot>): AaveReserveSnapshot {
  return {
    asset: { address: "0x00000000000000000000000000000000000000e7", symbol: "WETH", decimals: 18 },
    reserveId: 0,
    priceBase: 2_000n * 10n ** 8n,
    ltvBps: 8_000,
    liquidationThresholdBps: 8_250,
    liquidationBonusBps: 10_500,
    reserveFactorBps: 1_500,
    collateralEnabled: true,
    borrowingEnabled: true,
    aTokenBalance: 0n,
    stableDebt: 0n,
    variableDebt: 0n,
    scaledVariableDebt: 0n,
    usedAsCollateral: false,
    liquidityRateRay: ray(0.02),
    variableBorrowRateRay: ray(0.03),
    liquidityIndexRay: ray(1.01),
    variableBorrowIndexRay: ray(1.02),
    lastUpdateTimestampSec: 1_700_000_000,
    totalAToken: 0n,
    totalStableDebt: 0n,
    totalVariableDebt: 0n,
    ...fields,
  } as AaveReserveSnapshot;
}

describe("Aave normalized indexes", () => {
  it("compounds the borrow rate per second to e^{r·t}, short of it by at most the third term Aave truncates", () => {
    for (const [rate, seconds] of [
      [0.03, 30 * 86_400],
      [0.8, 86_400],
      [0.05, 12],
    ] as const) {
      const factor = Number(compoundedInterestRay(ray(rate), BigInt(seconds))) / 1e27;
      const x = (rate * seconds) / YEAR;
      // basePowerThree = (r/yr)²·r/yr in ray units is < 1 for any real rate: Solidity's division truncates it to 0,
      // so the Pool's index lacks the x³/6 term (and the dropped x⁴/24 ones); t(t−1) for t² is far smaller.
      expect(factor).toBeLessThanOrEqual(Math.exp(x));
      expect(Math.exp(x) - factor).toBeLessThan(x ** 3 / 6 + x ** 4 / 12 + 1e-15);
      expect(factor).toBeGreaterThan(1 + x);
    }
  });

  it("accrues the supply rate linearly, and nothing over no time", () => {
    expect(linearInterestRay(ray(0.02), BigInt(YEAR))).toBe(ray(1.02));
    expect(compoundedInterestRay(ray(0.03), 0n)).toBe(RAY);
    const r = reserve({});
    expect(normalizedDebtIndexRay(r, r.lastUpdateTimestampSec)).toBe(r.variableBorrowIndexRay);
  });

  it("reads a month of a 3 % borrow of 1,000 WETH as the debt's growth: 2.5 WETH", () => {
    const start = reserve({
      scaledVariableDebt: (1_000n * 10n ** 18n * RAY) / ray(1.02),
      variableBorrowRateRay: ray(0.03),
    });
    const t0 = start.lastUpdateTimestampSec;
    const accrued = aaveInterestBetween(
      aaveAccrualReadingOf(start, t0),
      aaveAccrualReadingOf(start, t0 + 30 * 86_400),
    );
    // 1,000 × (e^{0.03·30/365} − 1) = 2.4688 WETH owed more: a cost (negative); Aave's expansion is short of the
    // exponential by 1,000 · x³/6 = 2.5e-6 WETH (above).
    expect(accrued).toBeCloseTo(-1_000 * Math.expm1((0.03 * 30) / 365), 5);
  });

  it("recovers the scaled supply from the aToken balance at the normalized income", () => {
    const r = reserve({ aTokenBalance: 5n * 10n ** 18n, liquidityIndexRay: ray(1.25) });
    expect(aaveAccrualReadingOf(r, r.lastUpdateTimestampSec).scaledSuppliedBase).toBeCloseTo(4, 12);
  });

  it("rejects a block older than the reserve's last update, naming it", () => {
    const r = reserve({});
    expect(() => aaveAccrualReadingOf(r, r.lastUpdateTimestampSec - 1)).toThrow(/lastUpdateTimestamp/);
  });
});
