// `npm run bench:scale`: a thousand books on one network, evaluated by one and then by three separate OS processes.
// The devnet generator makes 100 treasuries (real Safes, 3 LP positions each, across the three pools) with 10 books
// each. Each process is `hedgekeeper run --role monitor` (a `--role worker` process submits and confirms; the
// processes that take `evaluate` jobs are monitors: each runs the evaluate queue's workers, while the scan stays
// single per chain whoever runs it) on one configuration file, over HTTP to a real `hardhat node`, on a private
// redis-server (its commandstats count this keeper alone) and one PostgreSQL history (the processes share it, as
// processes on several boxes would; the bench reads when each book's decision was recorded from it, so watching
// costs Redis nothing). Per new block: time from the block being mined to every book evaluated (p50/p95), evaluations
// per second, and Redis's commands and main-thread CPU time per evaluation (and, apart, when no block comes). The scaling
// ratio (one process against three) is printed. Where the CPU goes (Linux /proc only; skipped with a note elsewhere):
// over the steady blocks (from just before each block is mined to its last decision recorded; not start-up, not the
// cold first block nor the warm-up block after it, both timed and printed apart), the CPU time of the monitor processes, the Hardhat node and the PostgreSQL backends serving the
// monitors, with Redis's, per evaluation, their total, and the cores 1,000 books in 2 s need at that cost.
// The processes share the keeper's default 8 group jobs at once (keeper.evaluateConcurrency 8 for one, 3 each for
// three), so both settings hold the same work in flight.
// Writes bench/results/scale.json.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import pg from "pg";
import { parseDocument, type Scalar, type YAMLMap } from "yaml";
import { DEVNET_ACCOUNT_INDEXES, devnetPrivateKey } from "../src/devnet/accounts.ts";
import { devnetConfigTextWithGeneratedBooks } from "../src/devnet/devnet-config.ts";
import { generateManyBooks } from "../src/devnet/generated-books.ts";
import { startDevnet } from "../src/devnet/index.ts";
import { freeLoopbackPort } from "../src/runtime/free-port.ts";
import { ensureRedis } from "../src/runtime/redis-server.ts";
import { shebangNodeFlags } from "../src/runtime/shebang-node-flags.ts";
import { type CpuTicksByPid, coresNeeded, cpuPerEvaluation, cpuTicksBetween } from "./cpu-per-evaluation.ts";
import { percentile } from "./percentile.ts";
import {
  childPidsWhere,
  clockTicksPerSec,
  PROC_CPU_AVAILABLE,
  processTree,
  readCpuTicks,
} from "./proc-cpu.ts";

// SCALE_TREASURIES, SCALE_BOOKS_PER_TREASURY, SCALE_BLOCKS change the run's size (defaults: the issue's);
// SCALE_EVALUATE_CONCURRENCY sets keeper.evaluateConcurrency per process (default: 8 shared by the processes);
// BENCH_DATABASE_URL (else TEST_DATABASE_URL, else the local server's `test` database) holds the history.
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
/**
 * Steady blocks measured per setting. Twenty, so that the nearest-rank p95 is the second-worst block (of ten it was
 * the worst: a p95 in name only); the worst is printed too.
 */
const BLOCKS = positiveIntFromEnv("SCALE_BLOCKS", 20);
const PROCESS_COUNTS = [1, 3] as const;
/** Group jobs evaluated at once over all processes; SCALE_EVALUATE_CONCURRENCY sets a per-process figure instead. */
const TOTAL_EVALUATE_CONCURRENCY = 8;
const EVALUATE_CONCURRENCY = process.env.SCALE_EVALUATE_CONCURRENCY
  ? positiveIntFromEnv("SCALE_EVALUATE_CONCURRENCY", TOTAL_EVALUATE_CONCURRENCY)
  : undefined;
const BLOCK_TIMEOUT_MS = 600_000;
/** Quiet before each block: what the keeper sends meanwhile (scans finding nothing, heartbeats) is its idle rate. */
const IDLE_WINDOW_MS = 1_000;
const DATABASE_URL =
  process.env.BENCH_DATABASE_URL ||
  process.env.TEST_DATABASE_URL ||
  "postgres://postgres@127.0.0.1:5432/test";
