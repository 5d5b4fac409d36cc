// The L2-shaped devnet: the same treasury, markets and book as the mainnet-shaped one (bootstrap.ts), on a chain
// with Arbitrum One's chain id, its tokens, feeds and WETH/USDC pool at Arbitrum's addresses, and Chainlink's L2
// sequencer uptime feed at its real address. Built by the same deploy-* modules with Arbitrum's address book; no
// Aave and no Uniswap v4 (the book there is the LP plus its perp hedge), which keeps the bootstrap short.
import { encodeFunctionData, type Hex, toHex } from "viem";
import { safeAbi } from "../chain/safe-transaction.ts";
import { DEVNET_ACCOUNT_INDEXES, devnetAccount, devnetAddress } from "./accounts.ts";
import {
  ARBITRUM_FEEDS,
  ARBITRUM_SEQUENCER_UPTIME_FEED,
  ARBITRUM_TOKENS,
  ARBITRUM_UNISWAP_V3,
} from "./arbitrum-addresses.ts";
import { loadArtifact } from "./artifacts.ts";
import { INITIAL_ANSWERS, PERP_FEED_TIMEOUT_SEC, PERP_MAX_TICK_CROSSED_WITHIN_BLOCK } from "./bootstrap.ts";
import { deployChainlinkFeeds, deployFeedAt, type FeedKey } from "./deploy-chainlink.ts";
import { deployMulticall3 } from "./deploy-multicall3.ts";
import { deployPerp } from "./deploy-perp.ts";
import { deployRolesModifier, deployRolesStack } from "./deploy-roles.ts";
import { createSafe, deploySafeStack } from "./deploy-safe.ts";
import { deployStablecoins } from "./deploy-tokens.ts";
import { deployUniswapV3 } from "./deploy-uniswap-v3.ts";
import { loadProjectArtifact } from "./devnet-artifacts.ts";
import type { DevnetClient } from "./devnet-client.ts";
import { submitFeedAnswer } from "./feed-answer.ts";
import type { DevnetManifest } from "./manifest.ts";
import { commonManifestSections } from "./manifest-sections.ts";
import {
  addPerpMakerLiquidity,
  approveAll,
  depositPerpCollateral,
  fundAccounts,
} from "./market-participants.ts";
import { addMakerLiquidity, createPools } from "./pools.ts";
import { buildStartingBook, STARTING_BOOK } from "./starting-book.ts";
import { deployDevnetContract, deployRuntimeAt, moveContract } from "./transactions.ts";
import { execSafeTransaction } from "./treasury-transaction.ts";

/**
 * Arbitrum's ArbSys precompile address. HedgeGuard reads the L2 block number there on Arbitrum chain ids; the devnet
 * has no precompiles, so DevnetArbSys (its block.number, the chain's own) is placed at it.
 */
const ARB_SYS = "0x0000000000000000000000000000000000000064";
/** Perp's vETH pool must age past its TWAP window before liquidity goes in (as in bootstrap.ts). */
const PERP_POOL_AGING_SEC = 3600;
/** The uptime feed's answers: Chainlink's encoding. */
export const SEQUENCER_UP = 0n;
export const SEQUENCER_DOWN = 1n;

/**
 * Deploys the L2 devnet on a fresh chain whose id is Arbitrum One's, in a fixed order so every address repeats.
 * Addresses that are not Arbitrum's are listed in the manifest's `l2.notReal`.
 */
