// The keeper suites' common bed: a devnet with the keeper hired for rebalances (one bootstrap per file; useDevnet
// reverts each test's changes, so every test starts from the hired chain), a fault-injecting HTTP front to it, isolated Redis keys per test, and keepers that are
// always stopped afterwards. Call once at the top of a test file.
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import { jobIds } from "../../../keeper/job-ids.ts";
import type { Keeper } from "../../../keeper/keeper.ts";
import { sealPlan } from "../../../keeper/plan-integrity.ts";
import type { TxRecord } from "../../../keeper/plan-store.ts";
import { LANE_PRIORITY } from "../../../keeper/queues.ts";
import type { DevnetKeeperSetup } from "../../../src/devnet/devnet-keeper-setup.ts";
import type { Devnet } from "../../../src/devnet/index.ts";
import type { Plan } from "../../../src/engine/plan.ts";
import { useDevnet } from "../../support/devnet.ts";
import {
  type FaultInjectingRpcProxy,
  startFaultInjectingRpcProxy,
} from "../../support/fault-injecting-rpc-proxy.ts";
import { isolatedRedis } from "../../support/redis-prefix.ts";
import { hireKeeperForRebalances } from "./hire-keeper.ts";
import { keeperAddress, testKeeper } from "./keeper-harness.ts";

export interface KeeperTestbed {
  devnet(): Devnet;
  readonly setup: DevnetKeeperSetup;
  readonly proxy: FaultInjectingRpcProxy;
  readonly redis: ReturnType<typeof isolatedRedis>;
  /** Keepers made by `keeperFor`, stopped after each test. */
  readonly keepers: Keeper[];
  /** A keeper on the proxy and this test's Redis prefix (not started). */
  keeperFor(options?: Partial<Parameters<typeof testKeeper>[0]>): Keeper;
  keeperNonce(): Promise<number>;
  /** Store a hand-built plan as the evaluate job would (with transactions already sent, if given). */
  storePlan(keeper: Keeper, plan: Plan, txs?: TxRecord[]): Promise<void>;
  /** Store a plan and queue its submit job in its lane. */
  queuePlan(keeper: Keeper, plan: Plan): Promise<void>;
}

export function useKeeperTestbed(label: string): KeeperTestbed {
  const devnet = useDevnet();
  const keepers: Keeper[] = [];
  let setup: DevnetKeeperSetup | undefined;
  let proxy: FaultInjectingRpcProxy | undefined;
  let redis: ReturnType<typeof isolatedRedis> | undefined;

  beforeAll(async () => {
    const d = devnet();
    setup = await hireKeeperForRebalances(d.client, d.manifest);
    proxy = await startFaultInjectingRpcProxy({ request: (args) => d.publicClient.request(args as never) });
  }, 120_000);
  afterAll(async () => {
    await proxy?.stop();
  });
  beforeEach(async () => {
    proxy!.setFaults({});
    redis = isolatedRedis(label);
  });
  afterEach(async () => {
    await Promise.all(keepers.splice(0).map((k) => k.stop(2_000)));
    await redis?.cleanup();
  });

  const bed: KeeperTestbed = {
    devnet,
    get setup() {
      return setup!;
    },
    get proxy() {
      return proxy!;
    },
    get redis() {
      return redis!;
    },
    keepers,
    keeperFor(options = {}) {
      const keeper = testKeeper({
        devnet: devnet(),
        setup: setup!,
        rpcUrl: proxy!.url,
        redisUrl: process.env.REDIS_URL!,
        prefix: redis!.prefix,
        ...options,
      });
      keepers.push(keeper);
      return keeper;
    },
    keeperNonce: () => devnet().publicClient.getTransactionCount({ address: keeperAddress() }),
    async storePlan(keeper, plan, txs = []) {
      await keeper.plans.create(sealPlan(keeper.ctx.planKey, plan), {
        planId: plan.planId,
        chainId: devnet().manifest.chainId,
        bookId: plan.bookId,
        mode: "execute",
        lane: plan.lane,
        status: txs.length > 0 ? "submitted" : "planned",
        blockNumber: plan.blockNumber,
        createdAtMs: Date.now(),
        updatedAtMs: Date.now(),
        txs,
        timings: { decidedAtMs: Date.now() },
      });
    },
    async queuePlan(keeper, plan) {
      const chainId = devnet().manifest.chainId;
      await bed.storePlan(keeper, plan);
      await keeper.queues.submit.add(
        "submit",
        { v: 1, chainId, planId: plan.planId },
        { jobId: jobIds.submit(chainId, plan.planId), priority: LANE_PRIORITY[plan.lane] },
      );
    },
  };
  return bed;
}
