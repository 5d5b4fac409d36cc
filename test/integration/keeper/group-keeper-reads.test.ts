import { afterAll, describe, expect, it } from "vitest";
import { createBookStateStore } from "../../../keeper/book-state-store.ts";
import { createGroupKeeperReads } from "../../../keeper/group-keeper-reads.ts";
import { createPlanStore } from "../../../keeper/plan-store.ts";
import { wallClock } from "../../../src/runtime/clock.ts";
import { isolatedRedis } from "../../support/redis-prefix.ts";

// A group job's leases and engine memory on a real Redis: the same answers as each book's own reads, one MGET a kind.
const { redis, prefix, cleanup } = isolatedRedis("group-keeper-reads");
afterAll(cleanup);

const PLAN = `0x${"ab".repeat(32)}`;

describe("a group's keeper reads", () => {
  it("answer each book as its own GET would, from one MGET per kind for the whole group", async () => {
    const plans = createPlanStore(redis, prefix, wallClock);
    const bookState = createBookStateStore(redis, prefix);
    expect(await plans.claimInFlight("book-b", PLAN)).toBe(true);
    await bookState.record(
      "book-a",
      { hedgeTriggered: true, lastPlanAtSec: 1_700 },
      {
        bookId: "book-a",
        blockNumber: 5n,
        atMs: 5_000,
        driftBps: 1,
        decision: "noop",
        reason: "inside the band",
      },
    );
    const books = ["book-a", "book-b", "book-c"];
    const monitor = await redis.duplicate().monitor();
    const commands: string[] = [];
    monitor.on("monitor", (_time: string, args: string[]) => {
      if (args.slice(1).some((a) => a.startsWith(`${prefix}:`))) commands.push(args[0]!.toLowerCase());
    });
    const reads = createGroupKeeperReads(books, plans, bookState);
    const grouped = await Promise.all(
      books.map(async (id) => [await reads.inFlight(id), await reads.keeperState(id)] as const),
    );
    await redis.ping(); // a round trip after the reads: the monitor has seen them
    await new Promise((resolve) => setTimeout(resolve, 50));
    const seen = [...commands];
    monitor.disconnect();
    const own = await Promise.all(
      books.map(async (id) => [await plans.inFlight(id), await bookState.state(id)] as const),
    );
    expect(grouped).toEqual(own);
    expect(grouped).toEqual([
      [null, { hedgeTriggered: true, lastPlanAtSec: 1_700 }],
      [PLAN, { hedgeTriggered: false, lastPlanAtSec: null }],
      [null, { hedgeTriggered: false, lastPlanAtSec: null }],
    ]);
    expect(seen).toEqual(["mget", "mget"]);
    // A book outside the group reads alone.
    expect(await reads.inFlight("book-z")).toBeNull();
  });

  it("fails only the book whose stored state is unreadable; its group's other books read theirs", async () => {
    const bookState = createBookStateStore(redis, `${prefix}:bad`);
    const plans = createPlanStore(redis, `${prefix}:bad`, wallClock);
    await redis.set(`${prefix}:bad:book-state:book-a`, "{not json");
    const reads = createGroupKeeperReads(["book-a", "book-b"], plans, bookState);
    await expect(reads.keeperState("book-a")).rejects.toThrow(/JSON/);
    expect(await reads.keeperState("book-b")).toEqual({ hedgeTriggered: false, lastPlanAtSec: null });
  });
});
