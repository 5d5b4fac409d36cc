import { type Address, createWalletClient } from "viem";
import { deployHedgeGuard } from "../execution/deploy-treasury-contracts.ts";
import { type ExecutionTargets, executionTargetsOf } from "../execution/execution-targets.ts";
import { ensureMultiSendUnwrapper } from "../execution/multisend-unwrapper.ts";
import type { TreasuryScope } from "../execution/treasury-scope.ts";
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
  // Several de-peg swaps a day: a plan's USD cap (devnetBookParams: 250k) buys ~285k USDC at $0.8774.
  swapUsdPerDay: 1_000_000,
  collateralUsdPerDay: 500_000,
  callsPerHour: 20,
} as const;

/** The devnet treasury's scope: trade vETH, move USDC collateral, swap de-pegging stables into USDT. */
export function devnetTreasuryScope(
  manifest: DevnetManifest,
  deployed: { hedgeGuard: Address; multiSendUnwrapper: Address },
): TreasuryScope {
  const c = manifest.contracts;
  return {
    safe: c.treasurySafe,
    roles: c.roles,
    hedgeGuard: deployed.hedgeGuard,
    multiSendCallOnly: c.multiSendCallOnly,
    multiSendUnwrapper: deployed.multiSendUnwrapper,
    keeper: manifest.accounts.keeper.address,
    guardian: manifest.accounts.guardian.address,
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
      ],
    },
    caps: {
      perpBasePerDay: BigInt(DEVNET_KEEPER_CAPS.perpBaseEthPerDay) * 10n ** 18n,
      swapAmountInPerDay: {
        [c.usdc]: BigInt(DEVNET_KEEPER_CAPS.swapUsdPerDay) * 10n ** 6n,
        [c.dai]: BigInt(DEVNET_KEEPER_CAPS.swapUsdPerDay) * 10n ** 18n,
      },
      collateralPerDay: { [c.usdc]: BigInt(DEVNET_KEEPER_CAPS.collateralUsdPerDay) * 10n ** 6n },
      callsPerHour: DEVNET_KEEPER_CAPS.callsPerHour,
    },
  };
}

export interface DevnetKeeperSetup {
  scope: TreasuryScope;
  targets: ExecutionTargets;
}

/**
 * What a treasury does once to hire the keeper, on the devnet: deploy HedgeGuard (owned by the Safe), make
 * sure the MultiSend unwrapper exists, then have two of the three owners sign the setup batch (feed
 * heartbeats, approvals, both permission sets, both roles).
 */
export async function setUpDevnetKeeper(
  client: DevnetClient,
  manifest: DevnetManifest,
  options: { caps?: Partial<TreasuryScope["caps"]> } = {},
): Promise<DevnetKeeperSetup> {
  const deployer = devnetAccount(DEVNET_ACCOUNT_INDEXES.deployer);
  const wallet = createWalletClient({ account: deployer, chain: client.chain, transport: client.transport });
  const multiSendUnwrapper = await ensureMultiSendUnwrapper(client.publicClient, wallet);
  const hedgeGuard = await deployHedgeGuard(client.publicClient, wallet, {
    owner: manifest.contracts.treasurySafe,
    positionSource: manifest.contracts.perp.accountBalance,
  });
  const devnetScope = devnetTreasuryScope(manifest, { hedgeGuard, multiSendUnwrapper });
  const scope = { ...devnetScope, caps: { ...devnetScope.caps, ...options.caps } };
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
    label: "hire the keeper (guard heartbeats, approvals, permissions, roles)",
  });
  return { scope, targets: executionTargetsOf(scope) };
}
