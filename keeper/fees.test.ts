import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bumpFees, FeeCapExceededError, quoteFees } from "./fees.ts";

const caps = { maxFeePerGas: 500n * 10n ** 9n, maxPriorityFeePerGas: 5n * 10n ** 9n };

describe("fees", () => {
  it("quotes 2 × base + tip, with the tip and the total under their caps", () => {
    expect(quoteFees(10n, 2n, caps)).toEqual({ maxFeePerGas: 22n, maxPriorityFeePerGas: 2n });
    expect(quoteFees(400n * 10n ** 9n, 9n * 10n ** 9n, caps)).toEqual({
      maxFeePerGas: caps.maxFeePerGas,
      maxPriorityFeePerGas: caps.maxPriorityFeePerGas,
    });
  });

  it("refuses to quote when the cap cannot cover the base fee and tip", () => {
    expect(() => quoteFees(600n * 10n ** 9n, 1n, caps)).toThrow(FeeCapExceededError);
  });

  it("bumps both fees by at least the node's minimum and never past the cap", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10n ** 11n }),
        fc.bigInt({ min: 0n, max: 10n ** 10n }),
        fc.bigInt({ min: 1n, max: 10n ** 11n }),
        fc.integer({ min: 10, max: 50 }),
        (base, tip, previousMax, percent) => {
          const previous = { maxFeePerGas: previousMax + tip, maxPriorityFeePerGas: tip };
          const bumped = bumpFees(previous, base, tip, caps, percent * 100);
          if (bumped === null) return;
          expect(bumped.maxFeePerGas * 100n).toBeGreaterThanOrEqual(
            previous.maxFeePerGas * BigInt(100 + percent),
          );
          expect(bumped.maxPriorityFeePerGas * 100n).toBeGreaterThanOrEqual(tip * BigInt(100 + percent));
          expect(bumped.maxFeePerGas).toBeLessThanOrEqual(caps.maxFeePerGas);
          expect(bumped.maxPriorityFeePerGas).toBeLessThanOrEqual(bumped.maxFeePerGas);
        },
      ),
    );
  });

  it("gives up on a replacement when the cap leaves no room for the bump", () => {
    expect(
      bumpFees({ maxFeePerGas: caps.maxFeePerGas, maxPriorityFeePerGas: 1n }, 1n, 1n, caps, 1_000),
    ).toBeNull();
  });
});
