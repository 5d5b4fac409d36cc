// `npm run devnet [-- --port 8545]`: start a Hardhat node on 127.0.0.1, deploy the mainnet-shaped devnet, write
// deployments/devnet.json, and keep running until Ctrl-C.
// `npm run devnet -- --aave-treasury`: also the Aave treasury (src/devnet/aave-treasury.ts), a second Safe whose book
// is hedged by an Aave v3 borrow short; its book is then in the devnet configuration too.
// `npm run devnet -- --fork <rpc-url> [--block N] [--port P]`: a node forking any JSON-RPC endpoint instead.
// `npm run devnet -- --l2 [--port 8546]`: the Arbitrum-shaped L2 devnet (chain 42161) instead, its manifest
// deployments/devnet-l2.json; run it beside the mainnet-shaped one for two chains.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { redactRpcUrl } from "../src/chain/rpc-url.ts";
import {
  DEFAULT_DEVNET_PORT,
  DEFAULT_MANIFEST_PATH,
  readManifest,
  startDevnet,
  startForkNode,
  writeManifest,
} from "../src/devnet/index.ts";

/** The L2 devnet's defaults: beside the mainnet-shaped one (8545, deployments/devnet.json). */
const DEFAULT_L2_DEVNET_PORT = 8546;
const L2_MANIFEST_PATH = "deployments/devnet-l2.json";

function parsePositiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new Error(`${flag} takes a non-negative integer, got "${value}"`);
  return Number(value);
}

/**
 * When the fork's origin is the devnet described by `originManifestPath`, the same contracts answer on the fork:
 * write that manifest with the fork's URL next to it, so scenarios can run on the fork.
 */
function writeForkManifest(
  originUrl: string,
  forkUrl: string,
  originManifestPath: string,
): string | undefined {
  if (!existsSync(originManifestPath)) return undefined;
  const origin = readManifest(originManifestPath);
  if (origin.rpcUrl !== originUrl.replace(/\/$/, "")) return undefined;
  const path = originManifestPath.replace(/\.json$/, "-fork.json");
  writeManifest(path, { ...origin, rpcUrl: forkUrl });
  return path;
}

function waitForSignal(): Promise<string> {
  return new Promise((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });
}

async function main(): Promise<void> {
  // Listen from the start: a Ctrl-C during the bootstrap exits at once, and the node goes with this process
  // (startHardhatNode kills it on exit).
  let ready = false;
  const signalled = waitForSignal();
  void signalled.then(() => {
    if (!ready) process.exit(130);
  });
  const { values } = parseArgs({
    options: {
      port: { type: "string" },
      fork: { type: "string" },
      block: { type: "string" },
      manifest: { type: "string" },
      l2: { type: "boolean", default: false },
      "aave-treasury": { type: "boolean" },
    },
    strict: true,
  });
  const port =
    parsePositiveInt(values.port, "--port") ?? (values.l2 ? DEFAULT_L2_DEVNET_PORT : DEFAULT_DEVNET_PORT);
  if (values.l2 && values.fork)
    throw new Error("--l2 starts its own chain: it cannot be combined with --fork");
  const blockNumber = parsePositiveInt(values.block, "--block");
  if (blockNumber !== undefined && !values.fork) throw new Error("--block needs --fork <rpc-url>");

  if (values.fork) {
    const started = performance.now();
    const node = await startForkNode({ url: values.fork, blockNumber, port });
    console.log(
      `forked ${redactRpcUrl(values.fork)}${node.forkBlockNumber === undefined ? "" : ` at block ${node.forkBlockNumber}`} on ${node.rpcUrl} in ${(performance.now() - started).toFixed(0)} ms (Ctrl-C to stop)`,
    );
    if (node.venues)
      console.log(`Aave v3 Pool    ${node.venues.aaveV3.pool} (Aave v3 Ethereum, from the address book)`);
    const forkManifest = writeForkManifest(
      values.fork,
      node.rpcUrl,
      values.manifest ?? DEFAULT_MANIFEST_PATH,
    );
    if (forkManifest) console.log(`the origin is a devnet: its manifest for the fork is ${forkManifest}`);
    ready = true;
    await signalled;
    await node.stop();
    return;
  }

  if (!existsSync("artifacts/contracts/devnet/DevnetERC20.sol/DevnetERC20.json")) {
    const build = spawnSync(process.execPath, ["node_modules/hardhat/dist/src/cli.js", "build", "--quiet"], {
      stdio: "inherit",
    });
    if (build.status !== 0) throw new Error("compiling the devnet contracts failed");
  }
  const manifestPath = values.manifest ?? (values.l2 ? L2_MANIFEST_PATH : DEFAULT_MANIFEST_PATH);
  const devnet = await startDevnet({
    port,
    manifestPath,
    shape: values.l2 ? "arbitrum" : "mainnet",
    aaveTreasury: values["aave-treasury"] === true,
  });
  const { contracts, pools, feeds, accounts } = devnet.manifest;
  console.log(
    `devnet ready on ${devnet.rpcUrl} (chain ${devnet.manifest.chainId}) in ${(devnet.bootstrapMs / 1000).toFixed(2)} s`,
  );
  console.log(`manifest        ${manifestPath}`);
  console.log(
    `treasury Safe   ${contracts.treasurySafe} (owners ${accounts.owners.map((o) => o.index).join(", ")}, threshold 2)`,
  );
  console.log(`Roles modifier  ${contracts.roles}`);
  const aaveTreasury = devnet.manifest.aaveTreasury;
  if (aaveTreasury) console.log(`Aave treasury   ${aaveTreasury.safe} (Roles ${aaveTreasury.roles})`);
  console.log(`keeper          ${accounts.keeper.address} (mnemonic index ${accounts.keeper.index})`);
  console.log(`USDC/WETH 0.05% ${pools.usdcWeth500.address}`);
  console.log(`ETH / USD feed  ${feeds.ethUsd.address}`);
  console.log(`perp vETH       ${contracts.perp.baseToken} (ClearingHouse ${contracts.perp.clearingHouse})`);
  const uptime = devnet.manifest.l2?.sequencerUptimeFeed;
  if (uptime)
    console.log(
      `sequencer feed  ${uptime.address} (flip it: npm run scenario -- sequencer-down --manifest ${manifestPath})`,
    );
  console.log("Ctrl-C to stop");
  ready = true;
  await signalled;
  await devnet.stop();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
