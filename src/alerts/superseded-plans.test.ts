import { describe, expect, it } from "vitest";
import { createSupersededPlansWindow } from "./superseded-plans.ts";

describe("superseded plans within a window", () => {
  it("counts a book's superseded plans inside the window, the last reason with them", () => {
    const window = createSupersededPlansWindow(600);
    window.record("eth-usdc", "pool moved", 1_000);
    window.record("eth-usdc", "pool moved again", 1_100);
    window.record("btc-usdc", "feed left its band", 1_150);
    window.record("eth-usdc", "feed left its band", 1_200);
    expect(window.atLeast(3, 1_300)).toEqual([
      { bookId: "eth-usdc", count: 3, windowSec: 600, lastReason: "feed left its band" },
    ]);
    // Control: the other book, with one, is under the threshold but counted.
    expect(window.atLeast(1, 1_300).map((s) => [s.bookId, s.count])).toEqual([
      ["eth-usdc", 3],
      ["btc-usdc", 1],
    ]);
  });

  it("forgets what left the window, so the condition clears once the keeper stops superseding", () => {
    const window = createSupersededPlansWindow(600);
    for (const at of [1_000, 1_100, 1_200]) window.record("eth-usdc", "pool moved", at);
    expect(window.atLeast(3, 1_599)).toHaveLength(1);
    // The first is 600 s old at 1,600: out of the window.
    expect(window.atLeast(3, 1_600)).toEqual([]);
    expect(window.atLeast(1, 1_801)).toEqual([]);
  });

  it("refuses a window that is not positive", () => {
    expect(() => createSupersededPlansWindow(0)).toThrow(RangeError);
  });
});
