import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mergeDetailPart, splitSharedDetails } from "./book-status-parts.ts";

const status = (bookId: string, blockNumber: bigint, detail: unknown, chainId = 1) => ({
  chainId,
  bookId,
  blockNumber,
  detail,
});
/** What a stored row reads back as: its own sections merged with its part's, if it has one. */
const readBack = (own: string, part: { text: string } | null) =>
  part === null ? JSON.parse(own) : mergeDetailPart(JSON.parse(own), JSON.parse(part.text), "part");

const stress = Array.from({ length: 10 }, (_, r) => ({
  shock: `price ${-30 + r * 6}%`,
  netPnlUsd: -1 - r * 1.5,
}));

describe("a block's shared detail sections", () => {
  it("puts the sections every detail of a block has in common into one part, and keeps the rest on each row", () => {
    const details = [0.4, 0.6, 0.8].map((target, i) =>
      status(`book-${i}`, 7n, { armBps: 200, windows: [{ target }], stress, problem: null }),
    );
    const { details: split, parts } = splitSharedDetails(details);
    expect(parts).toHaveLength(1);
    expect(JSON.parse(parts[0]!.text)).toEqual({
      keys: ["armBps", "windows", "stress", "problem"],
      sections: { armBps: 200, stress, problem: null },
    });
    expect(split.map((d) => d.text)).toEqual([
      '{"windows":[{"target":0.4}]}',
      '{"windows":[{"target":0.6}]}',
      '{"windows":[{"target":0.8}]}',
    ]);
    for (const [i, d] of split.entries()) {
      expect(d.part).toBe(parts[0]);
      expect(JSON.stringify(readBack(d.text, d.part))).toBe(JSON.stringify(details[i]!.detail));
    }
  });

  it("gives the same sections the same part (a replay) and different ones another (a reorg rewrite)", () => {
    const block = (movePct: number) =>
      [0.4, 0.6].map((target, i) =>
        status(`book-${i}`, 7n, { windows: [{ target }], stress: [...stress, { shock: `${movePct}%` }] }),
      );
    const [first, again, rewritten] = [block(-50), block(-50), block(-60)].map(
      (b) => splitSharedDetails(b).parts[0]!,
    );
    expect(again!.hash).toBe(first!.hash);
    expect(rewritten!.hash).not.toBe(first!.hash);
  });

  it("shares nothing across blocks or chains, nor for a detail alone, nor when the keys differ", () => {
    const detail = { stress, windows: [] };
    for (const statuses of [
      [status("a", 7n, detail), status("b", 8n, detail)],
      [status("a", 7n, detail, 1), status("b", 7n, detail, 10)],
      [status("a", 7n, detail)],
      [status("a", 7n, detail), status("b", 7n, { windows: [], stress })],
      [status("a", 7n, detail), status("b", 7n, null)],
    ]) {
      const { details, parts } = splitSharedDetails(statuses);
      expect(parts).toEqual([]);
      expect(details.map((d) => [d.text, d.part])).toEqual(
        statuses.map((s) => [JSON.stringify(s.detail), null]),
      );
    }
    // Positive control: the same two details at one block do share.
    expect(splitSharedDetails([status("a", 7n, detail), status("b", 7n, detail)]).parts).toHaveLength(1);
  });

  it("keeps a detail whole when what it shares is smaller than the part's keys and references", () => {
    const details = [1, 2].map((i) => status(`book-${i}`, 7n, { a: 1, windows: [{ i, stress }] }));
    expect(splitSharedDetails(details).parts).toEqual([]);
  });

  it("reads back every detail exactly as JSON would have stored it whole", () => {
    const section = fc.oneof(
      fc.constant(null),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.string(),
      fc.array(fc.record({ x: fc.double({ noNaN: true, noDefaultInfinity: true }), s: fc.string() })),
      fc.constant(Number.NaN),
      fc.constant(undefined),
    );
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 5 }),
        fc.array(section, { minLength: 6, maxLength: 6 }),
        fc.array(fc.array(section, { minLength: 6, maxLength: 6 }), { minLength: 5, maxLength: 5 }),
        fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
        (keys, books, common, own, isShared) => {
          const statuses = Array.from({ length: books }, (_, b) =>
            status(
              `book-${b}`,
              3n,
              Object.fromEntries(keys.map((k, i) => [k, isShared[i] ? common[i] : own[b]![i]])),
            ),
          );
          const { details } = splitSharedDetails(statuses);
          for (const [b, d] of details.entries())
            expect(JSON.stringify(readBack(d.text, d.part))).toBe(JSON.stringify(statuses[b]!.detail));
        },
      ),
    );
  });

  it("refuses a part that is not {keys, sections}, naming the column", () => {
    expect(() => mergeDetailPart({}, { sections: {} }, "book_status_parts.body")).toThrow(
      /book_status_parts\.body/,
    );
  });
});
