import { afterAll, describe, expect, it } from "vitest";
import { encodeJson } from "../../../keeper/plan-codec.ts";
import { createPlanStore, type PlanRecord } from "../../../keeper/plan-store.ts";
import type { Plan } from "../../../src/engine/plan.ts";
import { wallClock } from "../../../src/runtime/clock.ts";
import { isolatedRedis } from "../../support/redis-prefix.ts";

// The plan store on a real Redis: nonce repair reads the plans on the wire through an index, so its cost does not
// grow with every plan ever kept.
const { redis, prefix, cleanup } = isolatedRedis("plan-store");
afterAll(cleanup);

const planId = (n: number) => `0x${n.toString(16).padStart(64, "0")}` as const;
const planOf = (n: number) => ({
  plan: { planId: planId(n), bookId: "book" } as unknown as Plan,
  mac: "0x" as const,
});
const recordOf = (n: number, status: PlanRecord["status"]): PlanRecord => ({
  planId: planId(n),
  chainId: 1,
  bookId: "book",
  mode: "execute",
  lane: "routine",
  status,
  blockNumber: BigInt(n),
  createdAtMs: n,
  updatedAtMs: n,
  txs: [],
  timings: {},
});

describe("the plan store's submitted index", () => {
  it("holds exactly the plans whose transaction is on the wire, as statuses change", async () => {
    const plans = createPlanStore(redis, `${prefix}:a`, wallClock);
    await plans.create(planOf(1), recordOf(1, "planned"));
    await plans.create(planOf(2), recordOf(2, "submitted"));
    for (let n = 3; n < 53; n += 1) await plans.create(planOf(n), recordOf(n, "mined"));
    expect((await plans.submitted()).map((r) => r.planId)).toEqual([planId(2)]);
    await plans.update(planId(1), (r) => ({ ...r, status: "submitted" }));
    await plans.update(planId(2), (r) => ({ ...r, status: "mined" }));
    expect((await plans.submitted()).map((r) => r.planId)).toEqual([planId(1)]);
    await plans.update(planId(1), (r) => ({ ...r, status: "dropped" }));
    expect(await plans.submitted()).toEqual([]);
  });

  it("builds the index once from the full list for plans a keeper stored before it existed", async () => {
    const p = `${prefix}:b`;
    // As an older keeper left them: records and the list index, no submitted index.
    for (const [n, status] of [
      [1, "submitted"],
      [2, "mined"],
    ] as const) {
      await redis.set(`${p}:plan-record:${planId(n)}`, encodeJson(recordOf(n, status)));
      await redis.zadd(`${p}:plans`, n, planId(n));
    }
    const plans = createPlanStore(redis, p, wallClock);
    expect((await plans.submitted()).map((r) => r.planId)).toEqual([planId(1)]);
    expect(await redis.smembers(`${p}:plans-submitted`)).toEqual([planId(1)]);
  });
});
