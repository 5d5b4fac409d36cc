import { type Address, getContractAddress, maxUint256, parseEther } from "viem";
import { UNISWAP_V3_FACTORY_ABI, UNISWAP_V3_POOL_ABI } from "../chain/abis/uniswap-v3-abi.ts";
import { type Artifact, loadArtifact } from "./artifacts.ts";
import type { DevnetClient } from "./devnet-client.ts";
import { sqrtPriceX96FromRawPrice } from "./price-math.ts";
import { deployDevnetContract, writeDevnetContract } from "./transactions.ts";

const CORE = "@perp/curie-deployments/optimism/core/artifacts";

export function perpArtifact(name: string): Artifact {
  return loadArtifact(`${CORE}/contracts/${name}.sol/${name}.json`);
}
function perpOracleArtifact(name: string): Artifact {
  return loadArtifact(`${CORE}/oracle-contracts/contracts/${name}.sol/${name}.json`);
}

/** Perpetual Protocol v2 (Curie) contracts, as recorded in the manifest under `contracts.perp`. */
export interface PerpDeployment {
  clearingHouse: Address;
  clearingHouseConfig: Address;
  marketRegistry: Address;
  orderBook: Address;
  accountBalance: Address;
  exchange: Address;
  insuranceFund: Address;
  vault: Address;
  collateralManager: Address;
  quoteToken: Address;
  /** vETH: the market's base token. */
  baseToken: Address;
  /** The vETH/vUSD Uniswap v3 pool (fee 0.3%) that is the market. */
  pool: Address;
  chainlinkPriceFeed: Address;
  priceFeedDispatcher: Address;
}

export interface PerpSettings {
  settlementToken: Address;
  uniswapV3Factory: Address;
  /** The AggregatorV3 the market is indexed to (the ETH/USD proxy). */
  indexFeed: Address;
  initialPrice: number;
  /** After this long without a new round, perp's feed counts as timed out. */
  feedTimeoutSec: number;
  maxTickCrossedWithinBlock: number;
}

export const PERP_POOL_FEE = 3000;

/**
 * Perp Curie from the implementations in @perp/curie-deployments (OpenZeppelin-upgradeable contracts without
 * proxies: deploy, then `initialize`), wired as on Optimism, with one market: vETH indexed to `indexFeed`
 * through ChainlinkPriceFeedV3 and PriceFeedDispatcher, on a vETH/vUSD pool of the devnet's Uniswap v3 factory.
 * Every contract comes from `deployer`'s nonces, so addresses repeat on every fresh chain.
 */
