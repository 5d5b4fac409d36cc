import { describe, expect, it } from "vitest";
import { EngineInputError } from "./errors.ts";
import { perpTradeCost } from "./perp-trade-cost.ts";
import type { PerpMarketDepth } from "./snapshot.ts";
import { getSqrtRatioAtTick, getTickAtSqrtRatio } from "./tick-math.ts";
import { b, JSBI, j, sdk } from "./uniswap-sdk.test-support.ts";

const E18 = 10n ** 18n;
const SPACING = 60;
const L = 2_000_000n * E18; // about the devnet maker's in-range liquidity near the price

/** A price about 2,995 USD, half-way between the initializable ticks 80,040 and 80,100. */
const SQRT_P = (getSqrtRatioAtTick(80_040) + getSqrtRatioAtTick(80_100)) / 2n;
const DEPTH: PerpMarketDepth = {
  pool: "0x00000000000000000000000000000000000000aa",
  sqrtPriceX96: SQRT_P,
  tick: getTickAtSqrtRatio(SQRT_P),
  liquidity: L,
  tickSpacing: SPACING,
};

/**
 * The independent computation: the Uniswap v3 SDK's SwapMath.computeSwapStep (no fee, as Perp v2 cancels the pool
 * fee), stepping tick to tick through `ticks` (initialized ticks with their liquidityNet) as v3-core's swap loop
 * does. Returns the quote received for base sold (exact input) or paid for base bought (exact output).
 */
function sdkSwapQuote(
  ticks: { tick: number; liquidityNet: bigint }[],
  amountBase: bigint,
  baseIn: boolean,
): bigint {
  let sqrtP = SQRT_P;
  let liquidity = L;
  let remaining = amountBase;
  let quote = 0n;
  const ordered = [...ticks].sort((x, y) => (baseIn ? y.tick - x.tick : x.tick - y.tick));
  for (const next of ordered) {
    if (remaining === 0n) break;
    const target = getSqrtRatioAtTick(next.tick);
    if (baseIn ? target >= sqrtP : target <= sqrtP) continue;
    const [sqrtNext, amountIn, amountOut] = sdk.SwapMath.computeSwapStep(
      j(sqrtP),
      j(target),
      j(liquidity),
      baseIn ? j(remaining) : JSBI.unaryMinus(j(remaining)),
      0,
    );
    remaining -= baseIn ? b(amountIn) : b(amountOut);
    quote += baseIn ? b(amountOut) : b(amountIn);
    sqrtP = b(sqrtNext);
    // Crossing: moving down subtracts the tick's liquidityNet, moving up adds it (v3-core Pool.swap).
    if (sqrtP === target) liquidity += baseIn ? -next.liquidityNet : next.liquidityNet;
  }
  if (remaining !== 0n) throw new Error("the test's ticks ran out");
  return quote;
}

/** Boundary ticks where liquidity changes by `net`, far ticks where it ends. */
const ticksAround = (net: bigint) => [
  { tick: 80_040, liquidityNet: net },
  { tick: 80_100, liquidityNet: -net },
  { tick: 70_020, liquidityNet: L - net },
  { tick: 90_000, liquidityNet: -(L - net) },
];

