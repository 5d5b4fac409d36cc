// `npm run demo`: the whole system on the mainnet-shaped devnet. Starts Redis (by the project's rule), the
// devnet with its two treasuries (the LP + perp book, and the Aave treasury's spot WETH hedged by an Aave v3 borrow
// short), hires the keeper on both (HedgeGuard + Zodiac Roles permissions signed by two Safe owners), starts the
// monitor and the keeper (BullMQ) over the history store (DATABASE_URL, else embedded PGlite in a temporary
// directory), serves the stewards' dashboard, then plays quiet-drift, eth-rally, usdc-depeg-2023 and oracle-stale
// step by step, letting the keeper react to every block. Prints, per book, drift before and after, its hedge legs
// (the Aave book's health factor read from the Pool), every plan with its lane, transaction, gas and status (read
// back from the history), and how the LP + perp hedge did against its target over each scenario.
// Beside it, the Arbitrum-shaped L2 devnet (chain 42161) with its own treasury and book and its own keeper
// (scripts/demo/l2.ts): after the L1 scenarios it plays sequencer-down there and prints the L2 book's
// drift, its plans (checked against HedgeGuard's PlanAdmitted on L2) and the sequencer's state.
// Then leaves the dashboard running until Ctrl-C.
//   npm run demo -- --exit --report demo-report.json   (unattended: writes JSON, non-zero exit on failure)
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pino from "pino";
import { type Address, erc20Abi, type Hex } from "viem";
import type { KeeperEvent } from "../keeper/events.ts";
import type { Keeper } from "../keeper/keeper.ts";
import { type Hedgekeeper, startHedgekeeper } from "../keeper/start-hedgekeeper.ts";
import { DASHBOARD_DIST_DIR } from "../src/api/dashboard-dir.ts";
import { bookParamsFromConfig } from "../src/config/adapters.ts";
import type { HedgekeeperConfig } from "../src/config/schema.ts";
import { DEVNET_AAVE_BOOK_ID, DEVNET_BOOK_ID, devnetConfig } from "../src/devnet/devnet-config.ts";
import { deployedOf, setUpDevnetKeeper } from "../src/devnet/devnet-keeper-setup.ts";
import { DEFAULT_DEVNET_PORT, type Devnet, startDevnet } from "../src/devnet/index.ts";
import type { MarketReference } from "../src/devnet/pool-arbitrage.ts";
import type { ArbitrageSwap } from "../src/devnet/pool-arbitrageur.ts";
import type { BookMetrics } from "../src/engine/book-metrics.ts";
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
import { aaveChainCheck } from "./demo/aave-check.ts";
import { chainAttributionCheck } from "./demo/attribution-check.ts";
import {
  type DemoAction,
  type DemoBook,
  type DemoLeg,
  type DemoReport,
  type DemoScenario,
  renderScenario,
} from "./demo/demo-report.ts";
import {
  type DemoL2,
  type DemoL2Report,
  type L2Chain,
  playL2,
  startL2Chain,
  startL2Keeper,
} from "./demo/l2.ts";
import { chainLpTermsCheck, lpTermsSourcesOf } from "./demo/lp-terms-check.ts";

/** The LP + perp book: the one whose hedge the scenarios' effectiveness, attribution and chain check measure. */
const BOOK_ID = DEVNET_BOOK_ID;
/**
 * What each scenario expects of each book's keeper, checked for `ok`: a mined plan of a lane (`routine`, `urgent`),
 * a mined Aave plan through Roles + Safe + HedgeGuard (`aave`), nothing sent (`none`), or whatever the book needs
 * (`any`). Every book ends inside its drift band, and every Aave book above its health-factor floor (from the Pool).
 */