const TARGET_MS = 2_000;
const CLI_NODE_FLAGS = shebangNodeFlags(readFileSync("scripts/hedgekeeper.ts", "utf8"));

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Redis's calls per command since start (INFO commandstats); the bench's own INFO calls left out. */
async function commandCalls(redis: Redis): Promise<Map<string, number>> {
  const stats = await redis.info("commandstats");
  const calls = new Map<string, number>();
  for (const [, name, count] of stats.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm))
    if (name !== "info") calls.set(name!, Number(count));
  return calls;
}
const callsBetween = (before: Map<string, number>, after: Map<string, number>) =>
  new Map(
    [...after].map(([name, n]) => [name, n - (before.get(name) ?? 0)] as const).filter(([, n]) => n > 0),
  );
const total = (calls: Map<string, number>) => [...calls.values()].reduce((sum, n) => sum + n, 0);
/** CPU seconds Redis's main thread has used (it executes every command, one at a time): its busy time. */
async function redisCpuSec(redis: Redis): Promise<number> {
  const info = await redis.info("cpu");
  const field = (name: string) => Number(new RegExp(`^${name}:([0-9.]+)`, "m").exec(info)?.[1] ?? Number.NaN);
  return field("used_cpu_user_main_thread") + field("used_cpu_sys_main_thread");
}

/** The parts whose CPU the bench reads from /proc; Redis's comes from its INFO (main thread). */
const PROC_PARTS = ["monitorProcesses", "hardhatNode", "postgresBackends"] as const;
type ProcPart = (typeof PROC_PARTS)[number];
const CPU_SKIPPED_NOTE = "skipped: CPU per part is read from Linux /proc, which this machine does not have";
const TICKS_PER_SEC = PROC_CPU_AVAILABLE ? clockTicksPerSec() : Number.NaN;

