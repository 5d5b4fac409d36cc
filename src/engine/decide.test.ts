import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyPlan } from "./apply-plan.ts";
import { makeBook, makeParams, NOW_SEC, USDC, USDC_USDT_POOL, USDT } from "./book-fixture.test-support.ts";
import { evaluateBook } from "./book-metrics.ts";
import { decide } from "./decide.ts";
import { EngineInputError } from "./errors.ts";
import { oraclePerpQuoteBound, oracleSwapMinOut } from "./oracle-bounds.ts";
import type { Decision, Plan } from "./plan.ts";

function planOf(d: Decision): Plan {
  if (d.kind !== "plan") throw new Error(`expected a plan, got noop: ${d.reason}`);
  return d.plan;
}

/** Every number in a decision is finite (bigints aside). */
function allFinite(x: unknown): boolean {
  if (typeof x === "number") return Number.isFinite(x);
  if (Array.isArray(x)) return x.every(allFinite);
  if (x && typeof x === "object") return Object.values(x).every(allFinite);
  return true;
}

describe("decide", () => {
  it("does nothing while drift is inside the arm band", () => {
    const d = decide(makeBook(), makeParams(), NOW_SEC);
    expect(d).toMatchObject({ kind: "noop", code: "within-band" });
  });

  it("grows the short of an under-hedged book to the target, with premise and post-state", () => {
    const book = makeBook({ hedgeRatio: 0.9 });
    const plan = planOf(decide(book, makeParams(), NOW_SEC));
    expect(plan.lane).toBe("routine");
    const adjust = plan.actions.find((a) => a.kind === "perp.adjustPosition")!;
    expect(adjust).toMatchObject({ isBaseToQuote: true, expectedSizeBefore: book.perp!.sizeBase });
    expect(plan.premise.perp?.expectedSize).toBe(book.perp!.sizeBase);
    expect(plan.premise.deadlineSec).toBe(NOW_SEC + 300);
    expect(plan.premise.oracle.minAnswer).toBe(2970_00000000n);
    expect(plan.premise.oracle.maxAnswer).toBe(3030_00000000n);
    expect(plan.expectedRiskReductionUsd).toBeGreaterThan(plan.expectedCost.totalUsd * 1.5);
    expect(Math.abs(plan.driftBpsAfter)).toBeLessThan(1);
    // Quoted at the venue's mark, the resize's own index in the batch; gas priced at the base price decided on.
    expect(plan.quote).toEqual({
      basePriceUsd: 3000,
      legs: [
        {
          kind: "perp",
          actionIndex: plan.actions.indexOf(adjust),
          priceUsd: Number(book.perp!.markPriceE18) / 1e18,
        },
      ],
    });
  });

  it("gives the same plan id for the same book, block and actions, and a different one on another block", () => {
    const a = planOf(decide(makeBook({ hedgeRatio: 0.9 }), makeParams(), NOW_SEC));
    const b = planOf(decide(makeBook({ hedgeRatio: 0.9 }), makeParams(), NOW_SEC + 5));
    expect(a.planId).toBe(b.planId);
    const later = makeBook({ hedgeRatio: 0.9 });
    later.blockNumber += 1n;
    expect(planOf(decide(later, makeParams(), NOW_SEC)).planId).not.toBe(a.planId);
    expect(a.planId).toMatch(/^0x[0-9a-f]{64}$/);
  });

  it("never acts on a stale oracle or a stale snapshot", () => {
    expect(decide(makeBook({ hedgeRatio: 0.5, ethUsdStale: true }), makeParams(), NOW_SEC)).toMatchObject({
      code: "oracle-stale",
    });
    expect(decide(makeBook({ hedgeRatio: 0.5 }), makeParams(), NOW_SEC + 600)).toMatchObject({
      code: "stale-snapshot",
    });
  });

  it("waits out the cooldown after a plan", () => {
    const book = makeBook({ hedgeRatio: 0.8 });
    book.keeper = { hedgeTriggered: false, lastPlanAtSec: NOW_SEC - 60 };
    expect(decide(book, makeParams(), NOW_SEC)).toMatchObject({ code: "cooldown" });
  });

  it("tops up a margin below its floor even during cooldown, without trading the hedge", () => {
    const book = makeBook({ hedgeRatio: 0.8, marginRatio: 0.1 });
    book.keeper = { hedgeTriggered: true, lastPlanAtSec: NOW_SEC - 60 };
    const plan = planOf(decide(book, makeParams(), NOW_SEC));
    expect(plan.actions.map((a) => a.kind)).toEqual(["perp.depositCollateral"]);
    expect(plan.lane).toBe("routine");
  });

  it("hysteresis: a drift between re-arm and arm acts only when already triggered", () => {
    const book = makeBook({ hedgeRatio: 0.92 }); // ~ −280 bps of book
    const params = makeParams({ armBps: 400, rearmBps: 100 });
    expect(decide(book, params, NOW_SEC)).toMatchObject({
      kind: "noop",
      code: "within-band",
      hedgeTriggered: false,
    });
    book.keeper.hedgeTriggered = true;
    expect(decide(book, params, NOW_SEC).kind).toBe("plan");
  });

  it("skips trades below the minimum size and trades whose cost exceeds the risk they remove", () => {
    const book = makeBook({ hedgeRatio: 0.9 });
    expect(decide(book, makeParams({ minTradeUsd: 10_000_000 }), NOW_SEC)).toMatchObject({
      code: "below-min-trade",
    });
    const pricey = makeParams();
    pricey.costs.gasPriceGwei = 1_000_000;
    expect(decide(book, pricey, NOW_SEC)).toMatchObject({ code: "cost-exceeds-benefit" });
  });

  it("respects caps: the trade never exceeds maxTradeUsd", () => {
    const params = makeParams({ caps: { ...makeParams().caps, maxTradeUsd: 20_000 } });
    const plan = planOf(decide(makeBook({ hedgeRatio: 0.5 }), params, NOW_SEC));
    const adjust = plan.actions.find((a) => a.kind === "perp.adjustPosition");
    expect(adjust && Number(adjust.amountBase) / 1e18).toBeLessThanOrEqual(20_000 / 3000 + 1e-9);
    expect(plan.reason).toMatch(/capped/);
  });

  it("tops up margin before growing the short when the ratio falls below the floor", () => {
    const plan = planOf(decide(makeBook({ hedgeRatio: 0.9, marginRatio: 0.1 }), makeParams(), NOW_SEC));
    expect(plan.actions.map((a) => a.kind)).toEqual(["perp.depositCollateral", "perp.adjustPosition"]);
    const after = evaluateBook(
      applyPlan(makeBook({ hedgeRatio: 0.9, marginRatio: 0.1 }), plan, NOW_SEC),
      makeParams(),
      NOW_SEC,
    );
    expect(after.perp!.marginRatio!).toBeGreaterThanOrEqual(0.15);
    expect(after.perp!.liquidationDistanceBps!).toBeGreaterThanOrEqual(2_000 - 50);
  });

  it("never grows the short past the liquidation-distance limit when the Safe cannot top up", () => {
    const book = makeBook({ hedgeRatio: 0.5 });
    book.spot = book.spot.map((s) => (s.token.symbol === "USDC" ? { ...s, balance: 0n } : s));
    const plan = planOf(decide(book, makeParams(), NOW_SEC));
    expect(plan.reason).toMatch(/limited by liquidation distance/);
    const after = evaluateBook(applyPlan(book, plan, NOW_SEC), makeParams(), NOW_SEC);
    expect(after.perp!.liquidationDistanceBps!).toBeGreaterThanOrEqual(2_000);
  });

  it("withdraws excess collateral above the ceiling, never below the liquidation-distance limit", () => {
    const book = makeBook({ marginRatio: 0.9 });
    const plan = planOf(decide(book, makeParams(), NOW_SEC));
    expect(plan.actions.map((a) => a.kind)).toEqual(["perp.withdrawCollateral"]);
    expect(plan.post.minBalances[0]!.token).toBe(USDC.address);
    const after = evaluateBook(applyPlan(book, plan, NOW_SEC), makeParams(), NOW_SEC);
    expect(after.perp!.liquidationDistanceBps!).toBeGreaterThanOrEqual(2_000);
    expect(after.perp!.marginRatio!).toBeLessThanOrEqual(0.5);
  });

  it("defers a collateral withdrawal to a later plan when the same plan resizes the hedge", () => {
    // Over-collateralised and over-hedged: the resize realizes P&L and moves the margin requirement, so the
    // free collateral a withdrawal could take is only known once the trade has settled.
    const plan = planOf(decide(makeBook({ hedgeRatio: 1.5, marginRatio: 0.9 }), makeParams(), NOW_SEC));
    expect(plan.actions.map((a) => a.kind)).toEqual(["perp.adjustPosition"]);
    expect(plan.reason).toMatch(/withdrawn after the trade settles/);
  });

  it("de-peg act tier: urgent swap of the held stable into the healthiest one, even during cooldown", () => {
    const book = makeBook({ usdtUsdOracle: 0.95 });
    book.keeper.lastPlanAtSec = NOW_SEC - 1;
    const plan = planOf(decide(book, makeParams(), NOW_SEC));
    expect(plan.lane).toBe("urgent");
    const swap = plan.actions[0]!;
    expect(swap).toMatchObject({
      kind: "swap.exactInputSingle",
      tokenIn: USDT.address,
      tokenOut: USDC.address,
      fee: 100,
    });
    if (swap.kind !== "swap.exactInputSingle") throw new Error("unreachable");
    expect(swap.amountIn).toBe(100_000n * 10n ** 6n);
    // pool price 0.95, 1 bp fee, 30 bps max slippage
    expect(Number(swap.amountOutMinimum) / 1e6).toBeGreaterThan(95_000 * 0.9999 * 0.997 - 10);
    expect(Number(swap.amountOutMinimum) / 1e6).toBeLessThan(95_000);
    expect(plan.premise.oracle.feed).toBe(book.oracles[1]!.feed);
    // Quoted at the pool's spot (0.95 USDC per USDT) after its 1 bp fee, before price impact.
    const [leg] = plan.quote.legs;
    expect(leg).toMatchObject({ kind: "swap", actionIndex: 0, tokenInDecimals: 6, tokenOutDecimals: 6 });
    if (leg?.kind !== "swap") throw new Error("expected a swap quote");
    expect(leg.pool).toBe(USDC_USDT_POOL);
    expect(leg.priceNetOfFee).toBeCloseTo(0.95 * 0.9999, 6);
    expect(leg.tokenInPriceUsd).toBeCloseTo(0.95, 6);
    expect(Number(swap.amountOutMinimum) / 1e6).toBeLessThan(leg.priceNetOfFee * 100_000);
  });

  it("the urgent lane still respects caps", () => {
    const params = makeParams({ caps: { ...makeParams().caps, maxSwapUsd: 10_000 } });
    const plan = planOf(decide(makeBook({ usdtUsdOracle: 0.95 }), params, NOW_SEC));
    const swap = plan.actions[0]!;
    if (swap.kind !== "swap.exactInputSingle") throw new Error("expected a swap");
    expect((Number(swap.amountIn) / 1e6) * 0.95).toBeLessThanOrEqual(10_000 + 1e-6);
  });

  it("bounds a perp trade by the base feed's answer: an index price that lies moves no bound", () => {
    const adjustOf = (book: ReturnType<typeof makeBook>) => {
      const a = planOf(decide(book, makeParams(), NOW_SEC)).actions.find(
        (x) => x.kind === "perp.adjustPosition",
      );
      if (a?.kind !== "perp.adjustPosition") throw new Error("expected a perp trade");
      return a;
    };
    const feedBound = (a: ReturnType<typeof adjustOf>, book: ReturnType<typeof makeBook>) =>
      oraclePerpQuoteBound({
        amountBase: a.amountBase,
        isBaseToQuote: a.isBaseToQuote,
        price: book.baseOracle,
        slippageBps: 5n,
      });
    // Positive control: index and feed agree ($3,000): the short sells at no less than $3,000 − 5 bps.
    const honest = makeBook({ hedgeRatio: 0.9 });
    const sold = adjustOf(honest);
    expect(sold.isBaseToQuote).toBe(true);
    expect(sold.oppositeAmountBound).toBe(feedBound(sold, honest));
    expect(Number((sold.oppositeAmountBound * 10n ** 18n) / sold.amountBase) / 1e18).toBeCloseTo(2998.5, 6);
    // The RPC says the index is $1,500: the keeper would accept selling ETH at half price if it believed it.
    const lied = makeBook({ hedgeRatio: 0.9 });
    lied.perp!.indexPriceE18 /= 2n;
    const stillSold = adjustOf(lied);
    expect(stillSold.oppositeAmountBound).toBe(feedBound(stillSold, lied));
    expect(Number((stillSold.oppositeAmountBound * 10n ** 18n) / stillSold.amountBase) / 1e18).toBeCloseTo(
      2998.5,
      6,
    );
    // Buying base (an over-hedged book closes part of its short) against an index that lies high: at most $3,001.5.
    const over = makeBook({ hedgeRatio: 1.1 });
    over.perp!.indexPriceE18 *= 2n;
    const bought = adjustOf(over);
    expect(bought.isBaseToQuote).toBe(false);
    expect(bought.oppositeAmountBound).toBe(feedBound(bought, over));
    expect(Number((bought.oppositeAmountBound * 10n ** 18n) / bought.amountBase) / 1e18).toBeCloseTo(
      3001.5,
      6,
    );
  });

  it("bounds a de-peg swap by the feeds; a pool quoting more only tightens the minimum", () => {
    const feedMinimum = oracleSwapMinOut({
      amountIn: 100_000n * 10n ** 6n,
      tokenInDecimals: 6,
      tokenOutDecimals: 6,
      priceIn: { answer: 95_000_000n, decimals: 8 },
      priceOut: { answer: 100_000_000n, decimals: 8 },
      slippageBps: 30n,
    });
    // The pool agrees with the USDT feed ($0.95): its quote less 30 bps is below the feeds' minimum, which binds.
    const agreeing = planOf(decide(makeBook({ usdtUsdOracle: 0.95 }), makeParams(), NOW_SEC)).actions[0]!;
    if (agreeing.kind !== "swap.exactInputSingle") throw new Error("expected a swap");
    expect(agreeing.amountOutMinimum).toBe(feedMinimum);
    // The pool pays more ($0.97): the minimum follows the pool, above the feeds' minimum.
    const richer = planOf(decide(makeBook({ usdtUsdOracle: 0.95, usdtUsdPool: 0.97 }), makeParams(), NOW_SEC))
      .actions[0]!;
    if (richer.kind !== "swap.exactInputSingle") throw new Error("expected a swap");
    expect(richer.amountOutMinimum).toBeGreaterThan(feedMinimum);
    expect(Number(richer.amountOutMinimum) / 1e6).toBeCloseTo(97_000 * 0.9999 * 0.997, -1);
  });

  it("plans no swap through a pool that pays less than the feeds' minimum: a noop naming the pool", () => {
    // The USDT feed says $0.95; the pool (or the RPC reading it) says $0.90. Positive control above: at $0.95 it swaps.
    const book = makeBook({ usdtUsdOracle: 0.95, usdtUsdPool: 0.9 });
    book.keeper.lastPlanAtSec = NOW_SEC - 1;
    const d = decide(book, makeParams(), NOW_SEC);
    expect(d).toMatchObject({ kind: "noop", code: "pool-off-oracle" });
    if (d.kind !== "noop") throw new Error("unreachable");
    expect(d.reason).toContain("USDT de-peg swap: pool");
    expect(d.reason).toContain("pays less than the feeds' minimum at any size");
  });

  it("sizes a swap down to what a thin pool pays at the feeds' minimum, instead of paying its price impact", () => {
    const thin = makeBook({ usdtUsdOracle: 0.95 });
    const usdcUsdt = thin.pools[1]!;
    if (usdcUsdt.kind !== "uniswap-v3") throw new Error("expected the USDC/USDT v3 pool");
    usdcUsdt.liquidity /= 10_000n;
    const swap = planOf(decide(thin, makeParams(), NOW_SEC)).actions[0]!;
    if (swap.kind !== "swap.exactInputSingle") throw new Error("expected a swap");
    // Positive control above: with the pool's full liquidity all 100,000 USDT go.
    expect(swap.amountIn).toBeGreaterThan(1_000n * 10n ** 6n);
    expect(swap.amountIn).toBeLessThan(100_000n * 10n ** 6n);
    const feedsMinimum = oracleSwapMinOut({
      amountIn: swap.amountIn,
      tokenInDecimals: 6,
      tokenOutDecimals: 6,
      priceIn: { answer: 95_000_000n, decimals: 8 },
      priceOut: { answer: 100_000_000n, decimals: 8 },
      slippageBps: 30n,
    });
    expect(swap.amountOutMinimum).toBe(feedsMinimum);
  });

  it("plans no swap without a fresh feed on both sides to bound it", () => {
    const book = makeBook({ usdtUsdOracle: 0.95 });
    book.oracles = book.oracles.map((o) => (o.asset === USDC.address ? { ...o, updatedAtSec: 0 } : o));
    const d = decide(book, makeParams(), NOW_SEC);
    expect(d.kind === "plan" && d.plan.lane === "urgent").toBe(false);
  });

  it("rejects inconsistent parameters with a typed error naming the field", () => {
    expect(() => decide(makeBook(), makeParams({ armBps: 10, rearmBps: 20 }), NOW_SEC)).toThrow(
      EngineInputError,
    );
    expect(() => decide(makeBook(), makeParams(), Number.NaN)).toThrow(/nowSec/);
  });
});

