import { type Address, createWalletClient } from "viem";
import { DEFAULT_SEQUENCER_GRACE_PERIOD_SEC } from "../config/schema.ts";
import {
  deployHedgeBounds,
  deployHedgeGuard,
  deployV4WithdrawalBounds,
} from "../execution/deploy-treasury-contracts.ts";
import { type ExecutionTargets, executionTargetsOf } from "../execution/execution-targets.ts";
import { ensureMultiSendUnwrapper } from "../execution/multisend-unwrapper.ts";
import type { PriceSource, TreasuryScope } from "../execution/treasury-scope.ts";
import { asSafeBatch, treasurySetupTransactions } from "../execution/treasury-setup.ts";
import { DEVNET_ACCOUNT_INDEXES, devnetAccount } from "./accounts.ts";
import type { DevnetClient } from "./devnet-client.ts";
import type { DevnetManifest } from "./manifest.ts";
import { execSafeTransaction } from "./treasury-transaction.ts";

/**
 * The devnet treasury's keeper caps: the perp cap allows unwinding the whole 60 ETH short and re-hedging in a day,
 * and no more (an eth-rally rebalance needs the first); the adversarial tests exceed it.
 */
export const DEVNET_KEEPER_CAPS = {
  perpBaseEthPerDay: 150,
  // Several de-peg swaps a day: a plan's USD cap (the devnet book's maxSwapUsd: 250k) buys ~285k USDC at $0.8774.
  swapUsdPerDay: 1_000_000,
  collateralUsdPerDay: 500_000,
  callsPerHour: 20,
  // Ceilings: the starting 60 ETH short may grow to 200 ETH; the vault may hold up to 2M USDC (it starts near 1M).
  perpMaxAbsEth: 200,
  collateralMaxUsdc: 2_000_000,
  refillPeriodSec: 3_600,
  // The Aave leg: up to 150 WETH borrowed (~$450k) and 1M USDC of collateral moved a day, and the borrowed WETH sold
  // for USDC (or bought back) within the swap cap.
  aaveBorrowEthPerDay: 150,
  aaveCollateralUsdcPerDay: 1_000_000,
  swapEthPerDay: 150,
} as const;

/**
 * The devnet treasury's on-chain price bounds. The keeper's own slippage (devnet book: perp 100 bps, de-peg swaps
 * 50 bps) plus the plan's oracle band (100 bps: the feed may move that much between plan and block) must fit
 * inside them, or the keeper's own plans would be refused.
 */
export const DEVNET_KEEPER_BOUNDS = {
  perpSlippageBps: 200,
  swapSlippageBps: 150,
  lpPriceBandBps: 200,
} as const;

/**
 * Every token the devnet's bounds price, in the order the devnet config lists its feeds (ETH/USD, USDC/USD,
 * DAI/USD, USDT/USD), then the perp's vETH by ETH/USD.
 */
export function devnetPriceSources(manifest: DevnetManifest): PriceSource[] {
  const { contracts: c, feeds } = manifest;
  const source = (token: Address, feed: DevnetManifest["feeds"]["ethUsd"], tokenDecimals: number) => ({
    token,
    feed: feed.address,
    heartbeatSec: feed.heartbeatSec,
    feedDecimals: feed.decimals,
    tokenDecimals,
  });
  return [
    source(c.weth, feeds.ethUsd, 18),
    source(c.usdc, feeds.usdcUsd, 6),
    source(c.dai, feeds.daiUsd, 18),
    source(c.usdt, feeds.usdtUsd, 6),
    source(c.perp.baseToken, feeds.ethUsd, 18),
  ];
}

/**
 * The devnet treasury's scope: trade vETH, move USDC collateral, swap de-pegging stables into USDT; on Aave v3 (when
 * the devnet has it) supply USDC, borrow WETH and swap it against USDC, with a deleverager that may only repay.
 */
