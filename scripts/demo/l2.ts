// The demo's second chain: the Arbitrum-shaped L2 devnet (chain 42161, bootstrap-l2.ts) with its own treasury and
// LP + perp book, kept by a second in-process keeper on its own Redis prefix and its own embedded PGlite history,
// as `hedgekeeper run` keeps each network in a process of its own (keeper/network-supervisor.ts) but without the
// supervisor's need of PostgreSQL for a shared history. Plays sequencer-down (ETH +10% while the sequencer is down:
// nothing is acted on until Chainlink's grace period has passed, while the L1 keeper goes on with its own chain;
// then the keeper rebalances the L2 book), and reads what happened back from the L2 chain: HedgeGuard's
// PlanAdmitted for the L2 Safe, one per plan transaction.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Logger } from "pino";
import { type Address, type Hex, parseAbiItem } from "viem";
import { parseDocument, type YAMLMap } from "yaml";
import type { KeeperEvent } from "../../keeper/events.ts";
import type { Keeper } from "../../keeper/keeper.ts";
import { type Hedgekeeper, startHedgekeeper } from "../../keeper/start-hedgekeeper.ts";
import { bookParamsFromConfig } from "../../src/config/adapters.ts";
import { parseConfig } from "../../src/config/load-config.ts";
import type { HedgekeeperConfig } from "../../src/config/schema.ts";
import { DEVNET_ACCOUNT_INDEXES, devnetPrivateKey } from "../../src/devnet/accounts.ts";
import {
  DEVNET_BOOK_ID,
  DEVNET_TREASURY_ID,
  devnetConfigTextWithGeneratedBooks,
} from "../../src/devnet/devnet-config.ts";
import {
  type DevnetKeeperSetup,
  deployedOf,
  setUpDevnetKeeper,
} from "../../src/devnet/devnet-keeper-setup.ts";
import { type Devnet, readSequencerStatus, startDevnet } from "../../src/devnet/index.ts";
import type { BookMetrics } from "../../src/engine/book-metrics.ts";
import { wallClock } from "../../src/runtime/clock.ts";
import { freeLoopbackPort } from "../../src/runtime/free-port.ts";

export const L2_NETWORK = "arbitrum";
export const L2_TREASURY_ID = "l2-treasury";
export const L2_BOOK_ID = "l2-eth";

const PLAN_ADMITTED = parseAbiItem(
  "event PlanAdmitted(address indexed treasury, bytes32 indexed bookKey, bytes32 indexed planId, uint256 planBlock)",
);
/** Blocks mined one at a time after a scenario for the keeper's follow-up plans (a capped resize takes several). */
const FOLLOW_UP_BLOCKS = 12;

/** A plan of the L2 book, from the keeper's store, with what the L2 chain says of it. */
export interface DemoL2Plan {
  planId: string;
  lane: string;
  status: string;
  /** The block the plan was decided on. */
  blockNumber: string;
  txHash: string | null;
  /** Transactions HedgeGuard admitted for this plan and the L2 Safe (PlanAdmitted logs): 1 for a mined plan. */
  admittedTxs: number;
}

export interface DemoL2Step {
  label: string;
  blockNumber: string;
  sequencer: "up" | "down";
  /** Seconds since the sequencer's status last changed (the uptime feed's startedAt). */
  sinceChangeSec: number;
  driftBps: number;
  oracleFresh: boolean;
  oracleProblem: string | null;
}

export interface DemoL2Scenario {
  name: string;
  driftBpsBefore: number;
  driftBpsPeak: number;
  driftBpsAfter: number;
  thresholdBps: number;
  plans: DemoL2Plan[];
  /** PlanAdmitted logs for the L2 Safe over the scenario's blocks, whichever plan they name. */
  admittedLogs: number;
  steps: DemoL2Step[];
  /** The last block of the scenario (the first past the grace period). */
  graceEndsAtBlock: string;
  /** PlanAdmitted logs for the L2 Safe in blocks up to graceEndsAtBlock (must be 0). */
  admittedWhileDownOrInGrace: number;
  /** Plans decided on blocks before graceEndsAtBlock (must be none). */
  plansDecidedWhileDownOrInGrace: number;
  /** The L1 keeper's evaluation of a fresh L1 block while the L2 sequencer was down. */
  l1EvaluatedWhileL2Down: { blockNumber: string; evaluated: boolean } | null;
}

