// `npm run bench:scale`: a thousand books on one network. The devnet generator makes 100 treasuries (real Safes,
// 3 LP positions each, across the three pools) with 10 books each; `startHedgekeeper` (what `hedgekeeper run`
// starts, one process, role all) watches all of them over HTTP to a real `hardhat node`, on a private Redis (so its
// command counts are this keeper's alone) and the embedded history. Per new block: time from the block being mined
// to every book evaluated (p50/p95), evaluations per second, RPC requests and Redis commands per block. Compared
// in the same run with the same books read without shared snapshots (one indexer per book), as before. Writes
// bench/results/scale.json.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { pino } from "pino";
import { startHedgekeeper } from "../keeper/start-hedgekeeper.ts";
import { createChainClient } from "../src/chain/client.ts";
import { bookSourcesFromConfig } from "../src/config/adapters.ts";
import type { HedgekeeperConfig } from "../src/config/schema.ts";
import { devnetConfigWithGeneratedBooks } from "../src/devnet/devnet-config.ts";
import { generateManyBooks } from "../src/devnet/generated-books.ts";
import { startDevnet } from "../src/devnet/index.ts";
import { createBookIndexer } from "../src/indexers/book-indexer.ts";
import { wallClock } from "../src/runtime/clock.ts";
import { freeLoopbackPort } from "../src/runtime/free-port.ts";
import { ensureRedis } from "../src/runtime/redis-server.ts";
import { percentile } from "./percentile.ts";

