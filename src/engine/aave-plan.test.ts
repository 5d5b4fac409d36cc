import { describe, expect, it } from "vitest";
import { WAD } from "./aave-borrow-short.ts";
import { aaveAccount, aaveBook, LEG, POOL } from "./aave-fixture.test-support.ts";
import { aaveHealthFactorAfter, aaveLegMetrics } from "./aave-leg.ts";
import { makeParams, NOW_SEC, USDC, WETH } from "./book-fixture.test-support.ts";
import { evaluateBook } from "./book-metrics.ts";
import { decide } from "./decide.ts";
import { chooseHedgeLeg } from "./leg-choice.ts";
import type { BookParams } from "./params.ts";
import type { AaveAction, Plan, SwapExactInputSingleAction } from "./plan.ts";
import type { AaveAccountSnapshot, BookSnapshot, V3PoolSnapshot } from "./snapshot.ts";
import { quoteSwap } from "./swap-math.ts";

const params = (overrides: Partial<BookParams> = {}): BookParams => makeParams({ aave: LEG, ...overrides });

function planOf(book: BookSnapshot, p: BookParams = params()): Plan {
  const decision = decide(book, p, NOW_SEC);
  if (decision.kind !== "plan") throw new Error(`expected a plan, got noop: ${decision.reason}`);
  return decision.plan;
}

/** The book with its USDC/WETH 0.05% pool (the leg's swap pool, token0 USDC) changed. */
function withMainPool(book: BookSnapshot, change: (pool: V3PoolSnapshot) => V3PoolSnapshot): BookSnapshot {
  const [main, ...rest] = book.pools;
  if (main?.kind !== "uniswap-v3") throw new Error("fixture's first pool is the v3 USDC/WETH pool");
  return { ...book, pools: [change(main), ...rest] };
}

const aaveActions = (plan: Plan) => plan.actions.filter((a): a is AaveAction => a.venue === "aave-v3");
const floorWad = 1_500_000n * 10n ** 12n;

describe("the Aave borrow-short leg", () => {
  it("reports a health factor and liquidation price equal to an independent computation", () => {
    // 600,000 USDC at LT 78% against 100 WETH at 3000: HF = 600,000 × 0.78 / 300,000 = 1.56; liquidation when
    // 100 × p = 468,000, p = 4680 (the WETH debt alone moves with the price).
    const account = aaveAccount({ usdc: 600_000, weth: 100 });
    const am = aaveLegMetrics(account, LEG);
    expect(am.healthFactorWad).toBe(1_560_000_000_000_000_000n);
    expect(am.liquidation?.priceUsd).toBeCloseTo(4680, 6);
    expect(am.liquidation?.distanceBps).toBeCloseTo(5600, 3);
    expect(am.band).toBe("below-target");
    expect(am.delta).toBeCloseTo(-100, 12);
    // Carry: 600,000 × 4% − 300,000 × 2% = 18,000 USD a year.
    expect(am.carryUsdPerYear).toBeCloseTo(18_000, 4);
  });

  it("counts the leg's debt as the book's hedge and its equity as book value", () => {
    const book = aaveBook({ hf: 2 });
    const m = evaluateBook(book, params(), NOW_SEC);
    const am = m.aave;
    expect(am).not.toBeNull();
    expect(m.drift.hedgeDeltaBase).toBeCloseTo(am?.delta ?? 0, 9);
    // On target but for the LP fees the fixture accrues.
    expect(Math.abs(m.drift.driftBps)).toBeLessThan(5);
    expect(m.hedgeLegs.map((l) => l.venue)).toEqual(["aave-v3-borrow"]);
  });
});

