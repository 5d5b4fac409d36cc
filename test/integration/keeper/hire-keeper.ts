// Hiring the keeper on the devnet with caps a whole rebalance fits in. The devnet's own caps
// (DEVNET_KEEPER_CAPS, 5 ETH of perp a day) are sized for the permission tests to exceed; the eth-rally
// rebalance closes a 60 ETH short, so the keeper tests hire it with a daily perp allowance that holds it.
import { createWalletClient } from "viem";
import { DEVNET_ACCOUNT_INDEXES, devnetAccount } from "../../../src/devnet/accounts.ts";
import type { DevnetClient } from "../../../src/devnet/devnet-client.ts";
import {
  type DevnetKeeperSetup,
  devnetTreasuryScope,
  executionTargetsFor,
} from "../../../src/devnet/devnet-keeper-setup.ts";
import type { DevnetManifest } from "../../../src/devnet/manifest.ts";
import { execSafeTransaction } from "../../../src/devnet/treasury-transaction.ts";
import { deployHedgeGuard } from "../../../src/execution/deploy-treasury-contracts.ts";
import { ensureMultiSendUnwrapper } from "../../../src/execution/multisend-unwrapper.ts";
import { asSafeBatch, treasurySetupTransactions } from "../../../src/execution/treasury-setup.ts";

export const KEEPER_TEST_PERP_BASE_PER_DAY = 200n * 10n ** 18n;

export async function hireKeeperForRebalances(
  client: DevnetClient,
  manifest: DevnetManifest,
): Promise<DevnetKeeperSetup> {
  const deployer = devnetAccount(DEVNET_ACCOUNT_INDEXES.deployer);
  const wallet = createWalletClient({ account: deployer, chain: client.chain, transport: client.transport });
  const multiSendUnwrapper = await ensureMultiSendUnwrapper(client.publicClient, wallet);
  const hedgeGuard = await deployHedgeGuard(client.publicClient, wallet, {
    owner: manifest.contracts.treasurySafe,
    positionSource: manifest.contracts.perp.accountBalance,
  });
  const devnetScope = devnetTreasuryScope(manifest, { hedgeGuard, multiSendUnwrapper });
  const scope = {
    ...devnetScope,
    caps: { ...devnetScope.caps, perpBasePerDay: KEEPER_TEST_PERP_BASE_PER_DAY, callsPerHour: 100 },
  };
  const txs = treasurySetupTransactions({
    scope,
    enableRolesModule: false,
    feeds: Object.values(manifest.feeds).map((feed) => ({
      address: feed.address,
      heartbeatSec: feed.heartbeatSec,
    })),
  });
  const [first, second] = DEVNET_ACCOUNT_INDEXES.owners;
  await execSafeTransaction(client, scope.safe, [devnetAccount(first), devnetAccount(second)], {
    ...asSafeBatch(scope, txs),
    label: "hire the keeper with rebalance-sized caps",
  });
  return { scope, targets: executionTargetsFor(scope, manifest) };
}