export function devnetTreasuryScope(
  manifest: DevnetManifest,
  deployed: {
    hedgeGuard: Address;
    hedgeBounds: Address;
    multiSendUnwrapper: Address;
    /** With it (and v4 on the devnet), the keeper may withdraw the Safe's v4 positions to the Safe. */
    v4WithdrawalBounds?: Address;
  },
  treasury: DevnetTreasuryAccounts = devnetTreasuryAccounts(manifest, "devnet"),
): TreasuryScope {
  const c = manifest.contracts;
  const v4 = manifest.uniswapV4;
  return {
    safe: treasury.safe,
    roles: treasury.roles,
    hedgeGuard: deployed.hedgeGuard,
    multiSendCallOnly: c.multiSendCallOnly,
    multiSendUnwrapper: deployed.multiSendUnwrapper,
    keeper: manifest.accounts.keeper.address,
    guardian: manifest.accounts.guardian.address,
    ...(manifest.aave === undefined ? {} : { deleverager: devnetDeleverager() }),
    perp: {
      clearingHouse: c.perp.clearingHouse,
      vault: c.perp.vault,
      baseTokens: [c.perp.baseToken],
      collateralTokens: [c.usdc],
    },
    uniswap: {
      swapRouter: c.swapRouter,
      positionManager: c.positionManager,
      swapPairs: [
        { tokenIn: c.usdc, tokenOut: c.usdt, fee: 100 },
        { tokenIn: c.dai, tokenOut: c.usdc, fee: 100 },
        ...(manifest.aave === undefined
          ? []
          : [
              { tokenIn: c.weth, tokenOut: c.usdc, fee: 500 },
              { tokenIn: c.usdc, tokenOut: c.weth, fee: 500 },
            ]),
      ],
    },
    ...(manifest.aave === undefined
      ? {}
      : {
          aave: {
            pool: manifest.aave.pool,
            collateralAssets: [c.usdc],
            borrowAssets: [c.weth],
            borrowPerDay: { [c.weth]: BigInt(DEVNET_KEEPER_CAPS.aaveBorrowEthPerDay) * 10n ** 18n },
            collateralPerDay: { [c.usdc]: BigInt(DEVNET_KEEPER_CAPS.aaveCollateralUsdcPerDay) * 10n ** 6n },
          },
        }),
    ...(v4 === undefined || deployed.v4WithdrawalBounds === undefined
      ? {}
      : {
          uniswapV4: {
            positionManager: v4.positionManager,
            withdrawalBounds: deployed.v4WithdrawalBounds,
            maxDeadlineSec: DEVNET_V4_WITHDRAWAL_MAX_DEADLINE_SEC,
          },
        }),
    bounds: {
      hedgeBounds: deployed.hedgeBounds,
      ...DEVNET_KEEPER_BOUNDS,
      priceSources: devnetPriceSources(manifest),
    },
    caps: {
      perpBasePerDay: BigInt(DEVNET_KEEPER_CAPS.perpBaseEthPerDay) * 10n ** 18n,
      perpMaxAbsBaseUnits: DEVNET_KEEPER_CAPS.perpMaxAbsEth,
      swapAmountInPerDay: {
        [c.usdc]: BigInt(DEVNET_KEEPER_CAPS.swapUsdPerDay) * 10n ** 6n,
        [c.dai]: BigInt(DEVNET_KEEPER_CAPS.swapUsdPerDay) * 10n ** 18n,
        ...(manifest.aave === undefined
          ? {}
          : { [c.weth]: BigInt(DEVNET_KEEPER_CAPS.swapEthPerDay) * 10n ** 18n }),
      },
      collateralPerDay: { [c.usdc]: BigInt(DEVNET_KEEPER_CAPS.collateralUsdPerDay) * 10n ** 6n },
      collateralMaxTokens: { [c.usdc]: DEVNET_KEEPER_CAPS.collateralMaxUsdc },
      callsPerHour: DEVNET_KEEPER_CAPS.callsPerHour,
      refillPeriodSec: DEVNET_KEEPER_CAPS.refillPeriodSec,
    },
  };
}

/** Which of the devnet's treasuries: the first (LP + perp book), or the Aave treasury (aave-treasury.ts). */
export type DevnetTreasuryName = "devnet" | "aave";

export interface DevnetTreasuryAccounts {
  safe: Address;
  roles: Address;
}

/** The Safe and Roles modifier of one of the devnet's treasuries; fails when the manifest has no such treasury. */
export function devnetTreasuryAccounts(
  manifest: DevnetManifest,
  name: DevnetTreasuryName,
): DevnetTreasuryAccounts {
  if (name === "devnet") return { safe: manifest.contracts.treasurySafe, roles: manifest.contracts.roles };
  if (manifest.aaveTreasury === undefined)
    throw new Error("the devnet manifest has no aaveTreasury: start the devnet with `aaveTreasury`");
  return manifest.aaveTreasury;
}

/** The devnet treasury's deleverager (a test-mnemonic key: public, devnet only). */
export function devnetDeleverager(): Address {
  return devnetAccount(DEVNET_ACCOUNT_INDEXES.deleverager).address;
}

/** How far ahead a v4 withdrawal's deadline may be (the keeper's plans carry theirs a few minutes ahead). */
export const DEVNET_V4_WITHDRAWAL_MAX_DEADLINE_SEC = 3_600;

