import { describe, expect, it } from "vitest";
import {
  makeBook,
  makeParams,
  NOW_SEC,
  USDC,
  withV4StablePosition,
} from "../engine/book-fixture.test-support.ts";
import { perpTradeCost } from "../engine/perp-trade-cost.ts";
import type { PerpAdjustPositionAction } from "../engine/plan.ts";
import { getTickAtSqrtRatio } from "../engine/tick-math.ts";
import { attributePeriod } from "../performance/attribution.ts";
import { sqrtPriceX96OfPrice } from "./market-move.ts";
import { generatePricePath } from "./price-generators.ts";
import type { PricePoint } from "./price-path.ts";
import { replayPricePath } from "./replay.ts";

const STEP_SEC = 300;
/** A wide (−50% / +100%) v3 range: drift moves ~0.9% of book value per 1% of price. */
const book = makeBook({ rangeHalfWidthTicks: 6931 });
const params = makeParams({ armBps: 300, rearmBps: 100, cooldownSec: 3_600 });

function pathOf(prices: readonly number[], extra: Partial<PricePoint> = {}): PricePoint[] {
  return prices.map((basePriceUsd, i) => ({ timestampSec: NOW_SEC + i * STEP_SEC, basePriceUsd, ...extra }));
}

describe("replayPricePath", () => {
  it("makes no trade on a flat path, and the short earns the funding the path says longs pay", () => {
    const rate = 0.0003;
    const steps = 288; // one day
    const result = replayPricePath({
      book,
      params,
      path: pathOf(Array(steps).fill(3000), { fundingRateDaily: rate }),
    });
    expect(result.executed).toHaveLength(0);
    expect(result.decisions.every((d) => d.kind === "noop" && d.code === "within-band")).toBe(true);
    // Perp v2 funding: size × index × rate × days, paid by longs when rate > 0; the book is short.
    const sizeBase = Number(book.perp!.sizeBase) / 1e18;
    const days = ((steps - 1) * STEP_SEC) / 86_400;
    expect(sizeBase).toBeLessThan(0);
    expect(result.ledger.carryUsd).toBeCloseTo(-sizeBase * 3000 * rate * days, 6);
    expect(result.ledger.gasUsd + result.ledger.venueFeesUsd + result.ledger.slippageUsd).toBe(0);
  });

  it("trades once when the price leaves the band, towards the target, and not again inside the cooldown", () => {
    // 3000 flat, then +6% in one step: the LP sells base as the price rises, so the short is too large.
    const prices = [...Array(10).fill(3000), ...Array(10).fill(3180)];
    const result = replayPricePath({ book, params, path: pathOf(prices) });
    expect(result.executed.map((e) => e.step)).toEqual([10]);
    const plan = result.executed[0]!.plan;
    expect(plan.driftBpsBefore).toBeGreaterThan(params.armBps);
    expect(Math.abs(plan.driftBpsAfter)).toBeLessThan(params.rearmBps);
    const trade = plan.actions.find((a) => a.kind === "perp.adjustPosition");
    // Buying base back shrinks the short.
    expect(trade && trade.kind === "perp.adjustPosition" && !trade.isBaseToQuote).toBe(true);
    expect(result.decisions.slice(11).every((d) => d.kind === "noop" && d.code === "cooldown")).toBe(true);
    expect(result.decisions.slice(0, 10).every((d) => d.kind === "noop" && d.code === "within-band")).toBe(
      true,
    );
  });

  it("pays the plan's expected gas, fees and slippage, and the attribution names them", () => {
    const prices = [...Array(5).fill(3000), ...Array(5).fill(3180)];
    const result = replayPricePath({ book, params, path: pathOf(prices), mode: "every-step" });
    const [executed] = result.executed;
    expect(executed).toBeDefined();
    const cost = executed!.plan.expectedCost;
    expect(cost.gasUsd).toBeGreaterThan(0);
    expect(cost.feesUsd).toBeGreaterThan(0);
    expect(result.ledger).toMatchObject({
      gasUsd: cost.gasUsd,
      venueFeesUsd: cost.feesUsd,
      slippageUsd: cost.slippageUsd,
    });
    // The points before and after the plan, at the same instant: the perp account paid the fee and slippage.
    const at = result.points.findIndex((p) => p.blockNumber === executed!.blockNumber);
    const [before, after] = [result.points[at]!, result.points[at + 1]!];
    expect(after.timestampSec).toBe(before.timestampSec);
    expect(before.hedgeValueUsd - after.hedgeValueUsd).toBeCloseTo(cost.feesUsd + cost.slippageUsd, 6);
    const attribution = attributePeriod(result.points);
    expect(attribution.total.gasUsd).toBeCloseTo(cost.gasUsd, 9);
    expect(attribution.total.venueFeesUsd + attribution.total.slippageUsd).toBeCloseTo(
      cost.feesUsd + cost.slippageUsd,
      9,
    );
    expect(Math.abs(attribution.total.unexplainedUsd)).toBeLessThan(1e-6 * attribution.grossPnlUsd);
  });

  it("prices a perp resize's slippage from the perp pool's depth at the step: the path's perp_liquidity, else the book's", () => {
    const prices = [...Array(5).fill(3000), ...Array(5).fill(3180)];
    const replayAt = (perpLiquidity?: number) =>
      replayPricePath({
        book,
        params,
        path: pathOf(prices, perpLiquidity === undefined ? {} : { perpLiquidity }),
      });
    const recorded = replayAt();
    const thin = replayAt(1_000_000); // 1% of the fixture's recorded depth
    const [r, t] = [recorded.executed[0]!, thin.executed[0]!];
    const trade = (plan: typeof r.plan) =>
      plan.actions.find((a): a is PerpAdjustPositionAction => a.kind === "perp.adjustPosition")!;
    // The same decision, sized the same, costed from each pool: the one the path moved to the step's price.
    expect(trade(t.plan).amountBase).toBe(trade(r.plan).amountBase);
    const cost = (liquidity: bigint) =>
      perpTradeCost(
        {
          ...book.perp!.marketDepth,
          sqrtPriceX96: sqrtPriceX96OfPrice(3180, 18, 18),
          tick: getTickAtSqrtRatio(sqrtPriceX96OfPrice(3180, 18, 18)),
          liquidity,
        },
        {
          amountBase: trade(r.plan).amountBase,
          isBaseToQuote: trade(r.plan).isBaseToQuote,
          feeBps: params.costs.perpTakerFeeBps,
          toleranceBps: params.costs.perpSlippageBps,
        },
      );
    expect(r.slippageUsd).toBe(cost(book.perp!.marketDepth.liquidity).impactUsd);
    expect(t.slippageUsd).toBe(cost(1_000_000n * 10n ** 18n).impactUsd);
    // A hundredth of the depth, about a hundred times the impact (exact v3 math inside the range).
    expect(t.slippageUsd / r.slippageUsd).toBeGreaterThan(90);
    expect(t.slippageUsd / r.slippageUsd).toBeLessThan(110);
  });

  it("decides the same at every step whether it skips quiet steps or evaluates them all", () => {
    const path = generatePricePath({
      model: "jump",
      seed: 7,
      startSec: NOW_SEC,
      stepSec: STEP_SEC,
      steps: 3_000,
      startPriceUsd: 3000,
      driftAnnual: 0,
      sigmaAnnual: 0.7,
      jumpsPerYear: 20,
      jumpMeanLog: -0.02,
      jumpSigmaLog: 0.05,
      fundingRateDaily: 0.0002,
      volumeUsdPerDay: 100_000_000,
    });
    const fast = replayPricePath({ book, params, path, mode: "fast" });
    const every = replayPricePath({ book, params, path, mode: "every-step" });
    expect(fast.executed.length).toBeGreaterThan(3);
    expect(fast.evaluatedSteps).toBeLessThan(every.evaluatedSteps / 3);
    expect(fast.decisions).toEqual(every.decisions);
    expect(fast.executed.map((e) => e.plan)).toEqual(every.executed.map((e) => e.plan));
    // Fewer points, the same change in value and the same costs.
    const [a, b] = [attributePeriod(fast.points), attributePeriod(every.points)];
    expect(a.total.bookValueChangeUsd).toBeCloseTo(b.total.bookValueChangeUsd, 6);
    expect(a.total.carryUsd).toBeCloseTo(b.total.carryUsd, 6);
    // And the same daily P&L, hedged and unhedged: the skipped stretches never carry one day's hours into the
    // next day's bucket (the report's σ, VaR and Ederington are computed on these).
    expect(a.buckets.map((d) => d.startSec)).toEqual(b.buckets.map((d) => d.startSec));
    expect(a.buckets.length).toBeGreaterThanOrEqual(10);
    a.buckets.forEach((day, i) => {
      expect(day.bookValueChangeUsd).toBeCloseTo(b.buckets[i]!.bookValueChangeUsd, 6);
      expect(day.hedgedItemChangeUsd).toBeCloseTo(b.buckets[i]!.hedgedItemChangeUsd, 6);
    });
  });

  it("refuses a path that starts before the book it is given, naming the field", () => {
    const path = pathOf([3000, 3000]);
    expect(() => replayPricePath({ book, params, path: [path[1]!, path[0]!] })).toThrow(/timestampSec/);
  });
});