type Wants = "routine" | "urgent" | "aave" | "none" | "any";
const SCENARIOS: readonly {
  name: string;
  expectation: string;
  wants: Readonly<Record<string, Wants>>;
}[] = [
  {
    name: "quiet-drift",
    expectation:
      "ETH drifts 3% in two hours while ETH/USD posts only on its 0.5% / 3600 s rule → drift grows inside the band, nothing is sent for the LP + perp book",
    wants: { [DEVNET_BOOK_ID]: "none", [DEVNET_AAVE_BOOK_ID]: "any" },
  },
  {
    name: "eth-rally",
    expectation:
      "drift crosses the band → a routine hedge resize is mined → drift back inside; the Aave book's health factor falls with the rally → the keeper repays / re-collateralises and it ends above its floor",
    wants: { [DEVNET_BOOK_ID]: "routine", [DEVNET_AAVE_BOOK_ID]: "aave" },
  },
  {
    name: "usdc-depeg-2023",
    expectation: "USDC reaches the act tier → an urgent de-peg swap is mined",
    wants: { [DEVNET_BOOK_ID]: "urgent", [DEVNET_AAVE_BOOK_ID]: "any" },
  },
  {
    name: "oracle-stale",
    expectation: "ETH/USD stops updating → flagged stale, nothing is sent",
    wants: { [DEVNET_BOOK_ID]: "none", [DEVNET_AAVE_BOOK_ID]: "none" },
  },
];

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
  --dashboard-port   the dashboard's port (default 8080, or a free one; 0: any free one)
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
let l2Starting: Promise<L2Chain> | undefined;
let l2KeeperStarting: Promise<DemoL2> | undefined;

