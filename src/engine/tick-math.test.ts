import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EngineInputError } from "./errors.ts";
import {
  getSqrtRatioAtTick,
  getTickAtSqrtRatio,
  MAX_SQRT_RATIO,
  MAX_TICK,
  MIN_SQRT_RATIO,
  MIN_TICK,
  nearestUsableTick,
} from "./tick-math.ts";
import { b, j, sdk } from "./uniswap-sdk.test-support.ts";

const RUNS = 5_000;
const tick = fc.integer({ min: MIN_TICK, max: MAX_TICK });
const sqrtRatio = fc.oneof(
  fc.bigInt({ min: MIN_SQRT_RATIO, max: MAX_SQRT_RATIO - 1n }),
  // near 1.0 where real pools live
  fc.bigInt({ min: 1n << 80n, max: 1n << 112n }),
);

describe("TickMath", () => {
  it("has the contract's bounds", () => {
    expect(getSqrtRatioAtTick(MIN_TICK)).toBe(MIN_SQRT_RATIO);
    expect(getSqrtRatioAtTick(MAX_TICK)).toBe(MAX_SQRT_RATIO);
    expect(getSqrtRatioAtTick(0)).toBe(1n << 96n);
  });

  it("getSqrtRatioAtTick equals the v3-sdk for every tick tried", () => {
    fc.assert(
      fc.property(tick, (t) => getSqrtRatioAtTick(t) === b(sdk.TickMath.getSqrtRatioAtTick(t))),
      { numRuns: RUNS },
    );
  });

  it("getTickAtSqrtRatio equals the v3-sdk for every sqrt price tried", () => {
    fc.assert(
      fc.property(sqrtRatio, (s) => getTickAtSqrtRatio(s) === sdk.TickMath.getTickAtSqrtRatio(j(s))),
      { numRuns: RUNS },
    );
  });

  it("getTickAtSqrtRatio equals the v3-sdk at and next to every kind of tick boundary", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: MIN_TICK + 1, max: MAX_TICK - 1 }),
        fc.integer({ min: -2, max: 2 }),
        (t, offset) => {
          const s = getSqrtRatioAtTick(t) + BigInt(offset);
          return getTickAtSqrtRatio(s) === sdk.TickMath.getTickAtSqrtRatio(j(s));
        },
      ),
      { numRuns: RUNS },
    );
    for (const s of [
      MIN_SQRT_RATIO,
      MIN_SQRT_RATIO + 1n,
      MAX_SQRT_RATIO - 1n,
      MAX_SQRT_RATIO - 2n,
      1n << 96n,
      (1n << 96n) - 1n,
    ]) {
      expect(getTickAtSqrtRatio(s)).toBe(sdk.TickMath.getTickAtSqrtRatio(j(s)));
    }
  });

  it("getTickAtSqrtRatio inverts getSqrtRatioAtTick and brackets the price", () => {
    fc.assert(
      // MAX_SQRT_RATIO itself is excluded from getTickAtSqrtRatio's domain, as in the contract
      fc.property(
        fc.integer({ min: MIN_TICK, max: MAX_TICK - 1 }),
        (t) => getTickAtSqrtRatio(getSqrtRatioAtTick(t)) === t,
      ),
      { numRuns: 2_000 },
    );
    fc.assert(
      fc.property(sqrtRatio, (s) => {
        const t = getTickAtSqrtRatio(s);
        return getSqrtRatioAtTick(t) <= s && (t === MAX_TICK || getSqrtRatioAtTick(t + 1) > s);
      }),
      { numRuns: 2_000 },
    );
  });

  it("nearestUsableTick equals the v3-sdk", () => {
    fc.assert(
      fc.property(
        tick,
        fc.integer({ min: 1, max: 16_384 }),
        (t, spacing) => nearestUsableTick(t, spacing) === sdk.nearestUsableTick(t, spacing),
      ),
      { numRuns: RUNS },
    );
  });

  it("rejects ticks outside [MIN_TICK, MAX_TICK] and sqrt prices outside the tick range", () => {
    expect(() => getSqrtRatioAtTick(MAX_TICK + 1)).toThrow(EngineInputError);
    expect(() => getSqrtRatioAtTick(MIN_TICK - 1)).toThrow(/tick/);
    expect(() => getSqrtRatioAtTick(1.5)).toThrow(EngineInputError);
    expect(() => getSqrtRatioAtTick(Number.NaN)).toThrow(EngineInputError);
    expect(() => getTickAtSqrtRatio(MAX_SQRT_RATIO)).toThrow(EngineInputError);
    expect(() => getTickAtSqrtRatio(MIN_SQRT_RATIO - 1n)).toThrow(EngineInputError);
    expect(() => nearestUsableTick(0, 0)).toThrow(/tickSpacing/);
  });
});
