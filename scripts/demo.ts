// `npm run demo`: the whole system on the mainnet-shaped devnet. Starts Redis (by the project's rule), the
// devnet, hires the keeper (HedgeGuard + Zodiac Roles permissions signed by two Safe owners), starts the monitor
// and the keeper (BullMQ) over the history store (DATABASE_URL, else embedded PGlite in a temporary directory),
// serves the stewards' dashboard, then plays quiet-drift, eth-rally, usdc-depeg-2023 and oracle-stale step by
// step, letting the keeper react to every block. Prints drift before and after, every plan with its lane, transaction,
// gas and status (read back from the history), and how the hedge did against the book's target over each scenario.
// Then leaves the dashboard running until Ctrl-C.
//   npm run demo -- --exit --report demo-report.json   (unattended: writes JSON, non-zero exit on failure)
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pino from "pino";
import type { Hex } from "viem";
import type { KeeperEvent } from "../keeper/events.ts";
import type { Keeper } from "../keeper/keeper.ts";
import { type Hedgekeeper, startHedgekeeper } from "../keeper/start-hedgekeeper.ts";
import { DASHBOARD_DIST_DIR } from "../src/api/dashboard-dir.ts";
import { bookParamsFromConfig } from "../src/config/adapters.ts";
import type { HedgekeeperConfig } from "../src/config/schema.ts";
import { DEVNET_BOOK_ID, devnetConfig } from "../src/devnet/devnet-config.ts";
import { deployedOf, setUpDevnetKeeper } from "../src/devnet/devnet-keeper-setup.ts";
import { DEFAULT_DEVNET_PORT, type Devnet, startDevnet } from "../src/devnet/index.ts";
import { driftBand, isBeyondBand } from "../src/engine/drift-band.ts";
import { targetEffectivenessWindows } from "../src/engine/effectiveness.ts";
import type { BookParams } from "../src/engine/params.ts";
import type { BookSample } from "../src/engine/snapshot.ts";
import { performanceReport } from "../src/performance/performance-report.ts";
import { wallClock } from "../src/runtime/clock.ts";
import { freeLoopbackPort, isPortInUse } from "../src/runtime/free-port.ts";
import { ensureRedis, RedisUnavailableError } from "../src/runtime/redis-server.ts";
import type { ActionView } from "../src/store/history-store.ts";
import { HistoryStoreError } from "../src/store/history-store-errors.ts";
import { readReportPeriod } from "../src/store/report-period.ts";
import { chainAttributionCheck } from "./demo/attribution-check.ts";
import { type DemoAction, type DemoReport, type DemoScenario, renderScenario } from "./demo/demo-report.ts";

const BOOK_ID = DEVNET_BOOK_ID;
const SCENARIOS = [
  {
    name: "quiet-drift",
    expectation:
      "ETH drifts 3% in two hours while ETH/USD posts only on its 0.5% / 3600 s rule → drift grows inside the band, nothing is sent",
    wantsAction: "none",
  },
  {
    name: "eth-rally",
    expectation: "drift crosses the band → a routine hedge resize is mined → drift back inside",
    wantsAction: "routine",
  },
  {
    name: "usdc-depeg-2023",
    expectation: "USDC reaches the act tier → an urgent de-peg swap is mined",
    wantsAction: "urgent",
  },
  {
    name: "oracle-stale",
    expectation: "ETH/USD stops updating → flagged stale, nothing is sent",
    wantsAction: "none",
  },
] as const;

const { values: args } = parseArgs({
  options: {
    exit: { type: "boolean", default: false },
    report: { type: "string" },
    port: { type: "string" },
    "dashboard-port": { type: "string" },
    "hold-ms": { type: "string", default: "0" },
    help: { type: "boolean", default: false },
  },
});
if (args.help) {
  console.log(`usage: npm run demo [-- --exit] [--report <file>] [--port <n>] [--dashboard-port <n>] [--hold-ms <n>]
  --exit             stop after the scenarios (exit 1 if any failed) instead of leaving the dashboard running
  --report <file>    write the JSON report
  --port <n>         the devnet's RPC port (default 8545, or a free one)
  --dashboard-port   the dashboard's port (default 8080, or a free one)
  --hold-ms <n>      wait this long with the dashboard up before the first scenario (to watch it from the start)
The history goes to DATABASE_URL when set, else to embedded PGlite in a temporary directory.`);
  process.exit(0);
}
const DEFAULT_DASHBOARD_PORT = 8080;

