import { describe, expect, it } from "vitest";
import type { BookSample } from "../engine/snapshot.ts";
import { createMemorySampleStore } from "./sample-store.ts";

const sample = (blockNumber: number, lpValueUsd = 100): BookSample => ({
  blockNumber: BigInt(blockNumber),
  timestampSec: blockNumber * 12,
  basePriceUsd: 3000,
  lpValueUsd,
  hedgeValueUsd: 0,
  perpMarkPriceUsd: 3000,
  perpIndexPriceUsd: 3000,
  poolPriceUsd: 3000,
  fundingRateDaily: 0,
  perpSizeBase: -1,
});

describe("memory sample store", () => {
  it("keeps samples per book in block order and returns the most recent, oldest first", async () => {
    const store = createMemorySampleStore({ maxPerBook: 100 });
    for (const n of [3, 1, 2, 5, 4]) await store.put("a", sample(n));
    await store.put("b", sample(9));
    const recent = await store.recent("a", { limit: 3 });
    expect(recent.map((s) => s.blockNumber)).toEqual([3n, 4n, 5n]);
    expect((await store.recent("a", { limit: 10, uptoBlock: 2n })).map((s) => s.blockNumber)).toEqual([
      1n,
      2n,
    ]);
  });

  it("writes idempotently: replaying a block replaces its sample instead of adding one", async () => {
    const store = createMemorySampleStore({ maxPerBook: 100 });
    await store.put("a", sample(7, 100));
    await store.put("a", sample(7, 250));
    const recent = await store.recent("a", { limit: 10 });
    expect(recent).toHaveLength(1);
    expect(recent[0]!.lpValueUsd).toBe(250);
  });

  it("drops the samples of blocks a reorg orphaned, in every book", async () => {
    const store = createMemorySampleStore({ maxPerBook: 100 });
    for (const n of [1, 2, 3, 4]) await store.put("a", sample(n));
    await store.put("b", sample(3));
    expect(await store.removeFrom(3n)).toBe(3);
    expect((await store.recent("a", { limit: 10 })).map((s) => s.blockNumber)).toEqual([1n, 2n]);
    expect(await store.recent("b", { limit: 10 })).toEqual([]);
  });

  it("bounds memory per book by dropping the oldest", async () => {
    const store = createMemorySampleStore({ maxPerBook: 2 });
    for (const n of [1, 2, 3]) await store.put("a", sample(n));
    expect((await store.recent("a", { limit: 10 })).map((s) => s.blockNumber)).toEqual([2n, 3n]);
  });
});
