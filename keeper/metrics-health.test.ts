import { describe, expect, it } from "vitest";
import type { KeeperHealth } from "./health.ts";
import { toMetricsHealth } from "./metrics-health.ts";

describe("toMetricsHealth", () => {
  it("maps queue depth and lag, the signer balance in ETH, and each book's last evaluation time", () => {
    const health: KeeperHealth = {
      atMs: 1_700_000_010_000,
      heartbeatAgeMs: { "all-1": 200 },
      books: [
        {
          bookId: "b",
          mode: "execute",
          lastEvaluation: { blockNumber: 7n, ageMs: 4_000, decision: "noop", driftBps: 3 },
        },
        { bookId: "c", mode: "shadow", lastEvaluation: null },
      ],
      queues: {
        "hk-evaluate": { waiting: 2, prioritized: 1, active: 1, delayed: 0, failed: 5, lagMs: 1_500 },
      },
      signer: {
        address: "0x00000000000000000000000000000000000000aa",
        balanceWei: 2n * 10n ** 18n,
        floorWei: 10n ** 17n,
        belowFloor: false,
        pendingTxs: 0,
      },
      transactions: {},
    };
    expect(toMetricsHealth(health)).toEqual({
      heartbeatAtSec: 1_700_000_010,
      queues: [{ name: "hk-evaluate", depth: 4, lagSec: 1.5 }],
      signers: [{ address: "0x00000000000000000000000000000000000000aa", balanceEth: 2 }],
      lastSuccessAtSec: { "evaluate:b": 1_700_000_006 },
    });
  });
});
