import { type Abi, type Address, erc20Abi, maxUint256, parseAbi, parseUnits } from "viem";
import { describe, expect, it } from "vitest";
import {
  AAVE_V3_DATA_PROVIDER_ABI,
  AAVE_V3_ORACLE_ABI,
  AAVE_V3_POOL_ABI,
  AAVE_VARIABLE_RATE_MODE,
} from "../../../src/chain/abis/aave-v3-abi.ts";
import {
  type AaveMarket,
  aaveMarketFromManifest,
  liquidateUnhealthyAaveAccounts,
} from "../../../src/devnet/aave-liquidator.ts";
import { AAVE_V3_RESERVES, type AaveReserveKey } from "../../../src/devnet/aave-v3-reserves.ts";
import { submitFeedAnswer } from "../../../src/devnet/feed-answer.ts";
import type { Devnet } from "../../../src/devnet/index.ts";
import { MAINNET_AAVE_V3 } from "../../../src/devnet/mainnet-addresses.ts";
import { approveAll } from "../../../src/devnet/market-participants.ts";
import { writeDevnetContract } from "../../../src/devnet/transactions.ts";
import {
  aaveAccountTotals,
  aaveBorrowShortMetrics,
  HEALTH_FACTOR_LIQUIDATION_THRESHOLD,
  WAD,
} from "../../../src/engine/aave-borrow-short.ts";
import { readAaveAccount } from "../../../src/indexers/aave-v3-reads.ts";
import { useDevnet } from "../../support/devnet.ts";

const devnet = useDevnet();
const KEYS = ["weth", "usdc", "dai", "usdt"] as const satisfies readonly AaveReserveKey[];

function aave(d: Devnet) {
  const deployment = d.manifest.aave;
  if (!deployment) throw new Error("the devnet manifest has no aave section");
  return deployment;
}

function marketOf(d: Devnet): AaveMarket {
  const market = aaveMarketFromManifest(d.manifest);
  if (!market) throw new Error("the devnet manifest has no aave section");
  return market;
}

function call(d: Devnet, from: Address, address: Address, abi: Abi, functionName: string, args: unknown[]) {
  return writeDevnetContract(d.client, from, { address, abi, functionName, args });
}

/** The trader's borrow short: supply USDC, borrow WETH at the variable rate. */
async function openShort(d: Devnet, usdc: number, weth: number): Promise<Address> {
  const { pool, reserves } = aave(d);
  const trader = d.manifest.accounts.trader.address;
  await approveAll(d.client, trader, [reserves.usdc.asset, reserves.weth.asset], [pool]);
  await call(d, trader, pool, AAVE_V3_POOL_ABI, "supply", [
    reserves.usdc.asset,
    parseUnits(String(usdc), 6),
    trader,
    0,
  ]);
  await call(d, trader, pool, AAVE_V3_POOL_ABI, "borrow", [
    reserves.weth.asset,
    parseUnits(String(weth), 18),
    AAVE_VARIABLE_RATE_MODE,
    0,
    trader,
  ]);
  return trader;
}

async function accountData(d: Devnet, account: Address, blockNumber?: bigint) {
  const [collateral, debt, available, threshold, ltv, healthFactor] = await d.publicClient.readContract({
    address: aave(d).pool,
    abi: AAVE_V3_POOL_ABI,
    functionName: "getUserAccountData",
    args: [account],
    ...(blockNumber === undefined ? {} : { blockNumber }),
  });
  return { collateral, debt, available, threshold, ltv, healthFactor };
}

async function setEthPrice(d: Devnet, usd: number): Promise<void> {
  await submitFeedAnswer(
    d.client,
    d.manifest.accounts.deployer.address,
    d.manifest.feeds.ethUsd.aggregator,
    usd,
  );
}