async function cleanUp() {
  await running?.stop().catch(() => {});
  const l2 = await l2KeeperStarting?.catch(() => undefined);
  if (l2) await l2.stop();
  else await (await l2Starting?.catch(() => undefined))?.devnet.stop().catch(() => {});
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
  aaveTreasuryDeployed: { hedgeGuard: string; hedgeBounds: string },
  options: {
    redisUrl: string;
    dashboardPort: number;
    databaseUrl: string | undefined;
    historyDir: string | undefined;
  },
): HedgekeeperConfig {
  const config = devnetConfig(d.manifest, {
    rpcUrl: d.rpcUrl,
    redisUrl: options.redisUrl,
    deployed,
    aaveTreasuryDeployed,
  });
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

/**
 * The keeper's own measurement of each book's drift and hedge legs, by book id (not a second indexer that could
 * disagree with it).
 */
function createBookWatch() {
  const books = new Map<
    string,
    { last: { blockNumber: bigint; driftBps: number; legs: DemoLeg[] }; peakBps: number }
  >();
  const watched = (bookId: string) => {
    const book = books.get(bookId);
    if (book === undefined) throw new Error(`the keeper has not evaluated book ${bookId} yet`);
    return book;
  };
  return {
    onEvaluation: async ({
      bookId,
      blockNumber,
      metrics,
    }: {
      bookId: string;
      blockNumber: bigint;
      metrics: Pick<BookMetrics, "drift" | "hedgeLegs">;
    }) => {
      const driftBps = metrics.drift.driftBps;
      const book = books.get(bookId);
      const latest = { blockNumber, driftBps, legs: metrics.hedgeLegs.map(demoLegOf) };
      if (book === undefined) {
        books.set(bookId, { last: latest, peakBps: driftBps });
        return;
      }
      if (blockNumber >= book.last.blockNumber) book.last = latest;
      if (Math.abs(driftBps) > Math.abs(book.peakBps)) book.peakBps = driftBps;
    },
    /** The drift at the keeper's latest evaluation of the book (call after `settle`, which waits for the head's). */
    current: (bookId: string): number => watched(bookId).last.driftBps,
    /** The book's hedge legs at the keeper's latest evaluation. */
    legs: (bookId: string): DemoLeg[] => watched(bookId).last.legs,
    peak: (bookId: string): number => watched(bookId).peakBps,
    /** Track every book's peak from here (a scenario's start). */
    resetPeaks(): void {
      for (const book of books.values()) book.peakBps = book.last.driftBps;
    },
  };
}

function demoLegOf(leg: BookMetrics["hedgeLegs"][number]): DemoLeg {
  return {
    venue: leg.venue,
    deltaBase: round(leg.deltaBase, 4),
    notionalUsd: round(leg.notionalUsd, 2),
    collateralUsd: round(leg.collateralUsd, 2),
    healthFactor: leg.healthFactor === null ? null : round(leg.healthFactor, 4),
    liquidationPriceUsd: leg.liquidationPriceUsd === null ? null : round(leg.liquidationPriceUsd, 2),
  };
}

/** A book with an Aave leg: where its account is, and what names the Pool's reserves in the report. */
interface AaveBookChain {
  pool: Address;
  safe: Address;
  roles: Address;
  hedgeGuard: Address;
  floor: number;
  target: number;
  assets: Record<string, { symbol: string; decimals: number }>;
}

interface DemoRun {
  devnet: Devnet;
  running: Hedgekeeper;
  /** Every configured book's policy, by book id. */
  params: ReadonlyMap<string, BookParams>;
  /** The books hedged on Aave, by book id. */
  aaveBooks: ReadonlyMap<string, AaveBookChain>;
  watch: ReturnType<typeof createBookWatch>;
  /** The L2 devnet, its book and its keeper (scripts/demo/l2.ts). */
  l2: DemoL2;
  /**
   * The market the devnet's arbitrageur trades the pools back to (src/devnet/pool-arbitrage.ts): one for the whole
   * run, so a pool a keeper moved at the end of one scenario is arbitraged at the start of the next.
   */
  market: MarketReference;
}

/** Redis, the devnet, the keeper hired on it, and the whole process started by the composition root. */
async function startDemo(): Promise<DemoRun> {
  const askedDashboardPort =
    args["dashboard-port"] === undefined
      ? undefined
      : portArgument("--dashboard-port", args["dashboard-port"]);
  const redis = await ensureRedis({ configuredUrl: process.env.REDIS_URL });
  stopRedis = redis.stop;
  say(`Redis: ${redis.started ? `started a private redis-server at ${redis.url}` : redis.url}`);

  const port = args.port !== undefined ? Number(args.port) : await portOr(DEFAULT_DEVNET_PORT);
  // The L2 devnet (scripts/demo/l2.ts) bootstraps, and the keeper is hired there, beside the L1's.
  l2Starting = startL2Chain();
  l2Starting.catch(() => {}); // awaited below; this only keeps an early failure from being unhandled meanwhile
  say(
    `Starting the devnet on 127.0.0.1:${port} (Uniswap v3, Chainlink, Safe, Zodiac Roles, Perpetual Protocol v2, Aave v3)…`,
  );
  const d = await startDevnet({ port, manifestPath: "deployments/devnet.json", aaveTreasury: true });
  devnet = d;
  say(
    `  bootstrapped in ${(d.bootstrapMs / 1000).toFixed(1)} s: treasury Safe ${d.manifest.contracts.treasurySafe}, Aave treasury Safe ${d.manifest.aaveTreasury?.safe}`,
  );

  say(
    "Hiring the keeper on both treasuries: HedgeGuard, Roles permission set and roles signed by 2 of each Safe's 3 owners…",
  );
  const setup = await setUpDevnetKeeper(d.client, d.manifest);
  say(
    `  HedgeGuard ${setup.scope.hedgeGuard}, HedgeBounds ${setup.scope.bounds.hedgeBounds}; keeper ${setup.scope.keeper} may trade vETH and swap USDC→USDT, DAI→USDC within caps`,
  );
  const aaveSetup = await setUpDevnetKeeper(d.client, d.manifest, { treasury: "aave" });
  say(
    `  Aave treasury: HedgeGuard ${aaveSetup.scope.hedgeGuard}, Roles ${aaveSetup.scope.roles}; the keeper may repay, supply, borrow and withdraw on Aave v3 within caps`,
  );

  const databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl === undefined) historyDir = mkdtempSync(join(tmpdir(), "hedgekeeper-demo-history-"));
  const dashboardPort = askedDashboardPort ?? (await portOr(DEFAULT_DASHBOARD_PORT));
  const aaveDeployed = deployedOf(aaveSetup.scope);
  const config = demoConfig(d, deployedOf(setup.scope), aaveDeployed, {
    redisUrl: redis.url,
    dashboardPort,
    databaseUrl,
    historyDir,
  });
  // The L2's keeper starts beside the L1's (after the L1's bootstrap: its polling would compete with it).
  const l2WaitStarted = performance.now();
  l2KeeperStarting = l2Starting.then((chain) =>
    startL2Keeper(chain, {
      redisUrl: redis.url,
      logger: pino({ level: process.env.LOG_LEVEL ?? "warn" }, pino.destination(2)),
      onEvent: (event) => say(`    keeper (L2): ${describeEvent(event)}`),
    }),
  );
  l2KeeperStarting.catch(() => {}); // awaited below, as l2Starting
  const watch = createBookWatch();
  running = await startHedgekeeper(config, {
    role: "all",
    source: "the demo's devnet configuration",
    logger: pino({ level: process.env.LOG_LEVEL ?? "warn" }, pino.destination(2)),
    onEvent: (event) => say(`    keeper: ${describeEvent(event)}`),
    onEvaluation: watch.onEvaluation,
  }).catch((error: unknown) => {
    // Free when checked, taken by the time the API listens (another demo starting at the same moment): say so.
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE")
      throw new DemoPortError(
        `the dashboard's port ${dashboardPort} on 127.0.0.1 is taken (another demo?): pass --dashboard-port <n>, or --dashboard-port 0 for any free port`,
        { cause: error },
      );
    throw error;
  });
  const store = running.history;
  say(
    `History: ${store.backend === "postgres" ? "PostgreSQL (DATABASE_URL)" : `embedded PGlite in ${historyDir}`}`,
  );
  say("Monitor and keeper running (BullMQ: scan → evaluate → submit → confirm).");
  const l1ReadyMs = performance.now();
  const l2Chain = await l2Starting;
  const l2 = await l2KeeperStarting;
  const l2WaitedMs = performance.now() - l1ReadyMs;
  const l2d = l2.devnet;
  say(
    `L2 devnet (Arbitrum-shaped, chain ${l2d.manifest.chainId}) on ${l2d.rpcUrl}: bootstrapped in ${(l2d.bootstrapMs / 1000).toFixed(1)} s and the keeper hired on its treasury Safe ${l2d.manifest.contracts.treasurySafe} in ${(l2Chain.hireMs / 1000).toFixed(1)} s beside the L1's; its own keeper (Redis prefix, PGlite history) started in ${(l2.startMs / 1000).toFixed(1)} s beside the L1's keeper (${((l1ReadyMs - l2WaitStarted) / 1000).toFixed(1)} s), waited ${(l2WaitedMs / 1000).toFixed(1)} s for it here`,
  );
  say(`  L2 metrics ${l2.running.metricsUrl}/metrics, API ${l2.running.apiUrl}/api/books`);
  say(`Metrics: ${running.metricsUrl}/metrics`);
  say(
    existsSync(DASHBOARD_DIST_DIR)
      ? `Dashboard: ${running.apiUrl}/`
      : `API: ${running.apiUrl}/api/books (the dashboard is not built: npm run build:dashboard)`,
  );
  const params = new Map(
    Object.keys(config.books).map((bookId) => [bookId, bookParamsFromConfig(config, bookId)]),
  );
  const aaveBooks = new Map<string, AaveBookChain>();
  for (const [bookId, bookParams] of params) {
    if (bookParams.aave === undefined) continue;
    const treasury = config.treasuries[config.books[bookId]!.treasury]!;
    aaveBooks.set(bookId, {
      pool: bookParams.aave.pool,
      safe: treasury.safe as Address,
      roles: treasury.roles as Address,
      hedgeGuard: treasury.hedgeGuard as Address,
      floor: bookParams.aave.healthFactor.floor,
      target: bookParams.aave.healthFactor.target,
      assets: await aaveAssetNames(d),
    });
  }
  say(`Books: ${[...params.keys()].join(", ")}`);
  return { devnet: d, running, params, aaveBooks, watch, l2, market: new Map() };
}

