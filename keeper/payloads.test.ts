import { UnrecoverableError } from "bullmq";
import { describe, expect, it } from "vitest";
import { evaluateGroupPayload, evaluatePayload, parsePayload, submitPayload } from "./payloads.ts";

describe("job payloads", () => {
  it("accept the current version with ids only", () => {
    const payload = { v: 1, chainId: 31337, bookId: "treasury-eth", blockNumber: "162" };
    expect(parsePayload(evaluatePayload, payload, "evaluate")).toEqual(payload);
  });

  it("reject another version or a malformed id as unrecoverable, naming the key", () => {
    expect(() =>
      parsePayload(evaluatePayload, { v: 2, chainId: 1, bookId: "b", blockNumber: "1" }, "evaluate"),
    ).toThrow(UnrecoverableError);
    expect(() => parsePayload(submitPayload, { v: 1, chainId: 1, planId: "0x12" }, "submit")).toThrow(
      /planId/,
    );
  });

  it("accept a group's evaluation by its 16-hex-digit group id, and name a malformed one", () => {
    const payload = { v: 1, chainId: 31337, groupId: "0123456789abcdef", blockNumber: "162" };
    expect(parsePayload(evaluateGroupPayload, payload, "evaluate-group")).toEqual(payload);
    expect(() =>
      parsePayload(evaluateGroupPayload, { ...payload, groupId: "treasury-a" }, "evaluate-group"),
    ).toThrow(/invalid evaluate-group payload: groupId/);
  });
});
