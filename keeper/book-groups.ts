// Books that read the same chain state (the same read key: one treasury's books, whatever their policies) are
// evaluated together, in one `evaluate-group` job per block: one BullMQ job, one snapshot, one residual-risk
// bootstrap per distinct input for all of them, instead of a job per book. A book without a read key is a group of
// its own. The group id is a hash of the key, so every process on the same configuration names a group alike.
import { createHash } from "node:crypto";
import type { KeeperBook } from "./context.ts";

/** 16 hex digits of sha256: a read key is long JSON (bookReadKey), a job id and a payload want a short id. */
export function bookGroupId(book: Pick<KeeperBook, "bookId" | "readKey">): string {
  // A read key is a JSON array ("[…"), so it never equals a lone book's "book …".
  const key = book.readKey ?? `book ${book.bookId}`;
  return createHash("sha256").update(key).digest("hex").slice(0, 16);
}

/** The books by group id, in configuration order within each group. */
export function bookGroupsOf(books: Iterable<KeeperBook>): Map<string, KeeperBook[]> {
  const groups = new Map<string, KeeperBook[]>();
  for (const book of books) {
    const id = bookGroupId(book);
    const group = groups.get(id);
    if (group === undefined) groups.set(id, [book]);
    else group.push(book);
  }
  return groups;
}
