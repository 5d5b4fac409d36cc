import { type Job, UnrecoverableError } from "bullmq";
import { describe, expect, it } from "vitest";
import { RpcRateLimitedError, RpcUnavailableError } from "../src/chain/errors.ts";
import { EngineInputError } from "../src/engine/errors.ts";
import { errorText, isRetryableError, KeeperConfigurationError, runClassified } from "./errors.ts";

const NO_JOB = {} as Job;

describe("how a job's error is classified", () => {
  it("never retries an engine error: the same snapshot fails the same way", async () => {
    const engine = new EngineInputError({ field: "book.bookValueUsd", reason: "must be > 0" });
    expect(isRetryableError(engine)).toBe(false);
    await expect(runClassified(NO_JOB, undefined, () => Promise.reject(engine))).rejects.toBeInstanceOf(
      UnrecoverableError,
    );
  });

  it("retries what the chain layer calls retryable and gives up on what it does not", async () => {
    expect(isRetryableError(new RpcUnavailableError("down"))).toBe(true);
    expect(isRetryableError(new KeeperConfigurationError("no such book"))).toBe(false);
    const transient = new RpcUnavailableError("down");
    await expect(runClassified(NO_JOB, undefined, () => Promise.reject(transient))).rejects.toBe(transient);
  });

  it("reads every message along the cause chain", () => {
    const cause = new RpcRateLimitedError("slow down", { cause: new Error("nonce too low") });
    expect(errorText(new Error("send failed", { cause }))).toBe("send failed | slow down | nonce too low");
  });
});
