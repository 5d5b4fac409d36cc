import { describe, expect, it } from "vitest";
import { allowancesNow, describeAllowances } from "./allowance-report.ts";
import { CALLS_HOURLY_ALLOWANCE, swapDailyAllowanceKey } from "./role-keys.ts";

const USDC = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48";

describe("allowance report", () => {
  it("labels each allowance by its key's text and reads its balance accrued to now", () => {
    const [swap, calls] = allowancesNow(
      [
        {
          key: swapDailyAllowanceKey(USDC),
          allowance: { refill: 2_000n, maxRefill: 48_000n, period: 3_600n, balance: 0n, timestamp: 0n },
        },
        {
          key: CALLS_HOURLY_ALLOWANCE,
          allowance: { refill: 1n, maxRefill: 60n, period: 60n, balance: 0n, timestamp: 7_180n },
        },
      ],
      7_200n,
    );
    expect(swap).toMatchObject({ label: "hk.swap.a0b86991c621", balance: 4_000n, maxRefill: 48_000n });
    // Not yet a whole period since its timestamp: still empty.
    expect(calls).toMatchObject({ label: "hk.calls.hour", balance: 0n });
    expect(describeAllowances([swap!, calls!])).toBe(
      "2 allowances; lowest hk.calls.hour at 0.0% of its cap (0 of 60); exhausted until their next refill: hk.calls.hour",
    );
  });

  it("names the lowest without an exhausted list when none is empty", () => {
    const full = {
      key: CALLS_HOURLY_ALLOWANCE,
      label: "hk.calls.hour",
      balance: 60n,
      maxRefill: 60n,
    } as const;
    const low = { ...full, key: swapDailyAllowanceKey(USDC), label: "hk.swap.a0b86991c621", balance: 6n };
    expect(describeAllowances([full, low])).toBe(
      "2 allowances; lowest hk.swap.a0b86991c621 at 10.0% of its cap (6 of 60)",
    );
    expect(describeAllowances([])).toBe("no allowances");
  });
});
