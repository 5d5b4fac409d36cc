import { describe, expect, it } from "vitest";
import { createHeldSince } from "./held-since.ts";

describe("since when a condition has held", () => {
  it("counts the time without a break, and starts again after one", () => {
    const held = createHeldSince();
    expect(held.observe("book", true, 1_000)).toBe(0);
    expect(held.observe("book", true, 2_800)).toBe(1_800);
    expect(held.observe("book", true, 2_000)).toBe(1_000); // an older block evaluated again
    expect(held.observe("other", true, 4_600)).toBe(0);
    expect(held.observe("book", true, 4_600)).toBe(3_600);
    expect(held.observe("book", false, 4_700)).toBeNull();
    expect(held.observe("book", true, 4_800)).toBe(0);
  });
});
