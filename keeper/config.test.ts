import { describe, expect, it } from "vitest";
import { parseKeeperConfig } from "./config.ts";
import { KeeperConfigurationError } from "./errors.ts";

describe("the keeper's configuration", () => {
  it("names every bad key in one non-retryable error", () => {
    let error: unknown;
    try {
      parseKeeperConfig({
        chainId: -1,
        rpcUrls: ["not a url"],
        books: [{ bookId: "b", mode: "yolo" }],
        fees: { maxFeePerGasGwei: 100, maxPriorityFeePerGasGwei: 2 },
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(KeeperConfigurationError);
    const { message, retryable } = error as KeeperConfigurationError;
    expect(retryable).toBe(false);
    for (const path of ["chainId", "rpcUrls.0", "books.0.mode"]) expect(message).toContain(`${path}:`);
  });
});
