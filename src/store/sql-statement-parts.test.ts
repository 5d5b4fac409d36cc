import { describe, expect, it } from "vitest";
import { chunksByParams } from "./sql-statement-parts.ts";

describe("chunksByParams", () => {
  it("keeps rows whole and in order, each chunk under the 30,000-parameter limit", () => {
    const rows = Array.from({ length: 10 }, (_, i) => ({ i, params: 7_000 }));
    const chunks = chunksByParams(rows, (row) => row.params);
    expect(chunks.map((chunk) => chunk.map((row) => row.i))).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
  });

  it("puts a row over the limit alone, and makes no chunk of nothing", () => {
    expect(chunksByParams([40_000, 1, 2], (n) => n)).toEqual([[40_000], [1, 2]]);
    expect(chunksByParams([], () => 1)).toEqual([]);
  });
});
