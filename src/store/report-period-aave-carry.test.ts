// reportPointsOf on a hand-built Aave lending short: the interest its debt accrues (and the income of some short
// asset it supplies) is the carry, and its swaps' pool fee and slippage are costs with the cash at the fill. The book
// is modelled from Aave's own accounting (balance = scaled × normalized index), independently of the report's
// formulas; the attribution must explain its value change.
import { describe, expect, it } from "vitest";
import type { AaveAccrualReading } from "../engine/aave-accrual.ts";
import { attributePeriod } from "../performance/attribution.ts";
import type { PlanExecution, ReportSample } from "./history-store.ts";
import { planExecution, reportSample } from "./report-period.test-support.ts";
import { reportPointsOf } from "./report-period.ts";

// Three samples (blocks 10, 20, 30); the debt index and the liquidity index rise between them (rates of a few % a
// year over days: large enough that a forgotten interest is visible, as a month of a real borrow is).
const PRICE = { 10: 2_000, 20: 2_000, 30: 2_100 } as const;
const DEBT_INDEX = { 10: 1.02, 20: 1.0216, 30: 1.0241 } as const;
const SUPPLY_INDEX = { 10: 1.01, 20: 1.0108, 30: 1.0121 } as const;
const SCALED_SUPPLIED = 1 / 1.01; // 1 WETH of the short asset supplied at block 10
// 10 WETH owed at block 10; at block 20 a plan borrows 2 more and sells them; at block 30 another buys back BOUGHT and
// repays it (each mined in its sample's block, as a keeper sampling every block sees them).
const SCALED_DEBT_10 = 10 / DEBT_INDEX[10];
const SCALED_DEBT_20 = SCALED_DEBT_10 + 2 / DEBT_INDEX[20];
const BOUGHT = 1.99;
const SCALED_DEBT_30 = SCALED_DEBT_20 - BOUGHT / DEBT_INDEX[30];
const SCALED_DEBT = { 10: SCALED_DEBT_10, 20: SCALED_DEBT_20, 30: SCALED_DEBT_30 } as const;

// The sale: 2 WETH into a 0.3 % pool quoted at 2,000 (spot net of fee 1,994 USDC per WETH); it filled 5 USDC short.
const SALE = { cashUsd: 2 * 2_000 * 0.997 - 5, feesUsd: 2 * 0.003 * 2_000, slippageUsd: 5 };
// The purchase: 4,200 USDC in, 0.3 % fee on the input, 1.99 WETH out, 3 USD worth of WETH short of the quote.
const PURCHASE = { cashUsd: -4_200, feesUsd: 4_200 * 0.003, slippageUsd: 3 };

type Block = 10 | 20 | 30;

function reading(block: Block): AaveAccrualReading {
  return {
    scaledDebtBase: SCALED_DEBT[block],
    scaledSuppliedBase: SCALED_SUPPLIED,
    debtIndex: DEBT_INDEX[block],
    supplyIndex: SUPPLY_INDEX[block],
  };
}

/** A day a block: the samples at blocks 10, 20 and 30 are ten days apart, as the indexes' rise says. */
const dayTimeSec = (block: Block) => 1_700_000_000 + block * 86_400;

/** The sample as the keeper writes it: the base position (aToken − debt) at the price, and the accrual reading. */
function sample(block: Block, withReading = true): ReportSample {
  const deltaBase = SCALED_SUPPLIED * SUPPLY_INDEX[block] - SCALED_DEBT[block] * DEBT_INDEX[block];
  return reportSample(BigInt(block), {
    timestampSec: dayTimeSec(block),
    priceUsd: PRICE[block],
    hedgeValueUsd: deltaBase * PRICE[block],
    aaveDeltaBase: deltaBase,
    aaveAccrual: withReading ? reading(block) : null,
  });
}

function execution(block: Block, swappedBase: NonNullable<PlanExecution["swappedBase"]>): PlanExecution {
  const txHash = `0x${block.toString(16).padStart(64, "0")}`;
  return planExecution(BigInt(block), txHash, { minedAtSec: dayTimeSec(block), swappedBase });
}

