import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  encodeSqrtRatioX96,
  priceToClosestTick,
  priceToTick,
  sqrtPriceX96ToPrice,
  tickToPrice,
} from "./price-tick.ts";
import { b, sdk, sdkCore } from "./uniswap-sdk.test-support.ts";

const token0 = new sdkCore.Token(1, "0x0000000000000000000000000000000000000001", 18, "WETH");
const token1 = new sdkCore.Token(1, "0x0000000000000000000000000000000000000002", 6, "USDC");

describe("price ↔ tick", () => {
  it("encodeSqrtRatioX96 equals the v3-sdk", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 1n << 128n }),
        fc.bigInt({ min: 1n, max: 1n << 128n }),
        (a1, a0) => encodeSqrtRatioX96(a1, a0) === b(sdk.encodeSqrtRatioX96(a1.toString(), a0.toString())),
      ),
      { numRuns: 3_000 },
    );
  });

  it("priceToClosestTick equals the v3-sdk for a sorted pair", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 1n << 100n }),
        fc.bigInt({ min: 1n, max: 1n << 100n }),
        (a1, a0) => {
          const price = new sdkCore.Price(token0, token1, a0.toString(), a1.toString());
          return priceToClosestTick(a1, a0) === sdk.priceToClosestTick(price);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it("reads a WETH/USDC tick as a human price with decimals", () => {
    // 1.0001^-200000 × 10^(18−6) ≈ 2063.2 USDC per WETH
    expect(tickToPrice(-200_000, 18, 6)).toBeCloseTo(2063.2, 1);
    expect(priceToTick(tickToPrice(-200_000, 18, 6) * 1.00001, 18, 6)).toBe(-200_000);
    expect(sqrtPriceX96ToPrice(1n << 96n, 6, 6)).toBe(1);
  });

  it("round-trips any usable price through its tick within one tick", () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 1e6, noNaN: true }), (price) => {
        const t = priceToTick(price, 18, 6);
        return (
          tickToPrice(t, 18, 6) <= price * (1 + 1e-12) && tickToPrice(t + 1, 18, 6) > price * (1 - 1e-12)
        );
      }),
      { numRuns: 1_000 },
    );
  });

  it("rejects non-positive and non-finite prices", () => {
    expect(() => priceToTick(0, 18, 6)).toThrow(/price/);
    expect(() => priceToTick(Number.NaN, 18, 6)).toThrow(/price/);
    expect(() => priceToTick(Number.POSITIVE_INFINITY, 18, 6)).toThrow(/price/);
    expect(() => encodeSqrtRatioX96(1n, 0n)).toThrow(/amount0/);
  });
});
