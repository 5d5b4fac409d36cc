import { type Address, encodeFunctionData } from "viem";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { rolesAbi } from "zodiac-roles-sdk";
import { jobIds } from "../../../keeper/job-ids.ts";
import type { Keeper } from "../../../keeper/keeper.ts";
import { sealPlan } from "../../../keeper/plan-integrity.ts";
import type { PlanRecord } from "../../../keeper/plan-store.ts";
import { LANE_PRIORITY } from "../../../keeper/queues.ts";
import { SWAP_ROUTER_ABI } from "../../../src/chain/abis/uniswap-v3-abi.ts";
import { DEVNET_ACCOUNT_INDEXES, devnetAccount } from "../../../src/devnet/accounts.ts";
import { DEVNET_AAVE_BOOK_ID, DEVNET_BOOK_ID, devnetConfig } from "../../../src/devnet/devnet-config.ts";
import {
  type DevnetKeeperSetup,
  deployedOf,
  setUpDevnetKeeper,
} from "../../../src/devnet/devnet-keeper-setup.ts";
import { scenarioSchema } from "../../../src/devnet/scenario.ts";
import { runScenario } from "../../../src/devnet/scenario-runner.ts";
import { execSafeTransaction } from "../../../src/devnet/treasury-transaction.ts";
import type { Plan, SwapExactInputSingleAction } from "../../../src/engine/plan.ts";
import { planId } from "../../../src/engine/plan-id.ts";
import { swapDailyAllowanceKey } from "../../../src/execution/role-keys.ts";
import { keeperAllowances } from "../../../src/execution/role-statements.ts";
import { useDevnet } from "../../support/devnet.ts";
import { usdcToUsdtPlan } from "../../support/devnet-plans.ts";
import {
  type FaultInjectingRpcProxy,
  startFaultInjectingRpcProxy,
} from "../../support/fault-injecting-rpc-proxy.ts";
import { plannedRecordOf } from "../../support/planned-record.ts";
import { isolatedRedis } from "../../support/redis-prefix.ts";
import { hireKeeperForRebalances } from "./hire-keeper.ts";
import { testKeeper, waitFor } from "./keeper-harness.ts";

// Demo known gap (2) of issue 17, lean: both treasuries (the LP + perp book's Safe and the Aave book's) hold USDC and
// one keeper (one signer) serves both. USDC de-pegs to 0.96 on its feed and in the USDC/USDT 0.01% pool; both books
// decide a de-peg swap through that pool on the same block, each bounded by the feeds' minimum (0.96 × (1 − 50 bps)
// USDT per USDC). The one sent first is mined and moves the pool (tick −409 → −478), which then pays the other less
// than its bound: the router refuses it ("Too little received") in the keeper's simulation. That plan is superseded
// (its premise, the pool, moved), nothing is sent, and the next block plans the book again on the moved pool.
// The same holds for a plan whose feed left the plan's oracle band before it was sent (USDC recovering while the plan
// waited behind another): superseded whether the guard's premise check refuses it inside the batch or Roles refuses
// its swap's minimum first (then the premise is checked alone); a minimum under the feeds' bound at an unmoved feed
// still fails.
const devnet = useDevnet({ inProcess: true, aaveTreasury: true });
let lpSetup: DevnetKeeperSetup;
let aaveSetup: DevnetKeeperSetup;
let proxy: FaultInjectingRpcProxy;
let redis: ReturnType<typeof isolatedRedis>;
const keepers: Keeper[] = [];

beforeAll(async () => {
  const d = devnet();
  lpSetup = await hireKeeperForRebalances(d.client, d.manifest);
  aaveSetup = await setUpDevnetKeeper(d.client, d.manifest, {
    treasury: "aave",
    caps: { callsPerHour: 100 },
  });
  proxy = await startFaultInjectingRpcProxy({ request: (args) => d.publicClient.request(args as never) });
}, 120_000);
afterAll(async () => {
  await proxy?.stop();
});
beforeEach(() => {
  redis = isolatedRedis("keeper-depeg-collision");
});
afterEach(async () => {
  await Promise.all(keepers.splice(0).map((k) => k.stop(2_000)));
  await redis.cleanup();
});

