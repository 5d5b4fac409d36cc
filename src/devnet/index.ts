// The devnet's programmatic API: start/stop a bootstrapped mainnet- or Arbitrum-shaped chain, read its manifest, run
// scenarios.
export { DEVNET_ACCOUNT_INDEXES, DEVNET_MNEMONIC, type DevnetRole, devnetAccount } from "./accounts.ts";
export { ARBITRUM_CHAIN_ID, SEQUENCER_GRACE_PERIOD_SEC } from "./arbitrum-addresses.ts";
export { createDevnetClient, type DevnetClient, devnetChain, devnetTransport } from "./devnet-client.ts";
export { type ForkNode, startForkNode } from "./fork.ts";
export {
  assertManifestChain,
  DEFAULT_MANIFEST_PATH,
  type DevnetManifest,
  DevnetManifestError,
  readManifest,
  writeManifest,
} from "./manifest.ts";
export { readFeed, readPerpPrices, readPoolLiquidity, readPoolPrice } from "./market-state.ts";
export { DevnetNodeError, startHardhatNode } from "./node-process.ts";
export { listScenarios, loadScenario, type Scenario, ScenarioError, scenarioNeedsL2 } from "./scenario.ts";
export {
  type BlockReport,
  type FeedRoundReport,
  type RunScenarioOptions,
  runScenario,
  type ScenarioReport,
  type StepReport,
} from "./scenario-runner.ts";
export { readSequencerStatus, type SequencerStatus } from "./sequencer-status.ts";
export {
  DEFAULT_DEVNET_PORT,
  type Devnet,
  type DevnetShape,
  devnetHandle,
  IN_PROCESS_RPC_URL,
  type StartDevnetOptions,
  startDevnet,
} from "./start-devnet.ts";
