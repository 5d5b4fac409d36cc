import { afterAll, beforeAll, expect, it, onTestFinished } from "vitest";
import { redisKeyPrefix } from "../../../keeper/config.ts";
import type { Plan } from "../../../src/engine/plan.ts";
import { freeLoopbackPort } from "../../../src/runtime/free-port.ts";
import { pingRedisTopology, type RedisTopology } from "../../../src/runtime/redis-connection.ts";
import { usdcToUsdtPlan } from "../../support/devnet-plans.ts";
import { type RedisProcess, type RedisServers, startRedisServers } from "../../support/redis-servers.ts";
import { BOOK_ID, produceBlocks, waitFor } from "./keeper-harness.ts";
import { useKeeperTestbed } from "./keeper-testbed.ts";
import { minedTransactionsPerPlan } from "./plans-on-chain.ts";

// Redis Cluster on real servers: three primaries (`redis-server --cluster-enabled yes`, joined by `redis-cli --cluster
// create`). The keeper runs on it unchanged: its queues' Lua scripts, the plan store's MULTI and MGET, the signer lock
// and the nonce ledger each touch several keys, which a cluster accepts only within one slot; the configured prefix
// as a hash tag puts every key of the deployment in one.
const bed = useKeeperTestbed("redis-cluster");
let servers: RedisServers;
let nodes: RedisProcess[];

beforeAll(async () => {
  servers = startRedisServers("cluster");
  nodes = await Promise.all([0, 1, 2].map(() => servers.clusterNode()));
  await servers.createCluster(nodes);
}, 60_000);
afterAll(async () => {
  await servers?.stopAll();
});

it("monitors and sends each plan exactly once on a three-primary cluster, every key of the keeper in one slot", async () => {
  const d = bed.devnet();
  // Three primaries, each serving a third of the slots: keys without a common tag would spread over all of them.
  const info = (await nodes[0]!.direct().cluster("INFO")) as string;
  expect(info).toContain("cluster_size:3");
  const topology: RedisTopology = { cluster: { nodes: nodes.map((n) => `127.0.0.1:${n.port}`) } };
  // What `run` and `check` ask first: the cluster answers through its startup nodes; a closed port does not.
  expect(await pingRedisTopology(topology, 2_000)).toBe(true);
  expect(
    await pingRedisTopology({ cluster: { nodes: [`127.0.0.1:${await freeLoopbackPort()}`] } }, 500),
  ).toBe(false);
  const prefix = redisKeyPrefix(bed.redis.prefix);
  const fromBlock = await d.publicClient.getBlockNumber({ cacheTime: 0 });
  const nonceBefore = await bed.keeperNonce();

  // A monitor in shadow mode scans and evaluates (the scheduler, the checkpoint, the evaluate queue) ...
  const monitor = bed.keeperFor({ role: "monitor", mode: "shadow", redis: topology, prefix });
  await monitor.start();
  const blocks = produceBlocks(d, 200);
  onTestFinished(() => blocks.stop());
  await waitFor(
    "an evaluation through the cluster",
    async () => monitor.ctx.bookState.lastEvaluation(BOOK_ID),
    30_000,
    100,
  );

  // ... and a worker sends a stream of plans.
  const bookIds = ["cluster-1", "cluster-2", "cluster-3"];
  const worker = bed.keeperFor({ role: "worker", redis: topology, prefix, extraBookIds: bookIds });
  const plans: Plan[] = [];
  for (const [i, bookId] of bookIds.entries())
    plans.push(await usdcToUsdtPlan(d, bed.setup, BigInt(1_000 + i) * 10n ** 6n, bookId));
  for (const plan of plans) await bed.queuePlan(worker, plan);
  await worker.start();
  const records = await waitFor(
    "every plan mined",
    async () => {
      const all = await Promise.all(plans.map((p) => worker.plans.record(p.planId)));
      return all.every((r) => r?.status === "mined") ? all.map((r) => r!) : undefined;
    },
    40_000,
  );
  expect(records.every((r) => r.txs.length === 1)).toBe(true);
  const planIds = plans.map((p) => p.planId);
  expect(await minedTransactionsPerPlan(d, bed.setup.scope.hedgeGuard, planIds, fromBlock)).toEqual(
    Object.fromEntries(planIds.map((id) => [id, 1])),
  );
  expect(records.map((r) => r.txs[0]!.nonce).sort((a, b) => a - b)).toEqual([
    nonceBefore,
    nonceBefore + 1,
    nonceBefore + 2,
  ]);
  expect(await bed.keeperNonce()).toBe(nonceBefore + plans.length);

  // Every key the keeper wrote sits on the one node serving its tag's slot.
  const keysPerNode = await Promise.all(nodes.map(async (n) => (await n.direct().keys(`${prefix}*`)).length));
  expect(keysPerNode.filter((count) => count > 0)).toHaveLength(1);
  const tagSlot = await nodes[0]!.direct().cluster("KEYSLOT", prefix);
  const holder = nodes[keysPerNode.findIndex((count) => count > 0)]!;
  const sample = await holder.direct().keys(`${prefix}*`);
  for (const key of sample.slice(0, 20)) expect(await holder.direct().cluster("KEYSLOT", key)).toBe(tagSlot);
}, 120_000);
