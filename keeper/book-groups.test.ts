import { describe, expect, it } from "vitest";
import { bookGroupId, bookGroupsOf } from "./book-groups.ts";
import type { KeeperBook } from "./context.ts";

const book = (bookId: string, readKey?: string) =>
  ({ bookId, ...(readKey === undefined ? {} : { readKey }) }) as KeeperBook;

describe("book groups", () => {
  it("put books with the same read key in one group, in configuration order, under a short stable id", () => {
    const treasuryA = JSON.stringify(["devnet", "0xsafe-a", "WETH"]);
    const treasuryB = JSON.stringify(["devnet", "0xsafe-b", "WETH"]);
    const groups = bookGroupsOf([
      book("a-1", treasuryA),
      book("b-1", treasuryB),
      book("a-2", treasuryA),
      book("lone"),
    ]);
    expect([...groups.values()].map((g) => g.map((b) => b.bookId))).toEqual([
      ["a-1", "a-2"],
      ["b-1"],
      ["lone"],
    ]);
    for (const id of groups.keys()) expect(id).toMatch(/^[0-9a-f]{16}$/);
    // Every process on the same configuration names the group alike.
    expect(bookGroupId(book("a-9", treasuryA))).toBe(bookGroupId(book("a-1", treasuryA)));
  });

  it("keep books without a read key apart, each a group of its own", () => {
    const groups = bookGroupsOf([book("x"), book("y")]);
    expect(groups.size).toBe(2);
    expect(bookGroupId(book("x"))).not.toBe(bookGroupId(book("y")));
  });
});
