// `npm run bench:devnet`: the devnet's two performance targets, on this machine.
// (a) Full bootstrap (node start + every deployment + the treasury's starting book): under 10 s.
// (b) A scenario step (one block of moves, with the reads that report what it moved): under 50 ms. A
//     `market.path` step mines many blocks: it counts as its time per block.
// Both are measured for the two ways to run the chain, a `hardhat node` over HTTP (what `npm run devnet` and a
// user's tools talk to) and Hardhat's EDR inside this process (what the test suite uses), in the same run, with
// the ratio between them. Every scenario runs ROUNDS times from the same snapshot; steps are grouped by kind.
// Writes bench/results/devnet.json; exits 1 when a target is missed.
import { writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { listScenarios, loadScenario, scenarioNeedsL2, startDevnet } from "../src/devnet/index.ts";
import { freeLoopbackPort } from "../src/runtime/free-port.ts";
import { percentile } from "./percentile.ts";

const BOOTSTRAP_ROUNDS = 3;
const SCENARIO_ROUNDS = 3;
const BOOTSTRAP_LIMIT_MS = 10_000;
const STEP_LIMIT_MS = 50;

type Transport = "http" | "inProcess";

const round1 = (ms: number) => Math.round(ms * 10) / 10;
const summary = (values: readonly number[]) => ({
  n: values.length,
  medianMs: round1(percentile(values, 0.5)),
  p95Ms: round1(percentile(values, 0.95)),
  maxMs: round1(Math.max(...values)),
});

async function start(transport: Transport) {
  return transport === "http"
    ? startDevnet({ port: await freeLoopbackPort() })
    : startDevnet({ inProcess: true });
}

async function measureBootstrap(transport: Transport): Promise<number[]> {
  const runs: number[] = [];
  for (let round = 0; round < BOOTSTRAP_ROUNDS; round += 1) {
    const devnet = await start(transport);
    runs.push(round1(devnet.bootstrapMs));
    await devnet.stop();
  }
  return runs;
}

async function measureSteps(transport: Transport): Promise<Record<string, number[]>> {
  const devnet = await start(transport);
  const byKind: Record<string, number[]> = {};
  try {
    // The mainnet-shaped devnet's scenarios (sequencer-down needs the L2 devnet).
    const scenarios = listScenarios().filter((name) => !scenarioNeedsL2(loadScenario(name)));
    for (let round = 0; round < SCENARIO_ROUNDS; round += 1) {
      for (const name of scenarios) {
        const snapshot = await devnet.snapshot();
        const report = await devnet.runScenario(name);
        for (const step of report.steps) {
          byKind[step.kind] = [...(byKind[step.kind] ?? []), step.durationMs / step.blocks];
        }
        await devnet.revert(snapshot);
      }
    }
  } finally {
    await devnet.stop();
  }
  return byKind;
}

const transports: Transport[] = ["http", "inProcess"];
const results: Record<
  Transport,
  {
    bootstrap: { runsMs: number[]; medianMs: number; maxMs: number };
    steps: { all: ReturnType<typeof summary>; byKind: Record<string, ReturnType<typeof summary>> };
  }
> = {} as never;
for (const transport of transports) {
  const bootstrapRuns = await measureBootstrap(transport);
  const byKind = await measureSteps(transport);
  results[transport] = {
    bootstrap: {
      runsMs: bootstrapRuns,
      medianMs: percentile(bootstrapRuns, 0.5),
      maxMs: Math.max(...bootstrapRuns),
    },
    steps: {
      all: summary(Object.values(byKind).flat()),
      byKind: Object.fromEntries(Object.entries(byKind).map(([kind, values]) => [kind, summary(values)])),
    },
  };
}

const withinLimits = transports.every(
  (t) => results[t].bootstrap.maxMs < BOOTSTRAP_LIMIT_MS && results[t].steps.all.p95Ms < STEP_LIMIT_MS,
);
const ratio = {
  bootstrapMedian: round1(results.http.bootstrap.medianMs / results.inProcess.bootstrap.medianMs),
  stepMedian: round1(results.http.steps.all.medianMs / results.inProcess.steps.all.medianMs),
  stepP95: round1(results.http.steps.all.p95Ms / results.inProcess.steps.all.p95Ms),
};

console.log(
  `\nDevnet: bootstrap (${BOOTSTRAP_ROUNDS} runs) and scenario steps (every scenario × ${SCENARIO_ROUNDS})\n`,
);
for (const transport of transports) {
  const r = results[transport];
  console.log(
    `${transport === "http" ? "hardhat node over HTTP" : "EDR in process"}: bootstrap ${r.bootstrap.runsMs.map((ms) => (ms / 1000).toFixed(2)).join(" / ")} s (limit ${BOOTSTRAP_LIMIT_MS / 1000} s)`,
  );
  console.log(
    `  ${"step kind".padEnd(22)} ${"n".padStart(4)} ${"median".padStart(8)} ${"p95".padStart(8)} ${"max".padStart(8)}`,
  );
  for (const [kind, s] of [...Object.entries(r.steps.byKind), ["all steps", r.steps.all] as const]) {
    console.log(
      `  ${kind.padEnd(22)} ${String(s.n).padStart(4)} ${s.medianMs.toFixed(1).padStart(8)} ${s.p95Ms.toFixed(1).padStart(8)} ${s.maxMs.toFixed(1).padStart(8)}  ms`,
    );
  }
}
console.log(
  `\nratio HTTP / in process: bootstrap ${ratio.bootstrapMedian}x, step median ${ratio.stepMedian}x, step p95 ${ratio.stepP95}x`,
);
console.log(
  `targets (bootstrap < ${BOOTSTRAP_LIMIT_MS / 1000} s, step p95 < ${STEP_LIMIT_MS} ms): ${withinLimits ? "met" : "MISSED"}`,
);

writeFileSync(
  "bench/results/devnet.json",
  `${JSON.stringify(
    {
      benchmark: "devnet",
      generatedAt: new Date().toISOString(),
      machine: { cpus: cpus().length, node: process.version, loadAverage1m: round1(loadavg()[0] ?? 0) },
      limits: { bootstrapMs: BOOTSTRAP_LIMIT_MS, stepP95Ms: STEP_LIMIT_MS },
      rounds: { bootstrap: BOOTSTRAP_ROUNDS, scenarios: SCENARIO_ROUNDS },
      ...results,
      ratioHttpToInProcess: ratio,
      withinLimits,
    },
    null,
    2,
  )}\n`,
);
console.log("wrote bench/results/devnet.json");
if (!withinLimits) process.exitCode = 1;
