import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toHex } from "viem";
import { afterEach, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { redisKeyPrefix } from "../../../keeper/config.ts";
import { renderDevnetConfig } from "../../../src/cli/config-templates.ts";
import { devnetAccount } from "../../../src/devnet/accounts.ts";
import { deployedOf } from "../../../src/devnet/devnet-keeper-setup.ts";
import { openHistoryStore } from "../../../src/store/open-history-store.ts";
import { usdcToUsdtPlan } from "../../support/devnet-plans.ts";
import { waitFor } from "./keeper-harness.ts";
import { useKeeperTestbed } from "./keeper-testbed.ts";

// SIGTERM to `node keeper/main.ts <config>` while its transaction is in flight: the process stops taking jobs, hands
// the one in flight back and exits cleanly within its grace period; another keeper finishes the plan, once.
const bed = useKeeperTestbed("keeper-sigterm");
afterEach(async () => {
  await bed.devnet().testClient.setAutomine(true);
});

it("exits cleanly on SIGTERM with a job in flight, and the job is finished by another keeper exactly once", async () => {
  const d = bed.devnet();
  const { setup, proxy, redis } = bed;
  const dir = mkdtempSync(join(tmpdir(), "hk-sigterm-"));
  // The devnet's configuration as `hedgekeeper init` writes it, run the tests' way: this test's Redis prefix and
  // history, fast confirmation polls, short job locks, no replacement while the transaction waits.
  const tree = parseDocument(
    renderDevnetConfig(d.manifest, {
      rpcUrl: proxy.url,
      redisUrl: process.env.REDIS_URL!,
      ...deployedOf(setup.scope),
    }),
  ).toJS();
  tree.redis.keyPrefix = redis.prefix;
  tree.networks.devnet.fees = { maxFeePerGasGwei: 500, maxPriorityFeePerGasGwei: 2 };
  const lane = { replaceAfterSec: 86_400, feeBumpBps: 1_000 };
  tree.lanes = { urgent: lane, routine: lane };
  tree.keeper = { confirmPollMs: 50, stuckAfterBlocks: 50, lockDurationMs: 2_000, stalledIntervalMs: 1_000 };
  tree.metrics.port = 0;
  tree.history = { dataDir: join(dir, "history") };
  const configPath = join(dir, "hedgekeeper.yaml");
  writeFileSync(configPath, JSON.stringify(tree));
  // The history exists already, as a restarted keeper finds it: the child opens it (fast) instead of creating the
  // embedded database (seconds of initdb), so the wait below measures the keeper, not PGlite's first start.
  await (await openHistoryStore({ dataDir: tree.history.dataDir })).close();
  // The plan is queued before the process starts; automine off keeps its transaction pending (confirm in flight).
  // The child keeps its keys under the configured prefix as a hash tag: the helper reads the same keys.
  const helper = bed.keeperFor({ role: "worker", prefix: redisKeyPrefix(redis.prefix) });
  const plan = await usdcToUsdtPlan(d, setup, 3_000n * 10n ** 6n);
  await bed.queuePlan(helper, plan);
  const nonceBefore = await bed.keeperNonce();
  await d.testClient.setAutomine(false);

  const key = toHex(devnetAccount(1).getHdKey().privateKey!);
  const child = spawn(process.execPath, ["keeper/main.ts", configPath, "worker"], {
    env: { ...process.env, HK_KEEPER_PRIVATE_KEY: key },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const sent = await waitFor(
    "the child's broadcast",
    async () => (await helper.plans.record(plan.planId))?.txs[0],
    20_000,
  ).catch((error: Error) => {
    child.kill("SIGKILL");
    throw new Error(`${error.message}\n${output}`);
  });

  const signalledAt = Date.now();
  child.kill("SIGTERM");
  const exit = await Promise.race([
    exited,
    new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 12_000)),
  ]);
  if (exit === "timeout") child.kill("SIGKILL");
  expect(exit, output).not.toBe("timeout");
  const { code, signal } = exit as { code: number | null; signal: NodeJS.Signals | null };
  expect(code === 0 || code === 143 || signal === "SIGTERM", output).toBe(true);
  expect(Date.now() - signalledAt).toBeLessThan(12_000);
  expect(output).toContain("keeper stopped");

  // The job was handed back, not lost: another keeper confirms the same transaction, nothing is re-signed.
  expect((await helper.plans.record(plan.planId))?.status).toBe("submitted");
  await helper.start();
  await d.testClient.mine({ blocks: 1 });
  const record = await waitFor("the plan mined", async () => {
    const r = await helper.plans.record(plan.planId);
    return r?.status === "mined" ? r : undefined;
  });
  expect(record.txs.map((t) => t.hash)).toEqual([sent.hash]);
  expect(await bed.keeperNonce()).toBe(nonceBefore + 1);
}, 60_000);
