import { describe, expect, it } from "vitest";
import { accruedAllowance, type StoredAllowance } from "./allowance-balance.ts";

// A 48,000/day cap refilled every hour by 2,000 (as keeperAllowances makes one), last consumed at t = 1,000.
const daily: StoredAllowance = {
  refill: 2_000n,
  maxRefill: 48_000n,
  period: 3_600n,
  balance: 500n,
  timestamp: 1_000n,
};

describe("accruedAllowance", () => {
  it("adds one refill per whole period since the allowance's timestamp", () => {
    expect(accruedAllowance(daily, 1_000n)).toBe(500n);
    expect(accruedAllowance(daily, 4_599n)).toBe(500n);
    expect(accruedAllowance(daily, 4_600n)).toBe(2_500n);
    expect(accruedAllowance(daily, 1_000n + 3n * 3_600n + 10n)).toBe(6_500n);
  });

  it("stops at maxRefill, and keeps a balance set above it", () => {
    expect(accruedAllowance(daily, 1_000n + 100n * 3_600n)).toBe(48_000n);
    expect(accruedAllowance({ ...daily, balance: 60_000n }, 1_000n + 10n * 3_600n)).toBe(60_000n);
  });

  it("never refills a one-time allowance (period 0)", () => {
    expect(accruedAllowance({ ...daily, period: 0n }, 10n ** 9n)).toBe(500n);
  });
});
