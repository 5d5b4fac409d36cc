import { describe, expect, it } from "vitest";
import { jobIds } from "./job-ids.ts";

describe("job ids", () => {
  it("are the same for the same work and never contain a colon", () => {
    const a = jobIds.evaluate(1, "book:eth", 19_000_000n);
    expect(a).toBe(jobIds.evaluate(1, "book:eth", 19_000_000n));
    expect(a).not.toContain(":");
    expect(jobIds.submit(1, "0xab")).toBe("submit-1-0xab");
  });

  it("differ between books, blocks, chains and stages", () => {
    const ids = new Set([
      jobIds.evaluate(1, "a", 1n),
      jobIds.evaluate(1, "a", 2n),
      jobIds.evaluate(1, "b", 1n),
      jobIds.evaluate(2, "a", 1n),
      jobIds.submit(1, "0x01"),
      jobIds.confirm(1, "0x01"),
      jobIds.scanScheduler(1),
      jobIds.evaluateGroup(1, "0123456789abcdef", 1n),
      jobIds.evaluateGroup(1, "0123456789abcdef", 2n),
      jobIds.evaluateGroup(1, "fedcba9876543210", 1n),
      // A book named like a group's job id is still another job.
      jobIds.evaluate(1, "group-1-0123456789abcdef", 1n),
    ]);
    expect(ids.size).toBe(11);
  });
});
