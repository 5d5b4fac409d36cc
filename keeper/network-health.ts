// One keeper health over several networks' keepers, for the supervisor's API (GET /api/keeper, the dashboard's
// keeper panel): the stalest heartbeat stands for all (the API flags the keeper when any network's stopped), and
// every queue, signer, component and oracle is named by its network so none hides another.
import type { KeeperHealth } from "../src/metrics/metrics.ts";

export function mergedKeeperHealth(
  reported: readonly { network: string; health: KeeperHealth }[],
): KeeperHealth {
  const beats = reported.map((r) => r.health.heartbeatAtSec);
  const named = <T>(record: Readonly<Record<string, T>> | undefined, network: string) =>
    Object.entries(record ?? {}).map(([key, value]) => [`${network}/${key}`, value] as const);
  return {
    heartbeatAtSec: beats.some((beat) => beat === null) ? null : Math.min(...(beats as number[])),
    queues: reported.flatMap(({ network, health }) =>
      (health.queues ?? []).map((q) => ({ ...q, name: `${network}/${q.name}` })),
    ),
    signers: reported.flatMap(({ network, health }) =>
      (health.signers ?? []).map((s) => ({ ...s, address: `${network}/${s.address}` })),
    ),
    lastSuccessAtSec: Object.fromEntries(
      reported.flatMap((r) => named(r.health.lastSuccessAtSec, r.network)),
    ),
    oracleAgeSec: Object.fromEntries(reported.flatMap((r) => named(r.health.oracleAgeSec, r.network))),
  };
}
