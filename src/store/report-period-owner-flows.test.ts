import { describe, expect, it } from "vitest";
import { attributePeriod, attributeStep } from "../performance/attribution.ts";
import type { LpPrincipalFlowHistory } from "./history-store.ts";
import { planExecution, recordedLog, reportSample } from "./report-period.test-support.ts";
import { reportPointsOf } from "./report-period.ts";

/** The LP's value with its fees owed (lpValueUsd holds both) and its delta, the Safe's base; its flows scanned. */
const sample = (
  block: bigint,
  input: { lpUsd: number; feesOwedUsd: number; priceUsd: number; lpDeltaBase: number; spotBase: number },
) =>
  reportSample(block, {
    priceUsd: input.priceUsd,
    lpValueUsd: input.lpUsd + input.feesOwedUsd,
    attribution: {
      lpFeesOwedUsd: input.feesOwedUsd,
      lpDeltaBase: input.lpDeltaBase,
      spotBase: input.spotBase,
      lpFlowsScannedFromBlock: block,
    },
  });

// A base/USD v3 LP whose owners add liquidity at block 101 (10 WETH from the Safe + 20,000 USDC: 40,000 in) and
// take some out at block 103 (30,000 of principal, 5 WETH of it collected to the Safe, with 25 of fees, 10 of them
// in WETH), the price flat at $2,000 until a step to $2,100 with no flow. The LP loses 150 over the withdrawal's step
// and 40 over the last; it earns 5, 0 and 3 of fees.
const samples = [
  sample(100n, { lpUsd: 300_000, feesOwedUsd: 20, priceUsd: 2_000, lpDeltaBase: 50, spotBase: 10 }),
  sample(102n, { lpUsd: 340_000, feesOwedUsd: 25, priceUsd: 2_000, lpDeltaBase: 60, spotBase: 0 }),
  sample(104n, { lpUsd: 309_850, feesOwedUsd: 0, priceUsd: 2_000, lpDeltaBase: 55, spotBase: 5.005 }),
  sample(106n, { lpUsd: 315_310, feesOwedUsd: 3, priceUsd: 2_100, lpDeltaBase: 56, spotBase: 5.005 }),
];

const DEPOSIT_TX = `0x${"d0".repeat(32)}`;
const WITHDRAWAL_TX = `0x${"e1".repeat(32)}`;

function flow(
  block: bigint,
  txHash: string,
  usd: Pick<
    LpPrincipalFlowHistory,
    "principalUsd" | "principalToSpotUsd" | "feesCollectedUsd" | "feesToSpotUsd"
  >,
): LpPrincipalFlowHistory {
  return {
    ...recordedLog(block, txHash, 3),
    position: "uniswap-v3:7",
    ...usd,
  };
}

const flows = [
  // At the period's first sample: outside it.
  flow(100n, `0x${"99".repeat(32)}`, {
    principalUsd: 5_000,
    principalToSpotUsd: 0,
    feesCollectedUsd: 0,
    feesToSpotUsd: 0,
  }),
  flow(101n, DEPOSIT_TX, {
    principalUsd: -40_000,
    principalToSpotUsd: -20_000,
    feesCollectedUsd: 0,
    feesToSpotUsd: 0,
  }),
  flow(103n, WITHDRAWAL_TX, {
    principalUsd: 30_000,
    principalToSpotUsd: 10_000,
    feesCollectedUsd: 25,
    feesToSpotUsd: 10,
  }),
];

/** The keeper's withdrawal: 1 of gas, and what its receipt says it paid the Safe (null: it could not value it). */
const execution = (
  block: bigint,
  txHash: string,
  paid: { principalUsd: number | null; feesUsd: number | null },
) =>
  planExecution(block, txHash, {
    gasUsd: 1,
    lpWithdrawnPrincipalUsd: paid.principalUsd,
    lpFeesCollectedUsd: paid.feesUsd,
  });

