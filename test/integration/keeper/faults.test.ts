import type { Hex } from "viem";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { jobIds } from "../../../keeper/job-ids.ts";
import type { Keeper } from "../../../keeper/keeper.ts";
import { LANE_PRIORITY } from "../../../keeper/queues.ts";
import type { DevnetKeeperSetup } from "../../../src/devnet/devnet-keeper-setup.ts";
import { useDevnet } from "../../support/devnet.ts";
import { usdcToUsdtPlan } from "../../support/devnet-plans.ts";
import {
  type FaultInjectingRpcProxy,
  startFaultInjectingRpcProxy,
} from "../../support/fault-injecting-rpc-proxy.ts";
import { isolatedRedis } from "../../support/redis-prefix.ts";
import { hireKeeperForRebalances } from "./hire-keeper.ts";
import { keeperAddress, produceBlocks, testKeeper, waitFor } from "./keeper-harness.ts";

// Exactly once under failure: a worker that dies after broadcasting, four workers on one stream of plans,
// an RPC node that goes down and comes back.
const devnet = useDevnet();
let setup: DevnetKeeperSetup;
let hired: Hex;
let proxy: FaultInjectingRpcProxy;
let redis: ReturnType<typeof isolatedRedis>;
const keepers: Keeper[] = [];

beforeAll(async () => {
  const d = devnet();
  setup = await hireKeeperForRebalances(d.client, d.manifest);
  hired = await d.snapshot();
  proxy = await startFaultInjectingRpcProxy({ request: (args) => d.publicClient.request(args as never) });
}, 120_000);
afterAll(async () => {
  await proxy?.stop();
});
beforeEach(async () => {
  await devnet().revert(hired);
  hired = await devnet().snapshot();
  proxy.setFaults({});
  redis = isolatedRedis("keeper-faults");
});
afterEach(async () => {
  await Promise.all(keepers.splice(0).map((k) => k.stop(2_000)));
  await redis.cleanup();
});

const keeperFor = (options: Partial<Parameters<typeof testKeeper>[0]> = {}) => {
  const keeper = testKeeper({
    devnet: devnet(),
    setup,
    rpcUrl: proxy.url,
    redisUrl: process.env.REDIS_URL!,
    prefix: redis.prefix,
    ...options,
  });
  keepers.push(keeper);
  return keeper;
};
const keeperNonce = () => devnet().publicClient.getTransactionCount({ address: keeperAddress() });

describe("the keeper under failure", () => {
  it("sends no second transaction when a worker dies after broadcasting and another takes over", async () => {
    await devnet().runScenario("eth-rally");
    const nonceBefore = await keeperNonce();
    let broadcast: { planId: string; txHash: string } | undefined;
    const doomed = keeperFor({
      hooks: {
        afterBroadcast: (planId, txHash) => {
          broadcast ??= { planId, txHash };
          return new Promise(() => {}); // the process dies here: the job never returns
        },
      },
    });
    await doomed.start();
    await waitFor("a broadcast", async () => broadcast);
    await doomed.kill();
    keepers.splice(keepers.indexOf(doomed), 1);

    const successor = keeperFor({ role: "worker" });
    await successor.start();
    const record = await waitFor(
      "the plan confirmed by the successor",
      async () => {
        const r = await successor.plans.record(broadcast!.planId);
        return r?.status === "mined" ? r : undefined;
      },
      30_000,
    );
    expect(record.txs.map((t) => t.hash)).toEqual([broadcast!.txHash]);
    expect(record.minedTxHash).toBe(broadcast!.txHash);
    expect((await keeperNonce()) - nonceBefore).toBe(1);
  });

  it("sends each plan exactly once with four workers on one stream of plans", async () => {
    const nonceBefore = await keeperNonce();
    const workers = [0, 1, 2, 3].map(() => keeperFor({ role: "worker" }));
    const plans = [];
    for (let i = 0; i < 6; i += 1)
      plans.push(await usdcToUsdtPlan(devnet(), setup, BigInt(1_000 + i) * 10n ** 6n));
    const [first] = workers;
    for (const plan of plans) {
      await first!.plans.create(plan, {
        planId: plan.planId,
        chainId: devnet().manifest.chainId,
        bookId: plan.bookId,
        mode: "execute",
        lane: plan.lane,
        status: "planned",
        blockNumber: plan.blockNumber,
        createdAtMs: Date.now(),
        updatedAtMs: Date.now(),
        txs: [],
        timings: {},
      });
    }
    // Every worker's process enqueues every plan (as several monitors would): one job per plan id survives.
    for (const worker of workers) {
      for (const plan of plans) {
        await worker.queues.submit.add(
          "submit",
          { v: 1, chainId: devnet().manifest.chainId, planId: plan.planId },
          { jobId: jobIds.submit(devnet().manifest.chainId, plan.planId), priority: LANE_PRIORITY.routine },
        );
      }
    }
    await Promise.all(workers.map((w) => w.start()));
    const records = await waitFor(
      "every plan mined",
      async () => {
        const all = await first!.plans.list();
        return all.length === plans.length && all.every((r) => r.status === "mined") ? all : undefined;
      },
      40_000,
    );
    expect(records.every((r) => r.txs.length === 1)).toBe(true);
    expect(new Set(records.map((r) => r.txs[0]!.nonce)).size).toBe(plans.length);
    expect((await keeperNonce()) - nonceBefore).toBe(plans.length);
  });

  // Open: an unhandled ChainError (eth_getTransactionCount while the proxy is down) escapes somewhere on start.
  it.skip("resumes when the RPC node comes back after being down", async () => {
    await devnet().runScenario("eth-rally");
    const nonceBefore = await keeperNonce();
    proxy.setFaults({ down: true });
    const keeper = keeperFor();
    await keeper.start();
    const blocks = produceBlocks(devnet());
    try {
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(await keeper.plans.list()).toEqual([]);
      proxy.setFaults({});
      const mined = await waitFor(
        "a mined plan after the node came back",
        async () => (await keeper.plans.list()).find((r) => r.status === "mined"),
        30_000,
      );
      expect(mined.txs).toHaveLength(1);
      expect(await keeperNonce()).toBeGreaterThan(nonceBefore);
    } finally {
      blocks.stop();
    }
  });
});