const setupOf = (bookId: string) => (bookId === DEVNET_AAVE_BOOK_ID ? aaveSetup : lpSetup);

/** One keeper, one signer, for `bookIds`, each book on its own treasury. */
function keeperFor(bookIds: readonly string[]): Keeper {
  const d = devnet();
  const [first, ...others] = bookIds as [string, ...string[]];
  const keeper = testKeeper({
    devnet: d,
    setup: setupOf(first),
    bookId: first,
    otherTreasuryBooks: others.map((bookId) => ({ bookId, setup: setupOf(bookId) })),
    rpcUrl: proxy.url,
    redisUrl: process.env.REDIS_URL!,
    prefix: redis.prefix,
    configured: devnetConfig(d.manifest, {
      rpcUrl: proxy.url,
      redisUrl: process.env.REDIS_URL!,
      deployed: deployedOf(lpSetup.scope),
      aaveTreasuryDeployed: deployedOf(aaveSetup.scope),
    }),
  });
  keepers.push(keeper);
  return keeper;
}

const USDC_AT_96_CENTS = scenarioSchema.parse({
  name: "usdc-at-96-cents",
  description: "USDC to 0.96 on its feed, then in the USDC/USDT pool: both Safes' de-peg act tier.",
  steps: [
    { kind: "feed.set", feed: "usdcUsd", answer: 0.96, label: "USDC/USD prints 0.96" },
    { kind: "pool.movePrice", pool: "usdcUsdt100", price: 0.96, label: "USDC/USDT follows" },
  ],
});

const OPEN: ReadonlySet<PlanRecord["status"]> = new Set(["planned", "submitted"]);

/**
 * Plays the de-peg with the keeper up and the chain mining only when told: once the pool's step is mined, waits until
 * every book in `bookIds` has decided an urgent plan, then mines a block at a time until no plan is open and every
 * book has decided again on a later block (not skipped for a plan in flight). Returns the de-peg's block and every
 * plan.
 */
async function playDepeg(keeper: Keeper, bookIds: readonly string[]) {
  const d = devnet();
  await keeper.start();
  let depegBlock = 0n;
  await runScenario(d.client, d.manifest, USDC_AT_96_CENTS, {
    onStep: async (step) => {
      if (step.index !== USDC_AT_96_CENTS.steps.length - 1) return;
      depegBlock = await d.publicClient.getBlockNumber({ cacheTime: 0 });
      await waitFor("every book's de-peg plan decided", async () => {
        const urgent = (await keeper.plans.list()).filter((r) => r.lane === "urgent");
        return bookIds.every((id) => urgent.some((r) => r.bookId === id));
      });
      await waitFor(
        "every plan settled and every book decided again",
        async () => {
          const plans = await keeper.plans.list();
          const last = await keeper.ctx.bookState.lastEvaluations(bookIds);
          const decidedAgain = last.every(
            (e) => e !== undefined && e.blockNumber > depegBlock && e.decision !== "skipped",
          );
          if (plans.every((r) => !OPEN.has(r.status)) && decidedAgain) return true;
          await d.testClient.mine({ blocks: 1 });
          return false;
        },
        60_000,
        300,
      );
    },
  });
  const plans = await keeper.plans.list();
  return { depegBlock, plans };
}

const swapOf = (plan: Plan) =>
  plan.actions.find((a): a is SwapExactInputSingleAction => a.kind === "swap.exactInputSingle");

/** What the pool pays `safe` for the swap's input at `blockNumber`: the router's own answer, no minimum. */
async function poolPays(safe: Address, swap: SwapExactInputSingleAction, blockNumber: bigint) {
  const d = devnet();
  const { result } = await d.publicClient.simulateContract({
    account: safe,
    address: d.manifest.contracts.swapRouter,
    abi: SWAP_ROUTER_ABI,
    functionName: "exactInputSingle",
    args: [
      {
        tokenIn: swap.tokenIn,
        tokenOut: swap.tokenOut,
        fee: swap.fee,
        recipient: safe,
        deadline: 2n ** 40n,
        amountIn: swap.amountIn,
        amountOutMinimum: 0n,
        sqrtPriceLimitX96: 0n,
      },
    ],
    blockNumber,
  });
  return result;
}