describe("Aave v3 on the devnet", () => {
  it("runs at mainnet's addresses with the 2023 risk parameters, priced by the Chainlink feeds", async () => {
    const d = devnet();
    const a = aave(d);
    for (const key of [
      "poolAddressesProvider",
      "pool",
      "poolConfigurator",
      "aclManager",
      "oracle",
    ] as const) {
      expect(a[key], key).toBe(MAINNET_AAVE_V3[key]);
      expect(await d.publicClient.getCode({ address: a[key] }), key).toMatch(/^0x[0-9a-f]{100,}/);
    }
    expect(a.protocolDataProvider).toBe(MAINNET_AAVE_V3.protocolDataProvider);
    // Stable debt tokens are in no address book any more: these are mainnet's, from the 2023 config snapshot.
    expect(a.reserves.weth.stableDebtToken).toBe("0x102633152313C81cD80419b6EcF66d14Ad68949A");
    expect(a.reserves.usdt.stableDebtToken).toBe("0x822Fa72Df1F229C3900f5AD6C3Fa2C424D691622");
    for (const key of KEYS) {
      const reserve = a.reserves[key];
      expect([reserve.aToken, reserve.variableDebtToken], key).toEqual([
        MAINNET_AAVE_V3.reserves[key].A_TOKEN,
        MAINNET_AAVE_V3.reserves[key].V_TOKEN,
      ]);
      const [decimals, ltv, threshold, bonus, reserveFactor, collateral, borrowing, stable, active, frozen] =
        await d.publicClient.readContract({
          address: a.protocolDataProvider,
          abi: AAVE_V3_DATA_PROVIDER_ABI,
          functionName: "getReserveConfigurationData",
          args: [reserve.asset],
        });
      const params = AAVE_V3_RESERVES[key];
      expect([decimals, ltv, threshold, bonus, reserveFactor], key).toEqual(
        [
          params.decimals,
          params.ltvBps,
          params.liquidationThresholdBps,
          params.liquidationBonusBps,
          params.reserveFactorBps,
        ].map(BigInt),
      );
      expect([collateral, borrowing, stable, active, frozen], key).toEqual([true, true, false, true, false]);
      const slope1 = await d.publicClient.readContract({
        address: reserve.interestRateStrategy,
        abi: parseAbi(["function getVariableRateSlope1() view returns (uint256)"]),
        functionName: "getVariableRateSlope1",
      });
      expect(slope1, key).toBe(params.interestRate.variableRateSlope1);
    }
    const prices = await d.publicClient.readContract({
      address: a.oracle,
      abi: AAVE_V3_ORACLE_ABI,
      functionName: "getAssetsPrices",
      args: [KEYS.map((key) => a.reserves[key].asset)],
    });
    expect(prices).toEqual([3000_00000000n, 1_00000000n, 1_00000000n, 1_00000000n]);
  });

  it("supplies, borrows at the variable rate, repays and withdraws", async () => {
    const d = devnet();
    const { pool, reserves } = aave(d);
    const trader = await openShort(d, 100_000, 10);
    const balance = (token: Address) =>
      d.publicClient.readContract({
        address: token,
        abi: erc20Abi,
        functionName: "balanceOf",
        args: [trader],
      });
    // A block of interest has accrued to both by now: a few wei.
    const supplied = await balance(reserves.usdc.aToken);
    expect(supplied - parseUnits("100000", 6)).toBeGreaterThanOrEqual(0n);
    expect(supplied - parseUnits("100000", 6)).toBeLessThan(1000n);
    const owed = await balance(reserves.weth.variableDebtToken);
    expect(owed - parseUnits("10", 18)).toBeGreaterThanOrEqual(0n);
    expect(owed - parseUnits("10", 18)).toBeLessThan(10n ** 12n);
    await call(d, trader, pool, AAVE_V3_POOL_ABI, "repay", [
      reserves.weth.asset,
      maxUint256,
      AAVE_VARIABLE_RATE_MODE,
      trader,
    ]);
    expect(await balance(reserves.weth.variableDebtToken)).toBe(0n);
    const usdcBefore = await balance(reserves.usdc.asset);
    await call(d, trader, pool, AAVE_V3_POOL_ABI, "withdraw", [reserves.usdc.asset, maxUint256, trader]);
    expect(await balance(reserves.usdc.aToken)).toBe(0n);
    expect((await balance(reserves.usdc.asset)) - usdcBefore).toBeGreaterThanOrEqual(parseUnits("100000", 6));
  });

  it("snapshots an account at one block as Aave reports it, health factor to the wei", async () => {
    const d = devnet();
    const trader = await openShort(d, 100_000, 20);
    const blockNumber = await d.publicClient.getBlockNumber({ cacheTime: 0 });
    const market = marketOf(d);
    const snapshot = await readAaveAccount(
      d.publicClient,
      { contracts: market, account: trader, assets: market.assets },
      blockNumber,
    );
    const aaveSays = await accountData(d, trader, blockNumber);
    expect(snapshot.accountData).toEqual({
      totalCollateralBase: aaveSays.collateral,
      totalDebtBase: aaveSays.debt,
      availableBorrowsBase: aaveSays.available,
      currentLiquidationThresholdBps: Number(aaveSays.threshold),
      ltvBps: Number(aaveSays.ltv),
      healthFactorWad: aaveSays.healthFactor,
    });
    for (const reserve of snapshot.reserves) {
      const [aTokenBalance, stableDebt, variableDebt, , scaled, , liquidityRate, , usedAsCollateral] =
        await d.publicClient.readContract({
          address: market.protocolDataProvider,
          abi: AAVE_V3_DATA_PROVIDER_ABI,
          functionName: "getUserReserveData",
          args: [reserve.asset.address, trader],
          blockNumber,
        });
      expect(
        [reserve.aTokenBalance, reserve.stableDebt, reserve.variableDebt, reserve.scaledVariableDebt],
        reserve.asset.symbol,
      ).toEqual([aTokenBalance, stableDebt, variableDebt, scaled]);
      expect([reserve.liquidityRateRay, reserve.usedAsCollateral]).toEqual([liquidityRate, usedAsCollateral]);
    }
    const weth = snapshot.reserves.find((r) => r.asset.symbol === "WETH");
    expect(weth?.variableDebt).toBeGreaterThanOrEqual(parseUnits("20", 18));
    expect(weth?.variableBorrowRateRay).toBeGreaterThan(0n);

    const totals = aaveAccountTotals(snapshot.reserves);
    expect(totals.healthFactorWad).toBe(aaveSays.healthFactor);
    expect([totals.totalCollateralBase, totals.totalDebtBase, totals.availableBorrowsBase]).toEqual([
      aaveSays.collateral,
      aaveSays.debt,
      aaveSays.available,
    ]);
    expect([totals.avgLiquidationThresholdBps, totals.avgLtvBps]).toEqual([aaveSays.threshold, aaveSays.ltv]);
  });

  it("puts the liquidation price where an independent computation and Aave's own health factor put it", async () => {
    const d = devnet();
    const trader = await openShort(d, 100_000, 20);
    const market = marketOf(d);
    const blockNumber = await d.publicClient.getBlockNumber({ cacheTime: 0 });
    const snapshot = await readAaveAccount(
      d.publicClient,
      { contracts: market, account: trader, assets: market.assets },
      blockNumber,
    );
    const metrics = aaveBorrowShortMetrics(snapshot, { shortAsset: aave(d).reserves.weth.asset });
    const weth = snapshot.reserves.find((r) => r.asset.symbol === "WETH")!;
    const usdc = snapshot.reserves.find((r) => r.asset.symbol === "USDC")!;
    // By hand: collateral × LT = debt × p.
    const byHand = ((Number(usdc.aTokenBalance) / 1e6) * 0.8) / (Number(weth.variableDebt) / 1e18);
    expect(metrics.liquidation?.direction).toBe("rise");
    expect(Math.abs(metrics.liquidation!.priceUsd / byHand - 1)).toBeLessThan(1e-9);
    expect(metrics.delta).toBeCloseTo(-Number(weth.variableDebt) / 1e18, 12);
    expect(metrics.healthFactorWad).toBe(snapshot.accountData.healthFactorWad);
    const carry =
      (Number(usdc.aTokenBalance) / 1e6) * (Number(usdc.liquidityRateRay) / 1e27) -
      (Number(weth.variableDebt) / 1e18) * 3000 * (Number(weth.variableBorrowRateRay) / 1e27);
    expect(metrics.carryUsdPerYear).toBeCloseTo(carry, 6);
    const before = (await accountData(d, trader)).healthFactor;

    // A feed move moves the health factor: ETH up 5%, debt up 5%.
    await setEthPrice(d, 3150);
    const after = (await accountData(d, trader)).healthFactor;
    expect(Number(after) / Number(before)).toBeCloseTo(1 / 1.05, 6);
    // Just under the liquidation price Aave still calls the account healthy; just over, liquidatable.
    const price = metrics.liquidation!.priceUsd;
    await setEthPrice(d, Math.floor(price * (1 - 1e-6) * 1e8) / 1e8);
    expect((await accountData(d, trader)).healthFactor).toBeGreaterThanOrEqual(
      HEALTH_FACTOR_LIQUIDATION_THRESHOLD,
    );
    await setEthPrice(d, Math.ceil(price * (1 + 1e-6) * 1e8) / 1e8);
    expect((await accountData(d, trader)).healthFactor).toBeLessThan(HEALTH_FACTOR_LIQUIDATION_THRESHOLD);
  });

  it("accrues interest as time passes: debt grows at the borrow rate, the maker's supply at the supply rate", async () => {
    const d = devnet();
    const trader = await openShort(d, 100_000, 20);
    const market = marketOf(d);
    const read = async (account: Address) => {
      const blockNumber = await d.publicClient.getBlockNumber({ cacheTime: 0 });
      return readAaveAccount(
        d.publicClient,
        { contracts: market, account, assets: market.assets },
        blockNumber,
      );
    };
    const weth = (s: Awaited<ReturnType<typeof read>>) => s.reserves.find((r) => r.asset.symbol === "WETH")!;
    const short0 = await read(trader);
    const maker0 = await read(d.manifest.accounts.maker.address);
    const days = 30;
    await d.testClient.increaseTime({ seconds: days * 86_400 });
    await d.testClient.mine({ blocks: 1 });
    const short1 = await read(trader);
    const maker1 = await read(d.manifest.accounts.maker.address);
    const years = days / 365;
    const debtGrowth = Number(weth(short1).variableDebt) / Number(weth(short0).variableDebt) - 1;
    expect(debtGrowth).toBeGreaterThan(0);
    expect(debtGrowth / (Number(weth(short0).variableBorrowRateRay) / 1e27) / years).toBeCloseTo(1, 2);
    const supplyGrowth = Number(weth(maker1).aTokenBalance) / Number(weth(maker0).aTokenBalance) - 1;
    expect(supplyGrowth / (Number(weth(maker0).liquidityRateRay) / 1e27) / years).toBeCloseTo(1, 2);
    expect(short1.accountData.healthFactorWad).toBeLessThan(short0.accountData.healthFactorWad);
  });

  it("liquidates a borrow short pushed under health factor 1 by an ETH rally, with the maker's funds", async () => {
    const d = devnet();
    // 100 000 USDC × 0.8 against 25 WETH: health factor 1.067 at 3000, liquidatable above 3200.
    const trader = await openShort(d, 100_000, 25);
    const maker = d.manifest.accounts.maker.address;
    const market = marketOf(d);
    expect(await liquidateUnhealthyAaveAccounts(d.client, market, maker, [trader, maker])).toEqual([]);

    await setEthPrice(d, 3300);
    const before = await accountData(d, trader);
    expect(before.healthFactor).toBeLessThan(WAD);
    const [liquidation, ...others] = await liquidateUnhealthyAaveAccounts(d.client, market, maker, [
      trader,
      maker,
    ]);
    expect(others).toEqual([]);
    const { reserves } = aave(d);
    expect(liquidation).toMatchObject({
      account: trader,
      debtAsset: reserves.weth.asset,
      collateralAsset: reserves.usdc.asset,
    });
    // Close factor 50% (health factor above 0.95): half the debt repaid, USDC seized at 3300 with the 4.5% bonus
    // (of which the protocol keeps 20%).
    const debtCovered = Number(liquidation!.debtCovered) / 1e18;
    expect(debtCovered).toBeCloseTo(12.5, 4);
    const bonus = debtCovered * 3300 * 0.045;
    expect(Number(liquidation!.collateralSeized) / 1e6).toBeCloseTo(debtCovered * 3300 + bonus * 0.8, 0);
    expect(liquidation!.healthFactorAfterWad).toBeGreaterThan(HEALTH_FACTOR_LIQUIDATION_THRESHOLD);
    const after = await accountData(d, trader);
    expect(after.debt).toBeLessThan(before.debt);
  });
});