const executions = [
  execution(20, { base: -2, atQuoteUsd: -2 * 2_000, fill: SALE }),
  execution(30, { base: BOUGHT, atQuoteUsd: BOUGHT * 2_100, fill: PURCHASE }),
];
const samples = [sample(10), sample(20), sample(30)];

// The interest each step accrued, from Aave's definition (balance = scaled × index), at the step's end price.
const interestUsd = (from: 10 | 20, to: 20 | 30) =>
  (SCALED_SUPPLIED * (SUPPLY_INDEX[to] - SUPPLY_INDEX[from]) -
    SCALED_DEBT[from] * (DEBT_INDEX[to] - DEBT_INDEX[from])) *
  PRICE[to];

describe("reportPointsOf: a lending short's carry and its swaps' costs", () => {
  it("counts the interest the debt accrued (less the short asset's supply income) as carry: nothing unexplained", () => {
    const period = attributePeriod(reportPointsOf(samples, executions), { bucketSec: 1 });
    const expected = [interestUsd(10, 20), interestUsd(20, 30)];
    // 10 WETH at +0.16 % of index is ≈ −32 USD, the supplied WETH earns back ≈ +1.6: material, not rounding.
    expect(expected[0]).toBeLessThan(-25);
    expect(period.buckets.map((b) => b.carryUsd)).toEqual(expected.map((e) => expect.closeTo(e, 9)));
    for (const bucket of period.buckets) expect(bucket.unexplainedUsd).toBeCloseTo(0, 9);
    expect(period.unexplainedShareOfGross).toBeLessThan(1e-12);
  });

  it("counts the swaps' pool fees and slippage as costs, the cash at the fill", () => {
    const period = attributePeriod(reportPointsOf(samples, executions));
    expect(period.total.venueFeesUsd).toBeCloseTo(SALE.feesUsd + PURCHASE.feesUsd, 9);
    expect(period.total.slippageUsd).toBeCloseTo(SALE.slippageUsd + PURCHASE.slippageUsd, 9);
    // Against the same history with the cash at the quote (rows before migration 10), the book is poorer by exactly
    // what the fills paid beyond their quotes: the costs are real money, not a relabelling.
    const atQuote = executions.map((e) => ({ ...e, swappedBase: { ...e.swappedBase!, fill: null } }));
    const quoted = attributePeriod(reportPointsOf(samples, atQuote));
    expect(quoted.total.venueFeesUsd).toBe(0);
    expect(quoted.total.slippageUsd).toBe(0);
    // The history at the quote counts the cash the plans' quoted base price says; the fills moved what they moved.
    const cashAtFill = SALE.cashUsd + PURCHASE.cashUsd;
    const cashAtQuote = 2 * 2_000 - BOUGHT * 2_100;
    expect(period.total.bookValueChangeUsd - quoted.total.bookValueChangeUsd).toBeCloseTo(
      cashAtFill - cashAtQuote,
      9,
    );
    // The sale was quoted at the oracle's price: its fill fell short of the quote by its fee and slippage exactly.
    expect(2 * 2_000 - SALE.cashUsd).toBeCloseTo(SALE.feesUsd + SALE.slippageUsd, 9);
    expect(period.total.unexplainedUsd).toBeCloseTo(0, 9);
  });

  it("positive control: without the accrual readings (samples before migration 10) the interest is unexplained", () => {
    const unread = [sample(10, false), sample(20, false), sample(30, false)];
    const period = attributePeriod(reportPointsOf(unread, executions));
    expect(period.total.carryUsd).toBe(0);
    expect(period.total.unexplainedUsd).toBeCloseTo(interestUsd(10, 20) + interestUsd(20, 30), 9);
  });

  it("positive control: with the indexes still, the carry is zero and so is the remainder", () => {
    // The same trades at an index that does not move: 2 borrowed at block 20, BOUGHT repaid at block 30.
    const owed = { 10: 10, 20: 12, 30: 12 - BOUGHT } as const;
    const still = (block: Block): ReportSample => {
      const s = sample(block);
      const deltaBase = SCALED_SUPPLIED * SUPPLY_INDEX[10] - owed[block];
      return {
        ...s,
        hedgeValueUsd: deltaBase * PRICE[block],
        aaveDeltaBase: deltaBase,
        aaveAccrual: {
          ...reading(block),
          scaledDebtBase: owed[block] / DEBT_INDEX[10],
          debtIndex: DEBT_INDEX[10],
          supplyIndex: SUPPLY_INDEX[10],
        },
      };
    };
    const period = attributePeriod(reportPointsOf([still(10), still(20), still(30)], executions));
    expect(period.total.carryUsd).toBe(0);
    expect(period.total.unexplainedUsd).toBeCloseTo(0, 9);
  });
});

