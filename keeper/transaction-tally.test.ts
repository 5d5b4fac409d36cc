import { describe, expect, it } from "vitest";
import { transactionEventOf } from "./metrics-health.ts";
import { createTransactionTally } from "./transaction-tally.ts";

describe("the transactions the alerts count", () => {
  it("counts reverted and replaced transactions per lane until the alerts take them", () => {
    const tally = createTransactionTally();
    const events = [
      { kind: "tx.broadcast", planId: "p", lane: "urgent", txHash: "0x1", nonce: 1, txKind: "plan" },
      { kind: "tx.replaced", planId: "p", lane: "urgent", txHash: "0x2", replaces: "0x1", nonce: 1 },
      {
        kind: "tx.mined",
        planId: "p",
        lane: "urgent",
        txHash: "0x2",
        status: "reverted",
        blockNumber: 9n,
        gasUsed: 1n,
      },
      {
        kind: "tx.mined",
        planId: "q",
        lane: "routine",
        txHash: "0x3",
        status: "success",
        blockNumber: 9n,
        gasUsed: 1n,
      },
    ] as const;
    for (const event of events) {
      const tx = transactionEventOf(event);
      if (tx !== undefined) tally.record(tx);
    }
    expect(tally.take()).toEqual([{ lane: "urgent", failed: 1, replaced: 1 }]);
    expect(tally.take()).toEqual([]);
  });
});