describe("two Safes' de-peg swaps through one pool, decided on one block by one keeper", () => {
  it("mines the first; the second, refused on its minimum out by the pool the first moved, is superseded and its book planned again on the moved pool", async () => {
    const keeper = keeperFor([DEVNET_BOOK_ID, DEVNET_AAVE_BOOK_ID]);
    const { depegBlock, plans } = await playDepeg(keeper, [DEVNET_BOOK_ID, DEVNET_AAVE_BOOK_ID]);

    // Both books decided a de-peg swap on the pool's block, through the same pool.
    const first = plans.filter((r) => r.blockNumber === depegBlock);
    expect(first.map((r) => r.bookId).sort()).toEqual([DEVNET_BOOK_ID, DEVNET_AAVE_BOOK_ID].sort());
    const decided = await Promise.all(first.map(async (r) => (await keeper.plans.plan(r.planId)) as Plan));
    const pools = decided.map((p) => p.quote.legs.find((l) => l.kind === "swap")?.pool);
    expect(pools[0]).toBe(devnet().manifest.pools.usdcUsdt100.address);
    expect(pools[1]).toBe(pools[0]);

    // One is mined, the other superseded, nothing failed or reverted.
    expect(first.map((r) => r.status).sort()).toEqual(["mined", "superseded"]);
    expect(plans.filter((r) => !["mined", "superseded"].includes(r.status))).toEqual([]);
    const mined = first.find((r) => r.status === "mined")!;
    const superseded = first.find((r) => r.status === "superseded")!;
    expect(superseded.txs).toEqual([]);
    expect(superseded.reason).toMatch(
      new RegExp(`^superseded: pool ${pools[0]} moved since block ${depegBlock} \\(tick -?\\d+ → -?\\d+`),
    );
    expect(superseded.reason).toContain("Error(Too little received)");

    // The chain's side of it: on the plan's block the pool paid the superseded swap its minimum; after the other
    // Safe's swap was mined it paid less.
    const plan = decided.find((p) => p.planId === superseded.planId)!;
    const swap = swapOf(plan)!;
    const safe = setupOf(superseded.bookId).scope.safe;
    expect(await poolPays(safe, swap, depegBlock)).toBeGreaterThanOrEqual(swap.amountOutMinimum);
    expect(await poolPays(safe, swap, mined.minedBlock!)).toBeLessThan(swap.amountOutMinimum);

    // The book was decided again on the moved pool, on a later block (playDepeg waits for it): any swap resized to
    // what that pool pays at the feeds' minimum, or none (the pool paying less, or a swap that small not worth its
    // cost), with whatever else the book needs (the LP book's v4 withdrawal) mined.
    const replanned = plans.filter((r) => r.bookId === superseded.bookId && r.blockNumber > depegBlock);
    expect(replanned.every((r) => r.status === "mined")).toBe(true);
    const swapsAgain = (
      await Promise.all(replanned.map(async (r) => swapOf((await keeper.plans.plan(r.planId)) as Plan)))
    ).filter((s) => s !== undefined);
    for (const again of swapsAgain) expect(again.amountIn).toBeLessThan(swap.amountIn);

    // Announced and counted as superseded, not as a failure.
    const counters = await keeper.ctx.events.counters();
    expect(counters.plans_superseded).toBe(1);
    expect(counters.plans_failed ?? 0).toBe(0);
  });

  it("positive control: the same de-peg with one book, its swap through the unmoved pool is mined", async () => {
    const keeper = keeperFor([DEVNET_BOOK_ID]);
    const { depegBlock, plans } = await playDepeg(keeper, [DEVNET_BOOK_ID]);
    const [record] = plans.filter((r) => r.blockNumber === depegBlock);
    expect(record?.status).toBe("mined");
    const plan = (await keeper.plans.plan(record!.planId)) as Plan;
    expect(swapOf(plan)?.amountIn).toBeGreaterThan(0n);
    expect(plans.map((r) => r.status)).toEqual(["mined"]);
  });

  it("a swap refused on its minimum out by a pool that did not move stays a failure", async () => {
    const d = devnet();
    const keeper = keeperFor([DEVNET_BOOK_ID]);
    // A swap of 1,000 USDC at par asking twice what it puts in: the pool never paid that.
    const honest = await usdcToUsdtPlan(d, lpSetup, 1_000n * 10n ** 6n);
    const swap = swapOf(honest)!;
    const greedy = { ...swap, amountOutMinimum: swap.amountIn * 2n };
    const [balance] = honest.post.minBalances;
    const plan: Plan = {
      ...honest,
      planId: planId(honest.bookId, honest.blockNumber, [greedy]),
      actions: [greedy],
      post: {
        minBalances: [
          { ...balance!, amount: balance!.amount - swap.amountOutMinimum + greedy.amountOutMinimum },
        ],
      },
    };
    const record = await submitAndSettle(keeper, plan);
    expect(record.status).toBe("failed");
    expect(record.reason).toMatch(
      /venue call 1 \(to 0x[0-9a-fA-F]{40}\) reverts: Error\(Too little received\)/,
    );
    expect(record.txs).toEqual([]);
  });
});