describe("decide, as properties", () => {
  const hedgeRatio = fc.double({ min: 0, max: 2, noNaN: true });

  it("executing a plan's actions brings drift inside the re-arm band (caps not binding)", () => {
    fc.assert(
      fc.property(hedgeRatio, fc.double({ min: 2000, max: 4000, noNaN: true }), (ratio, ethUsd) => {
        const book = makeBook({ hedgeRatio: ratio, ethUsd });
        const params = makeParams();
        const d = decide(book, params, NOW_SEC);
        if (d.kind === "noop") return Math.abs(d.driftBps) <= params.armBps || d.code !== "within-band";
        const after = evaluateBook(applyPlan(book, d.plan, NOW_SEC), params, NOW_SEC);
        return d.plan.lane === "urgent" || Math.abs(after.drift.driftBps) <= params.rearmBps;
      }),
      { numRuns: 200 },
    );
  });

  it("is monotonic in drift: if it trades at some drift, it trades at any larger drift of the same sign", () => {
    fc.assert(
      fc.property(hedgeRatio, hedgeRatio, (a, b) => {
        const [near, far] = Math.abs(1 - a) < Math.abs(1 - b) ? [a, b] : [b, a];
        fc.pre(Math.sign(1 - near) === Math.sign(1 - far));
        const params = makeParams();
        const trades = (r: number) => {
          const d = decide(makeBook({ hedgeRatio: r }), params, NOW_SEC);
          return d.kind === "plan" && d.plan.actions.some((x) => x.kind === "perp.adjustPosition");
        };
        return !trades(near) || trades(far);
      }),
      { numRuns: 150 },
    );
  });

  it("never lets NaN or infinity out: a decision is all finite, or a typed error", () => {
    const weird = fc.oneof(
      fc.double(),
      fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -1, 0, 1e308, 5e-324),
    );
    fc.assert(
      fc.property(weird, weird, weird, (ratio, ethUsd, usdt) => {
        try {
          const book = makeBook({
            hedgeRatio: Number.isFinite(ratio) ? Math.min(Math.abs(ratio), 10) : 1,
            ethUsd: Number.isFinite(ethUsd) && ethUsd > 1 && ethUsd < 1e6 ? ethUsd : 3000,
            usdtUsdOracle: Number.isFinite(usdt) && usdt > 0.01 && usdt < 10 ? usdt : 1,
          });
          book.baseOracle.answer =
            Number.isFinite(ethUsd) && Math.abs(ethUsd) < 1e20 ? BigInt(Math.trunc(ethUsd * 1e8)) : 0n;
          return allFinite(decide(book, makeParams(), NOW_SEC));
        } catch (error) {
          return error instanceof EngineInputError;
        }
      }),
      { numRuns: 300 },
    );
  });
});
