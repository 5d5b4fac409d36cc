import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EngineInputError } from "./errors.ts";
import { impermanentLossV2, impermanentLossV3, unitAmounts } from "./impermanent-loss.ts";

describe("impermanent loss", () => {
  it("matches the Uniswap v2 docs' table (Pintail)", () => {
    const table: [number, number][] = [
      [1.25, -0.006],
      [1.5, -0.02],
      [1.75, -0.038],
      [2, -0.057],
      [3, -0.134],
      [4, -0.2],
      [5, -0.255],
    ];
    for (const [ratio, loss] of table) expect(impermanentLossV2(ratio)).toBeCloseTo(loss, 3);
  });

  it("is symmetric in r and 1/r for a constant-product pool", () => {
    expect(impermanentLossV2(4)).toBeCloseTo(impermanentLossV2(0.25), 12);
  });

  // The functions clamp one ulp of float noise to 0, so "never positive" alone would only test the clamp: the
  // properties below check the unclamped ingredients and that a real move gives a real (negative) loss.
  it("loses against HODL for any move away from entry, v2 or v3, in or out of range", () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 1e6, noNaN: true }), (r) => {
        const il = impermanentLossV2(r);
        return il > -1 && il <= 0 && (Math.abs(Math.log(r)) < 1e-3 || il < 0);
      }),
      { numRuns: 5_000 },
    );
    fc.assert(
      fc.property(
        fc.double({ min: 1e-3, max: 1e4, noNaN: true }),
        fc.double({ min: 1e-3, max: 1e4, noNaN: true }),
        fc.double({ min: 1e-3, max: 1e4, noNaN: true }),
        fc.double({ min: 1.0001, max: 100, noNaN: true }),
        (priceEntry, priceNow, priceLower, width) => {
          const priceUpper = priceLower * width;
          const entry = unitAmounts(priceEntry, priceLower, priceUpper);
          const now = unitAmounts(priceNow, priceLower, priceUpper);
          const lpValue = now.x * priceNow + now.y;
          const hodlValue = entry.x * priceNow + entry.y;
          const il = impermanentLossV3({ priceEntry, priceNow, priceLower, priceUpper });
          // 1e-10: 1/√P − 1/√pb cancels in a range 0.01% wide (seen: 1.5e-12 relative).
          return lpValue <= hodlValue * (1 + 1e-10) && il > -1 && il <= 0;
        },
      ),
      { numRuns: 5_000 },
    );
  });

  it("a concentrated position loses more than a full-range one for the same move", () => {
    const full = impermanentLossV3({ priceEntry: 1, priceNow: 1.2, priceLower: 1e-9, priceUpper: 1e9 });
    const narrow = impermanentLossV3({ priceEntry: 1, priceNow: 1.2, priceLower: 0.8, priceUpper: 1.25 });
    expect(full).toBeCloseTo(impermanentLossV2(1.2), 4);
    expect(narrow).toBeLessThan(full);
  });

  it("rejects NaN, infinite, zero or negative prices and inverted ranges", () => {
    expect(() => impermanentLossV2(Number.NaN)).toThrow(EngineInputError);
    expect(() => impermanentLossV2(-1)).toThrow(/priceRatio/);
    expect(() => impermanentLossV2(Number.POSITIVE_INFINITY)).toThrow(EngineInputError);
    expect(() => impermanentLossV3({ priceEntry: 1, priceNow: 1, priceLower: 2, priceUpper: 1 })).toThrow(
      /inverted/,
    );
  });
});
