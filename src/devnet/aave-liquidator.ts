import { type Address, erc20Abi, maxUint256, parseEventLogs } from "viem";
import { AAVE_V3_POOL_ABI } from "../chain/abis/aave-v3-abi.ts";
import { HEALTH_FACTOR_LIQUIDATION_THRESHOLD } from "../engine/aave-borrow-short.ts";
import type { AaveReserveSnapshot } from "../engine/snapshot.ts";
import { type AaveV3Contracts, readAaveAccount } from "../indexers/aave-v3-reads.ts";
import type { DevnetClient } from "./devnet-client.ts";
import type { DevnetManifest } from "./manifest.ts";
import { DevnetTransactionError, writeDevnetContract } from "./transactions.ts";

export interface AaveMarket extends AaveV3Contracts {
  /** The reserves' underlying assets (every reserve an account may use). */
  assets: readonly Address[];
}

/** The devnet's Aave market as the manifest records it; null for a manifest written before the devnet had Aave. */
export function aaveMarketFromManifest(manifest: DevnetManifest): AaveMarket | null {
  const aave = manifest.aave;
  if (!aave) return null;
  return {
    pool: aave.pool,
    protocolDataProvider: aave.protocolDataProvider,
    oracle: aave.oracle,
    assets: Object.values(aave.reserves).map((reserve) => reserve.asset),
  };
}

/** One Pool.liquidationCall the liquidator made, from its LiquidationCall event. */
export interface AaveLiquidation {
  account: Address;
  debtAsset: Address;
  collateralAsset: Address;
  /** Debt repaid by the liquidator, in the debt asset's units. */
  debtCovered: bigint;
  /** Collateral received (bonus included, protocol fee excluded), in the collateral asset's units. */
  collateralSeized: bigint;
  healthFactorBeforeWad: bigint;
  healthFactorAfterWad: bigint;
  txHash: `0x${string}`;
}

const valueInBase = (reserve: AaveReserveSnapshot, units: bigint) =>
  (units * reserve.priceBase) / 10n ** BigInt(reserve.asset.decimals);

/**
 * The devnet's liquidator, a market participant like the maker: every account of `accounts` whose health factor
 * is below 1 gets one Pool.liquidationCall, repaying its largest debt (by value) up to Aave's close factor (50%,
 * or 100% below health factor 0.95) with `liquidator`'s own tokens and taking its largest collateral plus the
 * liquidation bonus, as a mainnet liquidation bot does (without the flash loan). Healthy accounts are left alone.
 */
export async function liquidateUnhealthyAaveAccounts(
  client: DevnetClient,
  market: AaveMarket,
  liquidator: Address,
  accounts: readonly Address[],
): Promise<AaveLiquidation[]> {
  const liquidations: AaveLiquidation[] = [];
  for (const account of accounts) {
    const blockNumber = await client.publicClient.getBlockNumber({ cacheTime: 0 });
    const snapshot = await readAaveAccount(
      client.publicClient,
      { contracts: market, account, assets: market.assets },
      blockNumber,
    );
    const healthFactorBeforeWad = snapshot.accountData.healthFactorWad;
    if (healthFactorBeforeWad >= HEALTH_FACTOR_LIQUIDATION_THRESHOLD) continue;
    const largest = (reserves: AaveReserveSnapshot[], units: (r: AaveReserveSnapshot) => bigint) =>
      reserves.reduce((best, r) => (valueInBase(r, units(r)) > valueInBase(best, units(best)) ? r : best));
    const owed = snapshot.reserves.filter((r) => r.variableDebt + r.stableDebt > 0n);
    const pledged = snapshot.reserves.filter(
      (r) => r.usedAsCollateral && r.liquidationThresholdBps !== 0 && r.aTokenBalance > 0n,
    );
    if (owed.length === 0 || pledged.length === 0) continue;
    const debt = largest(owed, (r) => r.variableDebt + r.stableDebt);
    const collateral = largest(pledged, (r) => r.aTokenBalance);

    const debtAsset = debt.asset.address;
    const balance = await client.publicClient.readContract({
      address: debtAsset,
      abi: erc20Abi,
      functionName: "balanceOf",
      args: [liquidator],
    });
    if (balance === 0n) {
      throw new DevnetTransactionError(
        `liquidator ${liquidator} holds no ${debt.asset.symbol} to repay ${account}'s debt`,
      );
    }
    const allowance = await client.publicClient.readContract({
      address: debtAsset,
      abi: erc20Abi,
      functionName: "allowance",
      args: [liquidator, market.pool],
    });
    if (allowance < balance) {
      await writeDevnetContract(client, liquidator, {
        address: debtAsset,
        abi: erc20Abi,
        functionName: "approve",
        args: [market.pool, maxUint256],
      });
    }
    // debtToCover = max: the Pool caps it at the close factor and at what the collateral can pay for.
    const txHash = await writeDevnetContract(client, liquidator, {
      address: market.pool,
      abi: AAVE_V3_POOL_ABI,
      functionName: "liquidationCall",
      args: [collateral.asset.address, debtAsset, account, maxUint256, false],
    });
    const receipt = await client.publicClient.getTransactionReceipt({ hash: txHash });
    const [event] = parseEventLogs({
      abi: AAVE_V3_POOL_ABI,
      eventName: "LiquidationCall",
      logs: receipt.logs,
    });
    if (!event) throw new DevnetTransactionError(`liquidationCall for ${account} emitted no LiquidationCall`);
    const [, , , , , healthFactorAfterWad] = await client.publicClient.readContract({
      address: market.pool,
      abi: AAVE_V3_POOL_ABI,
      functionName: "getUserAccountData",
      args: [account],
    });
    liquidations.push({
      account,
      debtAsset,
      collateralAsset: collateral.asset.address,
      debtCovered: event.args.debtToCover,
      collateralSeized: event.args.liquidatedCollateralAmount,
      healthFactorBeforeWad,
      healthFactorAfterWad,
      txHash,
    });
  }
  return liquidations;
}
