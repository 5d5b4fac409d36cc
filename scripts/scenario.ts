// `npm run scenario -- <name> [--manifest deployments/devnet.json] [--arbitrage]`: run a market scenario against the
// running devnet that the manifest describes, printing what each step moved. `--arbitrage`: with the devnet's
// arbitrageur on (docs/devnet.md, market participants), its market taken from the pools' prices at the start.
import { parseArgs } from "node:util";
import {
  assertManifestChain,
  createDevnetClient,
  DEFAULT_MANIFEST_PATH,
  devnetChain,
  devnetTransport,
  listScenarios,
  loadScenario,
  readManifest,
  runScenario,
} from "../src/devnet/index.ts";
import { probeRpc } from "../src/devnet/node-process.ts";

function format(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e12) return String(value);
  return Math.abs(value) >= 1e6 ? value.toExponential(4) : Number(value.toPrecision(8)).toString();
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    options: { manifest: { type: "string" }, arbitrage: { type: "boolean", default: false } },
    allowPositionals: true,
    strict: true,
  });
  const name = positionals[0];
  if (!name) throw new Error(`name a scenario: ${listScenarios().join(", ")}`);
  const scenario = loadScenario(name);
  const manifestPath = values.manifest ?? DEFAULT_MANIFEST_PATH;
  const manifest = readManifest(manifestPath);
  const chainId = await probeRpc(manifest.rpcUrl, 2_000);
  if (chainId instanceof Error) {
    throw new Error(
      `no devnet answers at ${manifest.rpcUrl} (${chainId.message}): start it with \`npm run devnet\``,
    );
  }
  assertManifestChain(manifest, chainId, manifestPath);
  const client = createDevnetClient(devnetTransport(manifest.rpcUrl), devnetChain(chainId, manifest.rpcUrl));
  // The runner turns automine off while it runs; give the node back automining if interrupted.
  process.once("SIGINT", () => {
    void client.testClient.setAutomine(true).finally(() => process.exit(130));
  });
  console.log(`${scenario.name}: ${scenario.description}`);
  const report = await runScenario(client, manifest, scenario, {
    ...(values.arbitrage && { arbitrage: { reference: new Map() } }),
    onStep: (step) => {
      const arbitraged = (step.arbitrage ?? []).map(
        (swap) => `arbitrage ${swap.pool} ${format(swap.fromPrice)} → ${format(swap.toPrice)}`,
      );
      const moved = [
        ...step.moved.map((m) => `${m.what} ${format(m.before)} → ${format(m.after)}`),
        ...arbitraged,
      ].join("; ");
      console.log(
        `  ${String(step.index + 1).padStart(2)}. ${step.label} [${step.durationMs.toFixed(0)} ms]: ${moved}`,
      );
    },
  });
  console.log(`${report.name}: ${report.steps.length} steps in ${report.durationMs.toFixed(0)} ms`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