const started = performance.now();
const say = (text: string) => console.log(text);
let devnet: Devnet | undefined;
let stopRedis: (() => Promise<void>) | undefined;
let running: Hedgekeeper | undefined;
let historyDir: string | undefined;

async function cleanUp() {
  await running?.stop().catch(() => {});
  if (historyDir) rmSync(historyDir, { recursive: true, force: true });
  await devnet?.stop().catch(() => {});
  await stopRedis?.().catch(() => {});
}

/**
 * The devnet's configuration as `hedgekeeper init` writes it (its book, policy, lanes and alerts), run the demo's
 * way: its own Redis prefix, a 100 ms scan and 50 ms confirmation polls, its dashboard port, metrics on any free
 * port, the history in DATABASE_URL or a temporary directory.
 */
function demoConfig(
  d: Devnet,
  deployed: { hedgeGuard: string; hedgeBounds: string; v4WithdrawalBounds?: string },
  options: {
    redisUrl: string;
    dashboardPort: number;
    databaseUrl: string | undefined;
    historyDir: string | undefined;
  },
): HedgekeeperConfig {
  const config = devnetConfig(d.manifest, { rpcUrl: d.rpcUrl, redisUrl: options.redisUrl, deployed });
  return {
    ...config,
    networks: Object.fromEntries(
      Object.entries(config.networks).map(([id, network]) => [id, { ...network, pollIntervalMs: 100 }]),
    ),
    redis: { ...config.redis, keyPrefix: `hk-demo-${wallClock.nowMs()}` },
    keeper: { ...config.keeper, confirmPollMs: 50 },
    metrics: { host: "127.0.0.1", port: 0 },
    api: { host: "127.0.0.1", port: options.dashboardPort },
    history: {
      ...config.history,
      ...(options.databaseUrl !== undefined
        ? { databaseUrl: options.databaseUrl }
        : { dataDir: options.historyDir ?? config.history.dataDir }),
    },
  };
}

/** The keeper's own measurement of the book's drift (not a second indexer that could disagree with it). */
function createDriftWatch() {
  let last: { blockNumber: bigint; driftBps: number } | undefined;
  let peakBps = 0;
  return {
    onEvaluation: async ({
      blockNumber,
      metrics,
    }: {
      blockNumber: bigint;
      metrics: { drift: { driftBps: number } };
    }) => {
      if (last === undefined || blockNumber >= last.blockNumber)
        last = { blockNumber, driftBps: metrics.drift.driftBps };
      if (Math.abs(metrics.drift.driftBps) > Math.abs(peakBps)) peakBps = metrics.drift.driftBps;
    },
    /** The drift at the keeper's latest evaluation (call after `settle`, which waits for the head's). */
    current(): number {
      if (last === undefined) throw new Error(`the keeper has not evaluated book ${BOOK_ID} yet`);
      return last.driftBps;
    },
    peak: () => peakBps,
    /** Track the peak from here (a scenario's start). */
    resetPeak(): void {
      peakBps = last?.driftBps ?? 0;
    },
  };
}

interface DemoRun {
  devnet: Devnet;
  running: Hedgekeeper;
  params: BookParams;
  drift: ReturnType<typeof createDriftWatch>;
}

