import { describe, expect, it } from "vitest";
import { aaveBook, LEG, POOL } from "./aave-fixture.test-support.ts";
import { makeParams, NOW_SEC, USDC, WETH } from "./book-fixture.test-support.ts";
import { decide } from "./decide.ts";
import type { HedgeLeg } from "./hedge-leg.ts";
import { chooseLegShift, type LegShiftInput } from "./leg-shift.ts";
import type { BookParams } from "./params.ts";
import type { AaveAction, PerpAdjustPositionAction, Plan, SwapExactInputSingleAction } from "./plan.ts";

const DAY = 86_400;

function leg(venue: HedgeLeg["venue"], patch: Partial<HedgeLeg>): HedgeLeg {
  return {
    venue,
    deltaBase: 0,
    notionalUsd: 0,
    collateralUsd: 0,
    healthFactor: null,
    marginRatio: null,
    liquidationPriceUsd: null,
    liquidationDistanceBps: null,
    carryUsdPerYear: 0,
    shortCarryApr: 0,
    tradeCostBps: 0,
    tradeGas: 0,
    caps: { maxTradeUsd: 1e9, maxHedgeNotionalUsd: 1e9 },
    ...patch,
  };
}

// A perp short earning nothing, costing 10 bps fee + 100 bps slippage bound and 730k gas a trade; an Aave short of
// 50 WETH at 40%/year net carry, costing a 5 bps swap fee + 30 bps bound and 380k gas (repay + swap).
const perp = leg("perp-v2", {
  tradeCostBps: 110,
  tradeGas: 730_000,
  caps: { maxTradeUsd: 30_000, maxHedgeNotionalUsd: 1_000_000 },
});
const aave = leg("aave-v3-borrow", {
  deltaBase: -50,
  shortCarryApr: 0.4,
  tradeCostBps: 35,
  tradeGas: 380_000,
  caps: { maxTradeUsd: 60_000, maxHedgeNotionalUsd: 1_000_000 },
});
// 20 gwei at 3000 USD/ETH: 6e-5 USD a gas unit.
const input: LegShiftInput = {
  priceUsd: 3000,
  horizonSec: 30 * DAY,
  gasUsdPerUnit: 20e-9 * 3000,
  gasBase: 160_000,
  costMargin: 1.5,
  minTradeUsd: 1_000,
};

describe("chooseLegShift", () => {
  it("moves hedge from the dear leg to the cheap one when the carry saved beats the cost × margin", () => {
    const { shift, refused } = chooseLegShift([perp, aave], input);
    expect(refused).toBeNull();
    // Bound by the perp's $30,000 trade cap (the Aave side could move $60,000): 10 WETH.
    expect(shift?.from).toBe("aave-v3-borrow");
    expect(shift?.to).toBe("perp-v2");
    expect(shift?.base).toBeCloseTo(10, 12);
    // Saved: 30,000 × 0.40 × 30/365 = 986.30; cost: 30,000 × 145 bps = 435 + 1,270,000 gas × 6e-5 = 76.20.
    expect(shift?.carrySavedUsd).toBeCloseTo(986.3013698630137, 6);
    expect(shift?.costUsd).toBeCloseTo(511.2, 6);
  });

  it("does not shift when the saving is under the cost × margin (the same legs over two weeks)", () => {
    // 30,000 × 0.40 × 14/365 = 460.27 <= 511.20 × 1.5 = 766.80.
    const { shift, refused } = chooseLegShift([perp, aave], { ...input, horizonSec: 14 * DAY });
    expect(shift).toBeNull();
    expect(refused).toMatch(/saves \$460\.27 carry <= cost \$511\.20 × 1\.5/);
    // Positive control: 25 days saves 821.92 > 766.80.
    expect(chooseLegShift([perp, aave], { ...input, horizonSec: 25 * DAY }).shift).not.toBeNull();
  });

  it("keeps the shift within both legs' caps: trade caps, the cheap leg's notional headroom, the dear leg's short", () => {
    const roomyPerp = { ...perp, caps: { maxTradeUsd: 1e9, maxHedgeNotionalUsd: 1e9 } };
    // Now the Aave trade cap binds: $60,000 = 20 WETH.
    expect(chooseLegShift([roomyPerp, aave], input).shift?.base).toBeCloseTo(20, 12);
    // The perp already short 40 WETH of a $150,000 notional cap: 10 WETH of headroom.
    const nearlyFull = {
      ...roomyPerp,
      deltaBase: -40,
      caps: { maxTradeUsd: 1e9, maxHedgeNotionalUsd: 150_000 },
    };
    expect(chooseLegShift([nearlyFull, aave], input).shift?.base).toBeCloseTo(10, 9);
    // The Aave short itself is only 5 WETH: that is all there is to move.
    const smallDebt = { ...aave, deltaBase: -5 };
    expect(chooseLegShift([roomyPerp, smallDebt], input).shift?.base).toBeCloseTo(5, 12);
    // No headroom at all on the cheap leg: no shift.
    const full = { ...roomyPerp, deltaBase: -50, caps: { maxTradeUsd: 1e9, maxHedgeNotionalUsd: 150_000 } };
    const none = chooseLegShift([full, aave], input);
    expect(none.shift).toBeNull();
    expect(none.refused).toMatch(/no room/);
  });

  it("does nothing with one leg or with equal carry", () => {
    expect(chooseLegShift([aave], input)).toEqual({ shift: null, refused: null });
    expect(chooseLegShift([perp, { ...aave, shortCarryApr: 0 }], input).shift).toBeNull();
  });

  it("shifts the other way when the perp's short is the dear one", () => {
    const dearPerp = { ...perp, deltaBase: -50, shortCarryApr: 0.5 };
    const cheapAave = { ...aave, deltaBase: 0, shortCarryApr: 0.01 };
    const { shift } = chooseLegShift([dearPerp, cheapAave], input);
    expect(shift?.from).toBe("perp-v2");
    expect(shift?.to).toBe("aave-v3-borrow");
    expect(shift?.base).toBeCloseTo(10, 12);
  });
});

