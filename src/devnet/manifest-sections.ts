// The manifest's sections every devnet shape writes the same way (accounts, the core contracts, v3 pools, the
// four feeds, the starting book's positions): bootstrap.ts adds Aave and v4, bootstrap-l2.ts its L2 section.
import { DEVNET_ACCOUNT_INDEXES, DEVNET_MNEMONIC, devnetAddress } from "./accounts.ts";
import type { deployChainlinkFeeds } from "./deploy-chainlink.ts";
import { FEED_DECIMALS, type FeedKey } from "./deploy-chainlink.ts";
import type { deployPerp } from "./deploy-perp.ts";
import type { deployRolesStack } from "./deploy-roles.ts";
import type { deploySafeStack } from "./deploy-safe.ts";
import type { deployStablecoins } from "./deploy-tokens.ts";
import type { deployUniswapV3 } from "./deploy-uniswap-v3.ts";
import type { DevnetClient } from "./devnet-client.ts";
import type { DevnetManifest } from "./manifest.ts";

export interface DeployedCore {
  multicall3: `0x${string}`;
  uniswap: Awaited<ReturnType<typeof deployUniswapV3>>;
  stablecoins: Awaited<ReturnType<typeof deployStablecoins>>;
  feeds: Awaited<ReturnType<typeof deployChainlinkFeeds>>;
  safeStack: Awaited<ReturnType<typeof deploySafeStack>>;
  rolesStack: Awaited<ReturnType<typeof deployRolesStack>>;
  treasurySafe: `0x${string}`;
  roles: `0x${string}`;
  perp: Awaited<ReturnType<typeof deployPerp>>;
  pools: DevnetManifest["pools"];
  lpTokenIds: readonly bigint[];
}

export const manifestAccountEntry = (index: number) => ({ address: devnetAddress(index), index });

/** The sections common to every shape, read at the chain's current block (the manifest's startBlock). */
export async function commonManifestSections(client: DevnetClient, rpcUrl: string, core: DeployedCore) {
  const indexes = DEVNET_ACCOUNT_INDEXES;
  const { uniswap, stablecoins, feeds, safeStack, rolesStack, perp } = core;
  const feedEntry = (key: FeedKey) => ({
    address: feeds[key].proxy,
    aggregator: feeds[key].aggregator,
    description: feeds[key].description,
    decimals: FEED_DECIMALS,
    heartbeatSec: feeds[key].heartbeatSec,
  });
  return {
    version: 1 as const,
    chainId: client.chain.id,
    rpcUrl,
    startBlock: Number(await client.publicClient.getBlockNumber()),
    mnemonic: DEVNET_MNEMONIC,
    accounts: {
      deployer: manifestAccountEntry(indexes.deployer),
      keeper: manifestAccountEntry(indexes.keeper),
      guardian: manifestAccountEntry(indexes.guardian),
      owners: indexes.owners.map(manifestAccountEntry),
      maker: manifestAccountEntry(indexes.maker),
      trader: manifestAccountEntry(indexes.trader),
      perpDeployer: manifestAccountEntry(indexes.perpDeployer),
    },
    contracts: {
      multicall3: core.multicall3,
      weth: uniswap.weth,
      usdc: stablecoins.usdc,
      usdt: stablecoins.usdt,
      dai: stablecoins.dai,
      uniswapV3Factory: uniswap.factory,
      swapRouter: uniswap.swapRouter,
      positionManager: uniswap.positionManager,
      quoterV2: uniswap.quoterV2,
      safeSingleton: safeStack.singleton,
      safeProxyFactory: safeStack.proxyFactory,
      safeFallbackHandler: safeStack.fallbackHandler,
      multiSend: safeStack.multiSend,
      multiSendCallOnly: safeStack.multiSendCallOnly,
      treasurySafe: core.treasurySafe,
      rolesMastercopy: rolesStack.mastercopy,
      moduleProxyFactory: rolesStack.moduleProxyFactory,
      roles: core.roles,
      perp,
    },
    pools: core.pools,
    feeds: {
      ethUsd: feedEntry("ethUsd"),
      usdcUsd: feedEntry("usdcUsd"),
      daiUsd: feedEntry("daiUsd"),
      usdtUsd: feedEntry("usdtUsd"),
    },
    positions: {
      lpTokenIds: core.lpTokenIds.map(String),
      perpBaseToken: perp.baseToken,
    },
  };
}
