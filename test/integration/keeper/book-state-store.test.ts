import { afterAll, describe, expect, it } from "vitest";
import { createBookStateStore, type LastEvaluation } from "../../../keeper/book-state-store.ts";
import { isolatedRedis } from "../../support/redis-prefix.ts";

// The book state store on a real Redis: the engine's memory and the last evaluation, written together per block.
const { redis, prefix, cleanup } = isolatedRedis("book-state");
afterAll(cleanup);

const evaluationAt = (block: bigint, bookId = "book-a"): LastEvaluation => ({
  bookId,
  blockNumber: block,
  atMs: Number(block) * 1_000,
  driftBps: -12.5,
  decision: "noop",
  reason: "inside the band",
});

describe("the book state store", () => {
  it("records the engine's state and the last evaluation together, and reads both back", async () => {
    const store = createBookStateStore(redis, `${prefix}:a`);
    expect(await store.state("book-a")).toEqual({ hedgeTriggered: false, lastPlanAtSec: null });
    expect(await store.lastEvaluation("book-a")).toBeUndefined();
    await store.record("book-a", { hedgeTriggered: true, lastPlanAtSec: 1_700 }, evaluationAt(10n));
    expect(await store.state("book-a")).toEqual({ hedgeTriggered: true, lastPlanAtSec: 1_700 });
    expect(await store.lastEvaluation("book-a")).toEqual(evaluationAt(10n));
    // Without a state (the evaluation changed nothing the engine remembers) the stored state stays.
    await store.record("book-a", undefined, evaluationAt(11n));
    expect(await store.state("book-a")).toEqual({ hedgeTriggered: true, lastPlanAtSec: 1_700 });
    expect(await store.lastEvaluation("book-a")).toEqual(evaluationAt(11n));
    // Another book's keys are its own.
    await store.record("book-b", { hedgeTriggered: false, lastPlanAtSec: 5 }, evaluationAt(11n, "book-b"));
    expect(await store.state("book-a")).toEqual({ hedgeTriggered: true, lastPlanAtSec: 1_700 });
    expect(await store.lastEvaluations(["book-b", "book-c", "book-a"])).toEqual([
      evaluationAt(11n, "book-b"),
      undefined,
      evaluationAt(11n),
    ]);
  });

  it("writes both keys in one command: a reader never sees the new evaluation beside the old state", async () => {
    const store = createBookStateStore(redis, `${prefix}:b`);
    const monitor = await redis.duplicate().monitor();
    const seen: string[][] = [];
    monitor.on("monitor", (_time: string, args: string[]) => {
      if (args.some((a) => a.startsWith(`${prefix}:b:`))) seen.push(args);
    });
    await store.record("book-a", { hedgeTriggered: true, lastPlanAtSec: 9 }, evaluationAt(12n));
    await store.state("book-a"); // a round trip after the write: the monitor has seen it
    await new Promise((resolve) => setTimeout(resolve, 50));
    monitor.disconnect();
    const writes = seen.filter((args) => args[0]?.toLowerCase() !== "get");
    expect(writes.map((args) => args[0]?.toLowerCase())).toEqual(["mset"]);
    expect(writes[0]).toEqual([
      "mset",
      `${prefix}:b:book-state:book-a`,
      JSON.stringify({ hedgeTriggered: true, lastPlanAtSec: 9 }),
      `${prefix}:b:last-evaluation:book-a`,
      expect.stringContaining('"blockNumber"'),
    ]);
  });
});
