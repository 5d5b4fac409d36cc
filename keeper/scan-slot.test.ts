import { describe, expect, it } from "vitest";
import { MIN_SCAN_JOB_EVERY_MS, pollsLeftInSlot, scanJobEveryMs, scanLock } from "./scan-slot.ts";

describe("scan slot", () => {
  it("schedules a job per second at most, and a job per poll for a network polled less often", () => {
    expect(scanJobEveryMs(100)).toBe(MIN_SCAN_JOB_EVERY_MS);
    expect(scanJobEveryMs(250)).toBe(1_000);
    expect(scanJobEveryMs(12_000)).toBe(12_000);
  });

  it("polls every interval of a 1 s slot at a 100 ms poll: ten polls, the last starting before the next job", () => {
    // A job's polls as scan-job.ts makes them: one at once, then one per interval while any are left.
    const starts = [0];
    for (;;) {
      const tickMs = 4;
      const elapsedMs = starts.at(-1)! + tickMs;
      if (pollsLeftInSlot({ elapsedMs, scanEveryMs: 100, scanJobEveryMs: 1_000 }) === 0) break;
      starts.push(elapsedMs + 100);
    }
    expect(starts).toEqual([0, 104, 208, 312, 416, 520, 624, 728, 832, 936]);
  });

  it("makes one poll per job when the poll interval is the slot", () => {
    expect(pollsLeftInSlot({ elapsedMs: 3, scanEveryMs: 12_000, scanJobEveryMs: 12_000 })).toBe(0);
    // Control: the same tick on a 1 s slot at 100 ms leaves nine more.
    expect(pollsLeftInSlot({ elapsedMs: 3, scanEveryMs: 100, scanJobEveryMs: 1_000 })).toBe(9);
  });

  it("stops at once when a slow tick already ran past the slot", () => {
    expect(pollsLeftInSlot({ elapsedMs: 1_400, scanEveryMs: 100, scanJobEveryMs: 1_000 })).toBe(0);
  });

  it("locks a scan job for two slots, 5 s at least, never longer than the configured job lock", () => {
    // The defaults (30 s + 30 s) at a 1 s slot: 5 s + 5 s, a blind spot of 10 s after a kill, not a minute.
    expect(scanLock({ scanJobEveryMs: 1_000, lockDurationMs: 30_000, stalledIntervalMs: 30_000 })).toEqual({
      durationMs: 5_000,
      stalledIntervalMs: 5_000,
    });
    // A 12 s mainnet poll: two slots.
    expect(scanLock({ scanJobEveryMs: 12_000, lockDurationMs: 30_000, stalledIntervalMs: 30_000 })).toEqual({
      durationMs: 24_000,
      stalledIntervalMs: 24_000,
    });
    // Shorter configured figures stand (the tests' 2 s + 1 s).
    expect(scanLock({ scanJobEveryMs: 1_000, lockDurationMs: 2_000, stalledIntervalMs: 1_000 })).toEqual({
      durationMs: 2_000,
      stalledIntervalMs: 1_000,
    });
  });
});
