import {
  type Address,
  encodeAbiParameters,
  getAddress,
  getContractAddress,
  type Hex,
  keccak256,
  toHex,
  zeroAddress,
} from "viem";
import { AAVE_V3_DATA_PROVIDER_ABI } from "../chain/abis/aave-v3-abi.ts";
import { AAVE_V3_RESERVES, type AaveReserveKey } from "./aave-v3-reserves.ts";
import { type Artifact, linkBytecode, loadArtifact } from "./artifacts.ts";
import type { DevnetClient } from "./devnet-client.ts";
import { MAINNET_AAVE_V3 } from "./mainnet-addresses.ts";
import { deployDevnetContract, deployRuntimeAt, moveContract, writeDevnetContract } from "./transactions.ts";

const CORE = "@aave/core-v3/artifacts/contracts";

/** A core-v3 1.19.3 Hardhat artifact by source path, e.g. `protocol/pool/Pool` (ABI, code, link references). */
export function aaveArtifact(path: string): Artifact {
  const name = path.slice(path.lastIndexOf("/") + 1);
  return loadArtifact(`${CORE}/${path}.sol/${name}.json`);
}

/** The Pool's external logic libraries, in an order where each one's own links are already deployed. */
const POOL_LIBRARIES = [
  ["SupplyLogic", "protocol/libraries/logic/SupplyLogic"],
  ["BorrowLogic", "protocol/libraries/logic/BorrowLogic"],
  ["LiquidationLogic", "protocol/libraries/logic/LiquidationLogic"],
  ["EModeLogic", "protocol/libraries/logic/EModeLogic"],
  ["BridgeLogic", "protocol/libraries/logic/BridgeLogic"],
  ["FlashLoanLogic", "protocol/libraries/logic/FlashLoanLogic"], // links BorrowLogic
  ["PoolLogic", "protocol/libraries/logic/PoolLogic"],
  ["ConfiguratorLogic", "protocol/libraries/logic/ConfiguratorLogic"], // the PoolConfigurator's
] as const;

export interface AaveV3ReserveDeployment {
  asset: Address;
  aToken: Address;
  stableDebtToken: Address;
  variableDebtToken: Address;
  interestRateStrategy: Address;
  /** The AaveOracle's source for this asset: the devnet's Chainlink feed proxy. */
  priceFeed: Address;
}

/** Aave v3 on the devnet, as recorded in the manifest under `aave`. */
export interface AaveV3Deployment {
  /** Owner of the addresses provider, ACL admin, pool admin and emergency admin (governance's part). */
  admin: Address;
  marketId: string;
  poolAddressesProvider: Address;
  pool: Address;
  poolImpl: Address;
  poolConfigurator: Address;
  poolConfiguratorImpl: Address;
  aclManager: Address;
  oracle: Address;
  protocolDataProvider: Address;
  aTokenImpl: Address;
  stableDebtTokenImpl: Address;
  variableDebtTokenImpl: Address;
  /** Where reserve-factor income is minted (mainnet's Collector address; no code on the devnet). */
  treasury: Address;
  libraries: Record<string, Address>;
  reserves: Record<AaveReserveKey, AaveV3ReserveDeployment>;
}

export interface AaveV3Settings {
  assets: Readonly<Record<AaveReserveKey, Address>>;
  /** Chainlink AggregatorV3 proxies (8 decimals, USD) the AaveOracle reads, per reserve. */
  priceFeeds: Readonly<Record<AaveReserveKey, Address>>;
}

/** The AaveOracle's base currency: USD (address 0) with 8 decimals, as on mainnet. */
const BASE_CURRENCY_UNIT = 10n ** 8n;

/**
 * The nonce at which `creator` CREATEs `target`. Aave's proxies are created by contracts (the provider creates
 * the Pool and PoolConfigurator proxies, the configurator each reserve's three token proxies), so their mainnet
 * addresses follow from the creator's address and nonce: setting the creator's nonce reproduces them.
 */
export function createNonceOf(creator: Address, target: Address, maxNonce = 256): number {
  for (let nonce = 1; nonce <= maxNonce; nonce += 1) {
    if (getAddress(getContractAddress({ from: creator, nonce: BigInt(nonce) })) === getAddress(target))
      return nonce;
  }
  throw new Error(`${target} is not a CREATE address of ${creator} at nonces 1..${maxNonce}`);
}