describe("replayPricePath: an LP withdrawal", () => {
  it("books what the de-peg lane's v4 withdrawal paid the Safe as a transfer: in the book's value, not in gamma", () => {
    // USDT at its act tier from the start: the first step withdraws the USDC/USDT position (apply-plan pays the
    // minimums) and sells the USDT.
    const depegBook = withV4StablePosition(makeBook({ usdtUsdOracle: 0.9, usdtUsdPool: 0.9 }));
    const depegParams = makeParams();
    const run = replayPricePath({ book: depegBook, params: depegParams, path: pathOf([3000, 3000, 3000]) });
    const withdrawals = run.executed.flatMap((e) =>
      e.plan.actions.filter((a) => a.kind === "uniswapV4.decreaseLiquidity"),
    );
    expect(withdrawals).toHaveLength(1);
    const [w] = withdrawals;
    if (w?.kind !== "uniswapV4.decreaseLiquidity") throw new Error("expected a v4 withdrawal");
    // Independently: USDC at its feed, USDT at its 0.9 feed (book-fixture), both 6 decimals.
    const usdcUsd = Number(depegBook.oracles.find((o) => o.asset === USDC.address)!.answer) / 1e8;
    const paidUsd = (Number(w.amount0Min) / 1e6) * usdcUsd + (Number(w.amount1Min) / 1e6) * 0.9;
    expect(paidUsd).toBeGreaterThan(1_000);
    expect(run.ledger.lpWithdrawnUsd).toBeCloseTo(paidUsd, 6);
    const { total } = attributePeriod(run.points);
    expect(total.lpWithdrawnUsd).toBeCloseTo(paidUsd, 6);
    // The position left the LP; gamma keeps only what it was worth beyond its minimums (the slippage bound).
    expect(total.gammaUsd).toBeLessThanOrEqual(0);
    expect(total.gammaUsd).toBeGreaterThan(-0.05 * paidUsd);
  });
});