export interface DemoL2Report {
  chainId: number;
  network: string;
  bookId: string;
  safe: string;
  hedgeGuard: string;
  sequencerUptimeFeed: string;
  gracePeriodSec: number;
  ok: boolean;
  problems: string[];
  scenarios: DemoL2Scenario[];
  /** Wall time of the L2 scenarios (its devnet bootstraps beside the L1's). */
  playMs: number;
}

export interface DemoL2 {
  devnet: Devnet;
  setup: DevnetKeeperSetup;
  running: Hedgekeeper;
  config: HedgekeeperConfig;
  latest(): { blockNumber: bigint; metrics: BookMetrics } | undefined;
  /** The largest drift (by size) since the last reset. */
  peak(): number;
  resetPeak(): void;
  /** Milliseconds spent starting its keeper. */
  startMs: number;
  /** Its keeper, then its devnet. */
  stop(): Promise<void>;
}

/** The L2 devnet with the keeper hired on its treasury, before its keeper runs. */
export interface L2Chain {
  devnet: Devnet;
  setup: DevnetKeeperSetup;
  /** Milliseconds spent hiring the keeper on the L2 treasury. */
  hireMs: number;
}

/**
 * The L2 devnet on a free port with the keeper hired on its treasury: started beside the L1's bootstrap and hiring
 * (it depends on neither). Its keeper starts after the L1's (startL2Keeper), so that its polling does not compete
 * with the L1's bootstrap for the CPU. Stops the devnet if the hiring fails.
 */
export async function startL2Chain(): Promise<L2Chain> {
  const devnet = await startDevnet({ port: await freeLoopbackPort(), shape: "arbitrum" });
  try {
    const started = performance.now();
    // Room for a rally walked back in $60k steps (the devnet's own caps are sized for one unwind).
    const setup = await setUpDevnetKeeper(devnet.client, devnet.manifest, {
      caps: { perpBasePerDay: 200n * 10n ** 18n, callsPerHour: 100 },
    });
    return { devnet, setup, hireMs: performance.now() - started };
  } catch (error) {
    await devnet.stop().catch(() => {});
    throw error;
  }
}

/**
 * The L2 devnet's configuration as `hedgekeeper init` writes it for that chain, its network, treasury and book
 * renamed (`arbitrum`, `l2-treasury`, `l2-eth`) so nothing reads as the L1's, run the demo's way. The L2 devnet's
 * perp market is thin (as in test/integration/operator/two-networks.test.ts): trades of at most $60k stay inside a
 * plan's 1% perp slippage bound, and no cooldown lets the keeper walk a rally's drift back over several blocks.
 */
function l2Config(
  d: Devnet,
  setup: DevnetKeeperSetup,
  options: { redisUrl: string; historyDir: string },
): HedgekeeperConfig {
  const document = parseDocument(
    devnetConfigTextWithGeneratedBooks(d.manifest, [], {
      rpcUrl: d.rpcUrl,
      deployed: deployedOf(setup.scope),
    }),
  );
  const network = document.getIn(["networks", "devnet"]) as YAMLMap;
  network.set("pollIntervalMs", 100);
  document.deleteIn(["networks", "devnet"]);
  document.setIn(["networks", L2_NETWORK], network);
  const treasury = document.getIn(["treasuries", DEVNET_TREASURY_ID]) as YAMLMap;
  treasury.set("network", L2_NETWORK);
  document.deleteIn(["treasuries", DEVNET_TREASURY_ID]);
  document.setIn(["treasuries", L2_TREASURY_ID], treasury);
  const book = document.getIn(["books", DEVNET_BOOK_ID]) as YAMLMap;
  book.set("treasury", L2_TREASURY_ID);
  document.deleteIn(["books", DEVNET_BOOK_ID]);
  document.setIn(["books", L2_BOOK_ID], book);
  document.setIn(["books", L2_BOOK_ID, "cooldownSec"], 0);
  document.setIn(["books", L2_BOOK_ID, "caps", "maxTradeUsd"], 60_000);
  document.setIn(["books", L2_BOOK_ID, "caps", "maxSwapUsd"], 200_000);
  document.setIn(["books", L2_BOOK_ID, "margin", "ceilingRatio"], 1_000);
  document.setIn(["redis", "url"], options.redisUrl);
  document.setIn(["redis", "keyPrefix"], `hk-demo-l2-${wallClock.nowMs()}`);
  document.setIn(["keeper", "confirmPollMs"], 50);
  document.setIn(["metrics", "host"], "127.0.0.1");
  document.setIn(["metrics", "port"], 0);
  document.setIn(["api", "host"], "127.0.0.1");
  document.setIn(["api", "port"], 0);
  document.deleteIn(["history", "databaseUrl"]);
  document.setIn(["history", "dataDir"], options.historyDir);
  return parseConfig(document.toString(), {
    source: "the demo's L2 devnet configuration",
    env: { HK_KEEPER_PRIVATE_KEY: devnetPrivateKey(DEVNET_ACCOUNT_INDEXES.keeper) },
  });
}