/** Stores `plan` as decided and queues its submit job, starts the keeper, and waits until the plan is settled. */
async function submitAndSettle(keeper: Keeper, plan: Plan): Promise<PlanRecord> {
  const chainId = devnet().manifest.chainId;
  await keeper.plans.create(sealPlan(keeper.ctx.planKey, plan), plannedRecordOf(plan, chainId));
  await keeper.queues.submit.add(
    "submit",
    { v: 1, chainId, planId: plan.planId },
    { jobId: jobIds.submit(chainId, plan.planId), priority: LANE_PRIORITY[plan.lane] },
  );
  await keeper.start();
  return waitFor("the plan settled", async () => {
    const r = await keeper.plans.record(plan.planId);
    return r !== undefined && !OPEN.has(r.status) ? r : undefined;
  });
}

/** USDC at `price` on its feed and in the USDC/USDT pool, in one scenario of two steps. */
async function usdcAt(price: number) {
  const d = devnet();
  await runScenario(
    d.client,
    d.manifest,
    scenarioSchema.parse({
      name: `usdc-at-${Math.round(price * 1_000)}`,
      description: "USDC's feed and pool to one price.",
      steps: [
        { kind: "feed.set", feed: "usdcUsd", answer: price },
        { kind: "pool.movePrice", pool: "usdcUsdt100", price },
      ],
    }),
  );
}

/**
 * A USDC → USDT plan of 1,000 USDC bounded at today's feeds, its oracle premise a ±0.25% band around today's USDC
 * answer. USDC at 0.995 is under the devnet book's de-peg act tier, so the keeper's own evaluation plans no swap
 * beside it (its own swap would move the pool this plan trades).
 */
async function depegSwapPlan(
  adjust: (swap: SwapExactInputSingleAction) => SwapExactInputSingleAction = (x) => x,
) {
  const honest = await usdcToUsdtPlan(devnet(), lpSetup, 1_000n * 10n ** 6n);
  const oracle = honest.premise.oracle!;
  const answer = oracle.maxAnswer / 2n; // the test-support band is answer / 2 .. answer × 2
  const swap = adjust(swapOf(honest)!);
  const [balance] = honest.post.minBalances;
  return {
    ...honest,
    planId: planId(honest.bookId, honest.blockNumber, [swap]),
    actions: [swap],
    premise: {
      ...honest.premise,
      oracle: { ...oracle, minAnswer: (answer * 9_975n) / 10_000n, maxAnswer: (answer * 10_025n) / 10_000n },
    },
    post: {
      minBalances: [
        { ...balance!, amount: balance!.amount - swapOf(honest)!.amountOutMinimum + swap.amountOutMinimum },
      ],
    },
  } satisfies Plan;
}

