import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toHex } from "viem";
import { afterEach, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { redisKeyPrefix } from "../../../keeper/config.ts";
import { TEST_HALT_ENV, TEST_HALT_MARKER } from "../../../keeper/test-instrumentation.ts";
import { renderDevnetConfig } from "../../../src/cli/config-templates.ts";
import { devnetAccount } from "../../../src/devnet/accounts.ts";
import { DEVNET_BOOK_ID } from "../../../src/devnet/devnet-config.ts";
import { deployedOf } from "../../../src/devnet/devnet-keeper-setup.ts";
import { usdcToUsdtPlan } from "../../support/devnet-plans.ts";
import { postgresForTests } from "../../support/postgres.ts";
import { startScript } from "../../support/run-script.ts";
import { waitFor } from "./keeper-harness.ts";
import { useKeeperTestbed } from "./keeper-testbed.ts";
import { minedTransactionsPerPlan } from "./plans-on-chain.ts";

// Horizontal workers: three `hedgekeeper run --role worker` processes share one stream of plans through the queues.
// One is SIGKILLed in the middle of a submit (its transaction signed and recorded, not yet broadcast: the test
// instrumentation halts it exactly there); the survivors finish its plan with the same signed bytes. On chain: every
// plan mined by exactly one transaction, the signer's nonces contiguous.
const bed = useKeeperTestbed("worker-processes");
// The workers' history on the PostgreSQL server, in a schema of this file (the URL's search_path): embedded PGlite
// is one process's database.
const postgres = await postgresForTests();
const processes: ReturnType<typeof startScript>[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const p of processes.splice(0)) if (p.child.exitCode === null) p.child.kill("SIGKILL");
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const STREAM_BOOKS = [0, 1, 2, 3, 4, 5].map((i) => `stream-${i}`);

/** The devnet configuration as `hedgekeeper init` writes it, with the stream's books, run the tests' way. */
function workerConfigTree() {
  const d = bed.devnet();
  const tree = parseDocument(
    renderDevnetConfig(d.manifest, {
      rpcUrl: bed.proxy.url,
      redisUrl: process.env.REDIS_URL!,
      ...deployedOf(bed.setup.scope),
    }),
  ).toJS();
  tree.redis.keyPrefix = bed.redis.prefix;
  // HedgeGuard admits a book's plans in block order only: the stream's plans, taken in any order, are one per book.
  for (const bookId of STREAM_BOOKS) tree.books[bookId] = structuredClone(tree.books[DEVNET_BOOK_ID]);
  tree.networks.devnet.fees = { maxFeePerGasGwei: 500, maxPriorityFeePerGasGwei: 2 };
  const lane = { replaceAfterSec: 86_400, feeBumpBps: 1_000 };
  tree.lanes = { urgent: lane, routine: lane };
  tree.keeper = { confirmPollMs: 50, stuckAfterBlocks: 50, lockDurationMs: 2_000, stalledIntervalMs: 1_000 };
  tree.metrics.port = 0;
  tree.api.port = 0;
  return tree;
}

describe.skipIf(postgres.url === undefined)(`worker processes ${postgres.skipReason ?? ""}`, () => {
  it("mines every plan exactly once with three worker processes when one is SIGKILLed mid-submit", async () => {
    const d = bed.devnet();
    const dir = mkdtempSync(join(tmpdir(), "hk-workers-"));
    dirs.push(dir);
    const schema = postgres.freshSchema("workers");
    await postgres.query(`CREATE SCHEMA ${schema}`);
    const historyUrl = `${postgres.url}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    const tree = workerConfigTree();
    tree.history = { databaseUrl: "${HK_HISTORY_URL}" };
    const configPath = join(dir, "hedgekeeper.yaml");
    writeFileSync(configPath, JSON.stringify(tree));

    // The stream: one plan per book, stored and queued as the monitor would, before any worker runs.
    const helper = bed.keeperFor({
      role: "worker",
      prefix: redisKeyPrefix(bed.redis.prefix),
      extraBookIds: STREAM_BOOKS,
    });
    const fromBlock = await d.publicClient.getBlockNumber({ cacheTime: 0 });
    const plans = [];
    for (const [i, bookId] of STREAM_BOOKS.entries())
      plans.push(await usdcToUsdtPlan(d, bed.setup, BigInt(1_000 + i) * 10n ** 6n, bookId));
    for (const plan of plans) await bed.queuePlan(helper, plan);
    const nonceBefore = await bed.keeperNonce();

    const key = toHex(devnetAccount(1).getHdKey().privateKey!);
    const worker = (env: Record<string, string> = {}) => {
      const started = startScript("hedgekeeper", ["run", "--role", "worker", "--config", configPath], {
        HK_KEEPER_PRIVATE_KEY: key,
        HK_HISTORY_URL: historyUrl,
        ...env,
      });
      processes.push(started);
      return started;
    };
    const output = () => processes.map((p, i) => `── worker ${i}\n${p.output()}`).join("\n");

    // The doomed worker starts alone, so it is the one that takes the first plan, and halts after signing it.
    const doomed = worker({ [TEST_HALT_ENV]: "1" });
    const halt = await waitFor(
      "the doomed worker halted mid-submit",
      async () =>
        new RegExp(`${TEST_HALT_MARKER} plan=(0x[0-9a-f]{64}) tx=(0x[0-9a-f]{64})`).exec(doomed.output()),
      30_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${output()}`);
    });
    const [, haltedPlanId, haltedTxHash] = halt as unknown as [string, `0x${string}`, `0x${string}`];
    // Mid-submit, precisely: the plan's transaction is signed and recorded, and the node has never seen it.
    const recorded = await helper.plans.record(haltedPlanId);
    expect(recorded?.txs.map((t) => t.hash)).toEqual([haltedTxHash]);
    await expect(d.publicClient.getTransaction({ hash: haltedTxHash })).rejects.toThrow();

    // Two more workers join (their start-up repair may already re-send the held bytes), then the doomed one dies.
    const survivors = [worker(), worker()];
    await waitFor(
      "both survivors running",
      async () => survivors.every((s) => s.output().includes("hedgekeeper worker running")),
      30_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${output()}`);
    });

    doomed.child.kill("SIGKILL");
    await doomed.exited;

    const records = await waitFor(
      "every plan mined",
      async () => {
        const all = await helper.plans.list();
        return all.length === plans.length && all.every((r) => r.status === "mined") ? all : undefined;
      },
      40_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${output()}`);
    });

    // The killed worker's plan went out with the bytes it had signed: re-sent, never re-signed.
    const halted = records.find((r) => r.planId === haltedPlanId)!;
    expect(halted.txs.map((t) => t.hash)).toEqual([haltedTxHash]);
    expect(halted.minedTxHash).toBe(haltedTxHash);
    // No plan lost (one record per queued plan), each with one transaction; the chain agrees: one per plan.
    expect(records.map((r) => r.planId).sort()).toEqual(plans.map((p) => p.planId).sort());
    expect(records.every((r) => r.txs.length === 1)).toBe(true);
    const perPlan = await minedTransactionsPerPlan(
      d,
      bed.setup.scope.hedgeGuard,
      plans.map((p) => p.planId),
      fromBlock,
    );
    expect(Object.values(perPlan)).toEqual(plans.map(() => 1));
    // No nonce gap: the plans hold the next six nonces, and the chain's count moved by six.
    expect(records.map((r) => r.txs[0]!.nonce).sort((a, b) => a - b)).toEqual(
      plans.map((_, i) => nonceBefore + i),
    );
    expect(await bed.keeperNonce()).toBe(nonceBefore + plans.length);
  }, 120_000);
});
