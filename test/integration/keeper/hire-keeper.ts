// Hiring the keeper on the devnet with room for the keeper suites' many rebalances in one day: the devnet's
// own caps (DEVNET_KEEPER_CAPS) are sized for one rally's unwind and for the permission tests to exceed.
import type { DevnetClient } from "../../../src/devnet/devnet-client.ts";
import { type DevnetKeeperSetup, setUpDevnetKeeper } from "../../../src/devnet/devnet-keeper-setup.ts";
import type { DevnetManifest } from "../../../src/devnet/manifest.ts";

export const KEEPER_TEST_PERP_BASE_PER_DAY = 200n * 10n ** 18n;

export function hireKeeperForRebalances(
  client: DevnetClient,
  manifest: DevnetManifest,
): Promise<DevnetKeeperSetup> {
  return setUpDevnetKeeper(client, manifest, {
    caps: { perpBasePerDay: KEEPER_TEST_PERP_BASE_PER_DAY, callsPerHour: 100 },
  });
}
