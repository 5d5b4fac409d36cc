import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AGGREGATOR_V3_ABI } from "../../../src/chain/abis/chainlink-abi.ts";
import { UNISWAP_V3_POOL_ABI } from "../../../src/chain/abis/uniswap-v3-abi.ts";
import { safeAbi } from "../../../src/chain/safe-transaction.ts";
import { perpArtifact } from "../../../src/devnet/deploy-perp.ts";
import {
  createDevnetClient,
  type Devnet,
  type DevnetClient,
  devnetChain,
  devnetTransport,
  loadScenario,
  readPoolPrice,
  runScenario,
  startDevnet,
  startForkNode,
} from "../../../src/devnet/index.ts";
import type { HardhatNode } from "../../../src/devnet/node-process.ts";
import { freeLoopbackPort } from "../../../src/runtime/free-port.ts";
import { runScript } from "../../support/run-script.ts";

let origin: Devnet;
let fork: HardhatNode;
let forkClient: DevnetClient;
let pinnedBlock: bigint;

beforeAll(async () => {
  origin = await startDevnet({ port: await freeLoopbackPort() });
  pinnedBlock = BigInt(origin.manifest.startBlock);
  // Move the origin on after the pinned block, so the fork must read history, not the tip.
  await origin.runScenario("eth-rally");
  fork = await startForkNode({
    url: origin.rpcUrl,
    blockNumber: Number(pinnedBlock),
    port: await freeLoopbackPort(),
  });
  forkClient = createDevnetClient(devnetTransport(fork.rpcUrl), devnetChain(31337, fork.rpcUrl));
});

afterAll(async () => {
  await fork?.stop();
  await origin?.stop();
});

/** The same reads on a client, at a block (origin) or at its tip (fork). */
async function treasuryState(client: DevnetClient, blockNumber?: bigint) {
  const { manifest } = origin;
  const at = blockNumber === undefined ? {} : { blockNumber };
  const read = client.publicClient.readContract.bind(client.publicClient);
  const [slot0, owners, round, position] = await Promise.all([
    read({
      address: manifest.pools.usdcWeth500.address,
      abi: UNISWAP_V3_POOL_ABI,
      functionName: "slot0",
      ...at,
    }),
    read({ address: manifest.contracts.treasurySafe, abi: safeAbi, functionName: "getOwners", ...at }),
    read({
      address: manifest.feeds.ethUsd.address,
      abi: AGGREGATOR_V3_ABI,
      functionName: "latestRoundData",
      ...at,
    }),
    read({
      address: manifest.contracts.perp.accountBalance,
      abi: perpArtifact("AccountBalance").abi,
      functionName: "getTakerPositionSize",
      args: [manifest.contracts.treasurySafe, manifest.positions.perpBaseToken],
      ...at,
    }),
  ]);
  return { slot0, owners, round, position };
}

describe("fork mode", () => {
  it("reads the origin's state at the pinned block: pool slot0, Safe owners, feed answer, perp position", async () => {
    const onFork = await treasuryState(forkClient);
    const onOrigin = await treasuryState(origin.client, pinnedBlock);
    expect(onFork).toEqual(onOrigin);
    expect((onFork.position as bigint) < 0n).toBe(true);
    // …and not the origin's tip, which the rally has moved since.
    expect(onFork.slot0).not.toEqual((await treasuryState(origin.client)).slot0);
  });

  it("diverges on the fork without touching the origin", async () => {
    const originTip = await origin.publicClient.getBlockNumber();
    const originPrice = await readPoolPrice(origin.client, origin.manifest.pools.usdcWeth500);
    await runScenario(forkClient, origin.manifest, loadScenario("eth-crash"));
    expect(await readPoolPrice(forkClient, origin.manifest.pools.usdcWeth500)).toBeCloseTo(1800, 0);
    expect(await origin.publicClient.getBlockNumber()).toBe(originTip);
    expect(await readPoolPrice(origin.client, origin.manifest.pools.usdcWeth500)).toBe(originPrice);
  });
});

describe("devnet manifest", () => {
  it("comes out identical from a second bootstrap, apart from the URL", async () => {
    const second = await startDevnet({ inProcess: true });
    try {
      const strip = ({ rpcUrl: _rpcUrl, ...rest }: Devnet["manifest"]) => rest;
      expect(strip(second.manifest)).toEqual(strip(origin.manifest));
    } finally {
      await second.stop();
    }
  });

  it("lets `npm run scenario` drive the running devnet and report every step", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "devnet-manifest-")), "devnet.json");
    writeFileSync(path, JSON.stringify(origin.manifest));
    const result = await runScript("scenario", ["oracle-stale", "--manifest", path]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      / 2\. ETH\/USD misses its heartbeat \[\d+ ms\]: timestamp \d+ → \d+; ethUsd age \(s\) \d+ → 37\d\d/,
    );
  });

  it("refuses, in one line, a manifest whose chain is not the node's", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "devnet-manifest-")), "devnet.json");
    writeFileSync(path, JSON.stringify({ ...origin.manifest, chainId: 1 }));
    const result = await runScript("scenario", ["eth-rally", "--manifest", path]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      `error: ${path} describes chain 1 but the node at ${origin.rpcUrl} is chain 31337: restart the devnet or point to the right manifest`,
    );
  });
});
