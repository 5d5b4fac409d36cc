import { describe, expect, it } from "vitest";
import { parseKeeperConfig } from "./config.ts";
import type { KeeperContext } from "./context.ts";
import { feeCaps } from "./next-stage.ts";

const contextWith = (lanes: unknown) =>
  ({
    common: {
      config: parseKeeperConfig({
        chainId: 1,
        rpcUrls: ["http://127.0.0.1:8545"],
        books: [{ bookId: "b", mode: "execute" }],
        fees: { maxFeePerGasGwei: 100, maxPriorityFeePerGasGwei: 2 },
        lanes,
      }),
    },
  }) as unknown as KeeperContext;

describe("fee caps per lane", () => {
  it("caps routine work at its lane's lower max fee and leaves urgent work at the network's", () => {
    const ctx = contextWith({ urgent: { replaceAfterSec: 30 }, routine: { maxFeePerGasGwei: 60 } });
    expect(feeCaps(ctx, "routine").maxFeePerGas).toBe(60_000_000_000n);
    expect(feeCaps(ctx, "urgent").maxFeePerGas).toBe(100_000_000_000n);
    expect(feeCaps(ctx, "urgent").maxPriorityFeePerGas).toBe(2_000_000_000n);
  });

  it("never lets a lane raise the network's cap", () => {
    const ctx = contextWith({ urgent: { maxFeePerGasGwei: 500 }, routine: {} });
    expect(feeCaps(ctx, "urgent").maxFeePerGas).toBe(100_000_000_000n);
  });

  it("refuses a lane fee bump below the +10% nodes require", () => {
    expect(() => contextWith({ urgent: { feeBumpBps: 500 }, routine: {} })).toThrow(
      /lanes\.urgent\.feeBumpBps/,
    );
  });
});
