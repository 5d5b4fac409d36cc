import { keccak256, stringToBytes } from "viem";
import { describe, expect, it } from "vitest";
import type { V3PoolPrice } from "../chain/v3-pool-price.ts";
import type { Plan, PlanAction } from "../engine/plan.ts";
import { address, TEST_TARGETS } from "./execution-targets.test-support.ts";
import {
  SWAP_ROUTER_MINIMUM_OUT_REVERT,
  supersededSwapReason,
  swapRefusedOnMinimumOut,
} from "./moved-swap-premise.ts";
import { planActionIndexOfBatchCall, planToBatch } from "./plan-batch.ts";

const POOL = address(20);
const targets = TEST_TARGETS;

const withdrawal: PlanAction = {
  kind: "aave.repay",
  venue: "aave-v3",
  pool: address(11),
  asset: address(13),
  amount: 1n,
};
const swap: PlanAction = {
  kind: "swap.exactInputSingle",
  venue: "uniswap-v3",
  tokenIn: address(12),
  tokenOut: address(13),
  fee: 100,
  amountIn: 204_081_632_653n,
  amountOutMinimum: 194_938_775_511n,
};

/** A de-peg plan: an action before the swap (as the LP book's v4 withdrawal), then the swap through POOL. */
const plan: Plan = {
  planId: keccak256(stringToBytes("plan")),
  bookId: "treasury-eth",
  blockNumber: 241n,
  lane: "urgent",
  reason: "USDC de-peg",
  actions: [withdrawal, swap],
  premise: {
    deadlineSec: 1_000,
    oracle: { feed: address(9), heartbeatSec: 3_600, minAnswer: 1n, maxAnswer: 2n },
  },
  post: { minBalances: [{ token: address(13), amount: 1n }] },
  expectedRiskReductionUsd: 0,
  expectedCost: { gasUsd: 0, feesUsd: 0, slippageUsd: 0, fundingUsd: 0, totalUsd: 0 },
  quote: {
    basePriceUsd: 3000,
    legs: [
      {
        kind: "swap",
        actionIndex: 1,
        pool: POOL,
        priceNetOfFee: 0.9599,
        tokenInPriceUsd: 0.98,
        tokenOutPriceUsd: 1,
        tokenInDecimals: 6,
        tokenOutDecimals: 6,
      },
    ],
  },
  driftBpsBefore: 0,
  driftBpsAfter: 0,
};

describe("planActionIndexOfBatchCall", () => {
  it("maps each action's call in planToBatch's batch back to the action, and the guard's checks to none", () => {
    const batch = planToBatch(plan, targets);
    // premise, repay, swap, checkBalances
    expect(batch.map((_, i) => planActionIndexOfBatchCall(plan, i))).toEqual([undefined, 0, 1, undefined]);
    expect(batch[2]!.to).toBe(targets.uniswap.swapRouter);
  });
});

describe("swapRefusedOnMinimumOut", () => {
  it("names the swap's pool when the router refused the swap's call on its minimum out", () => {
    expect(swapRefusedOnMinimumOut(plan, { batchIndex: 2, reason: SWAP_ROUTER_MINIMUM_OUT_REVERT })).toBe(
      POOL,
    );
  });

  it("is undefined for another reason on the swap's call (a transfer failing, a Roles or guard error)", () => {
    for (const reason of ["Error(STF)", "ConditionViolation(2, 0x…)", "reverted without data"])
      expect(swapRefusedOnMinimumOut(plan, { batchIndex: 2, reason })).toBeUndefined();
  });

  it("is undefined for the same words on a call that is not a swap (the premise, another action, the post check)", () => {
    for (const batchIndex of [0, 1, 3, 4])
      expect(
        swapRefusedOnMinimumOut(plan, { batchIndex, reason: SWAP_ROUTER_MINIMUM_OUT_REVERT }),
      ).toBeUndefined();
  });

  it("is undefined for a swap the plan's quote names no pool for", () => {
    const unquoted = { ...plan, quote: { ...plan.quote, legs: [] } };
    expect(
      swapRefusedOnMinimumOut(unquoted, { batchIndex: 2, reason: SWAP_ROUTER_MINIMUM_OUT_REVERT }),
    ).toBeUndefined();
  });
});

describe("supersededSwapReason", () => {
  // The collision traced in depeg-swap-collision.test.ts: the other Safe's swap took the pool from tick -409 to -478.
  const atPlan: V3PoolPrice = {
    sqrtPriceX96: 77_627_428_567_299_670_747_176_239_104n,
    tick: -409,
    liquidity: 50_850_579_407_863n,
  };
  const moved: V3PoolPrice = {
    sqrtPriceX96: 77_359_365_669_911_767_804_813_054_976n,
    tick: -478,
    liquidity: 50_850_579_407_863n,
  };

  it("says the plan is superseded, with the pool's move, when the pool's price moved since the plan's block", () => {
    const reason = supersededSwapReason({ pool: POOL, planBlock: 241n, atPlan, atSimulation: moved });
    expect(reason).toBe(
      `superseded: pool ${POOL} moved since block 241 (tick -409 → -478, liquidity 50850579407863 → 50850579407863) and no longer pays the swap's minimum out (Error(Too little received)): re-planned on the next block`,
    );
  });

  it("counts in-range liquidity withdrawn at the same price as a move: the pool pays less for the same input", () => {
    const thinner = { ...atPlan, liquidity: atPlan.liquidity / 2n };
    expect(supersededSwapReason({ pool: POOL, planBlock: 241n, atPlan, atSimulation: thinner })).toMatch(
      /^superseded: /,
    );
  });

  it("is undefined when the pool is as it was: the refusal is the plan's own failure", () => {
    expect(
      supersededSwapReason({ pool: POOL, planBlock: 241n, atPlan, atSimulation: { ...atPlan } }),
    ).toBeUndefined();
  });
});