describe("a de-peg swap whose feed moved after its block", () => {
  it("is superseded when the feed its bound reads left the plan's band since its block (a recovering de-peg)", async () => {
    const keeper = keeperFor([DEVNET_BOOK_ID]);
    await usdcAt(0.995);
    const plan = await depegSwapPlan();
    // USDC recovers before the plan is sent: the on-chain minimum (at 1.00) is above the plan's (at 0.995).
    await usdcAt(1);
    const record = await submitAndSettle(keeper, plan);
    expect(record.status).toBe("superseded");
    expect(record.txs).toEqual([]);
    expect(record.reason).toMatch(
      /^superseded: the feed left the plan's oracle band since block \d+ \(HedgeGuardPriceOutOfBand\(0x[0-9a-f]{64}, 100000000, 99251250, 99748750\)\): re-planned on the next block$/,
    );
    expect((await keeper.ctx.events.counters()).plans_superseded).toBe(1);
  });

  it("is superseded when Roles refuses its swap under the bound the moved feed now sets, its premise failing beside it", async () => {
    const keeper = keeperFor([DEVNET_BOOK_ID]);
    await usdcAt(0.995);
    // The lowest minimum the scope admits at 0.995 (1,000 × 0.995 × (1 − the devnet's 150 bps swap bound) = 980.075
    // USDT), which a feed at 1.005 raises to 989.925: Roles refuses the calls before the premise check runs.
    const plan = await depegSwapPlan((swap) => ({ ...swap, amountOutMinimum: 980_100_000n }));
    await usdcAt(1.005);
    const record = await submitAndSettle(keeper, plan);
    expect(record.status).toBe("superseded");
    expect(record.txs).toEqual([]);
    expect(record.reason).toMatch(
      /^superseded: the feed left the plan's oracle band since block \d+ \(HedgeGuardPriceOutOfBand\(0x[0-9a-f]{64}, 100500000, 99251250, 99748750\)\), Roles refusing its calls first \(ConditionViolation\(5, 0x0{64}\)\): re-planned on the next block$/,
    );
  });

  it("fails when its premise still holds: a minimum out under the feeds' bound is the plan's own fault", async () => {
    const keeper = keeperFor([DEVNET_BOOK_ID]);
    await usdcAt(0.995);
    const plan = await depegSwapPlan((swap) => ({ ...swap, amountOutMinimum: swap.amountOutMinimum / 2n }));
    const record = await submitAndSettle(keeper, plan);
    expect(record.status).toBe("failed");
    expect(record.txs).toEqual([]);
    expect(record.reason).toMatch(/^ConditionViolation\(5, 0x0{64}\)$/);
  });

  it("fails naming the keeper's swap allowance when Roles refuses the plan because it is empty", async () => {
    const keeper = keeperFor([DEVNET_BOOK_ID]);
    await usdcAt(0.995);
    const plan = await depegSwapPlan();
    // The owners empty the USDC swap allowance (its next refill a whole period away); the plan is the one the
    // positive control below mines.
    const usdc = devnet().manifest.contracts.usdc;
    const spec = keeperAllowances(lpSetup.scope).find((a) => a.key === swapDailyAllowanceKey(usdc))!;
    const [first, second] = DEVNET_ACCOUNT_INDEXES.owners;
    await execSafeTransaction(
      devnet().client,
      lpSetup.scope.safe,
      [devnetAccount(first), devnetAccount(second)],
      {
        to: lpSetup.scope.roles,
        data: encodeFunctionData({
          abi: rolesAbi,
          functionName: "setAllowance",
          args: [spec.key, 0n, spec.maxRefill, spec.refill, spec.period, 0n],
        }),
        label: "owners empty the USDC swap allowance",
      },
    );
    const record = await submitAndSettle(keeper, plan);
    expect(record.status).toBe("failed");
    expect(record.txs).toEqual([]);
    expect(record.reason).toBe(
      `ConditionViolation(5, 0x${"0".repeat(64)}); exhausted allowances: hk.swap.${usdc.slice(2, 14).toLowerCase()}`,
    );
  });

  it("positive control: the same plan with the feed where it was decided is mined", async () => {
    const keeper = keeperFor([DEVNET_BOOK_ID]);
    await usdcAt(0.995);
    const record = await submitAndSettle(keeper, await depegSwapPlan());
    expect(record.status).toBe("mined");
  });

  it("positive control: the plan at the lowest minimum the scope admits, with the feed where it was decided, is mined", async () => {
    const keeper = keeperFor([DEVNET_BOOK_ID]);
    await usdcAt(0.995);
    const plan = await depegSwapPlan((swap) => ({ ...swap, amountOutMinimum: 980_100_000n }));
    expect((await submitAndSettle(keeper, plan)).status).toBe("mined");
  });
});