describe("perpTradeCost", () => {
  const trade = (amountBase: bigint, isBaseToQuote: boolean) =>
    perpTradeCost(DEPTH, { amountBase, isBaseToQuote, feeBps: 10, toleranceBps: 100 });

  for (const whole of ["0.01", "1", "20", "50"]) {
    const amount = BigInt(Math.round(Number(whole) * 1e6)) * 10n ** 12n;
    it(`prices a ${whole}-base sale and purchase inside the range exactly as the SDK's swap step does`, () => {
      for (const isBaseToQuote of [true, false]) {
        const cost = trade(amount, isBaseToQuote);
        expect(cost.withinKnownRange).toBe(true);
        expect(cost.exchangedQuote).toBe(sdkSwapQuote(ticksAround(L / 2n), amount, isBaseToQuote));
        const impact = isBaseToQuote
          ? cost.spotQuote - cost.exchangedQuote
          : cost.exchangedQuote - cost.spotQuote;
        expect(cost.impactUsd).toBeCloseTo(Number(impact) / 1e18, 9);
        expect(cost.feeUsd).toBeCloseTo((Number(cost.exchangedQuote) / 1e18) * 0.001, 6);
      }
    });
  }

  it("grows the impact faster than the size: 50 base cost more than 50× what 1 base costs, per unit", () => {
    const small = trade(E18, true);
    const large = trade(50n * E18, true);
    expect(large.impactBps).toBeGreaterThan(small.impactBps * 40);
    // √P·√P′ sets the average fill of a constant-liquidity swap: impact ≈ Δ/(L/√P) relative, here ≈ 0.46 bps/base.
    expect(small.impactBps).toBeCloseTo(((1e18 * Number(SQRT_P)) / 2 ** 96 / Number(L)) * 10_000, 2);
  });

  it("bounds a sale that exhausts the range conservatively: never cheaper than the true fill over thinner ticks", () => {
    const amount = 200n * E18;
    const cost = trade(amount, true);
    expect(cost.withinKnownRange).toBe(false);
    // Below the range's edge the liquidity halves: the SDK's walk is the true fill.
    const truth = sdkSwapQuote(ticksAround(L / 2n), amount, true);
    expect(cost.exchangedQuote).toBeLessThanOrEqual(truth);
    // Positive control: continuing the known liquidity would have been optimistic (more quote than the truth).
    const optimistic = sdkSwapQuote([{ tick: 70_020, liquidityNet: L }], amount, true);
    expect(optimistic).toBeGreaterThan(truth);
    // It is the tolerance bound: the worst fill the plan lets mine.
    expect(cost.exchangedQuote).toBe((cost.spotQuote * 9_900n) / 10_000n);
  });

  it("bounds a purchase that exhausts the range conservatively", () => {
    const amount = 200n * E18;
    const cost = trade(amount, false);
    expect(cost.withinKnownRange).toBe(false);
    const truth = sdkSwapQuote(ticksAround(L / 2n), amount, false);
    expect(cost.exchangedQuote).toBeGreaterThanOrEqual(truth);
  });

  it("takes the continued estimate when it is worse than the tolerance", () => {
    const amount = 2_000n * E18;
    const cost = perpTradeCost(DEPTH, {
      amountBase: amount,
      isBaseToQuote: true,
      feeBps: 10,
      toleranceBps: 10,
    });
    expect(cost.withinKnownRange).toBe(false);
    expect(cost.exchangedQuote).toBe(sdkSwapQuote([{ tick: 70_020, liquidityNet: L }], amount, true));
    expect(cost.impactBps).toBeGreaterThan(10);
  });

  it("knows no range upward just after a downward crossing (slot0 reads tick T − 1 at exactly √P(T))", () => {
    const atBoundary = { ...DEPTH, sqrtPriceX96: getSqrtRatioAtTick(80_040), tick: 80_039 };
    const buy = perpTradeCost(atBoundary, {
      amountBase: E18,
      isBaseToQuote: false,
      feeBps: 10,
      toleranceBps: 50,
    });
    expect(buy.withinKnownRange).toBe(false);
    expect(buy.exchangedQuote).toBe((buy.spotQuote * 10_050n) / 10_000n);
    // Positive control: selling from there moves into the known range below.
    const sell = perpTradeCost(atBoundary, {
      amountBase: E18,
      isBaseToQuote: true,
      feeBps: 10,
      toleranceBps: 50,
    });
    expect(sell.withinKnownRange).toBe(true);
  });

  it("knows no range when slot0's tick does not match its price, and bounds the trade instead", () => {
    const mismatched = { ...DEPTH, tick: 80_200 }; // the edge below would lie above the price
    const sell = perpTradeCost(mismatched, {
      amountBase: E18,
      isBaseToQuote: true,
      feeBps: 10,
      toleranceBps: 50,
    });
    expect(sell.withinKnownRange).toBe(false);
    expect(sell.exchangedQuote).toBe((sell.spotQuote * 9_950n) / 10_000n);
  });

  it("rejects bad depth or trade input naming the field", () => {
    const bad =
      (depth: Partial<PerpMarketDepth>, amountBase = E18, toleranceBps = 50) =>
      () =>
        perpTradeCost({ ...DEPTH, ...depth }, { amountBase, isBaseToQuote: true, feeBps: 10, toleranceBps });
    expect(bad({ tickSpacing: 0 })).toThrow(/marketDepth\.tickSpacing/);
    expect(bad({ tick: 900_000 })).toThrow(/marketDepth\.tick/);
    expect(bad({ liquidity: -1n })).toThrow(/marketDepth\.liquidity/);
    expect(bad({}, 0n)).toThrow(/amountBase/);
    expect(bad({}, E18, 10_000)).toThrow(EngineInputError);
    expect(bad({})).not.toThrow();
  });
});
