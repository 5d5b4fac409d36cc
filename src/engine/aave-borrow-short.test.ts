import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  aaveAccountTotals,
  aaveBorrowShortMetrics,
  aaveLiquidationPrice,
  aaveRecalibration,
  HEALTH_FACTOR_LIQUIDATION_THRESHOLD,
  RAY,
  WAD,
} from "./aave-borrow-short.ts";
import { emptyAaveReserve } from "./aave-fixture.test-support.ts";
import { EngineInputError } from "./errors.ts";
import { MAX_UINT256 } from "./input-guards.ts";
import type { Address } from "./plan.ts";
import type { AaveAccountSnapshot, AaveReserveSnapshot } from "./snapshot.ts";

const WETH: Address = "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2";
const USDC: Address = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48";
const USDT: Address = "0xdAC17F958D2ee523a2206206994597C13D831ec7";

function reserve(
  symbol: "WETH" | "USDC" | "USDT",
  patch: Partial<AaveReserveSnapshot> = {},
): AaveReserveSnapshot {
  const figures = {
    WETH: { address: WETH, decimals: 18, price: 3000_00000000n, ltv: 8050, lt: 8300, id: 0 },
    USDC: { address: USDC, decimals: 6, price: 1_00000000n, ltv: 7700, lt: 8000, id: 1 },
    USDT: { address: USDT, decimals: 6, price: 1_00000000n, ltv: 7400, lt: 7600, id: 3 },
  }[symbol];
  return emptyAaveReserve(
    {
      asset: { address: figures.address, symbol, decimals: figures.decimals },
      reserveId: figures.id,
      priceBase: figures.price,
      ltvBps: figures.ltv,
      liquidationThresholdBps: figures.lt,
      liquidationBonusBps: 10_500,
      reserveFactorBps: 1000,
      lastUpdateTimestampSec: 0,
    },
    patch,
  );
}

function account(reserves: AaveReserveSnapshot[]): AaveAccountSnapshot {
  return {
    venue: "aave-v3",
    pool: "0x87870Bca3F3fD6335C3F4ce8392D69350B4fA4E2",
    account: "0x0000000000000000000000000000000000000001",
    blockNumber: 1n,
    baseCurrencyUnit: 10n ** 8n,
    eModeCategory: 0,
    reserves,
    accountData: {
      totalCollateralBase: 0n,
      totalDebtBase: 0n,
      availableBorrowsBase: 0n,
      currentLiquidationThresholdBps: 0,
      ltvBps: 0,
      healthFactorWad: MAX_UINT256,
    },
  };
}

/** 10 000 USDC of collateral, 2 WETH borrowed at 3000: HF = 10 000 × 0.8 / 6000. */
const shortTwoEth = (
  patch: { usdc?: Partial<AaveReserveSnapshot>; weth?: Partial<AaveReserveSnapshot> } = {},
) =>
  account([
    reserve("WETH", { variableDebt: 2n * WAD, ...patch.weth }),
    reserve("USDC", { aTokenBalance: 10_000_000000n, usedAsCollateral: true, ...patch.usdc }),
  ]);

