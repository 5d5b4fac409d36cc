import { encodeFunctionData } from "viem";
import { safeAbi } from "../chain/safe-transaction.ts";
import { AAVE_RESERVE_FEEDS, type AaveReserveKey } from "./aave-v3-reserves.ts";
import { DEVNET_ACCOUNT_INDEXES, devnetAccount, devnetAddress } from "./accounts.ts";
import { deployAaveV3 } from "./deploy-aave-v3.ts";
import { deployChainlinkFeeds, type FeedKey } from "./deploy-chainlink.ts";
import { deployMulticall3 } from "./deploy-multicall3.ts";
import { deployPerp } from "./deploy-perp.ts";
import { deployRolesModifier, deployRolesStack } from "./deploy-roles.ts";
import { createSafe, deploySafeStack } from "./deploy-safe.ts";
import { deployStablecoins } from "./deploy-tokens.ts";
import { deployUniswapV3 } from "./deploy-uniswap-v3.ts";
import { deployUniswapV4 } from "./deploy-uniswap-v4.ts";
import type { DevnetClient } from "./devnet-client.ts";
import { submitFeedAnswer } from "./feed-answer.ts";
import type { DevnetManifest } from "./manifest.ts";
import { commonManifestSections, manifestAccountEntry } from "./manifest-sections.ts";
import {
  type AavePosition,
  addPerpMakerLiquidity,
  approveAll,
  depositPerpCollateral,
  fundAccounts,
  mintStablecoins,
  openAavePositions,
} from "./market-participants.ts";
import { addMakerLiquidity, createPools } from "./pools.ts";
import { addV4MakerLiquidity, type DevnetV4Pool, describeV4Pools, initializeV4Pools } from "./pools-v4.ts";
import { buildStartingBook, STARTING_BOOK } from "./starting-book.ts";
import { buildV4StartingBook } from "./starting-book-v4.ts";
import { execSafeTransaction } from "./treasury-transaction.ts";

export const INITIAL_ANSWERS: Readonly<Record<FeedKey, number>> = {
  ethUsd: 3000,
  usdcUsd: 1,
  daiUsd: 1,
  usdtUsd: 1,
};

/** Perp's Chainlink adapter treats the feed as timed out after this long (ETH/USD heartbeat + margin). */
export const PERP_FEED_TIMEOUT_SEC = 2 * 3600;
/** Perp rejects swaps that cross more ticks than this within one block (~10% per block). */
export const PERP_MAX_TICK_CROSSED_WITHIN_BLOCK = 1000;
/** Perp reads the vETH pool TWAP over up to 30 min (mark price config): age the new pool past it before adding liquidity, or the pool reverts "OLD". */
const PERP_POOL_AGING_SEC = 3600;

/**
 * The maker's Aave v3 book: deep supply, and borrows of half of it so every reserve starts at 50% utilisation,
 * below each kink (80-90%), with rates on the first slope as on mainnet most of the time. Health factor ≈ 1.6,
 * and above 1.5 whatever ETH does (its WETH supply exceeds its WETH debt; stablecoin debt is covered by stables).
 */
export const AAVE_MAKER_POSITIONS: Readonly<Record<AaveReserveKey, AavePosition>> = {
  weth: { supply: 10_000, borrow: 5_000 },
  usdc: { supply: 50_000_000, borrow: 25_000_000 },
  dai: { supply: 50_000_000, borrow: 25_000_000 },
  usdt: { supply: 50_000_000, borrow: 25_000_000 },
};
/** ETH the trader is given for the v4 pools' moves (PoolSwapTest takes it as value, refunding what a swap left). */
const TRADER_V4_ETH = 100_000n * 10n ** 18n;
/** The USDC the maker is minted before supplying to Aave (the Uniswap and perp steps leave it ~13M). */
const AAVE_MAKER_USDC_TOP_UP = 50_000_000;

