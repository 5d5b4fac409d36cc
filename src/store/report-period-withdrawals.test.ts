import { describe, expect, it } from "vitest";
import { attributePeriod } from "../performance/attribution.ts";
import type { PlanExecution } from "./history-store.ts";
import { planExecution, reportSample } from "./report-period.test-support.ts";
import { reportPointsOf } from "./report-period.ts";

// An LP withdrawal as the history holds it: a stable-pair position (no base, δ = 0) worth 100,000 withdrawn whole at
// block 102 (its execution paid the Safe 100,000 of principal and 12 of fees owed), a base/USD LP beside it.
const PRINCIPAL = 100_000;

/** The LP's value with its fees owed (lpValueUsd holds both), at the base price. */
const sample = (block: bigint, input: { lpUsd: number; feesOwedUsd: number; priceUsd: number }) =>
  reportSample(block, {
    priceUsd: input.priceUsd,
    lpValueUsd: input.lpUsd + input.feesOwedUsd,
    attribution: { lpFeesOwedUsd: input.feesOwedUsd },
  });

/** The keeper's withdrawal: 1 of gas, and what its receipt says the withdrawal paid the Safe. */
const execution = (
  block: bigint,
  paid: Pick<PlanExecution, "lpWithdrawnPrincipalUsd" | "lpFeesCollectedUsd">,
) => planExecution(block, `0x${"ab".repeat(32)}`, { gasUsd: 1, ...paid });

// The stable position loses 500 to the de-peg over the first step, then is withdrawn: the LP falls by its value.
const samples = [
  sample(100n, { lpUsd: 250_000, feesOwedUsd: 10, priceUsd: 2_000 }),
  sample(101n, { lpUsd: 249_500, feesOwedUsd: 12, priceUsd: 2_000 }),
  sample(103n, { lpUsd: 249_500 - PRINCIPAL, feesOwedUsd: 0, priceUsd: 2_000 }),
];

describe("reportPointsOf: LP withdrawals", () => {
  it("accumulates what an execution's withdrawal paid at its block, so gamma keeps the LP's loss and not the principal", () => {
    const points = reportPointsOf(samples, [
      execution(102n, { lpWithdrawnPrincipalUsd: PRINCIPAL, lpFeesCollectedUsd: 12 }),
    ]);
    expect(points.map((p) => [p.lpWithdrawnUsd, p.lpFeesCollectedUsd])).toEqual([
      [0, 0],
      [0, 0],
      [PRINCIPAL, 12],
    ]);
    expect(points.map((p) => p.lpWithdrawalUnknownExecutions)).toEqual([0, 0, 0]);
    const { total } = attributePeriod(points);
    expect(total.gammaUsd).toBeCloseTo(-500, 9);
    expect(total.feesEarnedUsd).toBeCloseTo(2, 9);
    expect(total.lpWithdrawnUsd).toBe(PRINCIPAL);
    // The book lost the de-peg's 500, earned 2 of fees and paid 1 of gas: the withdrawal itself moved nothing.
    expect(total.bookValueChangeUsd).toBeCloseTo(-499, 9);
    expect(total.unexplainedUsd).toBeCloseTo(0, 9);
  });

  it("counts an execution with an unknown payout apart, and its withdrawal as gamma (as before migration 8)", () => {
    const points = reportPointsOf(samples, [
      execution(102n, { lpWithdrawnPrincipalUsd: null, lpFeesCollectedUsd: null }),
    ]);
    expect(points.map((p) => p.lpWithdrawalUnknownExecutions)).toEqual([0, 0, 1]);
    expect(points[2]!.lpWithdrawnUsd).toBe(0);
    const { total } = attributePeriod(points);
    expect(total.gammaUsd).toBeCloseTo(-500 - PRINCIPAL, 9);
    expect(total.unexplainedUsd).toBeCloseTo(0, 9);
  });

  it("leaves out an execution at or before the period's first sample", () => {
    const points = reportPointsOf(samples, [
      execution(100n, { lpWithdrawnPrincipalUsd: PRINCIPAL, lpFeesCollectedUsd: 12 }),
    ]);
    expect(points.every((p) => p.lpWithdrawnUsd === 0 && p.lpWithdrawalUnknownExecutions === 0)).toBe(true);
  });
});