/** Redis, the devnet, the keeper hired on it, and the whole process started by the composition root. */
async function startDemo(): Promise<DemoRun> {
  const redis = await ensureRedis({ configuredUrl: process.env.REDIS_URL });
  stopRedis = redis.stop;
  say(`Redis: ${redis.started ? `started a private redis-server at ${redis.url}` : redis.url}`);

  const port = args.port !== undefined ? Number(args.port) : await portOr(DEFAULT_DEVNET_PORT);
  say(
    `Starting the devnet on 127.0.0.1:${port} (Uniswap v3, Chainlink, Safe, Zodiac Roles, Perpetual Protocol v2)…`,
  );
  const d = await startDevnet({ port, manifestPath: "deployments/devnet.json" });
  devnet = d;
  say(
    `  bootstrapped in ${(d.bootstrapMs / 1000).toFixed(1)} s: treasury Safe ${d.manifest.contracts.treasurySafe}`,
  );

  say("Hiring the keeper: HedgeGuard, Roles permission set and roles signed by 2 of the Safe's 3 owners…");
  const setup = await setUpDevnetKeeper(d.client, d.manifest);
  say(
    `  HedgeGuard ${setup.scope.hedgeGuard}, HedgeBounds ${setup.scope.bounds.hedgeBounds}; keeper ${setup.scope.keeper} may trade vETH and swap USDC→USDT, DAI→USDC within caps`,
  );

  const databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl === undefined) historyDir = mkdtempSync(join(tmpdir(), "hedgekeeper-demo-history-"));
  const dashboardPort =
    args["dashboard-port"] !== undefined
      ? Number(args["dashboard-port"])
      : await portOr(DEFAULT_DASHBOARD_PORT);
  const config = demoConfig(d, deployedOf(setup.scope), {
    redisUrl: redis.url,
    dashboardPort,
    databaseUrl,
    historyDir,
  });
  const drift = createDriftWatch();
  running = await startHedgekeeper(config, {
    role: "all",
    source: "the demo's devnet configuration",
    logger: pino({ level: process.env.LOG_LEVEL ?? "warn" }, pino.destination(2)),
    onEvent: (event) => say(`    keeper: ${describeEvent(event)}`),
    onEvaluation: drift.onEvaluation,
  });
  const store = running.history;
  say(
    `History: ${store.backend === "postgres" ? "PostgreSQL (DATABASE_URL)" : `embedded PGlite in ${historyDir}`}`,
  );
  say("Monitor and keeper running (BullMQ: scan → evaluate → submit → confirm).");
  say(`Metrics: ${running.metricsUrl}/metrics`);
  say(
    existsSync(DASHBOARD_DIST_DIR)
      ? `Dashboard: ${running.apiUrl}/`
      : `API: ${running.apiUrl}/api/books (the dashboard is not built: npm run build:dashboard)`,
  );
  return { devnet: d, running, params: bookParamsFromConfig(config, BOOK_ID), drift };
}

/** `preferred` when it is free, else any free loopback port. */
async function portOr(preferred: number): Promise<number> {
  return (await isPortInUse(preferred)) ? await freeLoopbackPort() : preferred;
}

const head = (d: Devnet) => d.publicClient.getBlockNumber({ cacheTime: 0 });

