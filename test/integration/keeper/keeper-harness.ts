// A keeper against the in-process devnet, over real HTTP (the fault-injecting proxy fronts the chain), with
// real Redis under an isolated prefix.
import { pino } from "pino";
import type { PublicClient } from "viem";
import { type KeeperConfig, keeperConfigOf } from "../../../keeper/config.ts";
import type { KeeperHooks } from "../../../keeper/context.ts";
import type { KeeperEvent } from "../../../keeper/events.ts";
import { createKeeper, type Keeper, type KeeperRole } from "../../../keeper/keeper.ts";
import { createChainClient } from "../../../src/chain/client.ts";
import { bookParamsFromConfig, bookSourcesFromConfig } from "../../../src/config/adapters.ts";
import type { HedgekeeperConfig } from "../../../src/config/schema.ts";
import { devnetAccount, devnetPrivateKey } from "../../../src/devnet/accounts.ts";
import { DEVNET_BOOK_ID, devnetConfig } from "../../../src/devnet/devnet-config.ts";
import type { DevnetKeeperSetup } from "../../../src/devnet/devnet-keeper-setup.ts";
import type { Devnet } from "../../../src/devnet/index.ts";
import type { BookParams } from "../../../src/engine/params.ts";
import type { BookMode } from "../../../src/evaluation/plan-lifecycle.ts";
import { createBookIndexer } from "../../../src/indexers/book-indexer.ts";
import { wallClock } from "../../../src/runtime/clock.ts";
import type { RedisTopology } from "../../../src/runtime/redis-connection.ts";
import type { HistoryStore } from "../../../src/store/history-store.ts";

export const BOOK_ID = DEVNET_BOOK_ID;

/**
 * The devnet book's policy (its configuration, as `init` writes it) with what one rebalance on the devnet's thin
 * perp market can carry: trades of at most $60k (a larger one moves the perp price past the plan's slippage
 * bound), a 1% perp slippage bound, no cooldown (so the keeper walks the drift back over several blocks), and no
 * collateral withdrawals.
 */
export function keeperTestParams(devnet: Devnet, bookId: string = BOOK_ID): BookParams {
  const base = bookParamsFromConfig(devnetConfig(devnet.manifest), bookId);
  return {
    ...base,
    cooldownSec: 0,
    caps: { ...base.caps, maxTradeUsd: 60_000, maxSwapUsd: 200_000 },
    margin: { ...base.margin, ceilingRatio: 1_000 },
    costs: { ...base.costs, perpSlippageBps: 100 },
  };
}

/** Lanes that replace by blocks only (stuckAfterBlocks), by the +10% nodes require: a test sets time-based ones. */
const TEST_LANE = { replaceAfterSec: 86_400, feeBumpBps: 1_000 };

export function keeperClient(devnet: Devnet, rpcUrl: string): PublicClient {
  return createChainClient({
    chainId: devnet.manifest.chainId,
    rpcUrls: [rpcUrl],
    pollingIntervalMs: 50,
    retry: { attempts: 3, baseDelayMs: 20, maxDelayMs: 200, rateLimitBudgetMs: 5_000 },
  });
}

export interface TestKeeperOptions {
  devnet: Devnet;
  setup: DevnetKeeperSetup;
  rpcUrl: string;
  redisUrl: string;
  /** Redis through sentinels or a cluster instead of `redisUrl`. */
  redis?: RedisTopology;
  prefix: string;
  mode?: BookMode;
  role?: KeeperRole;
  hooks?: KeeperHooks;
  onEvent?: (event: KeeperEvent) => void;
  /** Overrides of the keeper's options (after the test defaults). */
  config?: Partial<KeeperConfig>;
  /** Overrides of the book's policy (keeperTestParams). */
  params?: Partial<BookParams>;
  /** The durable history the keeper records every evaluation, plan and execution in; none by default. */
  history?: HistoryStore;
  /**
   * More books on the same treasury, policy and positions, under other ids: HedgeGuard admits a book's plans in
   * block order only, so plans that may run in any order must belong to different books.
   */
  extraBookIds?: readonly string[];
  /** The book the keeper runs (default: the devnet's first book, BOOK_ID), on the treasury `setup` hired it for. */
  bookId?: string;
  /** Books on other treasuries the same keeper (one signer) runs too, each on the treasury its `setup` hired it for. */
  otherTreasuryBooks?: readonly { bookId: string; setup: DevnetKeeperSetup }[];
  /** The configuration the book's sources come from (default: devnetConfig on the test's RPC and Redis). */
  configured?: HedgekeeperConfig;
}

