import { type Address, erc20Abi, getAddress, type PublicClient } from "viem";
import {
  AAVE_V3_DATA_PROVIDER_ABI,
  AAVE_V3_ORACLE_ABI,
  AAVE_V3_POOL_ABI,
} from "../chain/abis/aave-v3-abi.ts";
import { ChainConfigurationError, MalformedReturnDataError } from "../chain/errors.ts";
import { type ContractRead, type ReadOutcome, readAtBlock, requireValue } from "../chain/read-at-block.ts";
import type { ReadBatch } from "../chain/read-batch.ts";
import type { AaveAccountSnapshot, AaveReserveSnapshot } from "../engine/snapshot.ts";

export interface AaveV3Contracts {
  pool: Address;
  protocolDataProvider: Address;
  oracle: Address;
}

export interface AaveAccountQuery {
  contracts: AaveV3Contracts;
  account: Address;
  /** The reserves to read (underlying assets). Must include every reserve the account supplies or borrows. */
  assets: readonly Address[];
}

// Gas per read (cold storage and external calls dominate): getUserAccountData loops every reserve the account uses
// and asks the oracle for each price; getUserReserveData makes five token calls behind two Pool reads.
const ACCOUNT_DATA_GAS = 200_000;
const USER_RESERVE_GAS = 70_000;
const RESERVE_DATA_GAS = 50_000;
const PRICES_GAS_PER_ASSET = 20_000;

const ACCOUNT_READS = 6;
const READS_PER_ASSET = 4;

/** Every read behind one account's snapshot, account-wide ones first, then four per asset (order fixed). */
export function aaveAccountReads(query: AaveAccountQuery): ContractRead[] {
  const { pool, protocolDataProvider, oracle } = query.contracts;
  const account = query.account;
  const reads: ContractRead[] = [
    {
      address: pool,
      abi: AAVE_V3_POOL_ABI,
      functionName: "getUserAccountData",
      args: [account],
      gasHint: ACCOUNT_DATA_GAS,
    },
    { address: pool, abi: AAVE_V3_POOL_ABI, functionName: "getUserConfiguration", args: [account] },
    { address: pool, abi: AAVE_V3_POOL_ABI, functionName: "getUserEMode", args: [account] },
    { address: pool, abi: AAVE_V3_POOL_ABI, functionName: "getReservesList" },
    {
      address: oracle,
      abi: AAVE_V3_ORACLE_ABI,
      functionName: "getAssetsPrices",
      args: [query.assets],
      gasHint: PRICES_GAS_PER_ASSET * Math.max(1, query.assets.length),
    },
    { address: oracle, abi: AAVE_V3_ORACLE_ABI, functionName: "BASE_CURRENCY_UNIT" },
  ];
  for (const asset of query.assets) {
    reads.push(
      {
        address: protocolDataProvider,
        abi: AAVE_V3_DATA_PROVIDER_ABI,
        functionName: "getUserReserveData",
        args: [asset, account],
        gasHint: USER_RESERVE_GAS,
      },
      {
        address: protocolDataProvider,
        abi: AAVE_V3_DATA_PROVIDER_ABI,
        functionName: "getReserveData",
        args: [asset],
        gasHint: RESERVE_DATA_GAS,
      },
      {
        address: protocolDataProvider,
        abi: AAVE_V3_DATA_PROVIDER_ABI,
        functionName: "getReserveConfigurationData",
        args: [asset],
      },
      { address: asset, abi: erc20Abi, functionName: "symbol" },
    );
  }
  return reads;
}

type AccountData = readonly [bigint, bigint, bigint, bigint, bigint, bigint];
type UserReserveData = readonly [bigint, bigint, bigint, bigint, bigint, bigint, bigint, number, boolean];
type ReserveData = readonly [
  bigint,
  bigint,
  bigint,
  bigint,
  bigint,
  bigint,
  bigint,
  bigint,
  bigint,
  bigint,
  bigint,
  number,
];
type ReserveConfiguration = readonly [
  bigint,
  bigint,
  bigint,
  bigint,
  bigint,
  boolean,
  boolean,
  boolean,
  boolean,
  boolean,
];

/**
 * The snapshot from the reads' outcomes. Fails, rather than under-reporting, when the account supplies or borrows a
 * reserve the query did not read: its health factor would not add up.
 */
