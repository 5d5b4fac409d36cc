import { describe, expect, it } from "vitest";
import { bitmapWordsOf, initializedTicksInWords } from "./v3-tick-bitmap.ts";

describe("Uniswap v3's tick bitmap", () => {
  it("covers a window with the words of its compressed ticks, across zero", () => {
    // Spacing 60: −15,360 is compressed −256 (word −1, bit 0); 15,300 is compressed 255 (word 0, bit 255).
    expect(bitmapWordsOf({ lower: -15_360, upper: 15_300, tickSpacing: 60 })).toEqual([-1, 0]);
    expect(bitmapWordsOf({ lower: -15_420, upper: 15_360, tickSpacing: 60 })).toEqual([-2, -1, 0, 1]);
    expect(bitmapWordsOf({ lower: 79_020, upper: 81_060, tickSpacing: 60 })).toEqual([5]);
  });

  it("reads the set bits as ticks, negative ones at their two's-complement bit, within the window only", () => {
    const window = { lower: -120, upper: 60, tickSpacing: 60 };
    // Word −1: bit 255 is compressed −1 (tick −60), bit 254 is −2 (−120), bit 0 is −256 (outside the window).
    const wordMinus1 = (1n << 255n) | (1n << 254n) | 1n;
    // Word 0: bit 0 is tick 0, bit 1 is tick 60, bit 2 is tick 120 (outside the window).
    const word0 = 0b111n;
    expect(initializedTicksInWords([-1, 0], [wordMinus1, word0], window)).toEqual([-120, -60, 0, 60]);
    expect(initializedTicksInWords([-1, 0], [0n, 0n], window)).toEqual([]);
  });
});
