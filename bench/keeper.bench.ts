// `npm run bench:keeper`: the keeper's two performance targets, on this machine.
// (a) `evaluate` jobs through BullMQ: a real engine evaluation (evaluateBook + decide, through the keeper's
//     processEvaluate with its Redis reads and writes) on a fixed snapshot of the devnet book, measured as jobs
//     completed per second, against the same evaluation called directly in a loop.
// (b) On a real `hardhat node` (automine), decision → mined transaction: median and p95 over hand-built plans
//     recorded as the evaluate job records them, with the breakdown by stage from the plan's timings.
// Writes bench/results/keeper.json.
import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { type Job, Worker } from "bullmq";
import { Redis } from "ioredis";
import { pino } from "pino";
import { keeperConfigOf } from "../keeper/config.ts";
import type { BookReader, KeeperBook } from "../keeper/context.ts";
import { processEvaluate } from "../keeper/evaluate-job.ts";
import { jobIds } from "../keeper/job-ids.ts";
import { createKeeper } from "../keeper/keeper.ts";
import type { EvaluatePayload } from "../keeper/payloads.ts";
import { takeUpPlan } from "../keeper/plan-lifecycle.ts";
import type { PlanRecord } from "../keeper/plan-store.ts";
import { QUEUE_NAMES } from "../keeper/queues.ts";
import { createChainClient } from "../src/chain/client.ts";
import { bookParamsFromConfig, bookSourcesFromConfig } from "../src/config/adapters.ts";
import { DEVNET_ACCOUNT_INDEXES, devnetPrivateKey } from "../src/devnet/accounts.ts";
import { DEVNET_BOOK_ID, devnetConfig } from "../src/devnet/devnet-config.ts";
import { setUpDevnetKeeper } from "../src/devnet/devnet-keeper-setup.ts";
import { startDevnet } from "../src/devnet/index.ts";
import { evaluateBook } from "../src/engine/book-metrics.ts";
import { decide } from "../src/engine/decide.ts";
import { createBookIndexer } from "../src/indexers/book-indexer.ts";
import { createMemorySampleStore } from "../src/indexers/sample-store.ts";
import { wallClock } from "../src/runtime/clock.ts";
import { freeLoopbackPort } from "../src/runtime/free-port.ts";
import { ensureRedis } from "../src/runtime/redis-server.ts";
import { usdcToUsdtPlan } from "../test/support/devnet-plans.ts";
import { percentile } from "./percentile.ts";

const BOOK_ID = DEVNET_BOOK_ID;
const EVALUATE_JOBS = 5_000;
const EVALUATE_CONCURRENCY = 64;
const DIRECT_RUNS = 5_000;
const LATENCY_PLANS = 12;

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