export async function deployPerp(
  client: DevnetClient,
  deployer: Address,
  settings: PerpSettings,
): Promise<PerpDeployment> {
  const deploy = (label: string, artifact: Artifact, args: readonly unknown[] = []) =>
    deployDevnetContract(client, deployer, { label, abi: artifact.abi, bytecode: artifact.bytecode, args });
  const call = (address: Address, artifact: Artifact, functionName: string, args: readonly unknown[] = []) =>
    writeDevnetContract(client, deployer, { address, abi: artifact.abi, functionName, args });
  const deployAndInitialize = async (name: string, args: readonly unknown[] = []) => {
    const artifact = perpArtifact(name);
    const address = await deploy(name, artifact);
    await call(address, artifact, "initialize", args);
    return address;
  };

  const chainlinkPriceFeed = await deploy(
    "ChainlinkPriceFeedV3",
    perpOracleArtifact("ChainlinkPriceFeedV3"),
    [settings.indexFeed, settings.feedTimeoutSec, 30 * 60],
  );
  const priceFeedDispatcher = await deploy("PriceFeedDispatcher", perpOracleArtifact("PriceFeedDispatcher"), [
    chainlinkPriceFeed,
  ]);
  const quoteToken = await deployAndInitialize("QuoteToken", ["vUSD", "vUSD"]);
  // Perp requires base < quote (the base token is the pool's token0). Skip deployer nonces until the next
  // CREATE address sorts below the quote token, so the same nonce is chosen on every run.
  let nonce = await client.publicClient.getTransactionCount({ address: deployer });
  while (BigInt(getContractAddress({ from: deployer, nonce: BigInt(nonce) })) > BigInt(quoteToken))
    nonce += 1;
  await client.testClient.setNonce({ address: deployer, nonce });
  const baseTokenArtifact = perpArtifact("BaseToken");
  const baseToken = await deploy("BaseToken vETH", baseTokenArtifact);
  await call(baseToken, baseTokenArtifact, "initialize", ["vETH", "vETH", priceFeedDispatcher]);

  const clearingHouseConfig = await deployAndInitialize("ClearingHouseConfig");
  const marketRegistry = await deployAndInitialize("MarketRegistry", [settings.uniswapV3Factory, quoteToken]);
  const orderBook = await deployAndInitialize("OrderBook", [marketRegistry]);
  const accountBalance = await deployAndInitialize("AccountBalance", [clearingHouseConfig, orderBook]);
  const exchange = await deployAndInitialize("Exchange", [marketRegistry, orderBook, clearingHouseConfig]);
  const insuranceFund = await deployAndInitialize("InsuranceFund", [settings.settlementToken]);
  const vault = await deployAndInitialize("Vault", [
    insuranceFund,
    clearingHouseConfig,
    accountBalance,
    exchange,
  ]);
  // Optimism's values: max 5 collateral tokens, 80% debt ratio, 50% liquidation ratio, 0.2% mm buffer,
  // 3% insurance fee, 10 000 USD debt threshold, 500 USD dust.
  const collateralManager = await deployAndInitialize("CollateralManager", [
    clearingHouseConfig,
    vault,
    5,
    800_000,
    500_000,
    2_000,
    30_000,
    parseEther("10000"),
    parseEther("500"),
  ]);
  const clearingHouse = await deployAndInitialize("ClearingHouse", [
    clearingHouseConfig,
    vault,
    quoteToken,
    settings.uniswapV3Factory,
    exchange,
    accountBalance,
    insuranceFund,
  ]);

  await call(exchange, perpArtifact("Exchange"), "setAccountBalance", [accountBalance]);
  await call(orderBook, perpArtifact("OrderBook"), "setExchange", [exchange]);
  await call(insuranceFund, perpArtifact("InsuranceFund"), "setVault", [vault]);
  await call(vault, perpArtifact("Vault"), "setCollateralManager", [collateralManager]);
  await call(clearingHouseConfig, perpArtifact("ClearingHouseConfig"), "setSettlementTokenBalanceCap", [
    maxUint256,
  ]);
  for (const [address, name] of [
    [quoteToken, "QuoteToken"],
    [baseToken, "BaseToken"],
  ] as const) {
    await call(address, perpArtifact(name), "mintMaximumTo", [clearingHouse]);
    await call(address, perpArtifact(name), "addWhitelist", [clearingHouse]);
  }
  for (const [address, name] of [
    [marketRegistry, "MarketRegistry"],
    [orderBook, "OrderBook"],
    [exchange, "Exchange"],
    [accountBalance, "AccountBalance"],
    [vault, "Vault"],
  ] as const) {
    await call(address, perpArtifact(name), "setClearingHouse", [clearingHouse]);
  }
  await call(accountBalance, perpArtifact("AccountBalance"), "setVault", [vault]);

  await writeDevnetContract(client, deployer, {
    address: settings.uniswapV3Factory,
    abi: UNISWAP_V3_FACTORY_ABI,
    functionName: "createPool",
    args: [baseToken, quoteToken, PERP_POOL_FEE],
  });
  const pool = await client.publicClient.readContract({
    address: settings.uniswapV3Factory,
    abi: UNISWAP_V3_FACTORY_ABI,
    functionName: "getPool",
    args: [baseToken, quoteToken, PERP_POOL_FEE],
  });
  // Both virtual tokens have 18 decimals, so the raw price is the USD price.
  await writeDevnetContract(client, deployer, {
    address: pool,
    abi: UNISWAP_V3_POOL_ABI,
    functionName: "initialize",
    args: [sqrtPriceX96FromRawPrice(settings.initialPrice)],
  });
  await writeDevnetContract(client, deployer, {
    address: pool,
    abi: UNISWAP_V3_POOL_ABI,
    functionName: "increaseObservationCardinalityNext",
    args: [250],
  });
  await call(quoteToken, perpArtifact("QuoteToken"), "addWhitelist", [pool]);
  await call(baseToken, perpArtifact("BaseToken"), "addWhitelist", [pool]);
  await call(marketRegistry, perpArtifact("MarketRegistry"), "addPool", [baseToken, PERP_POOL_FEE]);
  await call(marketRegistry, perpArtifact("MarketRegistry"), "setFeeRatio", [baseToken, 1_000]);
  await call(exchange, perpArtifact("Exchange"), "setMaxTickCrossedWithinBlock", [
    baseToken,
    settings.maxTickCrossedWithinBlock,
  ]);

  return {
    clearingHouse,
    clearingHouseConfig,
    marketRegistry,
    orderBook,
    accountBalance,
    exchange,
    insuranceFund,
    vault,
    collateralManager,
    quoteToken,
    baseToken,
    pool,
    chainlinkPriceFeed,
    priceFeedDispatcher,
  };
}
