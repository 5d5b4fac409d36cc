import { describe, expect, it } from "vitest";
import { produceBlocks, waitFor } from "./keeper-harness.ts";
import { useKeeperTestbed } from "./keeper-testbed.ts";

// An RPC node down at the keeper's start, then back: nothing escapes as an unhandled rejection, and the
// pipeline resumes. Its own file: it once failed after an earlier test in the same file had run (and reverted) a
// rally, under the old harness with a second snapshot layer; a probe of exactly that sequence on the current
// test bed passes, so the separation is kept only as a precaution.
const bed = useKeeperTestbed("keeper-rpc-down");
const { devnet, keeperFor, keeperNonce } = bed;

describe("the keeper with its RPC node down", () => {
  // The node is down at start: start() resolves, the start-up repair (eth_getTransactionCount) is retried in
  // the background (vitest fails the run on any unhandled rejection), and the senders start when it answers.
  it("resumes when the RPC node comes back after being down", async () => {
    await devnet().runScenario("eth-rally");
    const nonceBefore = await keeperNonce();
    bed.proxy.setFaults({ down: true });
    const keeper = keeperFor();
    await keeper.start();
    const blocks = produceBlocks(devnet());
    try {
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(await keeper.plans.list()).toEqual([]);
      bed.proxy.setFaults({});
      const mined = await waitFor(
        "a mined plan after the node came back",
        async () => (await keeper.plans.list()).find((r) => r.status === "mined"),
        30_000,
      );
      expect(mined.txs).toHaveLength(1);
      expect(await keeperNonce()).toBeGreaterThan(nonceBefore);
    } finally {
      blocks.stop();
    }
  });
});