/** The L2 treasury's own keeper (monitor + workers + API) over the L2 devnet; stopping it stops the devnet too. */
export async function startL2Keeper(
  { devnet: d, setup }: L2Chain,
  options: { redisUrl: string; logger: Logger; onEvent: (event: KeeperEvent) => void },
): Promise<DemoL2> {
  const historyDir = mkdtempSync(join(tmpdir(), "hedgekeeper-demo-l2-history-"));
  const config = l2Config(d, setup, { redisUrl: options.redisUrl, historyDir });
  let latest: { blockNumber: bigint; metrics: BookMetrics } | undefined;
  let peakBps = 0;
  const startedMs = performance.now();
  const running = await startHedgekeeper(config, {
    role: "all",
    network: L2_NETWORK,
    source: "the demo's L2 devnet configuration",
    logger: options.logger,
    onEvent: options.onEvent,
    onEvaluation: async ({ blockNumber, metrics }) => {
      if (latest === undefined || blockNumber >= latest.blockNumber) latest = { blockNumber, metrics };
      if (Math.abs(metrics.drift.driftBps) > Math.abs(peakBps)) peakBps = metrics.drift.driftBps;
    },
  });
  return {
    devnet: d,
    setup,
    running,
    config,
    latest: () => latest,
    peak: () => peakBps,
    resetPeak: () => {
      peakBps = latest?.metrics.drift.driftBps ?? 0;
    },
    startMs: performance.now() - startedMs,
    stop: async () => {
      await running.stop().catch(() => {});
      rmSync(historyDir, { recursive: true, force: true });
      await d.stop().catch(() => {});
    },
  };
}

export interface PlayL2Options {
  say: (text: string) => void;
  /** Until the keeper has evaluated `block` and has nothing queued to evaluate or submit (the demo's own). */
  settle: (keeper: Keeper, block: bigint) => Promise<void>;
  /** Until the keeper has no transaction pending. */
  confirmed: (keeper: Keeper) => Promise<void>;
  /** The L1 devnet and its keeper: shown going on while the L2's sequencer is down. */
  l1: { devnet: Devnet; keeper: Keeper };
}

/**
 * sequencer-down on the L2 devnet, its verdict read from the L2 chain. Its ETH +10% is the L2's rally: eth-rally
 * before it would take ETH to +43%, the upper edge of the perp makers' 0.7–1.43 range (market-participants.ts), where
 * the scenario's own perp trade reverts; and the keeper's walk-back after the grace period is the rally's rebalance.
 */