/** The storage slot of AccessControl's `_roles[role].members[account]` (mapping at slot 0; `members` first). */
function roleMemberSlot(role: Hex, account: Address): Hex {
  const roleData = keccak256(encodeAbiParameters([{ type: "bytes32" }, { type: "uint256" }], [role, 0n]));
  return keccak256(encodeAbiParameters([{ type: "address" }, { type: "bytes32" }], [account, roleData]));
}

/**
 * Aave v3 (core-v3 1.19.3: the audited v3.0 code, from its published Hardhat artifacts, libraries linked here)
 * with the WETH, USDC, DAI and USDT reserves of `AAVE_V3_RESERVES`, priced by an AaveOracle over the devnet's
 * Chainlink feeds. Which addresses match Ethereum mainnet, and why:
 * - PoolAddressesProvider, ACLManager: constructed at a scratch address, then code and constructor-written slots
 *   (owner and market id; the ACL admin's role) moved to the mainnet address. Their deployer is not replayable.
 * - AaveOracle, AaveProtocolDataProvider: no constructor state besides immutables: runtime placed at the address.
 * - Pool and PoolConfigurator proxies: created by the provider at the mainnet addresses, by setting the provider's
 *   nonce to the one that derives them (1 and 2).
 * - aTokens, stable and variable debt tokens: created by the configurator at the mainnet addresses, by setting
 *   its nonce before each listing (WETH 1, USDC 10, DAI 13, USDT 25: the order and gaps of mainnet's listings).
 * - Not matched: implementations and libraries (mainnet has upgraded them past v3.0, so their addresses hold other
 *   code), interest-rate strategies (per reserve in v3.0; mainnet now shares one V2 strategy), the oracle's
 *   sources (mainnet reads adapters such as capped stablecoin feeds; here the plain Chainlink proxies), and reserve
 *   ids (mainnet has more reserves: WETH 0, USDC 3, DAI 4, USDT 8 there; 0, 1, 2, 3 here).
 * Every contract comes from `admin`'s nonces or from these fixed nonces, so addresses repeat on every fresh chain.
 */