export function decodeAaveAccount(
  query: AaveAccountQuery,
  outcomes: readonly ReadOutcome[],
  blockNumber: bigint,
): AaveAccountSnapshot {
  const expected = ACCOUNT_READS + READS_PER_ASSET * query.assets.length;
  if (outcomes.length !== expected) {
    throw new ChainConfigurationError(`expected ${expected} Aave read results, got ${outcomes.length}`);
  }
  const at = (index: number, what: string) => requireValue<unknown>(outcomes[index], what);
  const accountData = at(0, "Pool.getUserAccountData") as AccountData;
  const { data: configuration } = at(1, "Pool.getUserConfiguration") as { data: bigint };
  const eModeCategory = at(2, "Pool.getUserEMode") as bigint;
  const reservesList = (at(3, "Pool.getReservesList") as readonly Address[]).map((a) => getAddress(a));
  const prices = at(4, "AaveOracle.getAssetsPrices") as readonly bigint[];
  const baseCurrencyUnit = at(5, "AaveOracle.BASE_CURRENCY_UNIT") as bigint;
  if (prices.length !== query.assets.length) {
    throw new MalformedReturnDataError(
      "AaveOracle.getAssetsPrices returned another number of prices than assets asked",
      {
        details: { assets: query.assets.length, prices: prices.length },
      },
    );
  }

  const assets = query.assets.map((asset) => getAddress(asset));
  for (const [id, reserve] of reservesList.entries()) {
    const bits = (configuration >> BigInt(2 * id)) & 3n;
    if (bits !== 0n && !assets.includes(reserve)) {
      throw new ChainConfigurationError(
        `account ${query.account} uses Aave reserve ${reserve} (id ${id}), which the query does not read`,
        { details: { account: query.account, reserve, reserveId: id } },
      );
    }
  }

  const reserves = assets.map((asset, index): AaveReserveSnapshot => {
    const base = ACCOUNT_READS + READS_PER_ASSET * index;
    const user = at(base, `getUserReserveData(${asset})`) as UserReserveData;
    const data = at(base + 1, `getReserveData(${asset})`) as ReserveData;
    const config = at(base + 2, `getReserveConfigurationData(${asset})`) as ReserveConfiguration;
    const symbol = at(base + 3, `symbol(${asset})`) as string;
    const reserveId = reservesList.indexOf(asset);
    if (reserveId === -1) {
      throw new ChainConfigurationError(`${asset} is not a reserve of the Aave pool ${query.contracts.pool}`);
    }
    const price = prices[index] ?? 0n;
    if (price === 0n) {
      throw new MalformedReturnDataError(`the Aave oracle returned a zero price for ${asset}`, {
        details: { asset },
      });
    }
    return {
      asset: { address: asset, symbol, decimals: Number(config[0]) },
      reserveId,
      priceBase: price,
      ltvBps: Number(config[1]),
      liquidationThresholdBps: Number(config[2]),
      liquidationBonusBps: Number(config[3]),
      reserveFactorBps: Number(config[4]),
      collateralEnabled: config[5],
      borrowingEnabled: config[6],
      aTokenBalance: user[0],
      stableDebt: user[1],
      variableDebt: user[2],
      scaledVariableDebt: user[4],
      usedAsCollateral: user[8],
      liquidityRateRay: data[5],
      variableBorrowRateRay: data[6],
      liquidityIndexRay: data[9],
      variableBorrowIndexRay: data[10],
      lastUpdateTimestampSec: data[11],
      totalAToken: data[2],
      totalStableDebt: data[3],
      totalVariableDebt: data[4],
    };
  });

  return {
    venue: "aave-v3",
    pool: getAddress(query.contracts.pool),
    account: getAddress(query.account),
    blockNumber,
    baseCurrencyUnit,
    eModeCategory: Number(eModeCategory),
    reserves,
    accountData: {
      totalCollateralBase: accountData[0],
      totalDebtBase: accountData[1],
      availableBorrowsBase: accountData[2],
      currentLiquidationThresholdBps: Number(accountData[3]),
      ltvBps: Number(accountData[4]),
      healthFactorWad: accountData[5],
    },
  };
}

/**
 * Adds one account's Aave reads to a block's batch (the book indexer's one round); the returned function decodes
 * them from the round's outcomes.
 */
export function planAaveAccountReads(
  batch: ReadBatch,
  query: AaveAccountQuery,
  blockNumber: bigint,
): (outcomes: readonly ReadOutcome[]) => AaveAccountSnapshot {
  const reads = aaveAccountReads(query);
  const from = batch.reads.length;
  batch.addGroup(reads, "aave read");
  return (outcomes) => decodeAaveAccount(query, outcomes.slice(from, from + reads.length), blockNumber);
}

/** One account's Aave v3 snapshot, every value read at `blockNumber` through Multicall3. */
export async function readAaveAccount(
  client: PublicClient,
  query: AaveAccountQuery,
  blockNumber: bigint,
): Promise<AaveAccountSnapshot> {
  const outcomes = await readAtBlock(client, aaveAccountReads(query), { blockNumber });
  return decodeAaveAccount(query, outcomes, blockNumber);
}
