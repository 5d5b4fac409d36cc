// An Aave v3 borrow-short leg for the book fixture: the Safe's account (USDC collateral, WETH debt at 3000 USD/ETH)
// sized from the fixture's perp hedge, and the leg's parameters.
import { RAY } from "./aave-borrow-short.ts";
import { makeBook, NOW_SEC, USDC, WETH } from "./book-fixture.test-support.ts";
import type { AaveLegParams } from "./params.ts";
import type { AaveAccountSnapshot, AaveReserveSnapshot, BookSnapshot } from "./snapshot.ts";

export const POOL = "0x87870Bca3F3fD6335C3F4ce8392D69350B4fA4E2";
export const USDC_LT = 0.78;

/** The figures that tell one reserve from another; everything else starts empty (no balance, no rate, index 1). */
export type AaveReserveFigures = Pick<
  AaveReserveSnapshot,
  | "asset"
  | "reserveId"
  | "priceBase"
  | "ltvBps"
  | "liquidationThresholdBps"
  | "liquidationBonusBps"
  | "reserveFactorBps"
  | "lastUpdateTimestampSec"
>;

/** A listed, enabled reserve the account holds nothing of, with `patch` on top. */
export function emptyAaveReserve(
  figures: AaveReserveFigures,
  patch: Partial<AaveReserveSnapshot> = {},
): AaveReserveSnapshot {
  return {
    ...figures,
    collateralEnabled: true,
    borrowingEnabled: true,
    aTokenBalance: 0n,
    variableDebt: 0n,
    scaledVariableDebt: 0n,
    stableDebt: 0n,
    usedAsCollateral: false,
    liquidityRateRay: 0n,
    variableBorrowRateRay: 0n,
    liquidityIndexRay: RAY,
    variableBorrowIndexRay: RAY,
    totalAToken: 0n,
    totalVariableDebt: 0n,
    totalStableDebt: 0n,
    ...patch,
  };
}

function reserve(token: typeof WETH, patch: Partial<AaveReserveSnapshot>): AaveReserveSnapshot {
  const isWeth = token.address === WETH.address;
  return emptyAaveReserve(
    {
      asset: token,
      reserveId: isWeth ? 0 : 1,
      priceBase: isWeth ? 3000_00000000n : 1_00000000n,
      ltvBps: isWeth ? 8050 : 7500,
      liquidationThresholdBps: isWeth ? 8300 : USDC_LT * 10_000,
      liquidationBonusBps: isWeth ? 10_500 : 10_450,
      reserveFactorBps: isWeth ? 1500 : 1000,
      lastUpdateTimestampSec: NOW_SEC - 12,
    },
    patch,
  );
}

const rate = (apr: number) => BigInt(Math.round(apr * 1e9)) * 10n ** 18n;

/** The Safe's account: `usdc` supplied as collateral, `weth` borrowed, at 3000 USD/ETH. */
export function aaveAccount(input: { usdc: number; weth: number; borrowApr?: number; supplyApr?: number }) {
  const debt = BigInt(Math.round(input.weth * 1e6)) * 10n ** 12n;
  const account: AaveAccountSnapshot = {
    venue: "aave-v3",
    pool: POOL,
    account: "0x1111111111111111111111111111111111111111",
    blockNumber: 21_000_000n,
    baseCurrencyUnit: 10n ** 8n,
    eModeCategory: 0,
    reserves: [
      reserve(WETH, {
        variableDebt: debt,
        scaledVariableDebt: debt,
        variableBorrowRateRay: rate(input.borrowApr ?? 0.02),
      }),
      reserve(USDC, {
        aTokenBalance: BigInt(Math.round(input.usdc)) * 10n ** 6n,
        usedAsCollateral: true,
        liquidityRateRay: rate(input.supplyApr ?? 0.04),
      }),
    ],
    // getUserAccountData as Aave reports it is read by the indexer; the engine recomputes from the reserves.
    accountData: {
      totalCollateralBase: 0n,
      totalDebtBase: 0n,
      availableBorrowsBase: 0n,
      currentLiquidationThresholdBps: 0,
      ltvBps: 0,
      healthFactorWad: 0n,
    },
  };
  return account;
}

export const LEG: AaveLegParams = {
  pool: POOL,
  shortAsset: WETH.address,
  collateralAsset: USDC.address,
  healthFactor: { floor: 1.5, target: 1.8, ceiling: 2.4 },
  minLiquidationDistanceBps: 2_500,
  swap: { fee: 500, maxSlippageBps: 30 },
  caps: { maxTradeUsd: 2_000_000, maxDebtUsd: 5_000_000, maxCollateralMoveUsd: 2_000_000 },
};

/** The fixture's LP book hedged on Aave alone: `hedgeRatio` of the LP's WETH borrowed, at health factor `hf`. */
export function aaveBook(o: {
  hedgeRatio?: number;
  hf: number;
  heldWeth?: number;
  heldUsdc?: number;
  perp?: boolean;
  borrowApr?: number;
  usdtUsd?: number;
  ethUsdStale?: boolean;
}): BookSnapshot {
  const book = makeBook({
    hedgeRatio: o.hedgeRatio ?? 1,
    ...(o.usdtUsd !== undefined && { usdtUsdOracle: o.usdtUsd }),
    ...(o.ethUsdStale && { ethUsdStale: true }),
  });
  const perp = book.perp;
  if (!perp) throw new Error("fixture has a perp");
  const weth = -Number(perp.sizeBase) / 1e18;
  const usdc = (o.hf * weth * 3000) / USDC_LT;
  const spot = book.spot.map((s) =>
    s.token.address === WETH.address && o.heldWeth !== undefined
      ? { ...s, balance: BigInt(Math.round(o.heldWeth * 1e6)) * 10n ** 12n }
      : s.token.address === USDC.address && o.heldUsdc !== undefined
        ? { ...s, balance: BigInt(Math.round(o.heldUsdc)) * 10n ** 6n }
        : s,
  );
  return {
    ...book,
    perp: o.perp ? { ...perp, sizeBase: 0n, openNotionalQuote: 0n } : null,
    aave: aaveAccount({ usdc, weth, ...(o.borrowApr !== undefined && { borrowApr: o.borrowApr }) }),
    spot,
  };
}
