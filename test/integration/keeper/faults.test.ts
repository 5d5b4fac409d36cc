import { type ChildProcess, spawn } from "node:child_process";
import { describe, expect, it, onTestFinished } from "vitest";
import { jobIds } from "../../../keeper/job-ids.ts";
import { sealPlan } from "../../../keeper/plan-integrity.ts";
import type { TxRecord } from "../../../keeper/plan-store.ts";
import { LANE_PRIORITY } from "../../../keeper/queues.ts";
import { findExecutable } from "../../../src/runtime/find-executable.ts";
import { freeLoopbackPort } from "../../../src/runtime/free-port.ts";
import { pingRedis } from "../../../src/runtime/redis-server.ts";
import { perpSize, shortMorePlan, usdcToUsdtPlan } from "../../support/devnet-plans.ts";
import { plannedRecordOf } from "../../support/planned-record.ts";
import { waitFor } from "./keeper-harness.ts";
import { useKeeperTestbed } from "./keeper-testbed.ts";

// Exactly once under failure: a worker that dies after broadcasting, four workers on one stream of plans,
// an RPC node that goes down and comes back.
const bed = useKeeperTestbed("keeper-faults");
const { devnet, keeperFor, keeperNonce, queuePlan } = bed;

/** A private, persistence-free redis-server on a fixed port, so it can be stopped and started again (empty). */
async function privateRedis(port: number): Promise<{ url: string; stop(): Promise<void> }> {
  const executable = findExecutable("redis-server");
  if (executable === undefined) throw new Error("redis-server is not installed");
  const url = `redis://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    executable,
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: "ignore" },
  );
  await waitFor("redis-server answering", () => pingRedis(url, 200), 5_000, 25);
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGKILL");
      }),
  };
}

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
    bed.keepers.splice(bed.keepers.indexOf(doomed), 1);

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
    // Six books, one plan each: HedgeGuard admits a book's plans only in block order, and the workers may take
    // these in any order.
    const bookIds = [0, 1, 2, 3, 4, 5].map((i) => `stream-${i}`);
    const workers = [0, 1, 2, 3].map(() => keeperFor({ role: "worker", extraBookIds: bookIds }));
    const plans = [];
    for (const [i, bookId] of bookIds.entries())
      plans.push(await usdcToUsdtPlan(devnet(), bed.setup, BigInt(1_000 + i) * 10n ** 6n, bookId));
    const [first] = workers;
    for (const plan of plans) {
      await first!.plans.create(
        sealPlan(first!.ctx.planKey, plan),
        plannedRecordOf(plan, devnet().manifest.chainId),
      );
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

  it("replaces a transaction stuck below the base fee with a fee bump, mined once", async () => {
    const d = devnet();
    const nonceBefore = await keeperNonce();
    await d.testClient.setAutomine(false);
    onTestFinished(() => d.testClient.setAutomine(true));
    const keeper = keeperFor({ role: "worker" });
    const plan = await usdcToUsdtPlan(d, bed.setup, 2_000n * 10n ** 6n);
    await queuePlan(keeper, plan);
    await keeper.start();
    const first = await waitFor(
      "the first broadcast",
      async () => (await keeper.plans.record(plan.planId))?.txs[0],
    );
    // Blocks whose base fee is above what the first transaction pays: it stays pending, block after block.
    const stuckBaseFee = first.maxFeePerGas + 1n;
    const record = await waitFor(
      "the plan mined",
      async () => {
        await d.testClient.setNextBlockBaseFeePerGas({ baseFeePerGas: stuckBaseFee });
        await d.testClient.mine({ blocks: 1 });
        const r = await keeper.plans.record(plan.planId);
        return r?.status === "mined" ? r : undefined;
      },
      30_000,
      150,
    );
    expect(record.txs.length).toBeGreaterThanOrEqual(2);
    expect(new Set(record.txs.map((t) => t.nonce))).toEqual(new Set([first.nonce]));
    const replacement = record.txs[1]!;
    expect(replacement.kind).toBe("replacement");
    expect(replacement.maxFeePerGas * 100n).toBeGreaterThanOrEqual(first.maxFeePerGas * 110n);
    expect(replacement.maxPriorityFeePerGas * 100n).toBeGreaterThanOrEqual(first.maxPriorityFeePerGas * 110n);
    expect(record.minedTxHash).not.toBe(first.hash);
    const receipt = await d.publicClient.getTransactionReceipt({ hash: record.minedTxHash! });
    expect(receipt.status).toBe("success");
    await expect(d.publicClient.getTransactionReceipt({ hash: first.hash })).rejects.toThrow();
    expect((await keeperNonce()) - nonceBefore).toBe(1);
    expect((await keeper.health()).transactions.tx_replaced).toBeGreaterThanOrEqual(1);
  });

  it("replaces a transaction pending longer than its lane's replaceAfterSec, with no new block, by the lane's bump", async () => {
    const d = devnet();
    const nonceBefore = await keeperNonce();
    await d.testClient.setAutomine(false);
    onTestFinished(() => d.testClient.setAutomine(true));
    const lane = { replaceAfterSec: 1, feeBumpBps: 2_500 };
    const keeper = keeperFor({
      role: "worker",
      config: { stuckAfterBlocks: 1_000, lanes: { urgent: lane, routine: lane } },
    });
    const plan = await usdcToUsdtPlan(d, bed.setup, 2_000n * 10n ** 6n);
    await queuePlan(keeper, plan);
    await keeper.start();
    // No block is mined: only the lane's clock can call the transaction stuck.
    const replaced = await waitFor(
      "a time-based replacement",
      async () => {
        const r = await keeper.plans.record(plan.planId);
        return r !== undefined && r.txs.length >= 2 ? r : undefined;
      },
      20_000,
      100,
    );
    const [first, replacement] = replaced.txs as [TxRecord, TxRecord];
    expect(replacement.nonce).toBe(first.nonce);
    expect(replacement.maxFeePerGas * 100n).toBeGreaterThanOrEqual(first.maxFeePerGas * 125n);
    expect(replacement.signedAtMs - first.signedAtMs).toBeGreaterThanOrEqual(1_000);
    // The record is written before the broadcast: mine only once the node holds the replacement.
    await waitFor(
      "the replacement in the node's pool",
      () => d.publicClient.getTransaction({ hash: replacement.hash }).catch(() => null),
      10_000,
      50,
    );
    await d.testClient.mine({ blocks: 1 });
    const mined = await waitFor(
      "the plan mined",
      async () => {
        const r = await keeper.plans.record(plan.planId);
        if (r?.status !== "mined") await d.testClient.mine({ blocks: 1 });
        return r?.status === "mined" ? r : undefined;
      },
      20_000,
      150,
    );
    expect(mined.minedTxHash).not.toBe(first.hash);
    expect((await keeperNonce()) - nonceBefore).toBe(1);
  });

  it("loses no plan and executes none twice when Redis restarts empty mid-run", async () => {
    const d = devnet();
    const port = await freeLoopbackPort();
    let server = await privateRedis(port);
    onTestFinished(() => server.stop());
    const nonceBefore = await keeperNonce();
    const keeper = keeperFor({ role: "worker", redisUrl: server.url });
    await keeper.start();
    const first = await shortMorePlan(d, bed.setup, 10n ** 17n, "before-restart");
    await queuePlan(keeper, first);
    const firstMined = await waitFor("the first plan mined", async () => {
      const r = await keeper.plans.record(first.planId);
      return r?.status === "mined" ? r : undefined;
    });
    expect(await keeperNonce()).toBe(nonceBefore + 1);
    const sizeAfterFirst = await perpSize(d, bed.setup);

    // Redis goes away and comes back empty: plans, nonce ledger, queues, locks, all forgotten.
    await server.stop();
    await new Promise((resolve) => setTimeout(resolve, 300));
    server = await privateRedis(port);
    await waitFor(
      "the keeper reconnected",
      async () => (await keeper.ctx.ledger.next().catch(() => "down")) !== "down",
    );
    expect(await keeper.plans.record(first.planId)).toBeUndefined();

    // A monitor re-deciding from scratch may hand the keeper the very same plan again: the chain shows it executed
    // (HedgeGuard's PlanAdmitted), so its mined transaction is recorded again and nothing is signed. A fresh plan
    // (the work that must not be lost) is executed, with a nonce the keeper re-derives from the chain.
    const again = first;
    const fresh = await shortMorePlan(d, bed.setup, 10n ** 17n, "after-restart");
    await queuePlan(keeper, again);
    await queuePlan(keeper, fresh);
    const [againRecord, freshRecord] = await waitFor(
      "both plans settled",
      async () => {
        const records = await Promise.all([
          keeper.plans.record(again.planId),
          keeper.plans.record(fresh.planId),
        ]);
        return records.every((r) => r !== undefined && r.status !== "planned" && r.status !== "submitted")
          ? records
          : undefined;
      },
      30_000,
    );
    expect(againRecord?.status).toBe("mined");
    expect(againRecord?.txs.map((t) => t.hash)).toEqual([firstMined.minedTxHash]);
    expect(freshRecord?.status).toBe("mined");
    expect(freshRecord?.txs.map((t) => t.nonce)).toEqual([nonceBefore + 1]);
    expect(await keeperNonce()).toBe(nonceBefore + 2);
    expect(await perpSize(d, bed.setup)).toBe(sizeAfterFirst - 10n ** 17n);
  });
});