export async function bootstrapL2Devnet(client: DevnetClient, rpcUrl: string): Promise<DevnetManifest> {
  const indexes = DEVNET_ACCOUNT_INDEXES;
  const deployer = devnetAddress(indexes.deployer);
  const maker = devnetAddress(indexes.maker);
  const trader = devnetAddress(indexes.trader);
  const owners = indexes.owners.map((index) => devnetAccount(index));
  const tokens = ARBITRUM_TOKENS;

  const multicall3 = await deployMulticall3(client, deployer);
  await deployRuntimeAt(
    client,
    deployer,
    { label: "DevnetArbSys", ...loadProjectArtifact("devnet/DevnetArbSys.sol", "DevnetArbSys") },
    ARB_SYS,
  );
  await deployArbitrumWeth(client, deployer);
  const uniswap = await deployUniswapV3(client, { weth: tokens.weth });
  const stablecoins = await deployStablecoins(client, deployer, deployer, tokens);
  const feeds = await deployChainlinkFeeds(client, deployer, INITIAL_ANSWERS, ARBITRUM_FEEDS);
  const sequencer = await deployFeedAt(
    client,
    deployer,
    { ...ARBITRUM_SEQUENCER_UPTIME_FEED, heartbeatSec: 86_400 },
    { decimals: 0, minSubmission: 0n, firstAnswer: SEQUENCER_UP },
  );

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
  await fundAccounts(
    client,
    deployer,
    {
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
    },
    tokens,
  );
  const tokenList = [stablecoins.usdc, stablecoins.usdt, stablecoins.dai, uniswap.weth];
  await approveAll(client, maker, tokenList, [uniswap.positionManager]);
  await approveAll(client, maker, [stablecoins.usdc], [perp.vault]);
  await approveAll(client, trader, tokenList, [uniswap.swapRouter]);
  await approveAll(client, trader, [stablecoins.usdc], [perp.vault]);

  const pools = await createPools(client, deployer, uniswap, tokens);
  if (pools.usdcWeth500.address !== ARBITRUM_UNISWAP_V3.wethUsdc500Pool) {
    throw new Error(
      `WETH/USDC 0.05% landed at ${pools.usdcWeth500.address}, not at Arbitrum's ${ARBITRUM_UNISWAP_V3.wethUsdc500Pool}`,
    );
  }
  await addMakerLiquidity(client, maker, uniswap.positionManager, pools);
  await depositPerpCollateral(client, perp, maker, 20_000_000, stablecoins.usdc);
  await depositPerpCollateral(client, perp, trader, 50_000_000, stablecoins.usdc);

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
    tokens,
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
    l2: {
      shape: "arbitrum-one",
      sequencerUptimeFeed: {
        address: sequencer.proxy,
        aggregator: sequencer.aggregator,
        description: sequencer.description,
      },
      notReal: {
        weth: "Arbitrum's WETH is an upgradeable aeWETH proxy: WETH9's code and its name/symbol/decimals slots are placed at its address instead (same ERC-20 and deposit/withdraw behaviour)",
        usdc: "DevnetERC20 (6 decimals) at native USDC's address, not Circle's FiatToken proxy",
        usdt: "DevnetERC20 at USDT0's address",
        dai: "DevnetERC20 at DAI's address",
        feeds:
          "AccessControlledAggregator (FluxAggregator) behind an EACAggregatorProxy at each real proxy address; Arbitrum's feeds run OCR aggregators",
        sequencerUptimeFeed:
          "a FluxAggregator posting 0/1 on each status change behind the proxy at the real address; Arbitrum's is ArbitrumSequencerUptimeFeed, updated by L1 messages from ArbitrumValidator",
        daiUsdc100:
          "no such Arbitrum pool is named: the address is wherever the factory puts DAI/USDC 0.01% with these tokens",
        usdcUsdt100: "as daiUsdc100",
        perp: "Perpetual Protocol v2 ran on Optimism, not Arbitrum: its contracts are at the devnet deployer's addresses",
        treasurySafe:
          "the devnet's own Safe (canonical Safe 1.4.1 singleton and factory; the proxy depends on the owners)",
      },
    },
  };
}

/**
 * WETH9 at Arbitrum's WETH address: built at a scratch address, then its code and the constructor-written slots
 * (name 0, symbol 1, decimals 2) moved there. Arbitrum's own aeWETH deployer and proxy cannot be replayed.
 */
async function deployArbitrumWeth(client: DevnetClient, deployer: `0x${string}`): Promise<void> {
  const scratch = await deployDevnetContract(client, deployer, {
    label: "WETH9 (scratch)",
    ...loadArtifact("@uniswap/v2-periphery/build/WETH9.json"),
  });
  const slots: Hex[] = [0, 1, 2].map((slot) => toHex(slot, { size: 32 }));
  await moveContract(client, scratch, ARBITRUM_TOKENS.weth, slots);
}