/** The devnet Aave market's reserves by asset address, with the symbol and decimals their tokens report. */
async function aaveAssetNames(d: Devnet): Promise<Record<string, { symbol: string; decimals: number }>> {
  const reserves = Object.values(d.manifest.aave?.reserves ?? {});
  const named = await Promise.all(
    reserves.map(async ({ asset }) => {
      const [symbol, decimals] = await Promise.all([
        d.publicClient.readContract({ address: asset, abi: erc20Abi, functionName: "symbol" }),
        d.publicClient.readContract({ address: asset, abi: erc20Abi, functionName: "decimals" }),
      ]);
      return [asset.toLowerCase(), { symbol, decimals }] as const;
    }),
  );
  return Object.fromEntries(named);
}

/** A port the demo cannot listen on: taken, or not a port. */
class DemoPortError extends Error {
  override name = "DemoPortError";
}

/** A `--<name> <n>` port argument: an integer in [0, 65535], 0 meaning any free port. */
function portArgument(name: string, value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new DemoPortError(`${name} must be a TCP port in [0, 65535] (0: any free one), got "${value}"`);
  return port;
}

/** `preferred` when it is free, else any free loopback port. */
async function portOr(preferred: number): Promise<number> {
  return (await isPortInUse(preferred)) ? await freeLoopbackPort() : preferred;
}

