// A `scan` job watches the chain for its whole slot (keeper/scan-job.ts): at the harness's 100 ms poll and 1 s
// slot, blocks 300 ms apart each get their evaluation from about one job a second, where a job per slot polling
// once would skip two blocks of three (a scan evaluates only the newest block). And a monitor that dies holding
// the slot blinds the keeper only until the scan's own short lock lapses (keeper/keeper.ts scanLock), not for the
// configured job lock.
import { QueueEvents } from "bullmq";
import { expect, it, onTestFinished } from "vitest";
import { createKeeperQueues, QUEUE_NAMES } from "../../../keeper/queues.ts";
import { BOOK_ID, waitFor } from "./keeper-harness.ts";
import { useKeeperTestbed } from "./keeper-testbed.ts";

const bed = useKeeperTestbed("keeper-scan-slot");

/** Every `evaluate-group` job added (their ids name the block), and every completed scan job's result. */
async function watchQueues(prefix: string) {
  const connection = { url: process.env.REDIS_URL! };
  const scans = new QueueEvents(QUEUE_NAMES.scan, { connection, prefix });
  const evaluations = new QueueEvents(QUEUE_NAMES.evaluate, { connection, prefix });
  onTestFinished(async () => {
    await scans.close();
    await evaluations.close();
  });
  await Promise.all([scans.waitUntilReady(), evaluations.waitUntilReady()]);
  const scanResults: { blockNumber: string | null; polls: number }[] = [];
  const evaluatedBlocks = new Set<bigint>();
  scans.on("completed", ({ returnvalue }) => {
    scanResults.push(returnvalue as unknown as { blockNumber: string | null; polls: number });
  });
  evaluations.on("added", ({ jobId }) => {
    const block = /^evaluate-group-\d+-.+-(\d+)$/.exec(jobId)?.[1];
    if (block !== undefined) evaluatedBlocks.add(BigInt(block));
  });
  return { scanResults, evaluatedBlocks };
}

it("evaluates every block mined 300 ms apart from about one scan job a second, each polling its whole slot", async () => {
  const devnet = bed.devnet();
  const keeper = bed.keeperFor({ mode: "shadow", role: "monitor" });
  const { scanResults, evaluatedBlocks } = await watchQueues(keeper.ctx.common.config.redisPrefix);
  await keeper.start();
  await waitFor("the first evaluation", () => keeper.ctx.bookState.lastEvaluation(BOOK_ID));

  const mined: bigint[] = [];
  const startedMs = Date.now();
  for (let i = 0; i < 10; i += 1) {
    await devnet.testClient.mine({ blocks: 1 });
    mined.push(await devnet.publicClient.getBlockNumber({ cacheTime: 0 }));
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  const last = mined.at(-1)!;
  await waitFor("the last block's group job", async () => evaluatedBlocks.has(last) || undefined);
  const elapsedSec = (Date.now() - startedMs) / 1000;

  // No block skipped: each was seen within its 300 ms, so each was the newest when a poll found it.
  expect(mined.filter((block) => !evaluatedBlocks.has(block))).toEqual([]);
  // About one job a second over the ~3.3 s, each polling about ten times (a tick takes milliseconds).
  const during = scanResults.slice(1, -1);
  expect(scanResults.length).toBeLessThanOrEqual(Math.ceil(elapsedSec) + 3);
  expect(during.length).toBeGreaterThan(0);
  for (const result of during) expect(result.polls).toBeGreaterThanOrEqual(5);
});

it("takes the scan over from a monitor that died holding its slot, within the scan lock's bound", async () => {
  const devnet = bed.devnet();
  const dying = bed.keeperFor({ mode: "shadow", role: "monitor" });
  await dying.start();
  await waitFor("the dying monitor's first evaluation", () => dying.ctx.bookState.lastEvaluation(BOOK_ID));
  // The only monitor: an active scan job is its own. Taken early in its slot, then killed outright (workers
  // force-closed, the lock left to lapse), as a SIGKILL would.
  const orphan = await waitFor("a scan job early in its slot", async () => {
    const [active] = await dying.queues.scan.getActive();
    return active?.processedOn !== undefined && Date.now() - active.processedOn < 300 ? active : undefined;
  });
  await dying.kill();
  const killedAtMs = Date.now();
  const survivor = bed.keeperFor({ mode: "shadow", role: "monitor" });
  // Control: the kill left the slot held (the survivor must wait out the lock, not find the queue free).
  expect((await survivor.queues.scan.getActive()).map((job) => job.id)).toEqual([orphan.id]);
  await survivor.start();
  await devnet.testClient.mine({ blocks: 1 });
  const block = await devnet.publicClient.getBlockNumber({ cacheTime: 0 });
  // Evaluated, not only enqueued: only the survivor's workers run.
  await waitFor(
    "the survivor's evaluation of the block mined after the kill",
    async () => {
      const last = await survivor.ctx.bookState.lastEvaluation(BOOK_ID);
      return last !== undefined && last.blockNumber >= block ? last : undefined;
    },
    20_000,
  );
  // The harness's scan lock is min(2 s job lock, 5 s) with a 1 s stalled check: the survivor finds the orphaned
  // slot once the lock lapses and runs it, then its own. With the configured job lock (30 s + 30 s by default) the
  // scan lock is 5 s + 5 s.
  expect(Date.now() - killedAtMs).toBeLessThan(10_000);
});

it("ends its slot when the monitor stops, finishing the job rather than leaving it to lapse", async () => {
  // A 20 s slot: waited out, the stop would take the whole grace period and then abandon the job.
  const monitor = bed.keeperFor({
    mode: "shadow",
    role: "monitor",
    config: { scanJobEveryMs: 20_000 },
  });
  await monitor.start();
  await waitFor("the first evaluation", () => monitor.ctx.bookState.lastEvaluation(BOOK_ID));
  // Control: a scan job is mid-slot when the stop comes.
  expect(await monitor.queues.scan.getActiveCount()).toBe(1);
  const stoppingAtMs = Date.now();
  await monitor.stop(10_000);
  expect(Date.now() - stoppingAtMs).toBeLessThan(5_000);
  // Finished, not abandoned: nothing left active for a stalled-job check to find.
  const queues = createKeeperQueues(bed.redis.redis, monitor.ctx.common.config);
  onTestFinished(() => queues.close());
  expect(await queues.scan.getActiveCount()).toBe(0);
});
