// reportPointsOf on hand-built histories: the carry of a step where someone other than the keeper settled the
// Safe's funding, and a lending short's trades. Each book is modelled here from its own accounting (a Perp v2 account:
// owed realized P&L − pending funding + unrealized; an Aave short: base position × price), independently of the
// report's formulas; the attribution must explain its value change.
import { describe, expect, it } from "vitest";
import { attributePeriod } from "../performance/attribution.ts";
import type {
  PerpCollateralMoveHistory,
  PerpFundingSettlementHistory,
  ReportSample,
} from "./history-store.ts";
import {
  planExecution,
  type ReportSampleFields,
  recordedLog,
  reportSample,
} from "./report-period.test-support.ts";
import { reportPointsOf } from "./report-period.ts";

// A recorded rate that would estimate a carry far from the chain's: a test that falls back to it fails.
const MISLEADING_FUNDING_RATE_DAILY = 0.05;
const sample = (block: bigint, fields: ReportSampleFields) =>
  reportSample(block, { fundingRateDaily: MISLEADING_FUNDING_RATE_DAILY, ...fields });

function settlement(block: bigint, txHash: string, usd: number): PerpFundingSettlementHistory {
  return {
    ...recordedLog(block, txHash, 3),
    baseToken: "0x0000000000000000000000000000000000000e7e",
    fundingPaymentUsd: usd,
  };
}

// A short of 1 vETH at a steady mark, opened at it (no unrealized P&L): its hedge value is owed realized P&L − pending
// funding. It owes 5 at block 10, 8 at block 20 (3 accrued); at block 25 someone settles its 9 owed (8 + 1 accrued)
// into owed realized P&L; 2 more accrue by block 30. Funding received over the two steps: −3 and −3.
const SETTLED_USD = 9;
const PERP_SIZE = -1;
const outsideSettlement = (scannedFrom: (block: bigint) => bigint | null) => [
  sample(10n, { hedgeValueUsd: -5, perpSizeBase: PERP_SIZE, attribution: { pendingFundingUsd: 5 } }),
  sample(20n, {
    hedgeValueUsd: -8,
    perpSizeBase: PERP_SIZE,
    attribution: { pendingFundingUsd: 8, fundingScannedFromBlock: scannedFrom(20n) },
  }),
  sample(30n, {
    hedgeValueUsd: -SETTLED_USD - 2,
    perpSizeBase: PERP_SIZE,
    attribution: { pendingFundingUsd: 2, fundingScannedFromBlock: scannedFrom(30n) },
  }),
];
const scannedEveryBlock = (block: bigint) => block - 9n;

describe("reportPointsOf: funding settled by anyone, whoever sent the transaction", () => {
  it("counts a settlement made outside the keeper's plans between samples: carry as the chain accounts it, nothing unexplained", () => {
    const points = reportPointsOf(
      outsideSettlement(scannedEveryBlock),
      [],
      [],
      [settlement(25n, "0xaa", SETTLED_USD)],
    );
    const period = attributePeriod(points);
    expect(points.map((p) => p.carryUsd)).toEqual([0, -3, -6]);
    expect(points.at(-1)!.carryEstimatedUsd).toBe(0);
    expect(period.total.carryUsd).toBeCloseTo(-6, 12);
    expect(period.total.unexplainedUsd).toBeCloseTo(0, 12);
  });

  it("misreads the step by the settled amount without the settlement (what the history lacked before migration 9)", () => {
    const period = attributePeriod(reportPointsOf(outsideSettlement(scannedEveryBlock), [], [], []));
    expect(period.total.carryUsd).toBeCloseTo(-6 + SETTLED_USD, 12);
    expect(period.total.unexplainedUsd).toBeCloseTo(-SETTLED_USD, 12);
  });

  it("positive control: with no outside settlement the carry is the fall in pending funding, as before", () => {
    const samples = [
      sample(10n, { hedgeValueUsd: -5, perpSizeBase: PERP_SIZE, attribution: { pendingFundingUsd: 5 } }),
      sample(20n, {
        hedgeValueUsd: -8,
        perpSizeBase: PERP_SIZE,
        attribution: { pendingFundingUsd: 8, fundingScannedFromBlock: 11n },
      }),
    ];
    const covered = reportPointsOf(samples, [], [], []);
    const unscanned = reportPointsOf(
      samples.map((s) => ({ ...s, attribution: { ...s.attribution!, fundingScannedFromBlock: null } })),
      [],
      [],
      [],
    );
    expect(covered.at(-1)!.carryUsd).toBe(-3);
    expect(unscanned.at(-1)!.carryUsd).toBe(-3);
  });

  it("counts the keeper's own settlement once, whether the scans cover the step or only the receipt and the record say it", () => {
    // The settlement at block 25 is a plan's trade: its receipt recorded it, and the indexer recorded the same log.
    const plan = [planExecution(25n, "0xbb", { perpFundingSettledUsd: SETTLED_USD })];
    const record = [settlement(25n, "0xBB", SETTLED_USD)];
    for (const scannedFrom of [scannedEveryBlock, () => null]) {
      const period = attributePeriod(reportPointsOf(outsideSettlement(scannedFrom), plan, [], record));
      expect(period.total.carryUsd).toBeCloseTo(-6, 12);
      expect(period.total.unexplainedUsd).toBeCloseTo(0, 12);
    }
  });

  it("adds a recorded outside settlement to the receipts' where the scans do not cover the step", () => {
    // The scan of block 30's sample began at block 27: the settlement at 25 was found by an earlier one.
    const points = reportPointsOf(
      outsideSettlement((b) => b - 3n),
      [],
      [],
      [settlement(25n, "0xaa", SETTLED_USD)],
    );
    expect(points.at(-1)!.carryUsd).toBeCloseTo(-6, 12);
  });

  it("trusts the scans over a size change with no execution recorded (a liquidation settles funding too)", () => {
    const samples = outsideSettlement(scannedEveryBlock);
    // A liquidator closed half the short at the mark in block 25: no unrealized P&L moves at a steady mark.
    samples[2] = { ...samples[2]!, perpSizeBase: PERP_SIZE / 2 };
    const points = reportPointsOf(samples, [], [], [settlement(25n, "0xcc", SETTLED_USD)]);
    expect(points.at(-1)!.carryUsd).toBeCloseTo(-6, 12);
    expect(points.at(-1)!.carryEstimatedUsd).toBe(0);
  });
});