export function testKeeper(options: TestKeeperOptions) {
  const { devnet } = options;
  const bookId = options.bookId ?? BOOK_ID;
  const configured =
    options.configured ??
    devnetConfig(devnet.manifest, { rpcUrl: options.rpcUrl, redisUrl: options.redisUrl });
  // The keeper's options as `hedgekeeper run` derives them, tightened for tests (fast polls, short locks).
  const config: KeeperConfig = {
    ...keeperConfigOf(configured, { network: "devnet", bookIds: [bookId] }),
    redisPrefix: options.prefix,
    books: [
      bookId,
      ...(options.extraBookIds ?? []),
      ...(options.otherTreasuryBooks ?? []).map((b) => b.bookId),
    ].map((id) => ({
      bookId: id,
      mode: options.mode ?? "execute",
    })),
    scanEveryMs: 100,
    scanJobEveryMs: 1_000,
    txConfirmations: 1,
    stuckAfterBlocks: 2,
    confirmPollMs: 50,
    fees: { maxFeePerGasGwei: 500, maxPriorityFeePerGasGwei: 2 },
    lanes: { urgent: TEST_LANE, routine: TEST_LANE },
    lockDurationMs: 2_000,
    stalledIntervalMs: 1_000,
    backoffMs: 50,
    ...options.config,
  };
  const client = keeperClient(devnet, options.rpcUrl);
  const controller = new AbortController();
  return createKeeper({
    common: {
      config,
      logger: pino({ level: process.env.KEEPER_TEST_LOG ?? "silent" }),
      clock: wallClock,
      shutdown: { signal: controller.signal },
    },
    redis: options.redis ?? { url: options.redisUrl },
    client,
    signerPrivateKey: devnetPrivateKey(1),
    role: options.role ?? "all",
    hooks: options.hooks,
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    ...(options.history ? { history: options.history } : {}),
    // An extra book is configured as `bookId` (same policy and positions); another treasury's as itself.
    books: [
      ...[bookId, ...(options.extraBookIds ?? [])].map((id) => ({
        bookId: id,
        configuredAs: bookId,
        setup: options.setup,
      })),
      ...(options.otherTreasuryBooks ?? []).map((b) => ({ ...b, configuredAs: b.bookId })),
    ].map(({ bookId: id, configuredAs, setup }) => ({
      bookId: id,
      params: { ...keeperTestParams(devnet, configuredAs), ...options.params },
      targets: setup.targets,
      reader: createBookIndexer(client, bookSourcesFromConfig(configured, configuredAs)),
    })),
  });
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false | null>,
  timeoutMs = 30_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false && value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/**
 * Waits until the keeper has evaluated the head block of a scenario step and has no plan in flight for the book,
 * mining a block while a plan is in flight (its confirmation needs one). For a scenario's `onStep`.
 */
export async function settleStep(
  devnet: Devnet,
  keeper: Keeper,
  options: { bookId?: string; timeoutMs?: number } = {},
): Promise<void> {
  const bookId = options.bookId ?? BOOK_ID;
  const head = await devnet.publicClient.getBlockNumber({ cacheTime: 0 });
  await waitFor(
    "the step's block evaluated and nothing in flight",
    async () => {
      const evaluated = ((await keeper.ctx.bookState.lastEvaluation(bookId))?.blockNumber ?? -1n) >= head;
      if (evaluated && (await keeper.plans.inFlight(bookId)) === null) return true;
      if (evaluated) await devnet.testClient.mine({ blocks: 1 });
      return false;
    },
    options.timeoutMs ?? 20_000,
    100,
  );
}

/** The book's drift now, read fresh (not through the keeper). */
export async function currentDriftBps(devnet: Devnet): Promise<number> {
  const { evaluateBook } = await import("../../../src/engine/book-metrics.ts");
  const indexer = createBookIndexer(
    devnet.publicClient as PublicClient,
    bookSourcesFromConfig(devnetConfig(devnet.manifest), BOOK_ID),
  );
  const block = await devnet.publicClient.getBlockNumber({ cacheTime: 0 });
  const { snapshot } = await indexer.snapshotAt(block, {
    keeper: { hedgeTriggered: false, lastPlanAtSec: null },
    samples: [],
  });
  return evaluateBook(snapshot, keeperTestParams(devnet), snapshot.blockTimestampSec).drift.driftBps;
}

export const keeperAddress = () => devnetAccount(1).address;

/** A chain that produces blocks, as a live one does (the devnet automines only when sent a transaction). */
export function produceBlocks(devnet: Devnet, everyMs = 250): { stop(): void } {
  const timer = setInterval(() => void devnet.testClient.mine({ blocks: 1 }).catch(() => {}), everyMs);
  return { stop: () => clearInterval(timer) };
}
