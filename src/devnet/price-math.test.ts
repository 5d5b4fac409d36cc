import { describe, expect, it } from "vitest";
import {
  alignTick,
  quoteFromSqrtPriceX96,
  rawPriceFromQuote,
  sqrtPriceX96FromQuote,
  sqrtPriceX96FromRawPrice,
  tickFromRawPrice,
} from "./price-math.ts";

const usdcWeth = { baseIsToken0: false, baseDecimals: 18, quoteDecimals: 6 };
const daiUsdc = { baseIsToken0: true, baseDecimals: 18, quoteDecimals: 6 };

describe("price math", () => {
  it("gives the sqrt price of 1:1 as 2^96", () => {
    expect(sqrtPriceX96FromRawPrice(1)).toBe(2n ** 96n);
  });

  it("quotes ETH at 3000 USDC in the USDC/WETH pool as mainnet does (tick near 196 256)", () => {
    const raw = rawPriceFromQuote(usdcWeth, 3000);
    expect(tickFromRawPrice(raw)).toBeGreaterThan(196_250);
    expect(tickFromRawPrice(raw)).toBeLessThan(196_260);
    expect(quoteFromSqrtPriceX96(usdcWeth, sqrtPriceX96FromQuote(usdcWeth, 3000))).toBeCloseTo(3000, 6);
  });

  it("round-trips a stablecoin price with 18 and 6 decimals", () => {
    expect(quoteFromSqrtPriceX96(daiUsdc, sqrtPriceX96FromQuote(daiUsdc, 0.8774))).toBeCloseTo(0.8774, 10);
  });

  it("aligns ticks to the spacing in the asked direction, negative ticks included", () => {
    expect(alignTick(-15, 10, "down")).toBe(-20);
    expect(alignTick(-15, 10, "up")).toBe(-10);
    expect(alignTick(15, 10, "down")).toBe(10);
  });

  it("refuses a price that is not positive", () => {
    expect(() => sqrtPriceX96FromRawPrice(0)).toThrow(RangeError);
  });
});