describe("Aave v3 borrow short", () => {
  it("computes the health factor as GenericLogic does: wadDiv(percentMul(collateral, avgLT), debt), half up", () => {
    const totals = aaveAccountTotals(shortTwoEth().reserves);
    expect(totals.totalCollateralBase).toBe(10_000_00000000n);
    expect(totals.totalDebtBase).toBe(6000_00000000n);
    expect(totals.avgLiquidationThresholdBps).toBe(8000n);
    // 8000e8 × 1e18 / 6000e8 = 1.3333…e18; the remainder (2e11 + 3e11 half) stays below the divisor.
    expect(totals.healthFactorWad).toBe(1_333333333333333333n);
    // Borrow power percentMul(10 000e8, 7700) = 7700e8, minus 6000e8 of debt.
    expect(totals.availableBorrowsBase).toBe(1700_00000000n);
  });

  it("truncates the collateral-weighted liquidation threshold to whole bps, as Aave does", () => {
    const reserves = [
      reserve("WETH", { variableDebt: WAD }),
      reserve("USDC", { aTokenBalance: 1_000_000000n, usedAsCollateral: true }),
      reserve("USDT", { aTokenBalance: 2_000_000000n, usedAsCollateral: true }),
    ];
    const totals = aaveAccountTotals(reserves);
    // (1000 × 8000 + 2000 × 7600) / 3000 = 7733.33… → 7733.
    expect(totals.avgLiquidationThresholdBps).toBe(7733n);
    expect(totals.healthFactorWad).toBe(
      (((3000_00000000n * 7733n + 5000n) / 10_000n) * WAD + 1500_00000000n) / 3000_00000000n,
    );
  });

  it("counts no collateral the account switched off, and reports no debt as the maximum health factor", () => {
    const off = aaveAccountTotals(shortTwoEth({ usdc: { usedAsCollateral: false } }).reserves);
    expect(off.totalCollateralBase).toBe(0n);
    expect(off.healthFactorWad).toBe(0n);
    const noDebt = aaveAccountTotals(shortTwoEth({ weth: { variableDebt: 0n } }).reserves);
    expect(noDebt.healthFactorWad).toBe(MAX_UINT256);
  });

  it("reports the short as minus the debt, offset by borrowed units not yet sold and by units supplied", () => {
    const metrics = aaveBorrowShortMetrics(shortTwoEth(), { shortAsset: WETH, unsoldShortUnits: WAD / 2n });
    expect(metrics.debtUnits).toBe(2n * WAD);
    expect(metrics.deltaUnits).toBe(-(3n * WAD) / 2n);
    expect(metrics.delta).toBe(-1.5);
    const withSupply = aaveBorrowShortMetrics(shortTwoEth({ weth: { aTokenBalance: WAD } }), {
      shortAsset: WETH,
    });
    expect(withSupply.delta).toBe(-1);
  });

  it("finds the liquidation price of a short where 10 000 × 0.8 = 2 × p, exact to one base unit", () => {
    const snapshot = shortTwoEth();
    const liquidation = aaveLiquidationPrice(snapshot, WETH);
    expect(liquidation?.direction).toBe("rise");
    // HF < 1 from p = 4000e8 + 1: at exactly 4000 the health factor is 1e18.
    expect(liquidation?.priceBase).toBe(4000_00000001n);
    expect(liquidation?.priceUsd).toBeCloseTo(4000, 6);
    expect(liquidation?.distanceBps).toBeCloseTo((1000 / 3000) * 10_000, 3);
  });

  it("puts every liquidation price at the first base unit where the health factor drops below 1", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1_000_000000n, max: 10_000_000_000000n }),
        fc.bigInt({ min: 1_000_000000n, max: 10_000_000_000000n }),
        fc.bigInt({ min: 10n ** 15n, max: 10n ** 22n }),
        fc.bigInt({ min: 0n, max: 10n ** 21n }),
        (usdc, usdt, debt, supplied) => {
          const reserves = [
            reserve("WETH", { variableDebt: debt, aTokenBalance: supplied, usedAsCollateral: supplied > 0n }),
            reserve("USDC", { aTokenBalance: usdc, usedAsCollateral: true }),
            reserve("USDT", { aTokenBalance: usdt, usedAsCollateral: true }),
          ];
          const liquidation = aaveLiquidationPrice(account(reserves), WETH);
          if (liquidation === null) return true;
          const at = (priceBase: bigint) =>
            aaveAccountTotals(reserves.map((r) => (r.asset.address === WETH ? { ...r, priceBase } : r)))
              .healthFactorWad;
          const p = liquidation.priceBase;
          return liquidation.direction === "rise"
            ? at(p) < HEALTH_FACTOR_LIQUIDATION_THRESHOLD && at(p - 1n) >= HEALTH_FACTOR_LIQUIDATION_THRESHOLD
            : at(p) < HEALTH_FACTOR_LIQUIDATION_THRESHOLD &&
                at(p + 1n) >= HEALTH_FACTOR_LIQUIDATION_THRESHOLD;
        },
      ),
      { numRuns: 200 },
    );
  });

  it("has no liquidation price without exposure to the asset, and a falling one for a net-long account", () => {
    const noShort = account([
      reserve("WETH"),
      reserve("USDC", { aTokenBalance: 1_000_000000n, usedAsCollateral: true, variableDebt: 500_000000n }),
    ]);
    expect(aaveLiquidationPrice(noShort, WETH)).toBeNull();
    const long = account([
      reserve("WETH", { aTokenBalance: 10n * WAD, usedAsCollateral: true }),
      reserve("USDC", { variableDebt: 20_000_000000n }),
    ]);
    // 10 × p × 0.83 = 20 000 → p ≈ 2409.64.
    const liquidation = aaveLiquidationPrice(long, WETH);
    expect(liquidation?.direction).toBe("fall");
    expect(liquidation?.priceUsd).toBeCloseTo(20_000 / 8.3, 4);
  });

  it("charges borrow APR on the debt and credits supply APR on the collateral as annual carry", () => {
    const snapshot = shortTwoEth({
      weth: { variableBorrowRateRay: (3n * RAY) / 100n },
      usdc: { liquidityRateRay: (4n * RAY) / 100n },
    });
    const metrics = aaveBorrowShortMetrics(snapshot, { shortAsset: WETH });
    expect(metrics.borrowApr).toBeCloseTo(0.03, 12);
    expect(metrics.supplyApr).toBeCloseTo(0.04, 12);
    // 10 000 × 4% − 6000 × 3% = 400 − 180.
    expect(metrics.carryUsdPerYear).toBeCloseTo(220, 9);
  });

  it("sizes the least supply or repayment that reaches a target health factor, and the most that keeps it", () => {
    const target = (3n * WAD) / 2n;
    const snapshot = shortTwoEth();
    const raise = aaveRecalibration(snapshot, {
      shortAsset: WETH,
      collateralAsset: USDC,
      targetHealthFactorWad: target,
    });
    // 1.5 × 6000 / 0.8 = 11 250 USDC of collateral → supply 1250; or debt 8000 / 1.5 = 5333.33 → repay 0.2222 WETH.
    expect(raise.supplyCollateral).toBe(1250_000000n);
    const hfAfterRepay = (repaid: bigint) =>
      aaveAccountTotals(shortTwoEth({ weth: { variableDebt: 2n * WAD - repaid } }).reserves).healthFactorWad;
    expect(hfAfterRepay(raise.repayDebt!)).toBeGreaterThanOrEqual(target);
    expect(hfAfterRepay(raise.repayDebt! - 1n)).toBeLessThan(target);
    expect(raise.withdrawCollateral).toBe(0n);
    expect(raise.borrowMore).toBe(0n);

    const lower = aaveRecalibration(shortTwoEth(), {
      shortAsset: WETH,
      collateralAsset: USDC,
      targetHealthFactorWad: (6n * WAD) / 5n,
    });
    // 1.2 × 6000 / 0.8 = 9000 USDC needed: 1000 withdrawable; debt up to 8000 / 1.2 = 6666.67 USD → 0.2222 WETH.
    expect(lower.withdrawCollateral).toBe(1000_000000n);
    expect(lower.supplyCollateral).toBe(0n);
    expect(Number(lower.borrowMore) / 1e18).toBeCloseTo(2 / 9, 9);
  });

  it("refuses e-mode accounts, non-collateral assets and targets below health factor 1", () => {
    const eMode = { ...shortTwoEth(), eModeCategory: 1 };
    expect(() => aaveBorrowShortMetrics(eMode, { shortAsset: WETH })).toThrow(EngineInputError);
    const noCollateral = shortTwoEth({ usdc: { liquidationThresholdBps: 0 } });
    expect(() =>
      aaveRecalibration(noCollateral, {
        shortAsset: WETH,
        collateralAsset: USDC,
        targetHealthFactorWad: WAD,
      }),
    ).toThrow(/params.collateralAsset/);
    expect(() =>
      aaveRecalibration(shortTwoEth(), {
        shortAsset: WETH,
        collateralAsset: USDC,
        targetHealthFactorWad: WAD - 1n,
      }),
    ).toThrow(/targetHealthFactorWad/);
  });
});
