import { describe, expect, it } from "vitest";
import { causeChain, findInChain } from "./error-chain.ts";

describe("the cause chain", () => {
  it("walks an error and its causes, outermost first", () => {
    const root = new RangeError("root");
    const middle = new Error("middle", { cause: root });
    const outer = new Error("outer", { cause: middle });
    expect([...causeChain(outer)]).toEqual([outer, middle, root]);
    expect(findInChain(outer, (e): e is RangeError => e instanceof RangeError)).toBe(root);
    expect(findInChain(outer, (e) => e === "absent")).toBeUndefined();
  });

  it("ends at a missing cause and never loops on a cycle", () => {
    expect([...causeChain(undefined)]).toEqual([]);
    const a = new Error("a");
    const b = new Error("b", { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect([...causeChain(b)].length).toBeLessThanOrEqual(16);
  });
});
