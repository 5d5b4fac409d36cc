// createKeeper: the queues, the workers of one process (monitor: scan + evaluate; worker: submit + confirm;
// all: both), the scan scheduler, start-up repair, heartbeat and a clean stop. The heartbeat is the time the
// process last did work: its start, then every job it finished (a monitor's scan job ends every scanJobEveryMs). A
// process whose workers stopped stops beating, however alive the process around it is.
import { randomUUID } from "node:crypto";
import { DelayedError, type Job, Worker } from "bullmq";
import type { Logger } from "pino";
import { createPublicClient, type Hex, http, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { createMemorySampleStore, type SampleStore } from "../src/indexers/sample-store.ts";
import { connectRedis, type RedisConnection, type RedisTopology } from "../src/runtime/redis-connection.ts";
import type { HistoryStore } from "../src/store/history-store.ts";
import { bookGroupsOf } from "./book-groups.ts";
import { createBookStateStore } from "./book-state-store.ts";
import { processConfirm } from "./confirm-job.ts";
import type { KeeperBook, KeeperCommon, KeeperContext, KeeperHooks } from "./context.ts";
import { isRetryableError, KeeperConfigurationError, runClassified } from "./errors.ts";
import { EVALUATE_GROUP_JOB, processEvaluateGroup } from "./evaluate-group-job.ts";
import { processEvaluate } from "./evaluate-job.ts";
import { createKeeperEvents, type KeeperEvent } from "./events.ts";
import { keeperHealth } from "./health.ts";
import { createHistoryRecorder } from "./history-recorder.ts";
import { jobIds } from "./job-ids.ts";
import { createNonceLedger } from "./nonce-ledger.ts";
import { repairAtStart } from "./nonce-repair.ts";
import type { ScanPayload } from "./payloads.ts";
import { planMacKey } from "./plan-integrity.ts";
import { createPlanStore } from "./plan-store.ts";
import { createKeeperQueues, QUEUE_NAMES } from "./queues.ts";
import { processScan } from "./scan-job.ts";
import { scanLock } from "./scan-slot.ts";
import { createSignerLock } from "./signer-lock.ts";
import { processSubmit } from "./submit-job.ts";

export type KeeperRole = "monitor" | "worker" | "all";

export interface CreateKeeperOptions {
  common: KeeperCommon;
  /** Where Redis is: one server, sentinels, or a cluster (the configuration's `redis` section). */
  redis: RedisTopology;
  client: PublicClient;
  /** Where signed transactions go; by default a client of config.relayUrl (a private relay), else `client`. */
  sendClient?: PublicClient;
  /** The keeper's key: it signs, and the key that seals stored plans is derived from it (never stored). */
  signerPrivateKey: Hex;
  /** Runtime halves of the configured books (their mode comes from config.books). */
  books: Omit<KeeperBook, "mode">[];
  role: KeeperRole;
  instanceId?: string;
  samples?: SampleStore;
  /**
   * The durable history: the engine's samples come from it (unless `samples` is given), every evaluation writes
   * its sample, de-peg readings, book status and decision, and every plan event copies the plan into it.
   */
  history?: HistoryStore;
  hooks?: KeeperHooks;
  onEvent?: (event: KeeperEvent) => void;
  /** Each finished job (its queue, run time, outcome): the operator layer's job-duration metrics. */
  onJob?: (job: { name: string; durationMs: number; ok: boolean }) => void;
}

const SCHEDULER_REFRESH_MS = 5_000;

/** The context every job is handed, over one Redis connection; the history recorder copies plans on events. */
function keeperContext(
  options: CreateKeeperOptions,
  redis: RedisConnection,
  log: Logger,
): { ctx: KeeperContext; recorder: ReturnType<typeof createHistoryRecorder> | undefined } {
  const { common } = options;
  const { config } = common;
  const books = new Map<string, KeeperBook>();
  for (const configured of config.books) {
    const runtime = options.books.find((b) => b.bookId === configured.bookId);
    if (!runtime)
      throw new KeeperConfigurationError(`config.books: ${configured.bookId} has no sources/params`);
    books.set(configured.bookId, { ...runtime, mode: configured.mode });
  }
  const queues = createKeeperQueues(redis, config);
  for (const queue of queues.all())
    queue.on("error", (error) => log.warn({ err: error.message, queue: queue.name }, "queue error"));
  const prefix = config.redisPrefix;
  const signer = privateKeyToAccount(options.signerPrivateKey);
  const plans = createPlanStore(redis, prefix, common.clock);
  const recorder = options.history
    ? createHistoryRecorder({ history: options.history, plans, logger: log })
    : undefined;
  const onEvent = (event: KeeperEvent) => {
    options.onEvent?.(event);
    recorder?.record(event);
  };
  const ctx: KeeperContext = {
    common: { ...common, logger: log },
    chainId: config.chainId,
    client: options.client,
    // No retries on the relay: a re-sent raw transaction is the same bytes, and the confirm job re-sends anyway.
    sendClient:
      options.sendClient ??
      (config.relayUrl
        ? (createPublicClient({ transport: http(config.relayUrl, { retryCount: 0 }) }) as PublicClient)
        : options.client),
    signer,
    planKey: planMacKey(options.signerPrivateKey),
    books,
    bookGroups: bookGroupsOf(books.values()),
    queues,
    plans,
    bookState: createBookStateStore(redis, prefix),
    ledger: createNonceLedger(redis, prefix, config.chainId, signer.address),
    // The signer lock lapses like a job lock: a killed sender holds neither longer than lockDurationMs.
    lock: createSignerLock(redis, prefix, config.chainId, signer.address, config.lockDurationMs),
    samples:
      options.samples ??
      options.history?.samples(config.chainId) ??
      createMemorySampleStore({ maxPerBook: 1_000 }),
    ...(options.history ? { history: options.history } : {}),
    events: createKeeperEvents(redis, prefix, { clock: common.clock, listener: onEvent }),
    hooks: options.hooks ?? {},
  };
  return { ctx, recorder };
}

/**
 * One queue's worker (not yet running): its jobs' errors classified (runClassified), a heartbeat after every job,
 * each finished job's run time reported.
 */
function keeperWorker(input: {
  name: string;
  concurrency: number;
  body: (job: Job) => Promise<unknown>;
  redis: RedisConnection;
  config: KeeperCommon["config"];
  log: Logger;
  beat: () => Promise<void>;
  onJob: CreateKeeperOptions["onJob"];
  /** This queue's own lock, where it differs from the configured one (the scan's: scanLock). */
  lock?: { durationMs: number; stalledIntervalMs: number };
}): Worker {
  const { name, config, log, beat } = input;
  const w = new Worker(name, (job, token) => runClassified(job, token, () => input.body(job)), {
    connection: input.redis,
    prefix: config.redisPrefix,
    concurrency: input.concurrency,
    autorun: false,
    lockDuration: input.lock?.durationMs ?? config.lockDurationMs,
    stalledInterval: input.lock?.stalledIntervalMs ?? config.stalledIntervalMs,
    maxStalledCount: 3,
  });
  w.on("error", (error) => log.warn({ err: error.message, queue: name }, "worker error"));
  const ran = (job: Job | undefined) =>
    job?.processedOn !== undefined && job.finishedOn !== undefined ? job.finishedOn - job.processedOn : null;
  w.on("completed", (job) => {
    void beat().catch(() => {});
    const durationMs = ran(job);
    if (durationMs !== null) input.onJob?.({ name, durationMs, ok: true });
  });
  w.on("failed", (job, error) => {
    if (error instanceof DelayedError) return;
    void beat().catch(() => {});
    const durationMs = ran(job);
    if (durationMs !== null) input.onJob?.({ name, durationMs, ok: false });
    log.warn({ queue: name, job_id: job?.id, attempts: job?.attemptsMade, err: error.message }, "job failed");
  });
  return w;
}

/**
 * The start-up nonce repair, retried with backoff until it succeeds or the keeper stops: an RPC node that is down
 * at start (a retryable ChainError) is waited for, never an unhandled rejection.
 */
async function repairUntilDone(ctx: KeeperContext, log: Logger, stopped: () => boolean): Promise<void> {
  for (let attempt = 0; !stopped(); attempt += 1) {
    try {
      const repaired = await repairAtStart(ctx);
      if (repaired.resent > 0 || repaired.filled.length > 0)
        log.info(repaired, "nonce gaps repaired at start");
      return;
    } catch (error) {
      const delayMs = Math.min(5_000, ctx.common.config.backoffMs * 2 ** Math.min(attempt, 6));
      log.warn(
        { err: (error as Error).message, retryable: isRetryableError(error), retry_in_ms: delayMs },
        "start-up nonce repair failed: retrying",
      );
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

export function createKeeper(options: CreateKeeperOptions) {
  const { common } = options;
  const { config } = common;
  const instanceId = options.instanceId ?? `${options.role}-${randomUUID().slice(0, 8)}`;
  const log = common.logger.child({ instance: instanceId, chain_id: config.chainId });
  const redis = connectRedis(options.redis);
  redis.on("error", (error) => log.warn({ err: error.message }, "redis connection error"));
  const { ctx, recorder } = keeperContext(options, redis, log);
  const { queues, signer } = ctx;
  const books = ctx.books;

  const workers: Worker[] = [];
  const timers: NodeJS.Timeout[] = [];
  const runsMonitor = options.role !== "worker";
  const runsWorker = options.role !== "monitor";
  const beat = () => ctx.events.heartbeat(instanceId, common.clock.nowMs());

  const worker = (
    name: string,
    concurrency: number,
    body: (job: Job) => Promise<unknown>,
    lock?: { durationMs: number; stalledIntervalMs: number },
  ) => {
    const w = keeperWorker({
      name,
      concurrency,
      body,
      redis,
      config,
      log,
      beat,
      onJob: options.onJob,
      ...(lock && { lock }),
    });
    workers.push(w);
    return w;
  };

  const upsertScheduler = () => {
    const data: ScanPayload = { v: 1, chainId: config.chainId };
    return queues.scan.upsertJobScheduler(
      jobIds.scanScheduler(config.chainId),
      { every: config.scanJobEveryMs },
      { name: "scan", data, opts: { removeOnComplete: true, removeOnFail: { count: 100 } } },
    );
  };

  let started = false;
  let stopped = false;
  /** Ends a scan job's slot early (scan-job.ts) so that a stop does not wait out the slot. */
  const scanStop = new AbortController();
  const runWorker = (w: Worker) =>
    void w.run().catch((error: Error) => log.error({ err: error.message }, "worker stopped"));
  const repairThenSend = () =>
    (async () => {
      await repairUntilDone(ctx, log, () => stopped);
      if (stopped) return;
      runWorker(worker(QUEUE_NAMES.submit, 1, (job) => processSubmit(ctx, job)));
      runWorker(worker(QUEUE_NAMES.confirm, 4, (job) => processConfirm(ctx, job)));
      log.info("senders started (submit, confirm)");
    })();
  let stopping: Promise<void> | undefined;
  const stopGracefully = async (graceMs: number): Promise<void> => {
    stopped = true;
    scanStop.abort();
    for (const t of timers) clearInterval(t);
    const graceful = Promise.all(workers.map((w) => w.close()));
    const timedOut = new Promise<"timeout">((resolve) =>
      setTimeout(() => resolve("timeout"), graceMs).unref(),
    );
    if ((await Promise.race([graceful.then(() => "closed" as const), timedOut])) === "timeout") {
      await Promise.all(workers.map((w) => w.close(true)));
    }
    await recorder?.flushed();
    await queues.close();
    redis.disconnect();
    log.info("keeper stopped");
  };
  return {
    instanceId,
    ctx,
    queues,
    plans: ctx.plans,
    events: ctx.events,
    /** Resolves once the history has every plan event emitted so far. */
    historyFlushed: () => recorder?.flushed() ?? Promise.resolve(),
    async start(): Promise<void> {
      if (started) return;
      started = true;
      if (runsWorker) {
        // One sender per signer, whatever the number of processes: BullMQ's global concurrency on `submit`
        // (urgent first, by priority) and the signer lock around every send (submit and replacements).
        await queues.submit.setGlobalConcurrency(1);
        // The senders start once the start-up repair has read the chain. An RPC node that is down at start
        // (a retryable ChainError) is retried in the background, never an unhandled rejection; meanwhile the
        // monitor keeps deciding and submit jobs wait in their queue.
        void repairThenSend();
      }
      if (runsMonitor) {
        // One scan per chain at a time, whoever runs: the scheduler's id is fixed (every monitor's upsert is the same
        // one schedule), and a global concurrency of 1 keeps a slow scan in one process from overlapping the next
        // one in another (both would advance the same checkpoint).
        await queues.scan.setGlobalConcurrency(1);
        await upsertScheduler();
        worker(QUEUE_NAMES.scan, 1, (job) => processScan(ctx, redis, job, scanStop.signal), scanLock(config));
        // The scan enqueues a group's books as one job; a book the group job could not evaluate comes back alone.
        worker(QUEUE_NAMES.evaluate, config.evaluateConcurrency, (job) =>
          job.name === EVALUATE_GROUP_JOB ? processEvaluateGroup(ctx, job) : processEvaluate(ctx, job),
        );
        // Re-assert the scheduler: a Redis that restarted without persistence has forgotten it.
        timers.push(setInterval(() => void upsertScheduler().catch(() => {}), SCHEDULER_REFRESH_MS));
      }
      await beat();
      for (const w of workers) runWorker(w);
      common.shutdown.signal.addEventListener("abort", () => void this.stop(), { once: true });
      log.info({ role: options.role, books: [...books.keys()] }, "keeper started");
    },
    /**
     * Stop taking jobs; let the ones in flight finish (up to `graceMs`), else hand them back: their locks
     * lapse and another worker takes them over, where a signed transaction is re-sent, never re-signed.
     */
    stop(graceMs = 10_000): Promise<void> {
      // A second caller (the shutdown signal, then the owner's clean-up) waits for the same stop, so nothing
      // the keeper uses (the chain, Redis) is torn down under jobs still finishing.
      if (stopping === undefined && stopped) return Promise.resolve(); // killed
      stopping ??= stopGracefully(graceMs);
      return stopping;
    },
    /** Drop everything without waiting (a crashed process, for tests): in-flight jobs are handed back by lock expiry. */
    async kill(): Promise<void> {
      stopped = true;
      scanStop.abort();
      for (const t of timers) clearInterval(t);
      await Promise.all(workers.map((w) => w.close(true).catch(() => {})));
      await queues.close().catch(() => {});
      redis.disconnect();
    },
    health: () =>
      keeperHealth({
        config,
        nowMs: common.clock.nowMs(),
        client: ctx.client,
        signer: signer.address,
        queues,
        events: ctx.events,
        bookState: ctx.bookState,
      }),
  };
}

export type Keeper = ReturnType<typeof createKeeper>;