describe("decide() shifts a two-leg book's hedge to the cheaper leg", () => {
  // The LP hedged on Aave alone, at health factor 2, beside an empty perp (account value $50,000): on target. The
  // Aave trade cap of $60,000 makes the shift 20 WETH.
  const leg60k = { ...LEG, caps: { ...LEG.caps, maxTradeUsd: 60_000 } };
  const params = (overrides: Partial<BookParams> = {}): BookParams =>
    makeParams({ aave: leg60k, legShiftHorizonSec: 30 * DAY, ...overrides });
  const spiked = () => aaveBook({ hf: 2, perp: true, borrowApr: 0.6 });

  function planOf(decision: ReturnType<typeof decide>): Plan {
    if (decision.kind !== "plan") throw new Error(`expected a plan, got noop: ${decision.reason}`);
    return decision.plan;
  }

  it("repays the spiked Aave debt with USDC bought WETH and grows the perp short by the same base", () => {
    const book = spiked();
    const plan = planOf(decide(book, params(), NOW_SEC));
    expect(plan.lane).toBe("routine");
    expect(plan.reason).toMatch(/^hedge shift aave-v3-borrow → perp-v2: 20\.0000 base/);
    expect(plan.actions.map((a) => a.kind)).toEqual([
      "swap.exactInputSingle",
      "aave.repay",
      "perp.adjustPosition",
    ]);
    const [swap, repay, resize] = plan.actions as [
      SwapExactInputSingleAction,
      AaveAction,
      PerpAdjustPositionAction,
    ];
    expect(swap.tokenIn).toBe(USDC.address);
    expect(swap.tokenOut).toBe(WETH.address);
    expect(swap.amountOutMinimum).toBeGreaterThanOrEqual(repay.amount);
    expect(repay.amount).toBe(20n * 10n ** 18n);
    // The perp sells exactly the base the Aave debt falls by: the book's delta is unchanged.
    expect(resize.isBaseToQuote).toBe(true);
    expect(resize.amountBase).toBe(repay.amount);
    expect(plan.premise.perp?.expectedSize).toBe(0n);
    expect(plan.post.perp?.targetSize).toBe(-repay.amount);
    expect(plan.post.aave).toEqual({ pool: POOL, minHealthFactorWad: 1_500_000n * 10n ** 12n });
    expect(plan.driftBpsAfter).toBe(plan.driftBpsBefore);
    // Quotes in action order: the swap (the book reads its pool), then the perp.
    expect(plan.quote.legs.map((q) => [q.kind, q.actionIndex])).toEqual([
      ["swap", 0],
      ["perp", 2],
    ]);
    // Carry over the one-day risk horizon: 60,000 × (0.60 − 0.04 + 0.0003 × 365) / 365 = 110.05 saved.
    expect(plan.expectedCost.fundingUsd).toBeCloseTo(-(60_000 * (0.6 - 0.04 + 0.0003 * 365)) / 365, 1);
    // Fees: 60,000 × (5 + 10) bps = 90; slippage: 60,000 × (30 + 5) bps = 210.
    expect(plan.expectedCost.feesUsd).toBeCloseTo(90, 6);
    expect(plan.expectedCost.slippageUsd).toBeCloseTo(210, 6);
  });

  it("does not shift when the carry saved over the horizon is under the cost × margin", () => {
    // Over the one-day risk horizon: 60,000 × 0.6695 / 365 = 110.05 <= (300 + 880,000 gas × 6e-5) × 1.5 = 529.20.
    const decision = decide(spiked(), params({ legShiftHorizonSec: DAY }), NOW_SEC);
    expect(decision.kind).toBe("noop");
    if (decision.kind === "noop") expect(decision.code).toBe("within-band");
    // Without the spike (2% borrow, 4% supply) 30 days save 60,000 × 0.0895 × 30/365 = 441.37 <= 529.20.
    expect(decide(aaveBook({ hf: 2, perp: true, borrowApr: 0.02 }), params(), NOW_SEC).kind).toBe("noop");
    // Positive control: the spiked book over 30 days shifts (3,301.64 saved).
    expect(decide(spiked(), params(), NOW_SEC).kind).toBe("plan");
  });

  it("is bounded by the perp's margin: no deposit in a shift, the perp keeps its liquidation distance", () => {
    // A $1,000,000 Aave trade cap: the whole debt (~164 WETH) would move, but $30,000 of perp account value keeps
    // a short of at most 30,000 / (((1.2 × 1.0625) − 1) × 3000 × 1.001) = 36.33 WETH 20% from liquidation.
    const wide = params({ aave: { ...LEG, caps: { ...LEG.caps, maxTradeUsd: 1_000_000 } } });
    const book = spiked();
    const thin = { ...book, perp: { ...book.perp!, accountValueQuote: 30_000n * 10n ** 18n } };
    const plan = planOf(decide(thin, wide, NOW_SEC));
    const [, repay, resize] = plan.actions as [unknown, AaveAction, PerpAdjustPositionAction];
    expect(Number(resize.amountBase) / 1e18).toBeCloseTo(30_000 / ((1.2 * 1.0625 - 1) * 3000 * 1.001), 4);
    expect(resize.amountBase).toBe(repay.amount);
    // Positive control: with the fixture's $147,851 of account value the whole debt moves.
    const all = planOf(decide(book, wide, NOW_SEC));
    const allRepay = all.actions.find((a) => a.kind === "aave.repay") as AaveAction;
    expect(allRepay.amount).toBe(book.aave!.reserves[0]!.variableDebt);
  });

  it("never shifts on a stale oracle", () => {
    const stale = decide(
      aaveBook({ hf: 2, perp: true, borrowApr: 0.6, ethUsdStale: true }),
      params(),
      NOW_SEC,
    );
    expect(stale.kind).toBe("noop");
    if (stale.kind === "noop") expect(stale.code).toBe("oracle-stale");
  });

  it("lets urgent and hedge work go first: a health factor under the floor, a drift beyond its band", () => {
    const urgent = planOf(
      decide(aaveBook({ hf: 1.3, perp: true, borrowApr: 0.6, heldUsdc: 400_000 }), params(), NOW_SEC),
    );
    expect(urgent.lane).toBe("urgent");
    expect(urgent.actions.every((a) => a.venue === "aave-v3")).toBe(true);
    // Under-hedged by half: the hedge trade (the perp, the cheaper leg to grow) and not a shift.
    const drifted = planOf(
      decide(aaveBook({ hf: 2, perp: true, borrowApr: 0.6, hedgeRatio: 0.5 }), params(), NOW_SEC),
    );
    expect(drifted.reason).toMatch(/^hedge under/);
    expect(drifted.actions.some((a) => a.venue === "aave-v3")).toBe(false);
    // In cooldown nothing is shifted.
    const cooling = { ...spiked(), keeper: { hedgeTriggered: false, lastPlanAtSec: NOW_SEC - 60 } };
    const cooldown = decide(cooling, params(), NOW_SEC);
    expect(cooldown.kind === "noop" && cooldown.code).toBe("cooldown");
  });

  it("never shifts without a shift horizon configured (opt-in)", () => {
    const { legShiftHorizonSec: _, ...withoutHorizon } = params();
    const decision = decide(spiked(), withoutHorizon, NOW_SEC);
    expect(decision.kind === "noop" && decision.code).toBe("within-band");
  });

  it("holds the shift horizon to at least a second", () => {
    expect(() => decide(spiked(), params({ legShiftHorizonSec: 0 }), NOW_SEC)).toThrow(/legShiftHorizonSec/);
  });
});
