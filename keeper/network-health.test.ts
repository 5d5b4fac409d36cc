import { describe, expect, it } from "vitest";
import { mergedKeeperHealth } from "./network-health.ts";
import { DEFAULT_RESTART_BACKOFF, restartDelayMs } from "./network-supervisor.ts";

describe("several networks' keepers as one", () => {
  it("reports the stalest heartbeat and names every queue, signer, component and oracle by its network", () => {
    const merged = mergedKeeperHealth([
      {
        network: "devnet",
        health: {
          heartbeatAtSec: 1_000,
          queues: [{ name: "evaluate", depth: 2, lagSec: 1 }],
          signers: [{ address: "0xabc", balanceEth: 5 }],
          lastSuccessAtSec: { scan: 990 },
          oracleAgeSec: { base: 12 },
        },
      },
      {
        network: "arbitrum",
        health: {
          heartbeatAtSec: 940,
          queues: [{ name: "evaluate", depth: 0, lagSec: 0 }],
          signers: [{ address: "0xabc", balanceEth: 0.05 }],
          lastSuccessAtSec: { scan: 930 },
        },
      },
    ]);
    expect(merged).toEqual({
      heartbeatAtSec: 940,
      queues: [
        { name: "devnet/evaluate", depth: 2, lagSec: 1 },
        { name: "arbitrum/evaluate", depth: 0, lagSec: 0 },
      ],
      signers: [
        { address: "devnet/0xabc", balanceEth: 5 },
        { address: "arbitrum/0xabc", balanceEth: 0.05 },
      ],
      lastSuccessAtSec: { "devnet/scan": 990, "arbitrum/scan": 930 },
      oracleAgeSec: { "devnet/base": 12 },
    });
  });

  it("has no heartbeat while one network's keeper has never beaten", () => {
    const merged = mergedKeeperHealth([
      { network: "devnet", health: { heartbeatAtSec: 1_000 } },
      { network: "arbitrum", health: { heartbeatAtSec: null } },
    ]);
    expect(merged.heartbeatAtSec).toBeNull();
  });

  it("waits 1 s, 2 s, 4 s … capped at 30 s between restarts of a process that keeps exiting", () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 12].map((attempt) =>
      restartDelayMs(attempt, DEFAULT_RESTART_BACKOFF),
    );
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });
});