describe("decide() on an Aave leg", () => {
  it("restores a health factor under its floor in the urgent lane, repaying with held WETH before supplying", () => {
    const book = aaveBook({ hf: 1.3, heldWeth: 5, heldUsdc: 400_000 });
    const plan = planOf(book);
    expect(plan.lane).toBe("urgent");
    const [repay, supply] = aaveActions(plan);
    expect(repay?.kind).toBe("aave.repay");
    expect(repay?.amount).toBe(5n * WAD);
    expect(supply?.kind).toBe("aave.supply");
    expect(plan.post.aave).toEqual({ pool: POOL, minHealthFactorWad: floorWad });
    const after = aaveHealthFactorAfter(book.aave as AaveAccountSnapshot, [
      { asset: WETH.address, suppliedDelta: 0n, debtDelta: -(repay?.amount ?? 0n) },
      { asset: USDC.address, suppliedDelta: supply?.amount ?? 0n, debtDelta: 0n },
    ]);
    // The safe health factor is the target 1.8 (a 25% distance needs only 1.25); the supply is the least reaching it.
    expect(after).toBeGreaterThanOrEqual(1_800_000n * 10n ** 12n);
    expect(after).toBeLessThan(1_800_010n * 10n ** 12n);
  });

  it("treats a liquidation price within the configured distance as urgent even above the floor", () => {
    const near = params({ aave: { ...LEG, minLiquidationDistanceBps: 9_000 } });
    const book = aaveBook({ hf: 1.9, heldUsdc: 1_000_000 });
    const plan = planOf(book, near);
    expect(plan.lane).toBe("urgent");
    expect(aaveActions(plan).map((a) => a.kind)).toEqual(["aave.supply"]);
    // Positive control: the same book with the default distance is in band, and nothing is urgent.
    const calm = decide(book, params(), NOW_SEC);
    expect(calm.kind === "plan" && calm.plan.lane === "urgent").toBe(false);
  });

  it("supersedes a de-peg: the health factor goes first, the de-peg swap when the leg is safe", () => {
    const unsafe = aaveBook({ hf: 1.3, heldUsdc: 400_000, usdtUsd: 0.97 });
    const first = planOf(unsafe);
    expect(first.lane).toBe("urgent");
    expect(first.actions.every((a) => a.venue === "aave-v3")).toBe(true);
    // Positive control: with the leg safe, the same de-peg is planned (USDT swapped out).
    const safe = aaveBook({ hf: 2, usdtUsd: 0.97 });
    const depeg = planOf(safe);
    expect(depeg.lane).toBe("urgent");
    expect(depeg.actions.some((a) => a.kind === "swap.exactInputSingle" && a.tokenIn !== WETH.address)).toBe(
      true,
    );
  });

  it("never acts on a stale base oracle, even under the floor", () => {
    const decision = decide(aaveBook({ hf: 1.3, heldUsdc: 400_000, ethUsdStale: true }), params(), NOW_SEC);
    expect(decision.kind).toBe("noop");
    if (decision.kind === "noop") expect(decision.code).toBe("oracle-stale");
  });

  it("recalibrates inside the band: supplies to target below it, withdraws to target above the ceiling", () => {
    const below = planOf(aaveBook({ hf: 1.6, heldUsdc: 400_000 }));
    expect(below.lane).toBe("routine");
    expect(aaveActions(below).map((a) => a.kind)).toEqual(["aave.supply"]);
    const above = aaveBook({ hf: 3 });
    const withdrawal = planOf(above);
    const [withdraw] = aaveActions(withdrawal);
    expect(withdraw?.kind).toBe("aave.withdraw");
    const after = aaveHealthFactorAfter(above.aave as AaveAccountSnapshot, [
      { asset: USDC.address, suppliedDelta: -(withdraw?.amount ?? 0n), debtDelta: 0n },
    ]);
    expect(after).toBeGreaterThanOrEqual(1_800_000n * 10n ** 12n);
    expect(after).toBeLessThan(1_800_010n * 10n ** 12n);
    expect(withdrawal.post.aave?.minHealthFactorWad).toBe(floorWad);
    // Within its cap: a 100,000 USD cap withdraws exactly that much.
    const capped = planOf(
      above,
      params({ aave: { ...LEG, caps: { ...LEG.caps, maxCollateralMoveUsd: 100_000 } } }),
    );
    expect(aaveActions(capped)[0]?.amount).toBe(100_000n * 10n ** 6n);
  });

  it("recalibrates with hysteresis: only under halfway from floor to target (1.65), then back to the target", () => {
    // Floor 1.5, target 1.8: a hair under the target, and anywhere down to 1.65, is left alone (no transaction on
    // every oracle round that nudges it), though from 1.66 the restore would be ~$88,000 of USDC.
    for (const hf of [1.79999, 1.79, 1.7, 1.66]) {
      const decision = decide(aaveBook({ hf, heldUsdc: 400_000 }), params(), NOW_SEC);
      expect(decision.kind, `hf ${hf}`).toBe("noop");
    }
    // Positive control: at 1.64 it restores to the target 1.8, not merely to the trigger.
    const book = aaveBook({ hf: 1.64, heldUsdc: 400_000 });
    const plan = planOf(book);
    expect(plan.lane).toBe("routine");
    const [supply] = aaveActions(plan);
    expect(supply?.kind).toBe("aave.supply");
    const after = aaveHealthFactorAfter(book.aave as AaveAccountSnapshot, [
      { asset: USDC.address, suppliedDelta: supply?.amount ?? 0n, debtDelta: 0n },
    ]);
    expect(after).toBeGreaterThanOrEqual(1_800_000n * 10n ** 12n);
    expect(after).toBeLessThan(1_800_010n * 10n ** 12n);
    // Under the floor the urgent lane restores whatever the size.
    expect(planOf(aaveBook({ hf: 1.4999, heldUsdc: 400_000 })).lane).toBe("urgent");
  });

  it("still leaves a restore smaller than minTradeUsd alone under the trigger (the routine lane's least size)", () => {
    // ~164 WETH owed at 3000 against USDC at LT 0.78: 0.01 of health factor is ~$6,300 of USDC.
    // Floor 1.5, target 1.50002: the trigger is 1.50001 and a restore from 1.500005 is ~$9 of USDC, under $1,000.
    const tight = params({ aave: { ...LEG, healthFactor: { floor: 1.5, target: 1.50002, ceiling: 2.4 } } });
    expect(decide(aaveBook({ hf: 1.500005, heldUsdc: 400_000 }), tight, NOW_SEC).kind).toBe("noop");
    // Positive control: target 1.52 (trigger 1.51) from 1.505 is a ~$9,500 restore.
    const wider = params({ aave: { ...LEG, healthFactor: { floor: 1.5, target: 1.52, ceiling: 2.4 } } });
    expect(planOf(aaveBook({ hf: 1.505, heldUsdc: 400_000 }), wider).lane).toBe("routine");
  });

  it("grows an under-hedged short: borrow, swap WETH → USDC bounded by the feeds, supply when the band needs it", () => {
    const book = aaveBook({ hf: 2.3, hedgeRatio: 0.5, heldUsdc: 0 });
    const plan = planOf(book);
    expect(plan.lane).toBe("routine");
    expect(plan.actions.map((a) => a.kind)).toEqual(["aave.borrow", "swap.exactInputSingle", "aave.supply"]);
    const [borrow, swap, supply] = plan.actions as [AaveAction, SwapExactInputSingleAction, AaveAction];
    expect(swap.amountIn).toBe(borrow.amount);
    // Min out: amountIn × 3000 / 1 less 30 bps, in USDC units.
    const expectedMinOut = (borrow.amount * 3000n * 9_970n) / 10_000n / 10n ** 12n;
    expect(Number(swap.amountOutMinimum - expectedMinOut)).toBeLessThanOrEqual(1);
    expect(supply.amount).toBe(swap.amountOutMinimum);
    expect(plan.post.aave?.minHealthFactorWad).toBe(floorWad);
    expect(plan.driftBpsAfter).toBeGreaterThan(plan.driftBpsBefore);
    // Sized down to the band: the health factor after is the target, not below.
    const after = aaveHealthFactorAfter(book.aave as AaveAccountSnapshot, [
      { asset: WETH.address, suppliedDelta: 0n, debtDelta: borrow.amount },
      { asset: USDC.address, suppliedDelta: supply.amount, debtDelta: 0n },
    ]);
    expect(after).toBeGreaterThanOrEqual(1_800_000n * 10n ** 12n);
    expect(after).toBeLessThan(1_800_010n * 10n ** 12n);
  });

  // The demo's eth-rally: the urgent / recalibration lane restored the target by repaying with spot WETH (spot and
  // debt fall together: 60/100 → 45/85 of the hedge), then the re-growth had no room at the target. Selling borrowed
  // WETH into collateral lowers the health factor (0.80 × 0.997 < target), so the Safe's held USDC pays for the room.
  it("grows a short at its target health factor by supplying the Safe's held collateral first, as much as needed", () => {
    const noHeld = decide(aaveBook({ hf: 1.8, hedgeRatio: 0.5, heldUsdc: 0 }), params(), NOW_SEC);
    if (noHeld.kind !== "noop") throw new Error(`expected a noop, got a plan: ${noHeld.plan.reason}`);
    expect(noHeld.reason).toMatch(/no room to borrow/);

    const book = aaveBook({ hf: 1.8, hedgeRatio: 0.5, heldUsdc: 1_000_000 });
    const plan = planOf(book);
    expect(plan.actions.map((a) => a.kind)).toEqual([
      "aave.supply",
      "aave.borrow",
      "swap.exactInputSingle",
      "aave.supply",
    ]);
    const [held, borrow, swap, proceeds] = plan.actions as [
      AaveAction,
      AaveAction,
      SwapExactInputSingleAction,
      AaveAction,
    ];
    expect(held.asset).toBe(USDC.address);
    expect(proceeds.amount).toBe(swap.amountOutMinimum);
    expect(plan.driftBpsAfter).toBeCloseTo(0, 0);
    const healthFactorWith = (heldUsdc: bigint) =>
      aaveHealthFactorAfter(book.aave as AaveAccountSnapshot, [
        { asset: WETH.address, suppliedDelta: 0n, debtDelta: borrow.amount },
        { asset: USDC.address, suppliedDelta: heldUsdc + proceeds.amount, debtDelta: 0n },
      ]);
    // At the target, not above it: the least held supply that reaches it.
    expect(healthFactorWith(held.amount)).toBeGreaterThanOrEqual(1_800_000n * 10n ** 12n);
    expect(healthFactorWith(held.amount - 10n ** 6n)).toBeLessThan(1_800_000n * 10n ** 12n);
  });

  // The demo's refused re-growth: 8.2 WETH sold for a feed minimum 30 bps under ETH/USD, through a pool whose fee and
  // price impact cost more than that on 8.2 WETH: "Too little received", and the whole batch reverted in simulation.
  it("sizes the WETH sale to what the pool pays at the feeds' minimum, and refuses when it pays less at any size", () => {
    const deep = aaveBook({ hf: 2.3, hedgeRatio: 0.5, heldUsdc: 0 });
    const full = planOf(deep).actions[1] as SwapExactInputSingleAction;
    const thin = withMainPool(deep, (p) => ({ ...p, liquidity: p.liquidity / 100_000n }));
    const fullOnThin = quoteSwap(thin.pools[0] as V3PoolSnapshot, false, full.amountIn);
    expect(fullOnThin?.amountOut).toBeLessThan(full.amountOutMinimum); // what the unsized plan would have sent

    const plan = planOf(thin);
    // Smaller, the borrow alone keeps the health factor at the target: no supply needed.
    expect(plan.actions.map((a) => a.kind)).toEqual(["aave.borrow", "swap.exactInputSingle"]);
    const [borrow, swap] = plan.actions as [AaveAction, SwapExactInputSingleAction];
    expect(swap.amountIn).toBe(borrow.amount);
    expect(swap.amountIn).toBeLessThan(full.amountIn);
    expect(swap.amountIn).toBeGreaterThan(0n);
    const quote = quoteSwap(thin.pools[0] as V3PoolSnapshot, false, swap.amountIn);
    expect(quote?.amountOut).toBeGreaterThanOrEqual(swap.amountOutMinimum);
    // The largest such: 1% more would pay under its own minimum.
    const more = (swap.amountIn * 101n) / 100n;
    const minMore = (more * 3000n * 9_970n) / 10_000n / 10n ** 12n;
    expect(quoteSwap(thin.pools[0] as V3PoolSnapshot, false, more)?.amountOut).toBeLessThan(minMore);

    // A pool 1% under the feeds (the stablecoin de-pegged, the pool not re-priced) pays under the minimum at any size.
    const cheap = withMainPool(deep, (p) => ({ ...p, sqrtPriceX96: (p.sqrtPriceX96 * 1005n) / 1000n }));
    const decision = decide(cheap, params(), NOW_SEC);
    if (decision.kind !== "noop") throw new Error(`expected a noop, got a plan: ${decision.plan.reason}`);
    expect(decision.reason).toMatch(/WETH → USDC pool pays less than the feeds' price less 30 bps/);
  });

  it("sizes a buy-back to what the pool pays in WETH for the feeds' USDC", () => {
    const deep = aaveBook({ hf: 2, hedgeRatio: 1.5, heldUsdc: 1_000_000 });
    const full = planOf(deep).actions[0] as SwapExactInputSingleAction;
    const thin = withMainPool(deep, (p) => ({ ...p, liquidity: p.liquidity / 100_000n }));
    expect(quoteSwap(thin.pools[0] as V3PoolSnapshot, true, full.amountIn)?.amountOut).toBeLessThan(
      full.amountOutMinimum,
    );
    const [swap, repay] = planOf(thin).actions as [SwapExactInputSingleAction, AaveAction];
    expect(swap.amountIn).toBeLessThan(full.amountIn);
    expect(quoteSwap(thin.pools[0] as V3PoolSnapshot, true, swap.amountIn)?.amountOut).toBeGreaterThanOrEqual(
      repay.amount,
    );
  });

  it("shrinks an over-hedged short: swap USDC → WETH for at least the repay, then repay", () => {
    const plan = planOf(aaveBook({ hf: 2, hedgeRatio: 1.5, heldUsdc: 1_000_000 }));
    expect(plan.actions.map((a) => a.kind)).toEqual(["swap.exactInputSingle", "aave.repay"]);
    const [swap, repay] = plan.actions as [SwapExactInputSingleAction, AaveAction];
    expect(swap.tokenIn).toBe(USDC.address);
    expect(swap.amountOutMinimum).toBeGreaterThanOrEqual(repay.amount);
    expect(plan.driftBpsAfter).toBeLessThan(plan.driftBpsBefore);
  });

  it("withdraws the collateral a buy-back needs beyond what the Safe holds, within its cap", () => {
    const plan = planOf(aaveBook({ hf: 2, hedgeRatio: 1.5, heldUsdc: 100_000 }));
    expect(plan.actions.map((a) => a.kind)).toEqual(["aave.withdraw", "swap.exactInputSingle", "aave.repay"]);
    const [withdraw, swap] = plan.actions as [AaveAction, SwapExactInputSingleAction];
    expect(withdraw.amount).toBe(swap.amountIn - 100_000n * 10n ** 6n);
  });

  it("keeps a trade within the leg's caps and refuses a borrow past its debt cap", () => {
    const book = aaveBook({ hf: 2.3, hedgeRatio: 0.5 });
    const small = params({ aave: { ...LEG, caps: { ...LEG.caps, maxTradeUsd: 50_000 } } });
    const [borrow] = aaveActions(planOf(book, small));
    expect(Number(borrow?.amount) / 1e18).toBeCloseTo(50_000 / 3000, 5);
    const full = params({ aave: { ...LEG, caps: { ...LEG.caps, maxDebtUsd: 1_000 } } });
    const decision = decide(book, full, NOW_SEC);
    expect(decision.kind).toBe("noop");
  });
});

describe("leg choice by cost", () => {
  const horizon = { priceUsd: 3000, horizonSec: 30 * 86_400, gasUsdPerUnit: 0 };

  it("grows the leg with the cheaper carry, and moves to the other when the borrow rate spikes", () => {
    const base = { hedgeRatio: 0.5, hf: 2, perp: true };
    // Perp funding in the fixture: 0.0003 a day paid to shorts (earned, ≈ −11%/year); Aave borrow at 2% − supply 4%.
    const cheapAave = evaluateBook(aaveBook({ ...base, borrowApr: 0.02 }), params(), NOW_SEC).hedgeLegs;
    const perpLeg = cheapAave.find((l) => l.venue === "perp-v2");
    expect(perpLeg?.shortCarryApr).toBeCloseTo(-0.0003 * 365, 6);
    expect(chooseHedgeLeg(cheapAave, -10, horizon)?.venue).toBe("perp-v2");
    // With perp funding against the short (shorts pay 20%/year) Aave's 2% − 4% is cheaper …
    const paying = cheapAave.map((l) => (l.venue === "perp-v2" ? { ...l, shortCarryApr: 0.2 } : l));
    expect(chooseHedgeLeg(paying, -10, horizon)?.venue).toBe("aave-v3-borrow");
    // … until WETH's borrow rate spikes to 60%.
    const spiked = evaluateBook(aaveBook({ ...base, borrowApr: 0.6 }), params(), NOW_SEC).hedgeLegs.map(
      (l) => (l.venue === "perp-v2" ? { ...l, shortCarryApr: 0.2 } : l),
    );
    expect(chooseHedgeLeg(spiked, -10, horizon)?.venue).toBe("perp-v2");
    // Shrinking takes the dearer leg first: the spiked Aave short.
    expect(chooseHedgeLeg(spiked, 10, horizon)?.venue).toBe("aave-v3-borrow");
  });

  it("skips a leg at its cap and reports it as having no room", () => {
    const legs = evaluateBook(aaveBook({ hedgeRatio: 0.5, hf: 2, perp: true }), params(), NOW_SEC).hedgeLegs;
    const perpFull = legs.map((l) =>
      l.venue === "perp-v2" ? { ...l, caps: { ...l.caps, maxHedgeNotionalUsd: 0 } } : l,
    );
    const choice = chooseHedgeLeg(perpFull, -10, horizon);
    expect(choice?.venue).toBe("aave-v3-borrow");
    expect(choice?.costPerUsd["perp-v2"]).toBeNull();
  });

  it("moves the Aave leg through decide() when it is the cheaper one in a two-leg book", () => {
    const book = aaveBook({ hedgeRatio: 0.5, hf: 2, perp: true });
    const perp = book.perp;
    if (!perp) throw new Error("two legs");
    // Funding against shorts makes the perp dear: the Aave leg grows.
    const dearPerp = { ...book, perp: { ...perp, fundingRateDaily: -0.002 } };
    expect(planOf(dearPerp).actions.some((a) => a.kind === "aave.borrow")).toBe(true);
    // Positive control: the same book with shorts earning funding grows the perp.
    expect(planOf(book).actions.some((a) => a.kind === "perp.adjustPosition")).toBe(true);
  });
});