export interface DevnetKeeperSetup {
  scope: TreasuryScope;
  targets: ExecutionTargets;
}

/** The contracts hiring deployed, as the devnet configuration names them (devnetConfig's `deployed`). */
export function deployedOf(scope: TreasuryScope): {
  hedgeGuard: Address;
  hedgeBounds: Address;
  v4WithdrawalBounds?: Address;
} {
  return {
    hedgeGuard: scope.hedgeGuard,
    hedgeBounds: scope.bounds.hedgeBounds,
    ...(scope.uniswapV4 && { v4WithdrawalBounds: scope.uniswapV4.withdrawalBounds }),
  };
}

/**
 * What a treasury does once to hire the keeper, on the devnet: deploy HedgeGuard and HedgeBounds (owned by the
 * Safe), make sure the MultiSend unwrapper exists, then have two of the three owners sign the setup batch (feed
 * heartbeats, price sources, approvals, both permission sets, both roles). When the devnet has Uniswap v4, the keeper
 * may also withdraw the Safe's v4 positions to the Safe (V4WithdrawalBounds deployed and named by the scope), as the
 * devnet configuration's `permissions.uniswapV4Withdrawals` describes; `uniswapV4Withdrawals: false` hires without.
 */
export async function setUpDevnetKeeper(
  client: DevnetClient,
  manifest: DevnetManifest,
  options: {
    caps?: Partial<TreasuryScope["caps"]>;
    uniswapV4Withdrawals?: boolean;
    /** Which treasury hires the keeper (default: the first, "devnet"). */
    treasury?: DevnetTreasuryName;
    /** On an L2 devnet: HedgeGuard's sequencer grace period, the config's (default: the schema's, 3600 s). */
    sequencerGracePeriodSec?: number;
  } = {},
): Promise<DevnetKeeperSetup> {
  const treasury = devnetTreasuryAccounts(manifest, options.treasury ?? "devnet");
  const deployer = devnetAccount(DEVNET_ACCOUNT_INDEXES.deployer);
  const wallet = createWalletClient({ account: deployer, chain: client.chain, transport: client.transport });
  const multiSendUnwrapper = await ensureMultiSendUnwrapper(client.publicClient, wallet);
  // On the L2 devnet the guard checks the sequencer uptime feed too, with the grace period its config gets.
  const uptime = manifest.l2?.sequencerUptimeFeed;
  const hedgeGuard = await deployHedgeGuard(client.publicClient, wallet, {
    owner: treasury.safe,
    positionSource: manifest.contracts.perp.accountBalance,
    sequencerUptimeFeed: uptime && {
      address: uptime.address,
      gracePeriodSec: options.sequencerGracePeriodSec ?? DEFAULT_SEQUENCER_GRACE_PERIOD_SEC,
    },
  });
  const hedgeBounds = await deployHedgeBounds(client.publicClient, wallet, {
    owner: treasury.safe,
    treasury: treasury.safe,
    positionSource: manifest.contracts.perp.accountBalance,
  });
  const v4 = manifest.uniswapV4;
  if (options.uniswapV4Withdrawals === true && v4 === undefined) {
    throw new Error("the devnet manifest has no uniswapV4 section: v4 withdrawals cannot be scoped");
  }
  const v4WithdrawalBounds =
    // Only the first treasury holds v4 positions; the Aave treasury's scope has no v4 withdrawal.
    options.uniswapV4Withdrawals !== false && v4 !== undefined && (options.treasury ?? "devnet") === "devnet"
      ? await deployV4WithdrawalBounds(client.publicClient, wallet, {
          treasury: treasury.safe,
          positionManager: v4.positionManager,
        })
      : undefined;
  const devnetScope = devnetTreasuryScope(
    manifest,
    { hedgeGuard, hedgeBounds, multiSendUnwrapper, ...(v4WithdrawalBounds && { v4WithdrawalBounds }) },
    treasury,
  );
  const scope: TreasuryScope = { ...devnetScope, caps: { ...devnetScope.caps, ...options.caps } };
  const txs = treasurySetupTransactions({
    scope,
    enableRolesModule: false,
    feeds: Object.values(manifest.feeds).map((feed) => ({
      address: feed.address,
      heartbeatSec: feed.heartbeatSec,
    })),
  });
  const batch = asSafeBatch(scope, txs);
  const [first, second] = DEVNET_ACCOUNT_INDEXES.owners;
  await execSafeTransaction(client, scope.safe, [devnetAccount(first), devnetAccount(second)], {
    ...batch,
    label: "hire the keeper (guard heartbeats, price sources, approvals, permissions, roles)",
  });
  return { scope, targets: executionTargetsOf(scope) };
}