export async function playL2(l2: DemoL2, options: PlayL2Options): Promise<DemoL2Report> {
  const started = performance.now();
  const { devnet: d, setup } = l2;
  const uptime = d.manifest.l2!.sequencerUptimeFeed.address;
  const gracePeriodSec = l2.config.networks[L2_NETWORK]!.sequencerUptimeFeed!.gracePeriodSec;
  const report: DemoL2Report = {
    chainId: d.manifest.chainId,
    network: L2_NETWORK,
    bookId: L2_BOOK_ID,
    safe: d.manifest.contracts.treasurySafe,
    hedgeGuard: setup.scope.hedgeGuard,
    sequencerUptimeFeed: uptime,
    gracePeriodSec,
    ok: true,
    problems: [],
    scenarios: [],
    playMs: 0,
  };
  options.say(
    `\n══ L2 (${L2_NETWORK}, chain ${report.chainId}): book ${L2_BOOK_ID}, Safe ${report.safe}, HedgeGuard ${report.hedgeGuard}; sequencer uptime feed ${uptime}, grace ${gracePeriodSec} s`,
  );
  await options.settle(l2.running.keeper, await head(d));

  const down = await playL2Scenario(l2, "sequencer-down", options);
  if (down.admittedWhileDownOrInGrace !== 0)
    report.problems.push(
      `sequencer-down: ${down.admittedWhileDownOrInGrace} plan(s) admitted while the sequencer was down or in grace`,
    );
  if (!down.plans.some((p) => p.status === "mined"))
    report.problems.push("sequencer-down: no plan of the L2 book was mined once the grace period had passed");
  if (down.plansDecidedWhileDownOrInGrace !== 0)
    report.problems.push(
      `sequencer-down: ${down.plansDecidedWhileDownOrInGrace} plan(s) decided while the sequencer was down or in grace`,
    );
  if (!down.l1EvaluatedWhileL2Down?.evaluated)
    report.problems.push(
      "sequencer-down: the L1 keeper did not evaluate its chain while the L2 sequencer was down",
    );
  report.scenarios.push(down);

  for (const scenario of report.scenarios) {
    for (const plan of scenario.plans) {
      if (plan.status === "reverted" || (plan.status === "failed" && plan.txHash !== null))
        report.problems.push(`${scenario.name}: plan ${plan.planId} ${plan.status}`);
      if (plan.status === "mined" && plan.admittedTxs !== 1)
        report.problems.push(
          `${scenario.name}: plan ${plan.planId} admitted in ${plan.admittedTxs} transactions, not 1`,
        );
    }
    if (Math.abs(scenario.driftBpsAfter) > scenario.thresholdBps)
      report.problems.push(
        `${scenario.name}: the L2 book ended ${scenario.driftBpsAfter} bps from target, beyond ±${scenario.thresholdBps}`,
      );
  }
  report.ok = report.problems.length === 0;
  report.playMs = Math.round(performance.now() - started);
  for (const problem of report.problems) options.say(`  L2 problem: ${problem}`);
  options.say(
    `L2 ${report.ok ? "passed" : "FAILED"}: its scenario took ${(report.playMs / 1000).toFixed(1)} s.`,
  );
  return report;
}