// The same book's USDC collateral: 100,000 scaled at block 10; a plan supplies 10,400 USDC at block 20 (10,000 scaled
// at the index then); USDC de-pegs to $0.97 by block 30. Its interest per step is scaled_{i−1} × Δ index × price_i:
//   10 → 20: 100,000 × (1.0404 − 1.04) × $1    = $40.00
//   20 → 30: 110,000 × (1.0412 − 1.0404) × $0.97 = $85.36
const INCOME_INDEX = { 10: 1.04, 20: 1.0404, 30: 1.0412 } as const;
const SCALED_COLLATERAL = { 10: 100_000, 20: 110_000, 30: 110_000 } as const;
const USDC_PRICE = { 10: 1, 20: 1, 30: 0.97 } as const;
const COLLATERAL_INTEREST_USD = [40, 85.36];

function withCollateral(s: ReportSample, block: Block): ReportSample {
  return {
    ...s,
    aaveCollateralAccrual: [
      {
        asset: "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48",
        symbol: "USDC",
        scaledSupplied: SCALED_COLLATERAL[block],
        incomeIndex: INCOME_INDEX[block],
        priceUsd: USDC_PRICE[block],
      },
    ],
  };
}

describe("reportPointsOf: a lending short's collateral supply interest", () => {
  const blocks = [10, 20, 30] as const;
  const withReadings = blocks.map((b) => withCollateral(sample(b), b));

  it("adds the collateral's interest at the step's USDC price to carry and to the hedge's value: nothing unexplained", () => {
    const points = reportPointsOf(withReadings, executions);
    const period = attributePeriod(points, { bucketSec: 1 });
    expect(period.buckets.map((b) => b.carryUsd)).toEqual([
      expect.closeTo(interestUsd(10, 20) + COLLATERAL_INTEREST_USD[0]!, 9),
      expect.closeTo(interestUsd(20, 30) + COLLATERAL_INTEREST_USD[1]!, 9),
    ]);
    expect(points.map((p) => p.collateralInterestUsd)).toEqual([
      0,
      expect.closeTo(40, 9),
      expect.closeTo(125.36, 9),
    ]);
    expect(points.at(-1)!.collateralInterestUnknownSteps).toBe(0);
    for (const bucket of period.buckets) expect(bucket.unexplainedUsd).toBeCloseTo(0, 9);
    // The same history without the collateral's readings: the hedge's value differs by exactly the interest, so the
    // supply of 10,400 USDC itself (a transfer) moved neither it nor carry.
    const without = reportPointsOf(samples, executions);
    expect(points.at(-1)!.hedgeValueUsd - without.at(-1)!.hedgeValueUsd).toBeCloseTo(125.36, 9);
  });

  it("counts no interest over a step without the readings on both samples (before migration 13), and counts the step", () => {
    const points = reportPointsOf([sample(10), withReadings[1]!, withReadings[2]!], executions);
    expect(points.at(-1)!.collateralInterestUsd).toBeCloseTo(85.36, 9);
    expect(points.map((p) => p.collateralInterestUnknownSteps)).toEqual([0, 1, 1]);
    const period = attributePeriod(points, { bucketSec: 1 });
    expect(period.buckets[0]!.carryUsd).toBeCloseTo(interestUsd(10, 20), 9);
    expect(period.total.unexplainedUsd).toBeCloseTo(0, 9);
    // A book without an Aave leg has no collateral interest to miss.
    const perpOnly = samples.map((s) => ({ ...s, aaveDeltaBase: null, aaveAccrual: null }));
    expect(reportPointsOf(perpOnly, []).at(-1)!.collateralInterestUnknownSteps).toBe(0);
  });
});
