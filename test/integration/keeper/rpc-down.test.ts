import type { Hex } from "viem";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Keeper } from "../../../keeper/keeper.ts";
import type { DevnetKeeperSetup } from "../../../src/devnet/devnet-keeper-setup.ts";
import { useDevnet } from "../../support/devnet.ts";
import {
  type FaultInjectingRpcProxy,
  startFaultInjectingRpcProxy,
} from "../../support/fault-injecting-rpc-proxy.ts";
import { isolatedRedis } from "../../support/redis-prefix.ts";
import { hireKeeperForRebalances } from "./hire-keeper.ts";
import { keeperAddress, produceBlocks, testKeeper, waitFor } from "./keeper-harness.ts";

// An RPC node down at the keeper's start, then back: nothing escapes as an unhandled rejection, and the
// pipeline resumes. Its own file, so its devnet is fresh: after an earlier test in the same file ran eth-rally
// (even with no keeper and no Redis, then reverted by snapshot), this test's eth-rally plans fail simulation
// ("a venue call or the post-state check fails"); chain state survives evm_revert somewhere. Root cause open.
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
  redis = isolatedRedis("keeper-rpc-down");
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

describe("the keeper with its RPC node down", () => {
  // The node is down at start: start() resolves, the start-up repair (eth_getTransactionCount) is retried in
  // the background (vitest fails the run on any unhandled rejection), and the senders start when it answers.
  it("resumes when the RPC node comes back after being down", async () => {
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
