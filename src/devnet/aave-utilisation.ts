// The scenario step that moves an Aave reserve's utilisation: a market participant (the trader) borrows the reserve
// against USDC until total debt / total supplied reaches the target, as a large borrower does on mainnet when a
// rate or a trade makes borrowing the asset worth it. Past the reserve's kink (optimal usage) the variable rate
// climbs its second slope (DefaultReserveInterestRateStrategy), and every variable borrower pays that rate.
import { encodeFunctionData, erc20Abi, maxUint256 } from "viem";
import {
  AAVE_V3_DATA_PROVIDER_ABI,
  AAVE_V3_ORACLE_ABI,
  AAVE_V3_POOL_ABI,
  AAVE_VARIABLE_RATE_MODE,
} from "../chain/abis/aave-v3-abi.ts";
import { AAVE_V3_RESERVES } from "./aave-v3-reserves.ts";
import type { DevnetClient } from "./devnet-client.ts";
import type { DevnetManifest } from "./manifest.ts";
import type { MovedValue, ScenarioStep } from "./scenario.ts";
import { sendInOneBlockThenRead } from "./transactions.ts";

const RAY = 10n ** 27n;
/** USDC supplied per USD borrowed: USDC's LTV is 77%, so 1.5 keeps the trader's own health factor near 1.6. */
const COLLATERAL_PER_BORROWED_USD = 1.5;

export interface ReserveUsage {
  utilisation: number;
  /** Annual rates as fractions (0.05 = 5%). */
  variableBorrowRate: number;
  supplyRate: number;
}

export async function readReserveUsage(
  client: DevnetClient,
  manifest: DevnetManifest,
  reserve: keyof NonNullable<DevnetManifest["aave"]>["reserves"],
): Promise<ReserveUsage & { totalSupplied: bigint; totalDebt: bigint }> {
  const aave = manifest.aave;
  if (aave === undefined) throw new Error("the devnet manifest has no aave section");
  const data = await client.publicClient.readContract({
    address: aave.protocolDataProvider,
    abi: AAVE_V3_DATA_PROVIDER_ABI,
    functionName: "getReserveData",
    args: [aave.reserves[reserve].asset],
  });
  const [, , totalSupplied, totalStableDebt, totalVariableDebt, liquidityRate, variableBorrowRate] = data;
  const totalDebt = totalStableDebt + totalVariableDebt;
  const ray = (x: bigint) => Number((x * 1_000_000n) / RAY) / 1e6;
  return {
    totalSupplied,
    totalDebt,
    utilisation: totalSupplied === 0n ? 0 : Number((totalDebt * 1_000_000n) / totalSupplied) / 1e6,
    variableBorrowRate: ray(variableBorrowRate),
    supplyRate: ray(liquidityRate),
  };
}

export async function borrowToUtilisation(
  client: DevnetClient,
  manifest: DevnetManifest,
  step: Extract<ScenarioStep, { kind: "aave.borrowToUtilisation" }>,
): Promise<MovedValue[]> {
  const aave = manifest.aave;
  if (aave === undefined)
    throw new Error("the devnet manifest has no aave section: no Aave step without Aave");
  const trader = manifest.accounts.trader.address;
  const before = await readReserveUsage(client, manifest, step.reserve);
  const target = (before.totalSupplied * BigInt(Math.round(step.utilisation * 1e6))) / 1_000_000n;
  if (target <= before.totalDebt) {
    throw new Error(
      `${step.reserve} utilisation is already ${before.utilisation}: at or past ${step.utilisation}, nothing to borrow`,
    );
  }
  const amount = target - before.totalDebt;
  const asset = aave.reserves[step.reserve].asset;
  const decimals = AAVE_V3_RESERVES[step.reserve].decimals;
  const price = await client.publicClient.readContract({
    address: aave.oracle,
    abi: AAVE_V3_ORACLE_ABI,
    functionName: "getAssetPrice",
    args: [asset],
  });
  // Oracle prices are in the base currency's 8 decimals (USD); USDC has 6.
  const borrowedUsd8 = (amount * price) / 10n ** BigInt(decimals);
  const collateral = (borrowedUsd8 * BigInt(Math.round(COLLATERAL_PER_BORROWED_USD * 100))) / 100n / 100n;
  const usdc = manifest.contracts.usdc;
  // Gas limits: a batched transaction is sent before the block is mined, so the node cannot estimate it.
  const call = (label: string, to: `0x${string}`, data: `0x${string}`, gas: bigint) => ({
    label,
    from: trader,
    to,
    data,
    gas,
  });
  const after = await sendInOneBlockThenRead(
    client,
    [
      call(
        "trader approves the Pool",
        usdc,
        encodeFunctionData({ abi: erc20Abi, functionName: "approve", args: [aave.pool, maxUint256] }),
        100_000n,
      ),
      call(
        "trader supplies USDC",
        aave.pool,
        encodeFunctionData({
          abi: AAVE_V3_POOL_ABI,
          functionName: "supply",
          args: [usdc, collateral, trader, 0],
        }),
        500_000n,
      ),
      call(
        `trader borrows ${step.reserve}`,
        aave.pool,
        encodeFunctionData({
          abi: AAVE_V3_POOL_ABI,
          functionName: "borrow",
          args: [asset, amount, AAVE_VARIABLE_RATE_MODE, 0, trader],
        }),
        800_000n,
      ),
    ],
    () => readReserveUsage(client, manifest, step.reserve),
  );
  return [
    { what: `${step.reserve} utilisation`, before: before.utilisation, after: after.utilisation },
    {
      what: `${step.reserve} variable borrow rate`,
      before: before.variableBorrowRate,
      after: after.variableBorrowRate,
    },
    { what: `${step.reserve} supply rate`, before: before.supplyRate, after: after.supplyRate },
  ];
}
