// A bootstrapped devnet for a test file: started once before its tests, with every test running on a snapshot
// that is reverted afterwards, so tests see the same starting chain and never each other's changes.
//
//   const devnet = useDevnet();
//   it("…", async () => { const { manifest, publicClient } = devnet(); … });
import type { Hex } from "viem";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import { type Devnet, type StartDevnetOptions, startDevnet } from "../../src/devnet/index.ts";

/** In process by default (Hardhat's EDR, ~3 s to bootstrap); pass `{ port }` for a real `hardhat node`. */
export function useDevnet(options: StartDevnetOptions = { inProcess: true }): () => Devnet {
  let devnet: Devnet | undefined;
  let snapshotId: Hex | undefined;
  beforeAll(async () => {
    devnet = await startDevnet(options);
  });
  afterAll(async () => {
    await devnet?.stop();
  });
  beforeEach(async () => {
    snapshotId = await devnet?.snapshot();
  });
  afterEach(async () => {
    if (devnet && snapshotId) await devnet.revert(snapshotId);
  });
  return () => {
    if (!devnet) throw new Error("the devnet is not started: call useDevnet() at the top of the test file");
    return devnet;
  };
}
