import { describe, expect, it } from "vitest";
import { createBootstrapCountsCache, drawBootstrapCounts, pathTotals } from "./bootstrap-draw-counts.ts";
import { mulberry32 } from "./stress.ts";

/** The plain bootstrap: each path's draws from mulberry32(seed), in order (the reference the counts must match). */
function plainDraws(count: number, horizonSteps: number, paths: number, seed: number): number[][] {
  const random = mulberry32(seed);
  return Array.from({ length: paths }, () =>
    Array.from({ length: horizonSteps }, () => Math.floor(random() * count)),
  );
}

function rowOf(draws: ReturnType<typeof drawBootstrapCounts>, p: number): Map<number, number> {
  const row = new Map<number, number>();
  for (let k = draws.rowStart[p]!; k < draws.rowStart[p + 1]!; k++) row.set(draws.index[k]!, draws.times[k]!);
  return row;
}

describe("bootstrap draw counts", () => {
  it("count, per path, exactly the draws mulberry32(seed) makes, path after path", () => {
    for (const [count, horizon] of [
      [7, 50],
      [300, 40],
      [1, 5],
    ] as const) {
      const draws = drawBootstrapCounts(count, horizon, 120, 42);
      plainDraws(count, horizon, 120, 42).forEach((path, p) => {
        const expected = new Map<number, number>();
        for (const i of path) expected.set(i, (expected.get(i) ?? 0) + 1);
        const row = rowOf(draws, p);
        expect(row).toEqual(expected);
        expect([...row.values()].reduce((a, b) => a + b, 0)).toBe(horizon);
        // Ascending indices: a deterministic summation order.
        const indices = [...row.keys()];
        expect(indices).toEqual([...indices].sort((a, b) => a - b));
      });
    }
  });

  it("a path's total is the plain loop's sum of its draws, up to float rounding", () => {
    const changes = Float64Array.from({ length: 240 }, (_, i) => Math.sin(i * 1.7) * 1_000 + (i % 7) - 3);
    const draws = drawBootstrapCounts(changes.length, 1_200, 300, 11);
    const totals = pathTotals(draws, changes);
    plainDraws(changes.length, 1_200, 300, 11).forEach((path, p) => {
      const plain = path.reduce((sum, i) => sum + changes[i]!, 0);
      expect(Math.abs(totals[p]! - plain)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(plain)));
    });
    // Another seed draws other paths: the totals are not a function of the changes alone.
    expect(pathTotals(drawBootstrapCounts(changes.length, 1_200, 300, 12), changes)).not.toEqual(totals);
  });

  it("keeps a shape's draws for the next call and forgets the least recently used beyond its capacity", () => {
    const counts = createBootstrapCountsCache(2);
    const a = counts(10, 100, 100, 1);
    expect(counts(10, 100, 100, 1)).toBe(a);
    const b = counts(10, 101, 100, 1);
    expect(counts(10, 100, 100, 1)).toBe(a); // a is now the most recent
    counts(11, 100, 100, 1); // evicts b
    expect(counts(10, 100, 100, 1)).toBe(a);
    const bAgain = counts(10, 101, 100, 1);
    expect(bAgain).not.toBe(b);
    expect(bAgain).toEqual(b);
  });

  it("refuses changes of another length than the draws were made over", () => {
    expect(() => pathTotals(drawBootstrapCounts(5, 10, 100, 1), new Float64Array(6))).toThrow(
      /6 changes for draws over 5/,
    );
  });
});