/** Until the keeper has evaluated `block` and has nothing queued to evaluate or submit. */
async function settle(keeper: Keeper, block: bigint, timeoutMs = 15_000): Promise<void> {
  const deadline = wallClock.nowMs() + timeoutMs;
  while (wallClock.nowMs() < deadline) {
    const health = await keeper.health();
    const evaluated = health.books.every(
      (b) => b.lastEvaluation !== null && b.lastEvaluation.blockNumber >= block,
    );
    const busy = ["evaluate", "submit"].some((name) => {
      const q = Object.entries(health.queues).find(([queue]) => queue.includes(name))?.[1];
      return q !== undefined && q.waiting + q.prioritized + q.active + q.delayed > 0;
    });
    if (evaluated && !busy) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** One scenario, step by step with the keeper reacting to every block, then its verdict. */
async function playScenario(run: DemoRun, scenario: (typeof SCENARIOS)[number]): Promise<DemoScenario> {
  const { devnet: d, running, params, drift } = run;
  const { keeper, history: store } = running;
  const settled = async () => settle(keeper, await head(d));
  const samplesNow = () => store.samples(d.manifest.chainId).recent(BOOK_ID, { limit: 100_000 });
  say(`\n▶ ${scenario.name}`);
  const before = drift.current();
  drift.resetPeak();
  const scenarioStartedMs = wallClock.nowMs();
  const firstSample = (await samplesNow()).length;
  const oracleRounds: NonNullable<DemoScenario["oracleRounds"]> = {};
  await d.runScenario(scenario.name, {
    onStep: async (step) => {
      say(
        `  step ${step.index + 1}: ${step.label}${step.moved.length ? ` — ${step.moved.map((m) => `${m.what} ${m.before} → ${m.after}`).join(", ")}` : ""}`,
      );
      await settled();
    },
    // A market path's blocks (time warped): each feed's rounds as Chainlink's rule posts them.
    onBlock: async (block) => {
      for (const round of block.rounds) {
        const counts = oracleRounds[round.feed] ?? { deviation: 0, heartbeat: 0 };
        counts[round.trigger] += 1;
        oracleRounds[round.feed] = counts;
        say(`    block ${block.blockNumber}: ${round.feed} posts ${round.answer} (${round.trigger})`);
      }
      await settle(keeper, block.blockNumber);
    },
  });
  // Automine is back: mine what the keeper sent during the last step, then let confirmations land.
  await d.testClient.mine({ blocks: 1 });
  await settled();
  await waitForConfirmations(keeper, 15_000);
  // Let the book settle before the next scenario: time past the cooldown (feeds stay fresh), so follow-up
  // plans (the rest of a capped resize, a deferred collateral withdrawal) run in this scenario, not the next.
  await d.testClient.increaseTime({ seconds: params.cooldownSec + 1 });
  await d.testClient.mine({ blocks: 1 });
  await settled();
  await d.testClient.mine({ blocks: 1 });
  await settled();
  await waitForConfirmations(keeper, 15_000);
  // One block at a time: Hardhat's multi-block hardhat_mine stamps blocks ahead of its own clock, and the next
  // block then goes back in time (samples out of order, which the engine rightly refuses).
  for (let i = 0; i < 2; i += 1) await d.testClient.mine({ blocks: 1 });
  await settled();
  const after = drift.current();

  await keeper.historyFlushed();
  const actions = (await store.actions({ limit: 100, bookId: BOOK_ID }))
    .filter((action) => action.createdAtMs >= scenarioStartedMs)
    .reverse()
    .map(demoActionOf);
  // The report counts a plan's costs and trades at the block it was mined in, from its realized execution, which
  // is recorded once the transaction is final: report only when every mined plan of the scenario has one.
  await executionsRecorded(
    store,
    actions.filter((a) => a.status === "mined").map((a) => a.planId),
    15_000,
  );
  const window = (await samplesNow()).slice(Math.max(0, firstSample - 1));
  const result: DemoScenario = {
    name: scenario.name,
    expectation: scenario.expectation,
    ok: true,
    books: [
      {
        id: BOOK_ID,
        driftBpsBefore: round(before),
        driftBpsPeak: round(drift.peak()),
        driftBpsAfter: round(after),
        thresholdBps: params.armBps,
      },
    ],
    actions,
    hedgeEffectiveness: effectivenessOf(window, params.targetHedgeRatio),
    attribution: await attributionOf(store, window),
    chainCheck: await chainAttributionCheck(d.publicClient, {
      fromBlock: window[0]!.blockNumber,
      toBlock: window[window.length - 1]!.blockNumber,
      safe: d.manifest.contracts.treasurySafe,
      perp: d.manifest.contracts.perp,
      ethUsdFeed: d.manifest.feeds.ethUsd.address,
      txHashes: actions.flatMap((a) => (a.status === "mined" && a.txHash !== null ? [a.txHash as Hex] : [])),
    }),
    ...(Object.keys(oracleRounds).length > 0 ? { oracleRounds } : {}),
    problems: [],
  };
  judge(result, scenario.wantsAction, params.armBps);
  return result;
}

/** Until every plan in `planIds` has its realized execution in the history (or the timeout passes). */
async function executionsRecorded(
  store: Hedgekeeper["history"],
  planIds: readonly string[],
  timeoutMs: number,
) {
  const deadline = wallClock.nowMs() + timeoutMs;
  while (wallClock.nowMs() < deadline) {
    const recorded = new Set(
      (await store.executions({ bookId: BOOK_ID, limit: 1_000 })).map((e) => e.planId),
    );
    if (planIds.every((id) => recorded.has(id))) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The report's attribution over the scenario's samples, read back from the history as `hedgekeeper report` does. */
async function attributionOf(
  store: Hedgekeeper["history"],
  window: readonly BookSample[],
): Promise<DemoScenario["attribution"]> {
  const period = performanceReport(
    await readReportPeriod(store, {
      bookId: BOOK_ID,
      fromSec: window[0]!.timestampSec,
      toSec: window[window.length - 1]!.timestampSec,
    }),
  ).attribution;
  return {
    ...period.total,
    grossPnlUsd: period.grossPnlUsd,
    unexplainedShareOfGross: period.unexplainedShareOfGross,
  };
}

/** The metrics endpoint must serve what it promises: the book's drift and the keeper's queues. */
async function metricsProblems(metricsUrl: string): Promise<string[]> {
  const scraped = await fetch(`${metricsUrl}/metrics`).then((r) => r.text());
  return [`hedgekeeper_book_drift_bps{book_id="${BOOK_ID}",network="devnet"}`, "hedgekeeper_queue_depth{"]
    .filter((series) => !scraped.includes(series))
    .map((series) => `/metrics does not serve ${series}`);
}

async function main(): Promise<number> {
  const run = await startDemo();
  const { running } = run;
  // The dashboard shows the book from the start: let the keeper evaluate the head once before any scenario.
  await settle(running.keeper, await head(run.devnet));
  const holdMs = Number(args["hold-ms"]);
  if (holdMs > 0) {
    say(`Holding ${holdMs} ms before the first scenario (--hold-ms).`);
    await new Promise((resolve) => setTimeout(resolve, holdMs));
  }
  const report: DemoReport = {
    ok: true,
    bootstrapMs: Math.round(run.devnet.bootstrapMs),
    totalMs: 0,
    scenarios: [],
  };
  for (const scenario of SCENARIOS) {
    const result = await playScenario(run, scenario);
    report.scenarios.push(result);
    report.ok &&= result.ok;
    say(renderScenario(result));
  }
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  for (const problem of await metricsProblems(running.metricsUrl!)) {
    report.ok = false;
    say(`problem: ${problem}`);
  }
  report.totalMs = Math.round(performance.now() - started);
  say(`\n${report.ok ? "Demo passed" : "Demo FAILED"} in ${(report.totalMs / 1000).toFixed(1)} s.`);
  if (args.report) {
    writeFileSync(args.report, `${JSON.stringify(report, null, 2)}\n`);
    say(`Report written to ${args.report}`);
  }
  if (args.exit) return report.ok ? 0 : 1;

  say(
    `\nThe devnet, the keeper and the dashboard keep running: ${running.apiUrl}/ (API under /api, metrics ${running.metricsUrl}/metrics). Ctrl-C to stop.`,
  );
  await new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
  return report.ok ? 0 : 1;
}

function describeEvent(event: KeeperEvent): string {
  switch (event.kind) {
    case "plan.decided":
      return `plan ${event.planId.slice(0, 10)}… (${event.lane}) ${event.reason}`;
    case "tx.broadcast":
      return `sent ${event.txHash} (nonce ${event.nonce})`;
    case "tx.mined":
      return `mined ${event.txHash} in block ${event.blockNumber}: ${event.status}`;
    case "tx.replaced":
      return `replaced ${event.replaces} by ${event.txHash}`;
    case "plan.failed":
      return `plan ${event.planId.slice(0, 10)}… failed: ${event.reason}`;
    default:
      return event.kind;
  }
}

async function waitForConfirmations(keeper: Keeper, timeoutMs: number) {
  const deadline = wallClock.nowMs() + timeoutMs;
  while (wallClock.nowMs() < deadline) {
    const health = await keeper.health();
    if (health.signer.pendingTxs === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** An action as the report shows it, from the history (the store's plan row and its latest transaction). */
function demoActionOf(action: ActionView): DemoAction {
  const status: DemoAction["status"] =
    action.status === "mined" ||
    action.status === "reverted" ||
    action.status === "shadowed" ||
    action.status === "proposed" ||
    action.status === "failed"
      ? action.status
      : action.status === "cancelled" || action.status === "dropped"
        ? "failed"
        : "pending";
  return {
    planId: action.planId,
    lane: action.lane,
    reason: action.reason,
    txHash: action.txHash,
    status,
    gasUsed: action.gasUsed === null ? null : action.gasUsed.toString(),
  };
}

/**
 * How the hedge did over the scenario's samples, against the book's target: what the book's hedged item (LP + fees
 * owed + spot) and the hedge made, the dollar offset of the targeted share, and the per-block measures. A scripted
 * scenario is a few discrete moves, not a statistical sample, so the window is measured from 2 changes on (the
 * book page's windows need 20). Per block, the perp's account value follows its TWAP index a few blocks behind
 * the spot move, which the per-block figures show and the dollar offset (the scenario's totals) does not.
 */
function effectivenessOf(
  window: readonly BookSample[],
  targetHedgeRatio: number,
): DemoScenario["hedgeEffectiveness"] {
  const first = window[0];
  const last = window.at(-1);
  const change = (value: (s: BookSample) => number | undefined) => {
    const from = first === undefined ? undefined : value(first);
    const to = last === undefined ? undefined : value(last);
    return from === undefined || to === undefined ? null : round(to - from, 2);
  };
  const base = {
    samples: window.length,
    targetHedgeRatio,
    itemChangeUsd: change((s) => s.hedgedItemValueUsd),
    hedgeChangeUsd: change((s) => s.hedgeValueUsd),
  };
  const blank = (note: string) => ({
    ...base,
    dollarOffset: null,
    ederington: null,
    regressionR2: null,
    note,
  });
  try {
    const [w] = targetEffectivenessWindows(window, {
      targetHedgeRatio,
      windows: [{ label: "scenario", lastSamples: window.length }],
      minChanges: 2,
    });
    const measures = w?.relative;
    if (!measures) return blank(w?.reason ?? "no target to measure against");
    // A ratio to a change of a few dollars on a million says nothing: offsets need the item to have moved.
    const itemMoved =
      base.itemChangeUsd !== null &&
      Math.abs(base.itemChangeUsd) >= 0.001 * Math.abs(first?.hedgedItemValueUsd ?? Number.POSITIVE_INFINITY);
    return {
      ...base,
      dollarOffset: measures.dollarOffset === null || !itemMoved ? null : round(measures.dollarOffset, 4),
      ederington: round(measures.ederington, 4),
      regressionR2: round(measures.regressionR2, 4),
    };
  } catch (error) {
    return blank((error as Error).message.split("\n")[0] ?? "");
  }
}

/** What "worked" means for each scenario, so `ok` is a verdict, not a formality. */
function judge(result: DemoScenario, wants: "routine" | "urgent" | "none", thresholdBps: number) {
  const mined = result.actions.filter((a) => a.status === "mined");
  const failed = result.actions.filter((a) => a.status === "reverted" || a.status === "failed");
  if (failed.length > 0) result.problems.push(`${failed.length} plan(s) failed or reverted`);
  if (wants === "none" && result.actions.some((a) => a.txHash !== null)) {
    result.problems.push("a transaction was sent although nothing should have been");
  }
  if (wants !== "none" && !mined.some((a) => a.lane === wants))
    result.problems.push(`no ${wants} plan was mined`);
  for (const book of result.books) {
    if (isBeyondBand(driftBand(book.driftBpsAfter, thresholdBps))) {
      result.problems.push(
        `book ${book.id} ended ${round(book.driftBpsAfter)} bps from target, beyond ±${thresholdBps}`,
      );
    }
  }
  result.ok = result.problems.length === 0;
}

const round = (n: number, digits = 1) => Number(n.toFixed(digits));

process.once("SIGTERM", () => void cleanUp().then(() => process.exit(143)));
try {
  process.exitCode = await main();
} catch (error) {
  if (error instanceof RedisUnavailableError || error instanceof HistoryStoreError)
    console.error(`error: ${error.message}`);
  else console.error(error);
  process.exitCode = 1;
} finally {
  await cleanUp();
}
