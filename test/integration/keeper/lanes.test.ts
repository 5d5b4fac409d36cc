import { describe, expect, it } from "vitest";
import type { KeeperBook } from "../../../keeper/context.ts";
import type { KeeperEvent } from "../../../keeper/events.ts";
import { jobIds } from "../../../keeper/job-ids.ts";
import { takeUpPlan } from "../../../keeper/plan-lifecycle.ts";
import type { PlanRecord } from "../../../keeper/plan-store.ts";
import type { Plan } from "../../../src/engine/plan.ts";
import { planId } from "../../../src/engine/plan-id.ts";
import { usdcToUsdtPlan } from "../../support/devnet-plans.ts";
import { BOOK_ID, waitFor } from "./keeper-harness.ts";
import { useKeeperTestbed } from "./keeper-testbed.ts";

// Lanes: an urgent de-peg plan runs ahead of routine work already queued, and supersedes a routine plan that
// holds its own book but was not signed yet (one plan in flight per book must never make urgent work wait).
const bed = useKeeperTestbed("keeper-lanes");
const devnet = bed.devnet;

/** A routine USDC→USDT swap that still holds during the de-peg (accepts half the amount back). */
async function routineSwap(amountUsdc: bigint): Promise<Plan> {
  const plan = await usdcToUsdtPlan(devnet(), bed.setup, amountUsdc * 10n ** 6n);
  const [swap] = plan.actions;
  if (swap?.kind !== "swap.exactInputSingle") throw new Error("expected a swap");
  const strictMin = swap.amountOutMinimum;
  const looseMin = swap.amountIn / 2n;
  const [balance] = plan.post.minBalances;
  const actions = [{ ...swap, amountOutMinimum: looseMin }];
  return {
    ...plan,
    planId: planId(plan.bookId, plan.blockNumber, actions),
    lane: "routine",
    reason: `routine swap ${amountUsdc}`,
    actions,
    post: { ...plan.post, minBalances: [{ ...balance!, amount: balance!.amount - strictMin + looseMin }] },
  };
}

const terminal = (r: PlanRecord | undefined) =>
  r !== undefined && r.status !== "planned" && r.status !== "submitted";

describe("the keeper's lanes", () => {
  it("executes the usdc-depeg-2023 urgent plan ahead of queued routine work, superseding the book's unsigned routine plan", async () => {
    const d = devnet();
    const chainId = d.manifest.chainId;
    const events: KeeperEvent[] = [];
    const keeper = bed.keeperFor({ onEvent: (event) => events.push(event) });
    // Routine work waits in a paused submit queue: one routine plan holding the book (as the evaluate job
    // records it), and two more routine plans queued behind it.
    await keeper.queues.submit.pause();
    const book = keeper.ctx.books.get(BOOK_ID) as KeeperBook;
    const holder = await routineSwap(1_000n);
    await takeUpPlan(keeper.ctx, book, holder, Date.now());
    expect(await keeper.plans.inFlight(BOOK_ID)).toBe(holder.planId);
    const queued = [await routineSwap(1_001n), await routineSwap(1_002n)];
    for (const plan of queued) await bed.queuePlan(keeper, plan);
    await keeper.start();

    let urgent: PlanRecord | undefined;
    await d.runScenario("usdc-depeg-2023", {
      onStep: async () => {
        if (urgent !== undefined) return;
        // Give the keeper the step's block; the de-peg act tier shows up within the first steps.
        urgent = await waitFor(
          "an urgent plan",
          async () => (await keeper.plans.list()).find((r) => r.lane === "urgent") ?? false,
          3_000,
        ).catch(() => undefined);
        if (urgent === undefined) return;
        // The urgent plan's submit job waits with the routine ones; then the queue runs, a block at a time.
        await waitFor("the urgent submit job", () =>
          keeper.queues.submit.getJob(jobIds.submit(chainId, urgent!.planId)),
        );
        await keeper.queues.submit.resume();
        const all = [urgent.planId, holder.planId, ...queued.map((p) => p.planId)];
        await waitFor(
          "the urgent plan and the routine work done",
          async () => {
            await d.testClient.mine({ blocks: 1 });
            const records = await Promise.all(all.map((id) => keeper.plans.record(id)));
            return records.every(terminal);
          },
          30_000,
          100,
        );
      },
    });
    expect(urgent).toBeDefined();
    const done = await keeper.plans.record(urgent!.planId);
    expect(done?.status, `${done?.reason}`).toBe("mined");
    const superseded = await keeper.plans.record(holder.planId);
    // Displaced unsigned: superseded, announced as such, not a failure.
    expect(superseded?.status).toBe("superseded");
    expect(superseded?.reason).toContain("superseded by urgent plan");
    expect(events).toContainEqual(
      expect.objectContaining({ kind: "plan.superseded", planId: holder.planId }),
    );
    expect(events.some((e) => e.kind === "plan.failed" && e.planId === holder.planId)).toBe(false);
    expect(superseded?.txs).toEqual([]);
    const routine = await Promise.all(queued.map((p) => keeper.plans.record(p.planId)));
    // The routine swaps were decided before the de-peg: by the time the urgent plan has run, their minimums no
    // longer fit the oracle (HedgeBounds holds every swap to the feeds' price less the bound) and HedgeGuard
    // admits no plan of the book older than the one that ran. They end refused by simulation, nothing sent,
    // after the urgent plan was sent: urgent work never waits behind them, and stale work never runs.
    const urgentSubmittedAtMs = done!.timings.submitStartedAtMs;
    expect(urgentSubmittedAtMs).toBeDefined();
    for (const r of routine) {
      expect(r?.status).toBe("failed");
      expect(r?.reason).toMatch(/^ConditionViolation\(5, /); // Roles: no configured pair's branch passes (the bound)
      expect(r?.txs).toEqual([]);
      expect(r!.updatedAtMs).toBeGreaterThanOrEqual(urgentSubmittedAtMs!);
    }
  }, 90_000);

  it("fails a routine plan decided while another holds its book, announced and recorded like every failure", async () => {
    const events: KeeperEvent[] = [];
    const keeper = bed.keeperFor({ onEvent: (event) => events.push(event) });
    const book = keeper.ctx.books.get(BOOK_ID) as KeeperBook;
    const holder = await routineSwap(1_000n);
    const late = await routineSwap(1_001n);
    await takeUpPlan(keeper.ctx, book, holder, Date.now());
    await takeUpPlan(keeper.ctx, book, late, Date.now());
    const record = await keeper.plans.record(late.planId);
    expect(record?.status).toBe("failed");
    expect(record?.reason).toBe(`plan ${holder.planId} is in flight for the book`);
    // The failure's event follows the record it announces (the history copies the plan on it).
    expect(events.filter((e) => "planId" in e && e.planId === late.planId).map((e) => e.kind)).toEqual([
      "plan.decided",
      "plan.failed",
    ]);
    expect(await keeper.plans.inFlight(BOOK_ID)).toBe(holder.planId);
  });
});