export async function deployAaveV3(
  client: DevnetClient,
  admin: Address,
  settings: AaveV3Settings,
): Promise<AaveV3Deployment> {
  const mainnet = MAINNET_AAVE_V3;
  const deploy = (label: string, artifact: Artifact, args: readonly unknown[] = [], bytecode?: Hex) =>
    deployDevnetContract(client, admin, {
      label,
      abi: artifact.abi,
      bytecode: bytecode ?? artifact.bytecode,
      args,
    });
  const call = (address: Address, artifact: Artifact, functionName: string, args: readonly unknown[] = []) =>
    writeDevnetContract(client, admin, { address, abi: artifact.abi, functionName, args });

  const providerArtifact = aaveArtifact("protocol/configuration/PoolAddressesProvider");
  const scratchProvider = await deploy("PoolAddressesProvider", providerArtifact, [mainnet.marketId, admin]);
  // Ownable._owner (slot 0) and PoolAddressesProvider._marketId (slot 1, a short string stored inline).
  await moveContract(client, scratchProvider, mainnet.poolAddressesProvider, [
    toHex(0, { size: 32 }),
    toHex(1, { size: 32 }),
  ]);
  const provider = mainnet.poolAddressesProvider;
  await assertRead(client, provider, providerArtifact, "owner", admin);
  await assertRead(client, provider, providerArtifact, "getMarketId", mainnet.marketId);
  await call(provider, providerArtifact, "setACLAdmin", [admin]);

  const aclArtifact = aaveArtifact("protocol/configuration/ACLManager");
  const scratchAcl = await deploy("ACLManager", aclArtifact, [provider]);
  await moveContract(client, scratchAcl, mainnet.aclManager, [roleMemberSlot(toHex(0, { size: 32 }), admin)]);
  await call(provider, providerArtifact, "setACLManager", [mainnet.aclManager]);
  await call(mainnet.aclManager, aclArtifact, "addPoolAdmin", [admin]);
  await call(mainnet.aclManager, aclArtifact, "addEmergencyAdmin", [admin]);

  const oracleArtifact = aaveArtifact("misc/AaveOracle");
  await deployRuntimeAt(
    client,
    admin,
    {
      label: "AaveOracle",
      abi: oracleArtifact.abi,
      bytecode: oracleArtifact.bytecode,
      args: [provider, [], [], zeroAddress, zeroAddress, BASE_CURRENCY_UNIT],
    },
    mainnet.oracle,
  );
  await call(provider, providerArtifact, "setPriceOracle", [mainnet.oracle]);

  const libraries: Record<string, Address> = {};
  for (const [name, path] of POOL_LIBRARIES) {
    const artifact = aaveArtifact(path);
    libraries[name] = await deploy(name, artifact, [], linkBytecode(artifact, libraries));
  }
  const poolArtifact = aaveArtifact("protocol/pool/Pool");
  const poolImpl = await deploy("Pool", poolArtifact, [provider], linkBytecode(poolArtifact, libraries));
  const configuratorArtifact = aaveArtifact("protocol/pool/PoolConfigurator");
  const poolConfiguratorImpl = await deploy(
    "PoolConfigurator",
    configuratorArtifact,
    [],
    linkBytecode(configuratorArtifact, libraries),
  );
  await client.testClient.setNonce({ address: provider, nonce: createNonceOf(provider, mainnet.pool) });
  await call(provider, providerArtifact, "setPoolImpl", [poolImpl]);
  await client.testClient.setNonce({
    address: provider,
    nonce: createNonceOf(provider, mainnet.poolConfigurator),
  });
  await call(provider, providerArtifact, "setPoolConfiguratorImpl", [poolConfiguratorImpl]);
  await assertRead(client, provider, providerArtifact, "getPool", mainnet.pool);
  await assertRead(client, provider, providerArtifact, "getPoolConfigurator", mainnet.poolConfigurator);

  const dataProviderArtifact = aaveArtifact("misc/AaveProtocolDataProvider");
  await deployRuntimeAt(
    client,
    admin,
    { label: "AaveProtocolDataProvider", ...dataProviderArtifact, args: [provider] },
    mainnet.protocolDataProvider,
  );
  await call(provider, providerArtifact, "setPoolDataProvider", [mainnet.protocolDataProvider]);

  const tokenImpl = (name: string) =>
    deploy(name, aaveArtifact(`protocol/tokenization/${name}`), [mainnet.pool]);
  const aTokenImpl = await tokenImpl("AToken");
  const stableDebtTokenImpl = await tokenImpl("StableDebtToken");
  const variableDebtTokenImpl = await tokenImpl("VariableDebtToken");

  const keys = Object.keys(AAVE_V3_RESERVES) as AaveReserveKey[];
  const strategyArtifact = aaveArtifact("protocol/pool/DefaultReserveInterestRateStrategy");
  const strategies = {} as Record<AaveReserveKey, Address>;
  for (const key of keys) {
    const rate = AAVE_V3_RESERVES[key].interestRate;
    strategies[key] = await deploy(`DefaultReserveInterestRateStrategy ${key}`, strategyArtifact, [
      provider,
      rate.optimalUsageRatio,
      rate.baseVariableBorrowRate,
      rate.variableRateSlope1,
      rate.variableRateSlope2,
      rate.stableRateSlope1,
      rate.stableRateSlope2,
      rate.baseStableRateOffset,
      rate.stableRateExcessOffset,
      rate.optimalStableToTotalDebtRatio,
    ]);
  }
  await call(mainnet.oracle, oracleArtifact, "setAssetSources", [
    keys.map((key) => settings.assets[key]),
    keys.map((key) => settings.priceFeeds[key]),
  ]);

  // List in mainnet's order (ascending configurator nonce), each at the nonce that gives its mainnet tokens.
  const listingNonces = Object.fromEntries(
    keys.map((key) => [key, createNonceOf(mainnet.poolConfigurator, mainnet.reserves[key].A_TOKEN)]),
  ) as Record<AaveReserveKey, number>;
  for (const key of [...keys].sort((a, b) => listingNonces[a] - listingNonces[b])) {
    const reserve = AAVE_V3_RESERVES[key];
    await client.testClient.setNonce({ address: mainnet.poolConfigurator, nonce: listingNonces[key] });
    await call(mainnet.poolConfigurator, configuratorArtifact, "initReserves", [
      [
        {
          aTokenImpl,
          stableDebtTokenImpl,
          variableDebtTokenImpl,
          underlyingAssetDecimals: reserve.decimals,
          interestRateStrategyAddress: strategies[key],
          underlyingAsset: settings.assets[key],
          treasury: mainnet.collector,
          incentivesController: zeroAddress,
          aTokenName: reserve.tokenNames.aToken,
          aTokenSymbol: reserve.tokenNames.aTokenSymbol,
          variableDebtTokenName: reserve.tokenNames.variableDebt,
          variableDebtTokenSymbol: `variableDebtEth${reserve.symbol}`,
          stableDebtTokenName: reserve.tokenNames.stableDebt,
          stableDebtTokenSymbol: `stableDebtEth${reserve.symbol}`,
          params: "0x",
        },
      ],
    ]);
  }

  // Risk parameters in one transaction through Aave's own deployment helper, as Aave's deploy scripts do: it holds
  // the risk-admin role only for the call.
  const helperArtifact = aaveArtifact("deployments/ReservesSetupHelper");
  const helper = await deploy("ReservesSetupHelper", helperArtifact);
  await call(mainnet.aclManager, aclArtifact, "addRiskAdmin", [helper]);
  await call(helper, helperArtifact, "configureReserves", [
    mainnet.poolConfigurator,
    keys.map((key) => {
      const reserve = AAVE_V3_RESERVES[key];
      return {
        asset: settings.assets[key],
        baseLTV: BigInt(reserve.ltvBps),
        liquidationThreshold: BigInt(reserve.liquidationThresholdBps),
        liquidationBonus: BigInt(reserve.liquidationBonusBps),
        reserveFactor: BigInt(reserve.reserveFactorBps),
        borrowCap: BigInt(reserve.borrowCapTokens),
        supplyCap: BigInt(reserve.supplyCapTokens),
        stableBorrowingEnabled: false,
        borrowingEnabled: true,
        flashLoanEnabled: reserve.flashLoanEnabled,
      };
    }),
  ]);
  await call(mainnet.aclManager, aclArtifact, "removeRiskAdmin", [helper]);
  for (const key of keys) {
    await call(mainnet.poolConfigurator, configuratorArtifact, "setLiquidationProtocolFee", [
      settings.assets[key],
      BigInt(AAVE_V3_RESERVES[key].liquidationProtocolFeeBps),
    ]);
  }

  const reserves = {} as Record<AaveReserveKey, AaveV3ReserveDeployment>;
  for (const key of keys) {
    const [aToken, stableDebtToken, variableDebtToken] = await client.publicClient.readContract({
      address: mainnet.protocolDataProvider,
      abi: AAVE_V3_DATA_PROVIDER_ABI,
      functionName: "getReserveTokensAddresses",
      args: [settings.assets[key]],
    });
    const expected = mainnet.reserves[key];
    if (aToken !== expected.A_TOKEN || variableDebtToken !== expected.V_TOKEN) {
      throw new Error(
        `${key} tokens at ${aToken} / ${variableDebtToken}, not at mainnet's ${expected.A_TOKEN} / ${expected.V_TOKEN}: was the chain fresh?`,
      );
    }
    reserves[key] = {
      asset: settings.assets[key],
      aToken,
      stableDebtToken,
      variableDebtToken,
      interestRateStrategy: strategies[key],
      priceFeed: settings.priceFeeds[key],
    };
  }

  return {
    admin,
    marketId: mainnet.marketId,
    poolAddressesProvider: provider,
    pool: mainnet.pool,
    poolImpl,
    poolConfigurator: mainnet.poolConfigurator,
    poolConfiguratorImpl,
    aclManager: mainnet.aclManager,
    oracle: mainnet.oracle,
    protocolDataProvider: mainnet.protocolDataProvider,
    aTokenImpl,
    stableDebtTokenImpl,
    variableDebtTokenImpl,
    treasury: mainnet.collector,
    libraries,
    reserves,
  };
}

async function assertRead(
  client: DevnetClient,
  address: Address,
  artifact: Artifact,
  functionName: string,
  expected: unknown,
): Promise<void> {
  const actual = await client.publicClient.readContract({ address, abi: artifact.abi, functionName });
  if (actual !== expected) {
    throw new Error(
      `${artifact.name}.${functionName}() at ${address} is ${String(actual)}, expected ${String(expected)}`,
    );
  }
}
