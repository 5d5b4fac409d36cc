import { decodeFunctionData, keccak256, stringToBytes } from "viem";
import { describe, expect, it } from "vitest";
import type { Plan } from "../engine/plan.ts";
import { HEDGE_GUARD_ABI } from "./abis.ts";
import { address, TEST_TARGETS } from "./execution-targets.test-support.ts";
import { planToBatch } from "./plan-batch.ts";

const targets = TEST_TARGETS;

const plan: Plan = {
  planId: keccak256(stringToBytes("plan")),
  bookId: "treasury-ëth",
  blockNumber: 12_345n,
  lane: "routine",
  reason: "test",
  actions: [],
  premise: {
    deadlineSec: 1_000,
    oracle: { feed: address(9), heartbeatSec: 3_600, minAnswer: 1n, maxAnswer: 2n },
    perp: { baseToken: address(10), expectedSize: -5n, toleranceBase: 1n },
  },
  post: { minBalances: [] },
  expectedRiskReductionUsd: 0,
  expectedCost: { gasUsd: 0, feesUsd: 0, slippageUsd: 0, fundingUsd: 0, totalUsd: 0 },
  quote: { basePriceUsd: 3000, legs: [] },
  driftBpsBefore: 0,
  driftBpsAfter: 0,
};

// HedgeGuard admits a plan once per book, by block: the premise call must carry the plan's id, its book's key
// (keccak256 of the book id's UTF-8 bytes, as Solidity's keccak256(bytes(bookId))) and its block.
const expectedRef = {
  planId: plan.planId,
  bookKey: keccak256(stringToBytes("treasury-ëth")),
  planBlock: 12_345n,
};

describe("planToBatch premise", () => {
  it("passes the plan's reference to checkPremise for a perp plan", () => {
    const [premise] = planToBatch(plan, targets);
    const call = decodeFunctionData({ abi: HEDGE_GUARD_ABI, data: premise!.data });
    expect(call.functionName).toBe("checkPremise");
    expect(call.args[0]).toEqual(expectedRef);
  });

  it("passes the plan's reference to checkOraclePremise for a plan without a perp premise", () => {
    const [premise] = planToBatch({ ...plan, premise: { ...plan.premise, perp: undefined } }, targets);
    const call = decodeFunctionData({ abi: HEDGE_GUARD_ABI, data: premise!.data });
    expect(call.functionName).toBe("checkOraclePremise");
    expect(call.args[0]).toEqual(expectedRef);
  });
});

describe("planToBatch post state", () => {
  it("ends with HedgeGuard.checkHealthFactor on the plan's pool and floor when the plan sets an Aave floor", () => {
    const aave = { pool: address(11), minHealthFactorWad: 1_500_000_000_000_000_000n };
    const batch = planToBatch({ ...plan, post: { minBalances: [], aave } }, targets);
    const last = batch.at(-1)!;
    expect(last.to).toBe(targets.hedgeGuard);
    const call = decodeFunctionData({ abi: HEDGE_GUARD_ABI, data: last.data });
    expect(call.functionName).toBe("checkHealthFactor");
    expect(call.args).toEqual([plan.planId, aave.pool, aave.minHealthFactorWad]);
  });

  it("has no health-factor check when the plan sets no Aave floor", () => {
    const names = planToBatch(plan, targets).map(
      (tx) => decodeFunctionData({ abi: HEDGE_GUARD_ABI, data: tx.data }).functionName,
    );
    expect(names).not.toContain("checkHealthFactor");
  });
});

describe("planToBatch of a two-leg shift", () => {
  it("checks the perp premise, runs the Aave calls then the perp resize, and asserts both the perp size and the health factor", () => {
    const pool = address(11);
    const shift: Plan = {
      ...plan,
      actions: [
        {
          kind: "swap.exactInputSingle",
          venue: "uniswap-v3",
          tokenIn: address(12),
          tokenOut: address(13),
          fee: 500,
          amountIn: 61_000_000_000n,
          amountOutMinimum: 20n * 10n ** 18n,
        },
        { kind: "aave.repay", venue: "aave-v3", pool, asset: address(13), amount: 20n * 10n ** 18n },
        {
          kind: "perp.adjustPosition",
          venue: "perp-v2",
          baseToken: address(10),
          isBaseToQuote: true,
          amountBase: 20n * 10n ** 18n,
          oppositeAmountBound: 1n,
          expectedSizeBefore: -5n,
          expectedSizeAfter: -5n - 20n * 10n ** 18n,
        },
      ],
      post: {
        perp: { baseToken: address(10), targetSize: -5n - 20n * 10n ** 18n, toleranceBase: 1n },
        aave: { pool, minHealthFactorWad: 1_300_000_000_000_000_000n },
        minBalances: [],
      },
    };
    const batch = planToBatch(shift, targets);
    expect(batch.map((tx) => tx.to)).toEqual([
      targets.hedgeGuard,
      targets.uniswap.swapRouter,
      pool,
      targets.perp.clearingHouse,
      targets.hedgeGuard,
      targets.hedgeGuard,
    ]);
    const guardCalls = [batch[0]!, batch[4]!, batch[5]!].map(
      (tx) => decodeFunctionData({ abi: HEDGE_GUARD_ABI, data: tx.data }).functionName,
    );
    expect(guardCalls).toEqual(["checkPremise", "checkPost", "checkHealthFactor"]);
  });
});