const redisHandle = await ensureRedis({ configuredUrl: process.env.REDIS_URL });
const devnet = await startDevnet({ port: await freeLoopbackPort() });
const shutdown = new AbortController();
const logger = pino({ level: process.env.LOG_LEVEL ?? "silent" });
try {
  const manifest = devnet.manifest;
  const setup = await setUpDevnetKeeper(devnet.client, manifest);
  const client = createChainClient({
    chainId: manifest.chainId,
    rpcUrls: [devnet.rpcUrl],
    pollingIntervalMs: 50,
  });
  // The devnet's book, policy and keeper options from its configuration, as `hedgekeeper run` derives them.
  const configured = devnetConfig(manifest, { rpcUrl: devnet.rpcUrl, redisUrl: redisHandle.url });
  const params = bookParamsFromConfig(configured, BOOK_ID);
  const sources = bookSourcesFromConfig(configured, BOOK_ID);
  const common = (prefix: string) => ({
    config: {
      ...keeperConfigOf(configured, { network: "devnet", bookIds: [BOOK_ID] }),
      redisPrefix: prefix,
      scanEveryMs: 100,
      scanJobEveryMs: 1_000,
      confirmPollMs: 20,
      fees: { maxFeePerGasGwei: 200, maxPriorityFeePerGasGwei: 2 },
    },
    logger,
    clock: wallClock,
    shutdown: { signal: shutdown.signal },
  });

  // ---- (a) evaluate throughput --------------------------------------------------------------------------
  const head = await client.getBlockNumber({ cacheTime: 0 });
  const { snapshot: fixed } = await createBookIndexer(client, sources).snapshotAt(head, {
    keeper: { hedgeTriggered: false, lastPlanAtSec: null },
    samples: [],
  });
  const fixedReader: BookReader = { snapshotAt: async () => ({ snapshot: fixed }) };
  const nowSec = fixed.blockTimestampSec;

  // The same engine work, called directly.
  for (let i = 0; i < 200; i += 1) decide(fixed, params, nowSec); // warm-up
  let started = performance.now();
  let decisionKind = "";
  for (let i = 0; i < DIRECT_RUNS; i += 1) {
    evaluateBook(fixed, params, nowSec);
    decisionKind = decide(fixed, params, nowSec).kind;
  }
  const directMs = performance.now() - started;
  const directPerSec = (DIRECT_RUNS / directMs) * 1000;

  const evalPrefix = `hk-bench-eval-${Date.now()}`;
  const evalKeeper = createKeeper({
    common: common(evalPrefix),
    redis: { url: redisHandle.url },
    client,
    signerPrivateKey: devnetPrivateKey(DEVNET_ACCOUNT_INDEXES.keeper),
    books: [{ bookId: BOOK_ID, params, targets: setup.targets, reader: fixedReader }],
    role: "monitor",
    samples: createMemorySampleStore({ maxPerBook: 1_000 }),
  });
  // The keeper's own job body, without BullMQ, sequentially (Redis round trips included).
  started = performance.now();
  const SEQUENTIAL = 1_000;
  for (let i = 0; i < SEQUENTIAL; i += 1) {
    const data: EvaluatePayload = {
      v: 1,
      chainId: manifest.chainId,
      bookId: BOOK_ID,
      blockNumber: String(i),
    };
    await processEvaluate(evalKeeper.ctx, { data } as Job);
  }
  const sequentialPerSec = (SEQUENTIAL / (performance.now() - started)) * 1000;

  const jobs = Array.from({ length: EVALUATE_JOBS }, (_, i) => {
    const blockNumber = BigInt(1_000_000 + i);
    const data: EvaluatePayload = {
      v: 1,
      chainId: manifest.chainId,
      bookId: BOOK_ID,
      blockNumber: blockNumber.toString(),
    };
    return {
      name: "evaluate",
      data,
      opts: { jobId: jobIds.evaluate(manifest.chainId, BOOK_ID, blockNumber), removeOnComplete: true },
    };
  });
  for (let i = 0; i < jobs.length; i += 1_000)
    await evalKeeper.queues.evaluate.addBulk(jobs.slice(i, i + 1_000));
  let completed = 0;
  let failed = 0;
  let firstDoneAt = 0;
  let resolveAllDone = () => {};
  const allDone = new Promise<void>((resolve) => {
    resolveAllDone = resolve;
  });
  const workerRedis = new Redis(redisHandle.url, { maxRetriesPerRequest: null });
  const worker = new Worker(QUEUE_NAMES.evaluate, (job) => processEvaluate(evalKeeper.ctx, job), {
    connection: workerRedis,
    prefix: evalPrefix,
    concurrency: EVALUATE_CONCURRENCY,
    autorun: false,
  });
  const onDone = () => {
    if (completed + failed === 1) firstDoneAt = performance.now();
    if (completed + failed === EVALUATE_JOBS) resolveAllDone();
  };
  worker.on("completed", () => {
    completed += 1;
    onDone();
  });
  worker.on("failed", () => {
    failed += 1;
    onDone();
  });
  started = performance.now();
  void worker.run();
  await allDone;
  const bullMs = performance.now() - started;
  await worker.close();
  workerRedis.disconnect();
  const bullPerSec = (completed / bullMs) * 1000;
  await evalKeeper.stop(1_000);

  const throughput = {
    jobs: EVALUATE_JOBS,
    completed,
    failed,
    workerConcurrency: EVALUATE_CONCURRENCY,
    decision: decisionKind,
    bullmqJobsPerSec: round(bullPerSec),
    firstJobAfterMs: round(firstDoneAt - started),
    sequentialProcessEvaluatePerSec: round(sequentialPerSec),
    directEngineEvaluationsPerSec: round(directPerSec),
    directEngineMsPerEvaluation: round(directMs / DIRECT_RUNS, 4),
    bullmqOverheadRatio: round(directPerSec / bullPerSec, 2),
    target: 1_000,
    meetsTarget: bullPerSec >= 1_000,
  };
  console.log("\n(a) evaluate jobs through BullMQ (fixed devnet snapshot, real evaluateBook + decide)");
  console.log(`  direct engine loop:             ${throughput.directEngineEvaluationsPerSec} evaluations/s`);
  console.log(`  processEvaluate, sequential:    ${throughput.sequentialProcessEvaluatePerSec} jobs/s`);
  console.log(
    `  BullMQ worker (concurrency ${EVALUATE_CONCURRENCY}):  ${throughput.bullmqJobsPerSec} jobs/s (${completed} completed, ${failed} failed) — target ≥ 1,000: ${throughput.meetsTarget ? "met" : "NOT met"}`,
  );
  console.log(`  direct / BullMQ ratio:          ${throughput.bullmqOverheadRatio}×`);

  // ---- (b) decision → mined latency ---------------------------------------------------------------------
  const latPrefix = `hk-bench-latency-${Date.now()}`;
  const keeper = createKeeper({
    common: common(latPrefix),
    redis: { url: redisHandle.url },
    client,
    signerPrivateKey: devnetPrivateKey(DEVNET_ACCOUNT_INDEXES.keeper),
    books: [{ bookId: BOOK_ID, params, targets: setup.targets, reader: createBookIndexer(client, sources) }],
    role: "worker",
  });
  await keeper.start();
  const book = keeper.ctx.books.get(BOOK_ID) as KeeperBook;
  const records: PlanRecord[] = [];
  for (let i = 0; i < LATENCY_PLANS + 1; i += 1) {
    const plan = await usdcToUsdtPlan(devnet, setup, BigInt(1_000 + i) * 10n ** 6n);
    await takeUpPlan(keeper.ctx, book, plan, Date.now());
    const deadline = Date.now() + 15_000;
    for (;;) {
      const record = await keeper.plans.record(plan.planId);
      if (record && record.status !== "planned" && record.status !== "submitted") {
        if (record.status !== "mined")
          throw new Error(`plan ${plan.planId} ended ${record.status}: ${record.reason}`);
        if (i > 0) records.push(record); // the first is a warm-up (connections, caches)
        break;
      }
      if (Date.now() > deadline) throw new Error(`plan ${plan.planId} not mined in 15 s`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }
  await keeper.stop(2_000);

  const stage = (r: PlanRecord, from: keyof PlanRecord["timings"], to: keyof PlanRecord["timings"]) =>
    (r.timings[to] ?? Number.NaN) - (r.timings[from] ?? Number.NaN);
  const stages = {
    "decide→submit start (queue pickup)": records.map((r) => stage(r, "decidedAtMs", "submitStartedAtMs")),
    "simulate (head, nonces, eth_call, estimateGas)": records.map((r) =>
      stage(r, "submitStartedAtMs", "simulatedAtMs"),
    ),
    "nonce + fees + sign + persist": records.map((r) => stage(r, "simulatedAtMs", "signedAtMs")),
    "send → mined (automine returns on inclusion)": records.map((r) =>
      stage(r, "signedAtMs", "broadcastAtMs"),
    ),
    "confirm (receipt seen by the confirm job)": records.map((r) =>
      stage(r, "broadcastAtMs", "minedSeenAtMs"),
    ),
  };
  const total = records.map((r) => stage(r, "decidedAtMs", "minedSeenAtMs"));
  const toMined = records.map((r) => stage(r, "decidedAtMs", "broadcastAtMs"));
  const rows = [
    ...Object.entries(stages).map(([name, values]) => ({
      stage: name,
      medianMs: round(percentile(values, 0.5)),
      p95Ms: round(percentile(values, 0.95)),
    })),
    {
      stage: "decision → mined",
      medianMs: round(percentile(toMined, 0.5)),
      p95Ms: round(percentile(toMined, 0.95)),
    },
    {
      stage: "decision → mined and confirmed",
      medianMs: round(percentile(total, 0.5)),
      p95Ms: round(percentile(total, 0.95)),
    },
  ];
  console.log(`\n(b) decision → mined transaction on a hardhat node (automine), ${records.length} plans`);
  console.log(`  ${"stage".padEnd(50)} ${"median ms".padStart(10)} ${"p95 ms".padStart(10)}`);
  for (const row of rows)
    console.log(
      `  ${row.stage.padEnd(50)} ${String(row.medianMs).padStart(10)} ${String(row.p95Ms).padStart(10)}`,
    );
  const latency = {
    plans: records.length,
    stages: rows,
    decisionToMinedMedianMs: round(percentile(toMined, 0.5)),
    decisionToMinedP95Ms: round(percentile(toMined, 0.95)),
    decisionToConfirmedMedianMs: round(percentile(total, 0.5)),
    target: "median < 500 ms",
    meetsTarget: percentile(total, 0.5) < 500,
  };
  console.log(
    `  target median < 500 ms (decision → confirmed): ${latency.meetsTarget ? "met" : "NOT met"} (${latency.decisionToConfirmedMedianMs} ms)`,
  );

  writeFileSync(
    "bench/results/keeper.json",
    `${JSON.stringify(
      {
        measuredAt: new Date().toISOString(),
        node: process.version,
        cpu: cpus()[0]?.model ?? "unknown",
        cores: cpus().length,
        evaluateThroughput: throughput,
        decisionToMined: latency,
      },
      null,
      2,
    )}\n`,
  );
  console.log("\nwrote bench/results/keeper.json");
} finally {
  shutdown.abort();
  await devnet.stop();
  await redisHandle.stop();
}
process.exit(0);