function collateralMove(block: bigint, txHash: string, usd: number): PerpCollateralMoveHistory {
  return {
    ...recordedLog(block, txHash, 1),
    collateralToken: "0x000000000000000000000000000000000000c0c0",
    movedUsd: usd,
  };
}

// A short at a steady mark whose account holds owed realized P&L: its hedge value is owed realized P&L (no pending
// funding, no unrealized), its collateral the vault balance, outside that value. Block 10: owed 20, balance 1,000.
// Between blocks 10 and 20 a deposit or withdrawal moves `movedUsd`; a withdrawal first settles the owed 20 into the
// balance (Vault.withdraw → AccountBalance.settle): balance += owed − amount, owed → 0.
function vaultStep(movedUsd: number, scannedFrom: bigint | null): ReportSample[] {
  const settles = movedUsd < 0;
  const owedAfter = settles ? 0 : 20;
  const at = (block: bigint, owed: number, collateral: number) =>
    sample(block, {
      hedgeValueUsd: owed,
      perpSizeBase: PERP_SIZE,
      attribution: {
        fundingScannedFromBlock: scannedFrom,
        perp: { owedRealizedPnlUsd: owed, unrealizedPnlUsd: 0, pendingFeeUsd: 0, collateralUsd: collateral },
      },
    });
  return [at(10n, 20, 1_000), at(20n, owedAfter, 1_000 + (20 - owedAfter) + movedUsd)];
}