describe("reportPointsOf: LP principal flows of the owners", () => {
  it("keeps an owner's deposit and withdrawal out of gamma and fees, and the attribution still sums", () => {
    const points = reportPointsOf(samples, [], [], [], flows);
    // A deposit is a negative withdrawal; the base share through the Safe's balance is kept apart (spotBase has it).
    expect(points.map((p) => [p.lpWithdrawnUsd, p.lpWithdrawnToSpotUsd])).toEqual([
      [0, 0],
      [-20_000, -20_000],
      [0, -10_000],
      [0, -10_000],
    ]);
    expect(points.map((p) => [p.lpFeesCollectedUsd, p.lpFeesCollectedToSpotUsd])).toEqual([
      [0, 0],
      [0, 0],
      [15, 10],
      [15, 10],
    ]);
    const steps = points.slice(1).map((p, i) => attributeStep(points[i]!, p));
    const { total } = attributePeriod(points);
    expect(steps.map((s) => s.gammaUsd)).toEqual([0, -150, expect.closeTo(-40, 9)]);
    expect(steps.map((s) => s.feesEarnedUsd)).toEqual([5, 0, 3]);
    expect(total.deltaUsd).toBeCloseTo((55 + 5.005) * 100, 9);
    // The book lost the LP's 190, earned 8 of fees and gained the delta: the flows themselves moved nothing.
    expect(total.bookValueChangeUsd).toBeCloseTo(-190 + 8 + (55 + 5.005) * 100, 9);
    expect(total.unexplainedUsd).toBeCloseTo(0, 9);
  });

  it("counts a keeper's withdrawal among the recorded flows once, matching by transaction hash", () => {
    // Its receipt could not value the payout (the base is not a stablecoin: recorded null), so the flows count it.
    const once = reportPointsOf(
      samples,
      [execution(103n, WITHDRAWAL_TX, { principalUsd: null, feesUsd: null })],
      [],
      [],
      flows,
    );
    const keeperPaid = { principalUsd: 20_000, feesUsd: 15 };
    expect(once[2]!.lpWithdrawnUsd).toBe(0);
    expect(once[2]!.lpFeesCollectedUsd).toBe(15);
    expect(attributePeriod(once).total.gammaUsd).toBeCloseTo(-190, 9);
    expect(attributePeriod(once).total.unexplainedUsd).toBeCloseTo(0, 9);
    // Positive control: the same payout in another transaction is a withdrawal of its own, counted beside the flows.
    const twice = reportPointsOf(
      samples,
      [execution(103n, `0x${"77".repeat(32)}`, keeperPaid)],
      [],
      [],
      flows,
    );
    expect(twice[2]!.lpWithdrawnUsd).toBe(20_000);
    expect(twice[2]!.lpFeesCollectedUsd).toBe(30);
  });

  it("without recorded flows reads as before: the owners' principal is in gamma", () => {
    const points = reportPointsOf(samples, [], [], [], []);
    expect(points.every((p) => p.lpWithdrawnUsd === 0 && p.lpWithdrawnToSpotUsd === 0)).toBe(true);
    const steps = points.slice(1).map((p, i) => attributeStep(points[i]!, p));
    expect(steps.map((s) => s.gammaUsd)).toEqual([40_000, -30_150, expect.closeTo(-40, 9)]);
  });

  it("counts the keeper's v4 de-peg withdrawal once: with its flow recorded the points are what its execution alone gave", () => {
    // A stable pair's withdrawal: nothing of it is the base, so nothing goes to spot.
    const paid = { principalUsd: 184_303.43, feesUsd: 2.5 };
    const v4Flow = {
      ...flow(103n, WITHDRAWAL_TX, {
        principalUsd: paid.principalUsd,
        principalToSpotUsd: 0,
        feesCollectedUsd: paid.feesUsd,
        feesToSpotUsd: 0,
      }),
      position: "uniswap-v4:10",
    };
    const keeper = [execution(103n, WITHDRAWAL_TX, paid)];
    const executionOnly = reportPointsOf(samples, keeper, [], [], []);
    const withFlow = reportPointsOf(samples, keeper, [], [], [v4Flow]);
    expect(withFlow.map((p) => [p.lpWithdrawnUsd, p.lpFeesCollectedUsd])).toEqual(
      executionOnly.map((p) => [p.lpWithdrawnUsd, p.lpFeesCollectedUsd]),
    );
    expect(withFlow[2]!.lpWithdrawnUsd).toBe(paid.principalUsd);
    // Read a block late, the flow is valued at that block's feeds (USDC lower in a de-peg): the receipt's figure,
    // valued at its own block, is the one counted.
    const lateFlow = { ...v4Flow, principalUsd: 196_083.23 };
    const late = reportPointsOf(samples, keeper, [], [], [lateFlow]);
    expect(late[2]!.lpWithdrawnUsd).toBe(paid.principalUsd);
    expect(late.at(-1)!.lpWithdrawalUnknownExecutions).toBe(0);
    // Positive control: the flow of another transaction beside the execution is counted on top of it.
    const other = reportPointsOf(samples, keeper, [], [], [{ ...v4Flow, txHash: `0x${"77".repeat(32)}` }]);
    expect(other[2]!.lpWithdrawnUsd).toBeCloseTo(2 * paid.principalUsd, 9);
  });
});
