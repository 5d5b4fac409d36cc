import { afterAll, beforeAll, expect, it } from "vitest";
import { redisKeyPrefix } from "../../../keeper/config.ts";
import { pingRedisTopology, type RedisTopology } from "../../../src/runtime/redis-connection.ts";
import { usdcToUsdtPlan } from "../../support/devnet-plans.ts";
import {
  type RedisProcess,
  type RedisServers,
  type ReplicationLink,
  startRedisServers,
} from "../../support/redis-servers.ts";
import { waitFor } from "./keeper-harness.ts";
import { useKeeperTestbed } from "./keeper-testbed.ts";
import { minedTransactionsPerPlan } from "./plans-on-chain.ts";

// Redis Sentinel on real servers: a primary, a replica and three sentinels. The primary dies mid-run with writes its
// replica never received (the replication stream cut meanwhile: Redis replicates asynchronously, and this is what a
// failover can lose). The keeper follows the promotion through the sentinels; the plans whose mined transactions the new
// primary forgot are restored from the chain (HedgeGuard's PlanAdmitted), never signed again.
const bed = useKeeperTestbed("redis-sentinel");
const MASTER = "hedgekeeper";
let servers: RedisServers;
let primary: RedisProcess;
let replica: RedisProcess;
let link: ReplicationLink;
let sentinels: RedisProcess[];

beforeAll(async () => {
  servers = startRedisServers("sentinel");
  primary = await servers.server();
  // The replica replicates through a hop the test can cut; the sentinels leave that detour alone for the suite's
  // length (a replica following another address is repointed only after the failover timeout).
  link = await servers.replicationLink(primary.port);
  replica = await servers.server({ replicaOf: link.port });
  sentinels = await Promise.all(
    [0, 1, 2].map(() =>
      servers.sentinel({
        masterName: MASTER,
        primaryPort: primary.port,
        downAfterMs: 1_000,
        failoverTimeoutMs: 300_000,
      }),
    ),
  );
  // Ready to fail over: each sentinel sees the replica and its two peers (a quorum and a majority to elect a leader).
  await waitFor(
    "the sentinels ready to fail over",
    async () => {
      for (const s of sentinels) {
        const replicas = (await s.direct().call("SENTINEL", "REPLICAS", MASTER)) as unknown[];
        const peers = (await s.direct().call("SENTINEL", "SENTINELS", MASTER)) as unknown[];
        if (replicas.length !== 1 || peers.length !== 2) return false;
      }
      return true;
    },
    20_000,
    100,
  );
}, 60_000);
afterAll(async () => {
  await servers?.stopAll();
});

it("survives a failover that lost its mined plans' writes: restored from the chain, none sent twice, none lost", async () => {
  const d = bed.devnet();
  const topology: RedisTopology = {
    sentinels: { masterName: MASTER, nodes: sentinels.map((s) => `127.0.0.1:${s.port}`) },
  };
  // What `run` and `check` ask first: the sentinels name a primary that answers; a wrong master name does not.
  expect(await pingRedisTopology(topology, 2_000)).toBe(true);
  expect(
    await pingRedisTopology(
      { sentinels: { masterName: "no-such-primary", nodes: topology.sentinels!.nodes } },
      500,
    ),
  ).toBe(false);
  const prefix = redisKeyPrefix(bed.redis.prefix);
  const keeperOn = () =>
    bed.keeperFor({ role: "worker", redis: topology, prefix, extraBookIds: ["ha-1", "ha-2"] });
  const fromBlock = await d.publicClient.getBlockNumber({ cacheTime: 0 });
  const nonceBefore = await bed.keeperNonce();

  // Two plans stored and queued through the sentinels, and on the replica too (WAIT: acknowledged by one replica).
  const queuer = keeperOn();
  const inFlight = [
    await usdcToUsdtPlan(d, bed.setup, 1_000n * 10n ** 6n, "ha-1"),
    await usdcToUsdtPlan(d, bed.setup, 1_100n * 10n ** 6n, "ha-2"),
  ];
  for (const plan of inFlight) await bed.queuePlan(queuer, plan);
  expect(await primary.direct().wait(1, 5_000)).toBe(1);

  // Replication stops; the keeper mines both plans, and what it writes from here on reaches the primary only.
  link.cut();
  const keeper = keeperOn();
  await keeper.start();
  const minedBefore = await waitFor(
    "both plans mined, as the primary records it",
    async () => {
      const records = await Promise.all(inFlight.map((p) => keeper.plans.record(p.planId)));
      return records.every((r) => r?.status === "mined") ? records.map((r) => r!) : undefined;
    },
    30_000,
  );
  expect(
    Object.values(
      await minedTransactionsPerPlan(
        d,
        bed.setup.scope.hedgeGuard,
        inFlight.map((p) => p.planId),
        fromBlock,
      ),
    ),
  ).toEqual([1, 1]);

  // What the failover will lose, read on the replica before it is promoted (once it is, the running keeper may
  // already be restoring the records on it): the plans as queued, no transaction recorded.
  const lost = await Promise.all(
    inFlight.map((p) => replica.direct().get(`${prefix}:plan-record:${p.planId}`)),
  );
  for (const text of lost) {
    expect(text).not.toBeNull();
    expect(JSON.parse(text!)).toMatchObject({ status: "planned", txs: [] });
  }

  // The primary dies with those writes, and the sentinels promote the replica.
  await primary.kill();
  await waitFor(
    "the replica promoted",
    async () => {
      const [, port] = (await sentinels[0]!
        .direct()
        .call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER)) as string[];
      return Number(port) === replica.port;
    },
    30_000,
    100,
  );
  // The keeper, through the sentinels, on the new primary: each plan's mined transaction found on chain and recorded.
  const restored = await waitFor(
    "both plans mined again in the new primary's records",
    async () => {
      const records = await Promise.all(inFlight.map((p) => keeper.plans.record(p.planId)));
      return records.every((r) => r?.status === "mined") ? records.map((r) => r!) : undefined;
    },
    40_000,
  );
  expect(restored.map((r) => r.minedTxHash)).toEqual(minedBefore.map((r) => r.minedTxHash));
  expect(restored.map((r) => r.txs.map((t) => t.hash))).toEqual(
    minedBefore.map((r) => r.txs.map((t) => t.hash)),
  );

  // Positive control: the keeper writes to the new primary and sends a new plan as usual.
  const after = await usdcToUsdtPlan(d, bed.setup, 1_200n * 10n ** 6n);
  await bed.queuePlan(keeper, after);
  const afterRecord = await waitFor("the plan queued after the failover mined", async () => {
    const r = await keeper.plans.record(after.planId);
    return r?.status === "mined" ? r : undefined;
  });
  expect(afterRecord.txs).toHaveLength(1);

  // On chain: one transaction per plan, three in all, nonces without a gap.
  const planIds = [...inFlight, after].map((p) => p.planId);
  expect(await minedTransactionsPerPlan(d, bed.setup.scope.hedgeGuard, planIds, fromBlock)).toEqual(
    Object.fromEntries(planIds.map((id) => [id, 1])),
  );
  expect(await bed.keeperNonce()).toBe(nonceBefore + 3);
  const nonces = [...restored, afterRecord].map((r) => r.txs[0]!.nonce).sort((a, b) => a - b);
  expect(nonces).toEqual([nonceBefore, nonceBefore + 1, nonceBefore + 2]);
}, 120_000);