const head = (d: Devnet) => d.publicClient.getBlockNumber({ cacheTime: 0 });

/** Until the keeper has evaluated `block` for every book it keeps and has nothing queued to evaluate or submit. */
async function settle(keeper: Keeper, block: bigint, timeoutMs = 15_000): Promise<void> {
  const deadline = wallClock.nowMs() + timeoutMs;
  while (wallClock.nowMs() < deadline) {
    const health = await keeper.health();
    const evaluated =
      health.books.length > 0 &&
      health.books.every((b) => b.lastEvaluation !== null && b.lastEvaluation.blockNumber >= block);
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
  const { devnet: d, running, params, watch } = run;
  const { keeper, history: store } = running;
  const bookIds = [...params.keys()];
  const settled = async () => settle(keeper, await head(d));
  const samplesNow = () => store.samples(d.manifest.chainId).recent(BOOK_ID, { limit: 100_000 });
  say(`\n▶ ${scenario.name}`);
  const before = new Map(bookIds.map((bookId) => [bookId, watch.current(bookId)]));
  watch.resetPeaks();
  const scenarioStartedMs = wallClock.nowMs();
  const firstBlock = await head(d);
  const firstSample = (await samplesNow()).length;
  const oracleRounds: NonNullable<DemoScenario["oracleRounds"]> = {};
  await d.runScenario(scenario.name, {
    // A live market: arbitrageurs trade each pool back within its fee of the market a block after anyone moved it,
    // and what the keeper sends in reaction to a block is mined a slot later, before a jump of hours.
    arbitrage: { reference: run.market },
    reactionsBeforeTimeJumps: true,
    onStep: async (step) => {
      say(
        `  step ${step.index + 1}: ${step.label}${step.moved.length ? ` — ${step.moved.map((m) => `${m.what} ${m.before} → ${m.after}`).join(", ")}` : ""}`,
      );
      if (step.arbitrage?.length) say(`    arbitrage: ${describeArbitrage(step.arbitrage)}`);
      await settled();
    },
    // A market path's blocks (time warped), and the reaction blocks before a time jump: each feed's rounds as
    // Chainlink's rule posts them.
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
  // Let the books settle before the next scenario: time past the longest cooldown (feeds stay fresh), so follow-up
  // plans (the rest of a capped resize, a deferred collateral withdrawal) run in this scenario, not the next.
  const cooldownSec = Math.max(...[...params.values()].map((p) => p.cooldownSec));
  await d.testClient.increaseTime({ seconds: cooldownSec + 1 });
  await d.testClient.mine({ blocks: 1 });
  await settled();
  await d.testClient.mine({ blocks: 1 });
  await settled();
  await waitForConfirmations(keeper, 15_000);
  // One block at a time: Hardhat's multi-block hardhat_mine stamps blocks ahead of its own clock, and the next
  // block then goes back in time (samples out of order, which the engine rightly refuses).
  for (let i = 0; i < 2; i += 1) await d.testClient.mine({ blocks: 1 });
  await settled();
  const lastBlock = await head(d);

  await keeper.historyFlushed();
  const actions: DemoAction[] = [];
  for (const bookId of bookIds) {
    actions.push(
      ...(await store.actions({ limit: 100, bookId }))
        .filter((action) => action.createdAtMs >= scenarioStartedMs)
        .reverse()
        .map((action) => demoActionOf(bookId, action)),
    );
  }
  const minedTxs = (bookId: string) =>
    actions.flatMap((a) =>
      a.bookId === bookId && a.status === "mined" && a.txHash !== null ? [a.txHash as Hex] : [],
    );
  // The report counts a plan's costs and trades at the block it was mined in, from its realized execution, which
  // is recorded once the transaction is final: report only when every mined plan of the scenario has one.
  for (const bookId of bookIds) {
    const mined = actions.filter((a) => a.bookId === bookId && a.status === "mined");
    await executionsRecorded(
      store,
      bookId,
      mined.map((a) => a.planId),
      15_000,
    );
  }
  const books: DemoBook[] = [];
  for (const bookId of bookIds) {
    const aaveBook = run.aaveBooks.get(bookId);
    books.push({
      id: bookId,
      driftBpsBefore: round(before.get(bookId)!),
      driftBpsPeak: round(watch.peak(bookId)),
      driftBpsAfter: round(watch.current(bookId)),
      thresholdBps: params.get(bookId)!.armBps,
      legs: watch.legs(bookId),
      ...(aaveBook && {
        aave: {
          floor: aaveBook.floor,
          target: aaveBook.target,
          ...(await aaveChainCheck(d.publicClient, {
            ...aaveBook,
            fromBlock: firstBlock,
            toBlock: lastBlock,
            txHashes: minedTxs(bookId),
          })),
        },
      }),
    });
  }
  const window = (await samplesNow()).slice(Math.max(0, firstSample - 1));
  const result: DemoScenario = {
    name: scenario.name,
    expectation: scenario.expectation,
    ok: true,
    books,
    actions,
    hedgeEffectiveness: effectivenessOf(window, params.get(BOOK_ID)!.targetHedgeRatio),
    attribution: await attributionOf(store, window),
    chainCheck: await chainAttributionCheck(d.publicClient, {
      fromBlock: window[0]!.blockNumber,
      toBlock: window[window.length - 1]!.blockNumber,
      safe: d.manifest.contracts.treasurySafe,
      perp: d.manifest.contracts.perp,
      ethUsdFeed: d.manifest.feeds.ethUsd.address,
      txHashes: minedTxs(BOOK_ID),
    }),
    lpTermsCheck: await chainLpTermsCheck(d.publicClient, {
      blocks: window.map((s) => s.blockNumber),
      sources: lpTermsSourcesOf(d.manifest),
    }),
    ...(Object.keys(oracleRounds).length > 0 ? { oracleRounds } : {}),
    problems: [],
  };
  judge(result, scenario.wants);
  return result;
}

/** Until every plan in `planIds` has its realized execution in the history (or the timeout passes). */
async function executionsRecorded(
  store: Hedgekeeper["history"],
  bookId: string,
  planIds: readonly string[],
  timeoutMs: number,
) {
  const deadline = wallClock.nowMs() + timeoutMs;
  while (wallClock.nowMs() < deadline) {
    const recorded = new Set((await store.executions({ bookId, limit: 1_000 })).map((e) => e.planId));
    if (planIds.every((id) => recorded.has(id))) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The report's attribution over the scenario's samples, read back from the history as `hedgekeeper report` does. */
async function attributionOf(
  store: Hedgekeeper["history"],
  window: readonly BookSample[],
): Promise<DemoScenario["attribution"]> {
  const report = performanceReport(
    await readReportPeriod(store, {
      bookId: BOOK_ID,
      fromSec: window[0]!.timestampSec,
      toSec: window[window.length - 1]!.timestampSec,
    }),
  );
  const period = report.attribution;
  return {
    ...period.total,
    carryEstimatedUsd: report.carryEstimatedUsd,
    lpWithdrawalUnknownExecutions: report.lpWithdrawalUnknownExecutions,
    grossPnlUsd: period.grossPnlUsd,
    unexplainedShareOfGross: period.unexplainedShareOfGross,
  };
}

/** The metrics endpoint must serve what it promises: every book's drift and the keeper's queues. */
async function metricsProblems(metricsUrl: string, bookIds: readonly string[]): Promise<string[]> {
  const scraped = await fetch(`${metricsUrl}/metrics`).then((r) => r.text());
  return [
    ...bookIds.map((id) => `hedgekeeper_book_drift_bps{book_id="${id}",network="devnet"}`),
    "hedgekeeper_queue_depth{",
  ]
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
  const report: DemoReport & { l2?: DemoL2Report } = {
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
  report.l2 = await playL2(run.l2, {
    say,
    settle: (keeper, block) => settle(keeper, block),
    confirmed: (keeper) => waitForConfirmations(keeper, 15_000),
    l1: { devnet: run.devnet, keeper: running.keeper },
  });
  report.ok &&= report.l2.ok;
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  for (const problem of await metricsProblems(running.metricsUrl!, [...run.params.keys()])) {
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

function describeArbitrage(swaps: readonly ArbitrageSwap[]): string {
  return swaps.map((swap) => `${swap.pool} ${swap.fromPrice} → ${swap.toPrice}`).join(", ");
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
    case "plan.superseded":
      return `plan ${event.planId.slice(0, 10)}… ${event.reason}`;
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
function demoActionOf(bookId: string, action: ActionView): DemoAction {
  const status: DemoAction["status"] =
    action.status === "mined" ||
    action.status === "reverted" ||
    action.status === "shadowed" ||
    action.status === "proposed" ||
    action.status === "failed" ||
    action.status === "superseded"
      ? action.status
      : action.status === "cancelled" || action.status === "dropped"
        ? "failed"
        : "pending";
  return {
    bookId,
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

/**
 * What "worked" means for each scenario and book, so `ok` is a verdict, not a formality.
 *
 * A superseded plan is not a problem: its simulation refused it on a pool that moved since its block (both Safes
 * swap USDC → USDT in the same pool in the de-peg, decided on one block; the second, sent after the first was mined,
 * no longer gets its minimum out), nothing was sent, and its book was planned again on the moved pool
 * (moved-swap-premise.ts). Anything else is a problem: a sent plan that failed or reverted, any plan refused by
 * simulation (a de-peg swap, an Aave hedge trade or recalibration), any book beyond its band after any scenario (the
 * devnet's arbitrageur trades a pool a keeper moved back within its fee of the market, pool-arbitrageur.ts, as on
 * mainnet), or an Aave health factor under its floor.
 */

function judge(result: DemoScenario, wants: Readonly<Record<string, Wants>>) {
  for (const book of result.books) {
    const want = wants[book.id] ?? "any";
    const actions = result.actions.filter((a) => a.bookId === book.id);
    const mined = actions.filter((a) => a.status === "mined");
    const sentAndFailed = actions.filter(
      (a) => a.status === "reverted" || (a.status === "failed" && a.txHash !== null),
    );
    const refused = actions.filter((a) => a.status === "failed" && a.txHash === null);
    if (sentAndFailed.length > 0)
      result.problems.push(`book ${book.id}: ${sentAndFailed.length} plan(s) failed or reverted`);
    if (refused.length > 0)
      result.problems.push(
        `book ${book.id}: ${refused.length} plan(s) refused by simulation, nothing sent (${[...new Set(refused.map((a) => a.reason.split(";")[0]))].join(" | ")})`,
      );
    if (want === "none" && actions.some((a) => a.txHash !== null))
      result.problems.push(`book ${book.id}: a transaction was sent although nothing should have been`);
    if ((want === "routine" || want === "urgent") && !mined.some((a) => a.lane === want))
      result.problems.push(`book ${book.id}: no ${want} plan was mined`);
    if (isBeyondBand(driftBand(book.driftBpsAfter, book.thresholdBps)))
      result.problems.push(
        `book ${book.id} ended ${round(book.driftBpsAfter)} bps from target, beyond ±${book.thresholdBps}`,
      );
    const aave = book.aave;
    if (aave === undefined) {
      if (want === "aave") result.problems.push(`book ${book.id} has no Aave leg`);
      continue;
    }
    // From the Pool, not from our engine.
    if (want === "aave" && !(aave.healthFactorLowest >= aave.floor))
      result.problems.push(
        `book ${book.id}: Aave health factor ${fmtHealth(aave.healthFactorLowest)} at block ${aave.healthFactorLowestAtBlock}, under its floor ${aave.floor}`,
      );
    if (!(aave.healthFactorAfter >= aave.floor))
      result.problems.push(
        `book ${book.id}: Aave health factor ${fmtHealth(aave.healthFactorAfter)} at the end, under its floor ${aave.floor}`,
      );
    const onPath = aave.transactions.filter((t) => t.throughRoles && t.admittedByHedgeGuard);
    if (onPath.length < aave.transactions.length)
      result.problems.push(
        `book ${book.id}: ${aave.transactions.length - onPath.length} mined transaction(s) not through Roles + HedgeGuard`,
      );
    if (want === "aave" && !onPath.some((t) => t.aaveCalls.length > 0))
      result.problems.push(`book ${book.id}: no Aave plan was mined through Roles + Safe + HedgeGuard`);
  }
  result.ok = result.problems.length === 0;
}

const fmtHealth = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : "∞");

const round = (n: number, digits = 1) => Number(n.toFixed(digits));

process.once("SIGTERM", () => void cleanUp().then(() => process.exit(143)));
try {
  process.exitCode = await main();
} catch (error) {
  if (
    error instanceof RedisUnavailableError ||
    error instanceof HistoryStoreError ||
    error instanceof DemoPortError
  )
    console.error(`error: ${error.message}`);
  else console.error(error);
  process.exitCode = 1;
} finally {
  await cleanUp();
}