/**
 * Deploys everything the devnet has, on a fresh chain, in a fixed order so every address repeats on every run,
 * and returns the manifest. Takes ~250 transactions; the node mines each one as it arrives (automine).
 */
export async function bootstrapDevnet(client: DevnetClient, rpcUrl: string): Promise<DevnetManifest> {
  const indexes = DEVNET_ACCOUNT_INDEXES;
  const deployer = devnetAddress(indexes.deployer);
  const maker = devnetAddress(indexes.maker);
  const trader = devnetAddress(indexes.trader);
  const owners = indexes.owners.map((index) => devnetAccount(index));

  const multicall3 = await deployMulticall3(client, deployer);
  const uniswap = await deployUniswapV3(client);
  const stablecoins = await deployStablecoins(client, deployer, deployer);
  const feeds = await deployChainlinkFeeds(client, deployer, INITIAL_ANSWERS);

  const safeStack = await deploySafeStack(client, deployer);
  const treasurySafe = await createSafe(client, safeStack, deployer, {
    owners: owners.map((owner) => owner.address),
    threshold: 2,
    saltNonce: 0n,
  });
  const signers = owners.slice(0, 2);
  const rolesStack = await deployRolesStack(client, deployer);
  const roles = await deployRolesModifier(client, rolesStack, deployer, {
    owner: treasurySafe,
    avatar: treasurySafe,
    target: treasurySafe,
    saltNonce: 0n,
  });
  await execSafeTransaction(client, treasurySafe, signers, {
    label: "enable the Roles modifier",
    to: treasurySafe,
    data: encodeFunctionData({ abi: safeAbi, functionName: "enableModule", args: [roles] }),
  });

  const perp = await deployPerp(client, devnetAddress(indexes.perpDeployer), {
    settlementToken: stablecoins.usdc,
    uniswapV3Factory: uniswap.factory,
    indexFeed: feeds.ethUsd.proxy,
    initialPrice: INITIAL_ANSWERS.ethUsd,
    feedTimeoutSec: PERP_FEED_TIMEOUT_SEC,
    maxTickCrossedWithinBlock: PERP_MAX_TICK_CROSSED_WITHIN_BLOCK,
  });

  const book = STARTING_BOOK;
  await fundAccounts(client, deployer, {
    balances: [
      { account: maker, usdc: 100_000_000, usdt: 100_000_000, dai: 100_000_000, weth: 20_000, eth: 1_000 },
      { account: trader, usdc: 1e11, usdt: 1e11, dai: 1e11, weth: 1_000_000, eth: 10_000 },
      {
        account: treasurySafe,
        usdc: book.reserves.usdc + book.ethLp.usdc + book.stableLp.usdc + book.perpCollateralUsdc,
        usdt: book.reserves.usdt,
        dai: book.reserves.dai + book.stableLp.dai,
        weth: 0,
        eth: book.eth + book.ethLp.weth,
      },
    ],
  });
  const tokens = [stablecoins.usdc, stablecoins.usdt, stablecoins.dai, uniswap.weth];
  await approveAll(client, maker, tokens, [uniswap.positionManager]);
  await approveAll(client, maker, [stablecoins.usdc], [perp.vault]);
  await approveAll(client, trader, tokens, [uniswap.swapRouter]);
  await approveAll(client, trader, [stablecoins.usdc], [perp.vault]);

  const pools = await createPools(client, deployer, uniswap);
  await addMakerLiquidity(client, maker, uniswap.positionManager, pools);
  await depositPerpCollateral(client, perp, maker, 20_000_000);
  await depositPerpCollateral(client, perp, trader, 50_000_000);

  await client.testClient.increaseTime({ seconds: PERP_POOL_AGING_SEC });
  for (const [key, feed] of Object.entries(feeds) as [FeedKey, (typeof feeds)[FeedKey]][]) {
    await submitFeedAnswer(client, deployer, feed.aggregator, INITIAL_ANSWERS[key]);
  }
  await addPerpMakerLiquidity(client, perp, maker, INITIAL_ANSWERS.ethUsd);
  const startingBook = await buildStartingBook(client, {
    safe: treasurySafe,
    signers,
    multiSendCallOnly: safeStack.multiSendCallOnly,
    positionManager: uniswap.positionManager,
    pools,
    perp,
  });

  // Aave v3 comes last: everything above keeps the addresses it had before Aave joined.
  const aave = await deployAaveV3(client, devnetAddress(indexes.aaveAdmin), {
    assets: { weth: uniswap.weth, usdc: stablecoins.usdc, dai: stablecoins.dai, usdt: stablecoins.usdt },
    priceFeeds: {
      weth: feeds[AAVE_RESERVE_FEEDS.weth].proxy,
      usdc: feeds[AAVE_RESERVE_FEEDS.usdc].proxy,
      dai: feeds[AAVE_RESERVE_FEEDS.dai].proxy,
      usdt: feeds[AAVE_RESERVE_FEEDS.usdt].proxy,
    },
  });
  await mintStablecoins(client, deployer, maker, { usdc: AAVE_MAKER_USDC_TOP_UP });
  await openAavePositions(client, aave, maker, AAVE_MAKER_POSITIONS);
  // Uniswap v4 last, so every address and balance above is what it was before v4 existed here.
  const v4 = await deployUniswapV4(client, { hookFeeSetter: deployer });
  const v4Pools = describeV4Pools(v4.dynamicFeeHook);
  await initializeV4Pools(client, maker, v4.poolManager, v4Pools);
  await addV4MakerLiquidity(client, maker, v4, v4Pools);
  // Scenarios move the v4 pools with the v3 ones through PoolSwapTest: the trader pays stablecoins by transferFrom,
  // ETH as value (a crash sells more ETH into the v4 pools than the trader kept unwrapped).
  await approveAll(client, trader, [stablecoins.usdc, stablecoins.usdt], [v4.poolSwapTest]);
  await client.testClient.setBalance({
    address: trader,
    value: (await client.publicClient.getBalance({ address: trader })) + TRADER_V4_ETH,
  });
  const v4Book = await buildV4StartingBook(client, {
    safe: treasurySafe,
    signers,
    multiSendCallOnly: safeStack.multiSendCallOnly,
    maker,
    contracts: v4,
    pools: v4Pools,
    perp,
  });

  return {
    ...(await commonManifestSections(client, rpcUrl, {
      multicall3,
      uniswap,
      stablecoins,
      feeds,
      safeStack,
      rolesStack,
      treasurySafe,
      roles,
      perp,
      pools,
      lpTokenIds: startingBook.lpTokenIds,
    })),
    aave: { ...aave, admin: manifestAccountEntry(indexes.aaveAdmin) },
    uniswapV4: {
      poolManager: v4.poolManager,
      positionManager: v4.positionManager,
      stateView: v4.stateView,
      v4Quoter: v4.v4Quoter,
      permit2: v4.permit2,
      poolSwapTest: v4.poolSwapTest,
      dynamicFeeHook: v4.dynamicFeeHook,
      positionManagerBlock: v4.positionManagerBlock,
      pools: {
        ethUsdc500: v4PoolEntry(v4Pools.ethUsdc500),
        usdcUsdt10: v4PoolEntry(v4Pools.usdcUsdt10),
        ethUsdcDynamic: v4PoolEntry(v4Pools.ethUsdcDynamic),
      },
      lpTokenIds: v4Book.tokenIds.map(String),
    },
  };
}

function v4PoolEntry(pool: DevnetV4Pool) {
  return {
    poolId: pool.poolId,
    ...pool.key,
    base: pool.base,
    quote: pool.quote,
    baseIsToken0: pool.baseIsToken0,
    baseDecimals: pool.baseDecimals,
    quoteDecimals: pool.quoteDecimals,
  };
}