// SCALE_TREASURIES, SCALE_BOOKS_PER_TREASURY and SCALE_BLOCKS change the run's size (defaults: the issue's).
const positiveIntFromEnv = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${name} must be a positive integer, got ${value}`);
  return value;
};
const SHAPE = {
  treasuries: positiveIntFromEnv("SCALE_TREASURIES", 100),
  booksPerTreasury: positiveIntFromEnv("SCALE_BOOKS_PER_TREASURY", 10),
  positionsPerTreasury: 3,
};
const BLOCKS = positiveIntFromEnv("SCALE_BLOCKS", 10);
const BLOCK_TIMEOUT_MS = 900_000;

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

// A private redis-server (nothing configured, nothing at the default URL tried): its commandstats count only ours.
const redisHandle = await ensureRedis({ configuredUrl: undefined, defaultUrl: "redis://127.0.0.1:1" });
const devnet = await startDevnet({ port: await freeLoopbackPort() });
const historyDir = mkdtempSync(join(tmpdir(), "hk-bench-scale-"));
const redis = new Redis(redisHandle.url);
try {
  const setupStarted = performance.now();
  const generated = await generateManyBooks(devnet.client, devnet.manifest, SHAPE);
  const setupMs = performance.now() - setupStarted;
  const bookIds = generated.flatMap((t) => t.bookIds);
  // RPC requests counted at the client's HTTP layer: every request the keeper sends goes through fetch.
  let rpcRequests = 0;
  const fetchWithoutCount = globalThis.fetch;
  globalThis.fetch = ((input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    if (String(input).startsWith(devnet.rpcUrl)) rpcRequests += 1;
    return fetchWithoutCount(input, init);
  }) as typeof fetch;

  const generatedConfig = devnetConfigWithGeneratedBooks(devnet.manifest, generated, {
    rpcUrl: devnet.rpcUrl,
    redisUrl: redisHandle.url,
  });
  const config: HedgekeeperConfig = {
    ...generatedConfig,
    books: Object.fromEntries(bookIds.map((id) => [id, generatedConfig.books[id]!])),
    networks: {
      devnet: { ...generatedConfig.networks.devnet!, pollIntervalMs: 100, confirmations: 0 },
    },
    redis: { ...generatedConfig.redis, keyPrefix: `hk-bench-scale-${wallClock.nowMs()}` },
    metrics: { host: "127.0.0.1", port: 0 },
    api: { ...generatedConfig.api, host: "127.0.0.1", port: 0 },
    history: { ...generatedConfig.history, dataDir: historyDir },
  };

  // Per block: when the first and the last book's evaluation finished.
  const done = new Map<bigint, { count: number; firstMs: number; lastMs: number }>();
  const running = await startHedgekeeper(config, {
    role: "all",
    logger: pino({ level: process.env.LOG_LEVEL ?? "silent" }),
    onEvaluation: async ({ blockNumber }) => {
      const now = performance.now();
      const seen = done.get(blockNumber) ?? { count: 0, firstMs: now, lastMs: now };
      done.set(blockNumber, { count: seen.count + 1, firstMs: seen.firstMs, lastMs: now });
    },
  });
  const allEvaluated = async (block: bigint) => {
    const deadline = performance.now() + BLOCK_TIMEOUT_MS;
    while ((done.get(block)?.count ?? 0) < bookIds.length) {
      if (performance.now() > deadline)
        throw new Error(
          `block ${block}: ${done.get(block)?.count ?? 0} of ${bookIds.length} books evaluated`,
        );
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return done.get(block)!;
  };
  const redisCommands = async () => {
    const stats = await redis.info("commandstats");
    return [...stats.matchAll(/calls=(\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
  };

  // The first block: every treasury's positions discovered (the cold path), not counted below.
  const coldStarted = performance.now();
  await devnet.testClient.mine({ blocks: 1 });
  const coldBlock = await devnet.publicClient.getBlockNumber({ cacheTime: 0 });
  await allEvaluated(coldBlock);
  const coldMs = performance.now() - coldStarted;

  const latencies: number[] = [];
  const spreads: number[] = [];
  const requestsPerBlock: number[] = [];
  const commandsPerBlock: number[] = [];
  for (let i = 0; i < BLOCKS; i += 1) {
    // Quiet between blocks: nothing of the last block still in flight is counted against this one.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const requestsBefore = rpcRequests;
    const commandsBefore = await redisCommands();
    const minedAt = performance.now();
    await devnet.testClient.mine({ blocks: 1 });
    // Nothing else mines (the books are shadow books): the new block is the next number.
    const block = coldBlock + BigInt(i + 1);
    const { firstMs, lastMs } = await allEvaluated(block);
    latencies.push(lastMs - minedAt);
    spreads.push(lastMs - firstMs);
    // The keeper's requests: the bench's own `hardhat_mine` is not one of them.
    requestsPerBlock.push(rpcRequests - requestsBefore - 1);
    commandsPerBlock.push((await redisCommands()) - commandsBefore);
  }
  await running.stop();
  console.log(
    `one process: block -> all ${bookIds.length} books evaluated ${latencies.map((ms) => round(ms)).join(", ")} ms; RPC requests per block ${requestsPerBlock.join(", ")}`,
  );

  // The alternative in the same run: the same thousand books each read by its own indexer (no shared snapshot),
  // as the keeper did before, one new block, the reads alone (no engine, no Redis): what sharing saves.
  const client = createChainClient({ chainId: devnet.manifest.chainId, rpcUrls: [devnet.rpcUrl] });
  const perBook = bookIds.map((id) => createBookIndexer(client, bookSourcesFromConfig(config, id)));
  const memory = { keeper: { hedgeTriggered: false, lastPlanAtSec: null }, samples: [] };
  // Eight at a time, as the keeper's evaluate workers run (evaluateConcurrency): a thousand at once would only
  // queue at the node until the client's timeouts.
  const readAll = async (block: bigint) => {
    const queue = [...perBook];
    await Promise.all(
      Array.from({ length: config.keeper.evaluateConcurrency }, async () => {
        for (let indexer = queue.shift(); indexer !== undefined; indexer = queue.shift())
          await indexer.snapshotAt(block, memory);
      }),
    );
  };
  await readAll(await client.getBlockNumber({ cacheTime: 0 }));
  await devnet.testClient.mine({ blocks: 1 });
  const next = await client.getBlockNumber({ cacheTime: 0 });
  const unsharedRequestsBefore = rpcRequests;
  const unsharedStarted = performance.now();
  await readAll(next);
  const unsharedReadMs = performance.now() - unsharedStarted;
  const unsharedRequests = rpcRequests - unsharedRequestsBefore;

  const p50 = percentile(latencies, 0.5);
  const p95 = percentile(latencies, 0.95);
  const jobsPerSec = bookIds.length / (percentile(spreads, 0.5) / 1000);
  const requests = percentile(requestsPerBlock, 0.5);
  const commands = percentile(commandsPerBlock, 0.5);
  const result = {
    benchmark: "scale",
    generatedAt: new Date().toISOString(),
    machine: { cpus: cpus().length, node: process.version },
    workload: {
      ...SHAPE,
      books: bookIds.length,
      positions: SHAPE.treasuries * SHAPE.positionsPerTreasury,
      transport: "HTTP to hardhat node",
      history: "embedded PGlite",
      redis: "private redis-server",
    },
    setupMs: Math.round(setupMs),
    oneWorkerProcess: {
      blocks: BLOCKS,
      evaluateConcurrency: config.keeper.evaluateConcurrency,
      firstBlockMs: Math.round(coldMs),
      blockToAllEvaluatedMs: { p50: round(p50), p95: round(p95) },
      evaluationsPerSec: round(jobsPerSec),
      rpcRequestsPerBlock: requests,
      redisCommandsPerBlock: commands,
      redisCommandsPerEvaluation: round(commands / bookIds.length),
    },
    unsharedReads: { rpcRequestsPerBlock: unsharedRequests, readMs: Math.round(unsharedReadMs) },
    ratio: {
      rpcRequests: round(unsharedRequests / requests),
      readTimeVsWholeEvaluation: round(unsharedReadMs / p50, 2),
    },
    targets: { blockToAllEvaluatedMs: 2_000, note: "the 2 s target is for 3 worker processes (issue 20)" },
  };
  console.log(
    `\n${result.workload.books} books (${SHAPE.treasuries} treasuries x ${SHAPE.booksPerTreasury}), ${result.workload.positions} positions; setup ${result.setupMs} ms\n`,
  );
  console.log(`first block (positions discovered)       ${result.oneWorkerProcess.firstBlockMs} ms`);
  console.log(`block -> all books evaluated, 1 process  p50 ${round(p50)} ms, p95 ${round(p95)} ms`);
  console.log(`evaluations per second                   ${result.oneWorkerProcess.evaluationsPerSec}`);
  console.log(`RPC requests per block                   ${requests} (shared snapshots)`);
  console.log(
    `Redis commands per evaluation            ${result.oneWorkerProcess.redisCommandsPerEvaluation}`,
  );
  console.log(
    `unshared: one indexer per book           ${unsharedRequests} requests, reads alone ${result.unsharedReads.readMs} ms`,
  );
  console.log(
    `ratio unshared / shared: ${result.ratio.rpcRequests}x requests; unshared reads alone take ${result.ratio.readTimeVsWholeEvaluation}x the shared whole evaluation`,
  );
  writeFileSync("bench/results/scale.json", `${JSON.stringify(result, null, 2)}\n`);
  console.log("wrote bench/results/scale.json");
} finally {
  redis.disconnect();
  await devnet.stop();
  await redisHandle.stop();
  rmSync(historyDir, { recursive: true, force: true });
}