const redisHandle = await ensureRedis({ configuredUrl: undefined, defaultUrl: "redis://127.0.0.1:1" });
const devnet = await startDevnet({ port: await freeLoopbackPort() });
const workDir = mkdtempSync(join(tmpdir(), "hk-bench-scale-"));
const redis = new Redis(redisHandle.url);
const database = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
const children: ReturnType<typeof spawn>[] = [];
const schemas: string[] = [];
try {
  const setupStarted = performance.now();
  const generated = await generateManyBooks(devnet.client, devnet.manifest, SHAPE);
  const setupMs = performance.now() - setupStarted;
  const bookIds = new Set(generated.flatMap((t) => t.bookIds));
  const configText = devnetConfigTextWithGeneratedBooks(devnet.manifest, generated, {
    rpcUrl: devnet.rpcUrl,
    redisUrl: redisHandle.url,
  });
  const chainId = devnet.manifest.chainId;
  // The node is this process's child (src/devnet/node-process.ts): `hardhat node … --port <port>`.
  const nodePort = new URL(devnet.rpcUrl).port;
  const hardhatNodePids = PROC_CPU_AVAILABLE
    ? childPidsWhere(
        process.pid,
        (argv) => argv.includes("node") && argv[argv.indexOf("--port") + 1] === nodePort,
      )
    : [];
  if (PROC_CPU_AVAILABLE && hardhatNodePids.length !== 1)
    throw new Error(`expected one hardhat node child on port ${nodePort}, found pids [${hardhatNodePids}]`);

  /** Starts `processes` monitor processes on a fresh key prefix and history schema; measures BLOCKS blocks. */
  async function measure(processes: number) {
    const schema = `hk_bench_scale_${processes}_${randomBytes(4).toString("hex")}`;
    // The monitors' PostgreSQL sessions carry this name, so their backends (and not the bench's own) are found.
    const applicationName = schema;
    await database.query(`CREATE SCHEMA ${schema}`);
    schemas.push(schema);
    const document = parseDocument(configText);
    // Only the generated books: the devnet's own book is not one of the thousand.
    for (const { key } of (document.get("books") as YAMLMap<Scalar<string>>).items.slice())
      if (!bookIds.has(key.value)) document.deleteIn(["books", key.value]);
    document.setIn(["redis", "keyPrefix"], `hk-bench-scale-${processes}-${randomBytes(3).toString("hex")}`);
    document.setIn(["networks", "devnet", "pollIntervalMs"], 100);
    document.setIn(["networks", "devnet", "confirmations"], 0);
    document.setIn(["metrics", "port"], 0);
    document.setIn(["api", "port"], 0);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a reference the configuration resolves from the env
    document.setIn(["history"], { databaseUrl: "${HK_HISTORY_URL}" });
    const configured = (document.get("books") as YAMLMap).items.length;
    if (configured !== bookIds.size)
      throw new Error(`${configured} books configured, ${bookIds.size} generated`);
    // The same group jobs in flight in all (8, the keeper's default, shared by the processes): three processes
    // of 8 each would hold three times the work at once on the same two cores, each heap and each PostgreSQL
    // pool carrying it (measured: ~15% more monitor CPU per evaluation than 3 each).
    const evaluateConcurrency = EVALUATE_CONCURRENCY ?? Math.ceil(TOTAL_EVALUATE_CONCURRENCY / processes);
    document.setIn(["keeper", "evaluateConcurrency"], evaluateConcurrency);
    const configPath = join(workDir, `hedgekeeper-${processes}.yaml`);
    writeFileSync(configPath, document.toString());

    const start = () => {
      const child = spawn(
        process.execPath,
        // As the installed command runs: with its shebang's Node flags (scripts/hedgekeeper.ts).
        [...CLI_NODE_FLAGS, "scripts/hedgekeeper.ts", "run", "--role", "monitor", "--config", configPath],
        {
          stdio: ["ignore", "pipe", "pipe"],
          env: {
            ...process.env,
            HK_KEEPER_PRIVATE_KEY: devnetPrivateKey(DEVNET_ACCOUNT_INDEXES.keeper),
            HK_HISTORY_URL: `${DATABASE_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}&application_name=${applicationName}`,
            LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
          },
        },
      );
      children.push(child);
      let output = "";
      const collect = (chunk: Buffer) => {
        output += chunk.toString();
        if (process.env.LOG_LEVEL) process.stderr.write(chunk);
      };
      child.stdout!.on("data", collect);
      child.stderr!.on("data", collect);
      return {
        child,
        running: async () => {
          while (!output.includes("hedgekeeper monitor running")) {
            if (child.exitCode !== null) throw new Error(`monitor exited ${child.exitCode}:\n${output}`);
            await sleep(50);
          }
        },
      };
    };
    // One at a time: the first migrates the history's schema before the others open it.
    const started = [];
    for (let i = 0; i < processes; i += 1) {
      const next = start();
      await next.running();
      started.push(next);
    }

    const evaluated = async (block: bigint) => {
      const { rows } = await database.query<{ n: number; first: string | null; last: string | null }>(
        `SELECT count(*)::int AS n, min(at_ms) AS first, max(at_ms) AS last FROM ${schema}.decisions
         WHERE chain_id = $1 AND block_number = $2`,
        [chainId, block.toString()],
      );
      return { count: rows[0]!.n, firstMs: Number(rows[0]!.first), lastMs: Number(rows[0]!.last) };
    };
    const allEvaluated = async (block: bigint) => {
      const deadline = performance.now() + BLOCK_TIMEOUT_MS;
      for (;;) {
        const seen = await evaluated(block);
        if (seen.count >= bookIds.size) return seen;
        if (performance.now() > deadline)
          throw new Error(`block ${block}: ${seen.count} of ${bookIds.size} books evaluated`);
        await sleep(20);
      }
    };

    /** CPU ticks of each /proc part's processes now: the monitors with any process they forked, the node, and
     * the PostgreSQL backends whose sessions the monitors opened (by application_name). */
    const monitorPids = started.map(({ child }) => child.pid!);
    // Each backend's ticks when last seen, kept after it exits: the pools close a connection after 10 s idle
    // (node-postgres's default), so one that exits did nothing since a sample taken at least once a second.
    const backendTicks = new Map<number, number>();
    const sampleBackends = async () => {
      const { rows } = await database.query<{ pid: number }>(
        "SELECT pid FROM pg_stat_activity WHERE application_name = $1",
        [applicationName],
      );
      for (const [pid, ticks] of readCpuTicks(rows.map(({ pid }) => pid))) backendTicks.set(pid, ticks);
    };
    const sampleCpu = async (): Promise<Record<ProcPart, CpuTicksByPid>> => {
      if (!PROC_CPU_AVAILABLE)
        return { monitorProcesses: new Map(), hardhatNode: new Map(), postgresBackends: new Map() };
      await sampleBackends();
      return {
        monitorProcesses: readCpuTicks(processTree(monitorPids)),
        hardhatNode: readCpuTicks(processTree(hardhatNodePids)),
        postgresBackends: new Map(backendTicks),
      };
    };
    /** Waits for every book's decision at `block`, sampling the backends each second meanwhile. */
    const allEvaluatedSamplingBackends = async (block: bigint) => {
      let waiting = true;
      const sampling = (async () => {
        while (waiting && PROC_CPU_AVAILABLE) {
          await sleep(1_000);
          if (waiting) await sampleBackends();
        }
      })();
      try {
        return await allEvaluated(block);
      } finally {
        waiting = false;
        await sampling;
      }
    };
    const blockCpuTicks = { monitorProcesses: 0, hardhatNode: 0, postgresBackends: 0 };
    const idleCpuTicks = { monitorProcesses: 0, hardhatNode: 0, postgresBackends: 0 };
    let blockRedisCpuSec = 0;
    let blockWallMs = 0;
    let idleWallMs = 0;
    let benchCpuUs = 0;
    const addTicks = (
      into: Record<ProcPart, number>,
      before: Record<ProcPart, CpuTicksByPid>,
      after: Record<ProcPart, CpuTicksByPid>,
    ) => {
      for (const part of PROC_PARTS) {
        const delta = cpuTicksBetween(before[part], after[part]);
        // A monitor or the node exiting mid-run would lose its CPU from the sum: the run is not valid then.
        // (Backends are never missing from `after`: their last-seen ticks are kept.)
        if (delta.exitedPids.length > 0)
          throw new Error(`${part}: pids [${delta.exitedPids}] exited during the measured blocks`);
        into[part] += delta.ticks;
      }
    };

    // The first block: every treasury's positions discovered in every process (the cold path), not counted below.
    const coldStarted = Date.now();
    await devnet.testClient.mine({ blocks: 1 });
    const coldBlock = await devnet.publicClient.getBlockNumber({ cacheTime: 0 });
    const cold = await allEvaluated(coldBlock);
    // The next block: a group goes to whichever process is free, so most treasuries now meet a process that has not
    // read them before (its indexer's caches cold for them, its code still warming). Timed like the steady blocks
    // and reported apart, as the cold block is: a restart pays it once. `p95WithWarmUp` counts it in.
    await sleep(300);
    const warmUpMinedAtMs = Date.now();
    await devnet.testClient.mine({ blocks: 1 });
    const warmUp = await allEvaluated(coldBlock + 1n);

    const latencies: number[] = [];
    const spreads: number[] = [];
    const perEvaluation: number[] = [];
    const redisCpuUsPerEvaluation: number[] = [];
    const idleCommandsPerSec: number[] = [];
    const idleCpuShare: number[] = [];
    const byCommand = new Map<string, number>();
    const loads: number[] = [];
    for (let i = 0; i < BLOCKS; i += 1) {
      // Quiet between blocks: nothing of the last block is still in flight; what the keeper sends meanwhile is
      // its idle rate, taken off the block's count.
      await sleep(300);
      const idleBefore = await commandCalls(redis);
      const idleCpuBefore = await redisCpuSec(redis);
      const idleProcCpuBefore = await sampleCpu();
      const idleStarted = performance.now();
      await sleep(IDLE_WINDOW_MS);
      const idleAfter = await commandCalls(redis);
      const idleCpuAfter = await redisCpuSec(redis);
      const blockProcCpuBefore = await sampleCpu();
      const idleMs = performance.now() - idleStarted;
      addTicks(idleCpuTicks, idleProcCpuBefore, blockProcCpuBefore);
      idleWallMs += idleMs;
      idleCommandsPerSec.push((total(callsBetween(idleBefore, idleAfter)) * 1000) / idleMs);
      idleCpuShare.push((idleCpuAfter - idleCpuBefore) / (idleMs / 1000));
      const minedAtMs = Date.now();
      const blockStarted = performance.now();
      const benchCpuBefore = process.cpuUsage();
      await devnet.testClient.mine({ blocks: 1 });
      // Nothing else mines (the books are shadow books): the new block is the next number.
      const { firstMs, lastMs } = await allEvaluatedSamplingBackends(coldBlock + BigInt(i + 2));
      const blockProcCpuAfter = await sampleCpu();
      const benchCpu = process.cpuUsage(benchCpuBefore);
      const blockCalls = callsBetween(idleAfter, await commandCalls(redis));
      const blockCpuSec = (await redisCpuSec(redis)) - idleCpuAfter;
      blockWallMs += performance.now() - blockStarted;
      addTicks(blockCpuTicks, blockProcCpuBefore, blockProcCpuAfter);
      blockRedisCpuSec += blockCpuSec;
      benchCpuUs += benchCpu.user + benchCpu.system;
      // Decisions are stamped with the processes' wall clocks, the same host's as minedAtMs.
      latencies.push(lastMs - minedAtMs);
      spreads.push(lastMs - firstMs);
      // Everything Redis did from the block to the last evaluation, over the evaluations: an upper bound (the
      // scans and health reads of that window are in it; a busy process scans less than an idle one, so taking
      // the idle rate off would undercount).
      perEvaluation.push(total(blockCalls) / bookIds.size);
      redisCpuUsPerEvaluation.push((blockCpuSec * 1e6) / bookIds.size);
      for (const [name, n] of blockCalls) byCommand.set(name, (byCommand.get(name) ?? 0) + n);
      loads.push(loadavg()[0]!);
    }
    for (const { child } of started) child.kill("SIGTERM");
    await Promise.all(started.map(({ child }) => new Promise((resolve) => child.once("exit", resolve))));

    const spread = percentile(spreads, 0.5);
    const evaluations = BLOCKS * bookIds.size;
    const cpuSec = (ticks: number) => ticks / TICKS_PER_SEC;
    const cpuReport = () => {
      const { byPartMs, totalMs } = cpuPerEvaluation(
        {
          monitorProcesses: cpuSec(blockCpuTicks.monitorProcesses),
          hardhatNode: cpuSec(blockCpuTicks.hardhatNode),
          postgresBackends: cpuSec(blockCpuTicks.postgresBackends),
          redisMainThread: blockRedisCpuSec,
        },
        evaluations,
      );
      return {
        // Sums over the steady blocks (mine -> last decision recorded, BLOCKS of them) over blocks x books: means,
        // where redisCpuUsPerEvaluation above is the median block's.
        msPerEvaluation: {
          monitorProcesses: round(byPartMs.monitorProcesses, 2),
          hardhatNode: round(byPartMs.hardhatNode, 2),
          postgresBackends: round(byPartMs.postgresBackends, 2),
          redisMainThread: round(byPartMs.redisMainThread, 2),
        },
        totalMsPerEvaluation: round(totalMs, 2),
        // total CPU per evaluation x 1,000 books / 2 s: a lower bound (every core busy the whole 2 s).
        coresNeededFor1000BooksIn2s: round(coresNeeded(totalMs, 1000, TARGET_MS), 2),
        // Cores the same parts keep busy while no block comes (the 1 s quiet windows before the blocks).
        idleCores: Object.fromEntries(
          PROC_PARTS.map((part) => [part, round(cpuSec(idleCpuTicks[part]) / (idleWallMs / 1000), 3)]),
        ),
        // Cores the parts kept busy over the blocks' windows, and the bench process itself (it mines and polls
        // the history every 20 ms; not counted in the total).
        busyCoresDuringBlocks: round((totalMs * evaluations) / blockWallMs, 2),
        benchProcessMsPerEvaluation: round(benchCpuUs / 1000 / evaluations, 2),
        method: {
          source: "Linux /proc/<pid>/stat utime+stime (a process's all threads), Redis INFO cpu main thread",
          clockTicksPerSec: TICKS_PER_SEC,
          monitorProcesses: `the ${processes} spawned \`hedgekeeper run --role monitor\` processes and their descendants`,
          hardhatNode: "the spawned `hardhat node` process",
          postgresBackends: `backends in pg_stat_activity with application_name = ${applicationName} (the monitors' sessions only; not the bench's own, not the server's background processes), sampled each second, an exited one's ticks as last seen`,
          postgresBackendsSeen: backendTicks.size,
        },
      };
    };
    const cpu = PROC_CPU_AVAILABLE ? cpuReport() : { skipped: CPU_SKIPPED_NOTE };
    return {
      processes,
      evaluateConcurrencyPerProcess: evaluateConcurrency,
      blocks: BLOCKS,
      firstBlockMs: cold.lastMs - coldStarted,
      warmUpBlockMs: warmUp.lastMs - warmUpMinedAtMs,
      blockToAllEvaluatedMs: {
        p50: round(percentile(latencies, 0.5)),
        p95: round(percentile(latencies, 0.95)),
        max: Math.max(...latencies),
        p95WithWarmUp: round(percentile([warmUp.lastMs - warmUpMinedAtMs, ...latencies], 0.95)),
        all: latencies,
      },
      evaluationsPerSec: round(bookIds.size / (Math.max(spread, 1) / 1000)),
      // Commands run inside BullMQ's Lua scripts count too (commandstats counts them, and the script's call).
      redisCommandsPerEvaluation: round(percentile(perEvaluation, 0.5), 2),
      redisCpuUsPerEvaluation: round(percentile(redisCpuUsPerEvaluation, 0.5)),
      // With no block coming: scans every pollIntervalMs finding nothing, heartbeats, health reads.
      redisIdle: {
        commandsPerSec: round(percentile(idleCommandsPerSec, 0.5)),
        mainThreadCpuShare: round(percentile(idleCpuShare, 0.5), 3),
      },
      // Every command the block's window saw, per evaluation (idle traffic included), most frequent first.
      redisCommandsPerEvaluationByCommand: Object.fromEntries(
        [...byCommand]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 12)
          .map(([name, n]) => [name, round(n / BLOCKS / bookIds.size, 2)]),
      ),
      cpuPerEvaluation: cpu,
      loadAverage1m: { min: round(Math.min(...loads)), max: round(Math.max(...loads)) },
    };
  }

  const runs = [];
  for (const processes of PROCESS_COUNTS) {
    const run = await measure(processes);
    console.log(
      `${processes} process(es): block -> all ${bookIds.size} books evaluated ${run.blockToAllEvaluatedMs.all.join(", ")} ms (load ${run.loadAverage1m.min}-${run.loadAverage1m.max})`,
    );
    runs.push(run);
  }
  const [one, three] = runs as [(typeof runs)[number], (typeof runs)[number]];
  // How far the design goes before Redis is the limit: Redis runs every command on one thread, so the evaluations
  // one Redis can serve a second are at most 1 s over its main thread's CPU time per evaluation (measured).
  const { redisCommandsPerEvaluation, redisCpuUsPerEvaluation } = three;
  const evaluationsPerSecRedisCeiling = Math.round(1e6 / redisCpuUsPerEvaluation);
  const result = {
    benchmark: "scale",
    generatedAt: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      node: process.version,
      note: "shared with other jobs: see loadAverage1m",
    },
    workload: {
      ...SHAPE,
      books: bookIds.size,
      positions: SHAPE.treasuries * SHAPE.positionsPerTreasury,
      transport: "HTTP to hardhat node",
      processes: "hedgekeeper run --role monitor (separate OS processes)",
      nodeFlags: CLI_NODE_FLAGS,
      history: "PostgreSQL, shared by the processes",
      redis: "private redis-server",
    },
    setupMs: Math.round(setupMs),
    runs,
    ratio: {
      p50OneOverThree: round(one.blockToAllEvaluatedMs.p50 / three.blockToAllEvaluatedMs.p50, 2),
      evaluationsPerSecThreeOverOne: round(three.evaluationsPerSec / one.evaluationsPerSec, 2),
    },
    redisLimit: {
      commandsPerEvaluation: redisCommandsPerEvaluation,
      mainThreadCpuUsPerEvaluation: redisCpuUsPerEvaluation,
      evaluationsPerSecAtFullRedisCpu: evaluationsPerSecRedisCeiling,
      booksWithin2sOfABlock: evaluationsPerSecRedisCeiling * 2,
    },
    targets: { blockToAllEvaluatedMs: TARGET_MS, with: "3 processes, p95" },
  };
  console.log(
    `\n${result.workload.books} books (${SHAPE.treasuries} treasuries x ${SHAPE.booksPerTreasury}), ${result.workload.positions} positions; setup ${result.setupMs} ms\n`,
  );
  console.log(`${"".padEnd(36)} ${"1 process".padStart(12)} ${"3 processes".padStart(12)}`);
  const row = (label: string, a: number | string, b: number | string) =>
    console.log(`${label.padEnd(36)} ${String(a).padStart(12)} ${String(b).padStart(12)}`);
  row(
    "group jobs at once per process",
    one.evaluateConcurrencyPerProcess,
    three.evaluateConcurrencyPerProcess,
  );
  row("first block (positions discovered) ms", one.firstBlockMs, three.firstBlockMs);
  row("warm-up block (the next) ms", one.warmUpBlockMs, three.warmUpBlockMs);
  row("block -> all evaluated p50 ms", one.blockToAllEvaluatedMs.p50, three.blockToAllEvaluatedMs.p50);
  row("block -> all evaluated p95 ms", one.blockToAllEvaluatedMs.p95, three.blockToAllEvaluatedMs.p95);
  row("block -> all evaluated max ms", one.blockToAllEvaluatedMs.max, three.blockToAllEvaluatedMs.max);
  row(
    "  p95 counting the warm-up block ms",
    one.blockToAllEvaluatedMs.p95WithWarmUp,
    three.blockToAllEvaluatedMs.p95WithWarmUp,
  );
  row("evaluations per second", one.evaluationsPerSec, three.evaluationsPerSec);
  row("Redis commands per evaluation", one.redisCommandsPerEvaluation, three.redisCommandsPerEvaluation);
  console.log(
    `scaling ratio: p50 1 process / 3 processes ${result.ratio.p50OneOverThree}x; evaluations/s 3 / 1 ${result.ratio.evaluationsPerSecThreeOverOne}x`,
  );
  row("Redis main-thread CPU per evaluation us", one.redisCpuUsPerEvaluation, three.redisCpuUsPerEvaluation);
  console.log(
    `Redis limit: ${redisCommandsPerEvaluation} commands and ${redisCpuUsPerEvaluation} us of Redis CPU per evaluation -> at most ~${evaluationsPerSecRedisCeiling} evaluations/s on one Redis`,
  );
  const [oneCpu, threeCpu] = [one.cpuPerEvaluation, three.cpuPerEvaluation];
  if ("skipped" in oneCpu || "skipped" in threeCpu)
    console.log(`CPU per evaluation by part: ${CPU_SKIPPED_NOTE}`);
  else {
    console.log("CPU per evaluation over the steady blocks, ms:");
    for (const part of ["monitorProcesses", "hardhatNode", "postgresBackends", "redisMainThread"] as const)
      row(`  ${part}`, oneCpu.msPerEvaluation[part], threeCpu.msPerEvaluation[part]);
    row("  total", oneCpu.totalMsPerEvaluation, threeCpu.totalMsPerEvaluation);
    row(
      "  (the bench process, not counted)",
      oneCpu.benchProcessMsPerEvaluation,
      threeCpu.benchProcessMsPerEvaluation,
    );
    row(
      "cores needed: total x 1,000 / 2 s",
      oneCpu.coresNeededFor1000BooksIn2s,
      threeCpu.coresNeededFor1000BooksIn2s,
    );
    console.log(`(this machine has ${cpus().length} cores)`);
  }
  console.log(
    `target: all books within ${TARGET_MS} ms with 3 processes (p95): ${three.blockToAllEvaluatedMs.p95 <= TARGET_MS ? "met" : "missed"}`,
  );
  writeFileSync("bench/results/scale.json", `${JSON.stringify(result, null, 2)}\n`);
  console.log("wrote bench/results/scale.json");
} finally {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  for (const schema of schemas)
    await database.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
  await database.end();
  redis.disconnect();
  await devnet.stop();
  await redisHandle.stop();
  rmSync(workDir, { recursive: true, force: true });
}