describe("reportPointsOf: collateral moved into or out of the perp vault by anyone", () => {
  it("reads the Safe's owners' own deposit between samples as a transfer: nothing settled into collateral, nothing unexplained", () => {
    const points = reportPointsOf(vaultStep(500, 11n), [], [], [], [], [collateralMove(15n, "0xaa", 500)]);
    const period = attributePeriod(points);
    expect(points.at(-1)!.settledToCollateralUsd).toBe(0);
    expect(period.total.unexplainedUsd).toBeCloseTo(0, 12);
  });

  it("misreads the owners' deposit as P&L settled into collateral without its record (what the history lacked before migration 12)", () => {
    const points = reportPointsOf(vaultStep(500, 11n), [], [], [], [], []);
    expect(points.at(-1)!.settledToCollateralUsd).toBe(500);
    expect(attributePeriod(points).total.unexplainedUsd).toBeCloseTo(500, 12);
  });

  it("an owners' withdrawal settles the owed P&L: settled into collateral is that P&L alone, the sum holds", () => {
    const points = reportPointsOf(vaultStep(-300, 11n), [], [], [], [], [collateralMove(15n, "0xaa", -300)]);
    expect(points.at(-1)!.settledToCollateralUsd).toBeCloseTo(20, 12);
    expect(attributePeriod(points).total.unexplainedUsd).toBeCloseTo(0, 12);
  });

  it("counts the keeper's own deposit once, whether the scans cover the step or only the receipt and the record say it", () => {
    const plan = [planExecution(15n, "0xbb", { perpCollateralMovedUsd: 500 })];
    const record = [collateralMove(15n, "0xBB", 500)];
    for (const scannedFrom of [11n, null]) {
      const points = reportPointsOf(vaultStep(500, scannedFrom), plan, [], [], [], record);
      expect(points.at(-1)!.settledToCollateralUsd).toBe(0);
      expect(attributePeriod(points).total.unexplainedUsd).toBeCloseTo(0, 12);
    }
  });

  it("adds a recorded owners' move to the receipts' where the scans do not cover the step", () => {
    // The scan of block 20's sample began at block 18: the deposit at 15 was found by an earlier one.
    const plan = [planExecution(12n, "0xbb", { perpCollateralMovedUsd: 200 })];
    const points = reportPointsOf(vaultStep(700, 18n), plan, [], [], [], [collateralMove(15n, "0xaa", 500)]);
    expect(points.at(-1)!.settledToCollateralUsd).toBe(0);
  });

  it("positive control: with no moves the balance's change is settled P&L, as before", () => {
    const samples = vaultStep(0, 11n);
    // A balance that rose by 7 with nothing moved: P&L settled into it (owed fell by 7 in the same step).
    samples[1] = {
      ...samples[1]!,
      hedgeValueUsd: 13,
      attribution: {
        ...samples[1]!.attribution!,
        perp: { owedRealizedPnlUsd: 13, unrealizedPnlUsd: 0, pendingFeeUsd: 0, collateralUsd: 1_007 },
      },
    };
    for (const scannedFrom of [11n, null]) {
      const points = reportPointsOf(
        samples.map((s) => ({
          ...s,
          attribution: { ...s.attribution!, fundingScannedFromBlock: scannedFrom },
        })),
        [],
      );
      expect(points.at(-1)!.settledToCollateralUsd).toBe(7);
      expect(attributePeriod(points).total.unexplainedUsd).toBeCloseTo(0, 12);
    }
  });
});

// An Aave short of WETH: the hedge value is its base position at the price (supplied − owed WETH; the USDC collateral
// is outside it). Block 10: short 10 at 2,000. Block 15: a plan borrows 2 WETH and sells it at the quote, 2,000 (cash
// to the collateral). Block 20: price 2,100, short 12. Block 25: a plan supplies held USDC (no swap, no WETH moved).
// Block 30: a plan buys 2 WETH at the quote, 2,100, and repays it: short 10.
describe("reportPointsOf: a lending short's own trades", () => {
  const samples = [
    sample(10n, { hedgeValueUsd: -10 * 2_000, aaveDeltaBase: -10, priceUsd: 2_000 }),
    sample(20n, { hedgeValueUsd: -12 * 2_100, aaveDeltaBase: -12, priceUsd: 2_100 }),
    sample(26n, { hedgeValueUsd: -12 * 2_100, aaveDeltaBase: -12, priceUsd: 2_100 }),
    sample(30n, { hedgeValueUsd: -10 * 2_100, aaveDeltaBase: -10, priceUsd: 2_100 }),
  ];
  const executions = [
    planExecution(15n, "0x01", { swappedBase: { base: -2, atQuoteUsd: -2 * 2_000 } }),
    planExecution(25n, "0x02", { swappedBase: { base: 0, atQuoteUsd: 0 } }),
    planExecution(30n, "0x03", { swappedBase: { base: 2, atQuoteUsd: 2 * 2_100 } }),
  ];

  it("marks each trade from its quote, at its block, and the hedge's value is its P&L: nothing unexplained", () => {
    const points = reportPointsOf(samples, executions);
    const period = attributePeriod(points);
    expect(points.map((p) => p.hedgeTradedBase)).toEqual([0, -2, -2, 0]);
    // The short held over the rise lost 10 × 100; the 2 sold at 2,000 lost 2 × 100 by block 20.
    expect(period.total.hedgePriceUsd).toBeCloseTo(-1_200, 9);
    expect(period.total.hedgeChangeUsd).toBeCloseTo(-1_200, 9);
    expect(period.total.unexplainedUsd).toBeCloseTo(0, 9);
    // The supply of held collateral is neither a gain nor a loss.
    expect(points[2]!.hedgeValueUsd).toBe(points[1]!.hedgeValueUsd);
  });

  it("without the trades (rows recorded before migration 9) the borrow reads as a loss of its notional, the repay as a gain", () => {
    const untraded = executions.map((e) => ({ ...e, swappedBase: null }));
    // One bucket per step: the errors of the borrow and of the repay happen to cancel over the period.
    const perStep = attributePeriod(reportPointsOf(samples, untraded), { bucketSec: 1 });
    expect(perStep.buckets.map((b) => b.unexplainedUsd)).toEqual([-2 * 2_100, 0, 2 * 2_100]);
    const traded = attributePeriod(reportPointsOf(samples, executions), { bucketSec: 1 });
    for (const bucket of traded.buckets) expect(bucket.unexplainedUsd).toBeCloseTo(0, 9);
  });
});