async function playL2Scenario(
  l2: DemoL2,
  name: "sequencer-down",
  options: PlayL2Options,
): Promise<DemoL2Scenario> {
  const { devnet: d, running } = l2;
  const { keeper } = running;
  const uptime = d.manifest.l2!.sequencerUptimeFeed.address;
  const thresholdBps = bookParamsFromConfig(l2.config, L2_BOOK_ID).armBps;
  const settled = async () => options.settle(keeper, await head(d));
  options.say(`\n▶ L2 ${name}`);
  const driftBpsBefore = driftNow(l2);
  l2.resetPeak();
  const firstBlock = (await head(d)) + 1n;
  const knownPlans = new Set((await keeper.plans.list()).map((p) => p.planId));
  const steps: DemoL2Step[] = [];
  let graceEndsAtBlock: bigint | undefined;
  let l1EvaluatedWhileL2Down: DemoL2Scenario["l1EvaluatedWhileL2Down"] | undefined;
  await d.runScenario(name, {
    // The L2's arbitrageur, as the L1's (one scenario here: its market reference starts from the pools).
    arbitrage: { reference: new Map() },
    onStep: async (step) => {
      await settled();
      const block = await head(d);
      const sequencer = await readSequencerStatus(d.client, uptime);
      const timestamp = (await d.publicClient.getBlock({ blockNumber: block })).timestamp;
      const metrics = l2.latest()!.metrics;
      const shown: DemoL2Step = {
        label: step.label,
        blockNumber: block.toString(),
        sequencer: sequencer.status,
        sinceChangeSec: Number(timestamp) - sequencer.startedAtSec,
        driftBps: round(metrics.drift.driftBps),
        oracleFresh: metrics.baseOracle.fresh,
        oracleProblem: metrics.baseOracle.problem,
      };
      steps.push(shown);
      options.say(
        `  step ${step.index + 1}: ${step.label} — block ${block}, sequencer ${shown.sequencer} for ${shown.sinceChangeSec} s, drift ${shown.driftBps} bps, ETH/USD ${shown.oracleFresh ? "fresh" : `not acted on (${shown.oracleProblem})`}`,
      );
      if (step.index === 1) {
        // The L2 waits; the L1 keeper goes on with its own chain.
        await options.l1.devnet.testClient.mine({ blocks: 1 });
        const l1Block = await head(options.l1.devnet);
        await options.settle(options.l1.keeper, l1Block);
        const health = await options.l1.keeper.health();
        const evaluated = health.books.every(
          (b) => b.lastEvaluation !== null && b.lastEvaluation.blockNumber >= l1Block,
        );
        l1EvaluatedWhileL2Down = { blockNumber: l1Block.toString(), evaluated };
        options.say(
          `    meanwhile on L1: block ${l1Block} ${evaluated ? "evaluated for every L1 book" : "NOT evaluated"} by the L1 keeper`,
        );
      }
      graceEndsAtBlock = block;
    },
  });
  // Automine is back: mine what the keeper sent on the last step, then its follow-up plans, one block at a time.
  for (let i = 0; i < FOLLOW_UP_BLOCKS; i += 1) {
    await d.testClient.mine({ blocks: 1 });
    await settled();
    await options.confirmed(keeper);
    const pending = (await keeper.health()).signer.pendingTxs;
    const drift = driftNow(l2);
    if (i >= 1 && pending === 0 && Math.abs(drift) <= thresholdBps) break;
  }
  await d.testClient.mine({ blocks: 1 });
  await settled();
  const lastBlock = await head(d);

  const admitted = await d.publicClient.getLogs({
    address: l2.setup.scope.hedgeGuard,
    event: PLAN_ADMITTED,
    args: { treasury: d.manifest.contracts.treasurySafe as Address },
    fromBlock: firstBlock,
    toBlock: lastBlock,
  });
  const admittedTxs = (planId: Hex) => admitted.filter((log) => log.args.planId === planId).length;
  const records = (await keeper.plans.list())
    .filter((p) => !knownPlans.has(p.planId) && p.bookId === L2_BOOK_ID)
    .sort((a, b) => Number(a.blockNumber - b.blockNumber) || a.createdAtMs - b.createdAtMs);
  const plans: DemoL2Plan[] = records.map((p) => ({
    planId: p.planId,
    lane: p.lane,
    status: p.status,
    blockNumber: p.blockNumber.toString(),
    txHash: p.minedTxHash ?? p.txs.at(-1)?.hash ?? null,
    admittedTxs: admittedTxs(p.planId),
  }));
  if (graceEndsAtBlock === undefined) throw new Error(`scenario ${name} played no step`);
  const graceEnds = graceEndsAtBlock;
  const result: DemoL2Scenario = {
    name,
    driftBpsBefore: round(driftBpsBefore),
    driftBpsPeak: round(l2.peak()),
    driftBpsAfter: round(driftNow(l2)),
    thresholdBps,
    plans,
    admittedLogs: admitted.length,
    steps,
    graceEndsAtBlock: graceEnds.toString(),
    admittedWhileDownOrInGrace: admitted.filter((log) => log.blockNumber <= graceEnds).length,
    plansDecidedWhileDownOrInGrace: records.filter((p) => p.blockNumber < graceEnds).length,
    l1EvaluatedWhileL2Down: l1EvaluatedWhileL2Down ?? null,
  };
  options.say(
    `  L2 book ${L2_BOOK_ID}: drift ${result.driftBpsBefore} → peak ${result.driftBpsPeak} → ${result.driftBpsAfter} bps (band ±${thresholdBps})`,
  );
  if (plans.length === 0) options.say("  L2 plans: none");
  for (const plan of plans)
    options.say(
      `  L2 plan ${plan.planId.slice(0, 10)}… (${plan.lane}) decided on block ${plan.blockNumber}: ${plan.status}${plan.txHash ? ` ${plan.txHash}` : ""}, admitted on chain ${plan.admittedTxs}×`,
    );
  options.say(
    `  while down or in grace (blocks ${firstBlock}–${result.graceEndsAtBlock}): ${result.plansDecidedWhileDownOrInGrace} plan(s) decided, ${result.admittedWhileDownOrInGrace} admitted on chain`,
  );
  return result;
}

function driftNow(l2: DemoL2): number {
  const latest = l2.latest();
  if (latest === undefined) throw new Error(`the L2 keeper has not evaluated book ${L2_BOOK_ID} yet`);
  return latest.metrics.drift.driftBps;
}

const head = (d: Devnet) => d.publicClient.getBlockNumber({ cacheTime: 0 });

const round = (n: number, digits = 1) => Number(n.toFixed(digits));
