import { describe, expect, it } from "vitest";
import { planHistoryOf, transactionHistoryOf } from "./history-recorder.ts";
import type { PlanRecord, TxRecord } from "./plan-store.ts";

const tx = (hash: string, nonce: number, kind: TxRecord["kind"] = "plan"): TxRecord => ({
  hash: hash as `0x${string}`,
  raw: "0x",
  nonce,
  kind,
  to: "0x0000000000000000000000000000000000000001",
  data: "0x",
  gas: 300_000n,
  maxFeePerGas: 1n,
  maxPriorityFeePerGas: 1n,
  signedAtMs: 1_000 + nonce,
  sentAtBlock: 10n,
});

const record = (over: Partial<PlanRecord>): PlanRecord => ({
  planId: "0xplan",
  chainId: 1,
  bookId: "book",
  mode: "execute",
  lane: "routine",
  status: "submitted",
  blockNumber: 9n,
  createdAtMs: 1,
  updatedAtMs: 2,
  txs: [],
  timings: {},
  ...over,
});

describe("plan records into the history", () => {
  it("marks the fee-bumped transaction replaced and the mined replacement mined, with its gas", () => {
    const rows = transactionHistoryOf(
      record({
        status: "mined",
        txs: [tx("0xa", 5), tx("0xb", 5, "replacement")],
        minedTxHash: "0xb",
        minedBlock: 12n,
        minedGasUsed: 180_000n,
      }),
    );
    expect(rows.map((r) => [r.txHash, r.status, r.replaces, r.gasUsed])).toEqual([
      ["0xa", "replaced", null, null],
      ["0xb", "mined", "0xa", 180_000n],
    ]);
  });

  it("keeps the original mined when it won the race against its replacement", () => {
    const rows = transactionHistoryOf(
      record({ status: "mined", txs: [tx("0xa", 5), tx("0xb", 5, "replacement")], minedTxHash: "0xa" }),
    );
    expect(rows.map((r) => r.status)).toEqual(["mined", "replaced"]);
  });

  it("reports a pending transaction as broadcast and a reverted one as reverted", () => {
    expect(transactionHistoryOf(record({ txs: [tx("0xa", 5)] }))[0]!.status).toBe("broadcast");
    const reverted = record({ status: "reverted", txs: [tx("0xa", 5)], minedTxHash: "0xa" });
    expect(transactionHistoryOf(reverted)[0]!.status).toBe("reverted");
  });

  it("keeps the plan's reason and adds why it failed", () => {
    const failed = planHistoryOf(
      record({ status: "failed", reason: "simulation reverted" }),
      "drift 300 bps",
    );
    expect(failed.reason).toBe("drift 300 bps; simulation reverted");
    expect(planHistoryOf(record({}), "drift 300 bps").reason).toBe("drift 300 bps");
  });
});
