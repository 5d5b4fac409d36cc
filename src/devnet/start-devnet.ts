import {
  type Account,
  type Chain,
  createWalletClient,
  type EIP1193Provider,
  type Hex,
  type Transport,
  type WalletClient,
} from "viem";
import { openAaveTreasury } from "./aave-treasury.ts";
import { type DevnetRole, devnetAddress, roleIndex } from "./accounts.ts";
import { ARBITRUM_CHAIN_ID } from "./arbitrum-addresses.ts";
import { bootstrapDevnet } from "./bootstrap.ts";
import { bootstrapL2Devnet } from "./bootstrap-l2.ts";
import { preloadRolesPackages } from "./deploy-roles.ts";
import {
  createDevnetClient,
  DEVNET_POLLING_INTERVAL_MS,
  type DevnetClient,
  devnetChain,
  devnetTransport,
} from "./devnet-client.ts";
import { type DevnetManifest, writeManifest } from "./manifest.ts";
import { startHardhatNode } from "./node-process.ts";
import { loadScenario } from "./scenario.ts";
import { type RunScenarioOptions, runScenario, type ScenarioReport } from "./scenario-runner.ts";
import { DEFAULT_DEVNET_GAS } from "./transactions.ts";

export const DEFAULT_DEVNET_PORT = 8545;
const HARDHAT_CHAIN_ID = 31337;
/** What the manifest says for `rpcUrl` when the chain lives inside this process (no URL reaches it). */
export const IN_PROCESS_RPC_URL = "http://in-process.invalid";

export interface StartDevnetOptions {
  /** Port of the spawned `hardhat node` (default 8545). Ignored in process. */
  port?: number;
  /** Run Hardhat's EDR chain inside this process (faster, no URL, no fork). */
  inProcess?: boolean;
  /** Also write the manifest here (e.g. deployments/devnet.json). */
  manifestPath?: string;
  /**
   * Which chain it is shaped after: `mainnet` (default: chain 31337, Ethereum's addresses) or `arbitrum` (chain
   * 42161, Arbitrum One's addresses and its L2 sequencer uptime feed; bootstrap-l2.ts).
   */
  shape?: DevnetShape;
  /** Also open the Aave treasury (aave-treasury.ts): a second Safe whose book is hedged on Aave v3 only. */
  aaveTreasury?: boolean;
}

export type DevnetShape = "mainnet" | "arbitrum";

const SHAPES: Record<DevnetShape, { chainId: number; bootstrap: typeof bootstrapDevnet }> = {
  mainnet: { chainId: HARDHAT_CHAIN_ID, bootstrap: bootstrapDevnet },
  arbitrum: { chainId: ARBITRUM_CHAIN_ID, bootstrap: bootstrapL2Devnet },
};

export interface Devnet {
  /** JSON-RPC URL, or IN_PROCESS_RPC_URL for an in-process chain. */
  rpcUrl: string;
  manifest: DevnetManifest;
  client: DevnetClient;
  publicClient: DevnetClient["publicClient"];
  testClient: DevnetClient["testClient"];
  /** Node start + bootstrap, in milliseconds. */
  bootstrapMs: number;
  /** A wallet client whose account (held by the node) plays `role`. */
  walletFor(role: DevnetRole): WalletClient<Transport, Chain, Account>;
  snapshot(): Promise<Hex>;
  revert(id: Hex): Promise<void>;
  runScenario(name: string, options?: RunScenarioOptions): Promise<ScenarioReport>;
  stop(): Promise<void>;
}

/** Starts a chain, bootstraps everything on it, and returns typed handles. Always stop it. */
export async function startDevnet(options: StartDevnetOptions = {}): Promise<Devnet> {
  const started = performance.now();
  const shape = SHAPES[options.shape ?? "mainnet"];
  let transport: Transport;
  let rpcUrl: string;
  let stopChain: () => Promise<void>;
  if (options.inProcess) {
    const { default: hre } = await import("hardhat");
    // A transaction sent without a gas limit (a `walletFor` wallet, a simulateContract request) gets the limit the
    // devnet's own transactions carry, not Hardhat's default: an estimate on the pending block, used as the limit
    // exactly. The estimate runs at one second and the block is mined at a later one, and Perp v2's funding and TWAP
    // reads cost more at some seconds than at others (in one run, an addLiquidity estimated at 1,353,587 gas at +9 s
    // needed 1,365,281 at +10 s): short by that much, a nested call runs out of gas and the transaction reverts with
    // no data.
    const connection = await hre.network.connect({
      override: { chainId: shape.chainId, gas: DEFAULT_DEVNET_GAS },
    });
    transport = devnetTransport(connection.provider as unknown as EIP1193Provider);
    rpcUrl = IN_PROCESS_RPC_URL;
    stopChain = () => connection.close();
  } else {
    const node = await startHardhatNode({
      port: options.port ?? DEFAULT_DEVNET_PORT,
      chainId: shape.chainId,
      whileStarting: preloadRolesPackages,
    });
    transport = devnetTransport(node.rpcUrl);
    rpcUrl = node.rpcUrl;
    stopChain = node.stop;
  }
  try {
    const client = createDevnetClient(transport, devnetChain(shape.chainId, rpcUrl));
    const bootstrapped = await shape.bootstrap(client, rpcUrl);
    const manifest = options.aaveTreasury
      ? { ...bootstrapped, aaveTreasury: await openAaveTreasury(client, bootstrapped) }
      : bootstrapped;
    if (options.manifestPath) writeManifest(options.manifestPath, manifest);
    return devnetHandle(client, manifest, performance.now() - started, stopChain);
  } catch (error) {
    await stopChain();
    throw error;
  }
}

/** Handles over a chain that is already bootstrapped (e.g. the one `npm run devnet` runs). */
export function devnetHandle(
  client: DevnetClient,
  manifest: DevnetManifest,
  bootstrapMs: number,
  stop: () => Promise<void>,
): Devnet {
  let stopped = false;
  return {
    rpcUrl: manifest.rpcUrl,
    manifest,
    client,
    publicClient: client.publicClient,
    testClient: client.testClient,
    bootstrapMs,
    walletFor: (role) =>
      createWalletClient({
        account: devnetAddress(roleIndex(role)),
        chain: client.chain,
        transport: client.transport,
        pollingInterval: DEVNET_POLLING_INTERVAL_MS,
      }),
    snapshot: () => client.testClient.snapshot(),
    revert: (id) => client.testClient.revert({ id }),
    runScenario: (name, runOptions) => runScenario(client, manifest, loadScenario(name), runOptions),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await stop();
    },
  };
}
