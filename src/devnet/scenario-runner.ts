import { createPublicClient } from "viem";
import { borrowToUtilisation } from "./aave-utilisation.ts";
import { type LinearPricePath, priceAt, type RoundTrigger } from "./chainlink-update-rule.ts";
import { FEED_DECIMALS } from "./deploy-chainlink.ts";
import type { DevnetClient } from "./devnet-client.ts";
import { feedSubmitTransaction } from "./feed-answer.ts";
import type { DevnetManifest } from "./manifest.ts";
import {
  perpMoveTransaction,
  poolMoveTransaction,
  removeLiquidityTransaction,
  v4PoolMoveTransaction,
} from "./market-moves.ts";
import { planMarketPath, type RuleFollowingFeed } from "./market-path.ts";
import {
  aggregatorRound,
  type FeedState,
  type PoolState,
  readFeed,
  readPerpPrices,
  readPoolLiquidity,
  readPoolPrice,
  readPoolState,
  readPositionsInPool,
  readTimestamp,
  readV4PoolState,
  type StateAt,
} from "./market-state.ts";
import { perpMoveBlockTimestamp, readPerpPriceLimit } from "./perp-price-limit.ts";
import type { MarketReference } from "./pool-arbitrage.ts";
import { type ArbitrageSwap, type QueuedArbitrage, queueArbitrage } from "./pool-arbitrageur.ts";
import type { PoolKey } from "./pools.ts";
import { type DevnetV4Pool, V4_POOLS_FOLLOWING, type V4PoolName, v4PoolOfManifest } from "./pools-v4.ts";
import { sqrtPriceX96FromRawPrice } from "./price-math.ts";
import {
  type FeedRules,
  type MovedValue,
  type Scenario,
  ScenarioError,
  type ScenarioStep,
} from "./scenario.ts";
import {
  readSequencerStatus,
  SEQUENCER_ANSWER,
  type SequencerFeedState as SequencerState,
  sequencerStatusTransaction,
} from "./sequencer-status.ts";
import {
  type LabelledTransaction,
  sendInOneBlock,
  sendInOneBlockThenRead,
  withManualMining,
} from "./transactions.ts";

type FeedKey = keyof DevnetManifest["feeds"];

/** A round a feed posted during a `market.path` step, and which half of Chainlink's rule made it post. */
export interface FeedRoundReport {
  feed: FeedKey;
  atSec: number;
  blockNumber: bigint;
  answer: number;
  trigger: RoundTrigger;
}

export interface StepReport {
  index: number;
  kind: ScenarioStep["kind"];
  label: string;
  durationMs: number;
  moved: MovedValue[];
  /**
   * Blocks the step mined: 1 for every kind but `market.path`, whose reaction blocks count too, as do those before a
   * time jump with `reactionsBeforeTimeJumps`.
   */
  blocks: number;
  /** `market.path`: every round the feeds posted, in order. */
  rounds?: FeedRoundReport[];
  /** With the arbitrageur on: its swaps in the step's blocks, in order. */
  arbitrage?: ArbitrageSwap[];
}

/** One block of a multi-block step (`market.path`), mined. */
export interface BlockReport {
  step: number;
  blockNumber: bigint;
  atSec: number;
  rounds: FeedRoundReport[];
  /** A block of transactions others sent in reaction to the previous one (no market move, no round). */
  reaction: boolean;
  /** With the arbitrageur on: its swaps at the start of the block. */
  arbitrage?: ArbitrageSwap[];
}

export interface RunScenarioOptions {
  /** Runs after each step's last block and is awaited: a caller may let others react before the next step. */
  onStep?: (report: StepReport) => void | Promise<void>;
  /**
   * Runs after each block of a multi-block step (`market.path`'s, and the reaction blocks before a time jump) and
   * is awaited (a keeper may evaluate every block).
   */
  onBlock?: (block: BlockReport) => void | Promise<void>;
  /**
   * Turns the devnet's arbitrageur on (pool-arbitrageur.ts): at the start of every block the scenario mines, it
   * swaps each pool that block does not move itself back to the edge of its no-arbitrage band around `reference`,
   * so a trade mined in one block (a keeper's) is arbitraged in the next. The runner fills the reference from the
   * pools for any pair it lacks and records every price a step sets: pass the same map to every scenario played
   * on one chain. Off by default.
   */
  arbitrage?: { reference: MarketReference };
  /**
   * A `time.advance` of more than one slot first mines, a slot apart, the transactions others sent in reaction to
   * the previous block (up to 5 blocks, each reported to `onBlock` as a reaction, the arbitrageur's swaps at its
   * start), then jumps to the step's time: on a live chain a transaction sent now is mined in the next slot, not
   * hours later, where a deadline would have passed. As `market.path` does between its blocks. Off by default.
   */
  reactionsBeforeTimeJumps?: boolean;
}

export interface ScenarioReport {
  name: string;
  steps: StepReport[];
  durationMs: number;
}

interface Baseline {
  pools: Record<PoolKey, number>;
  feeds: Record<FeedKey, number>;
}

const POOL_KEYS: readonly PoolKey[] = ["usdcWeth500", "daiUsdc100", "usdcUsdt100"];
const FEED_KEYS: readonly FeedKey[] = ["ethUsd", "usdcUsd", "daiUsd", "usdtUsd"];

async function readBaseline(client: DevnetClient, manifest: DevnetManifest): Promise<Baseline> {
  const [pools, feeds] = await Promise.all([
    Promise.all(POOL_KEYS.map((key) => readPoolPrice(client, manifest.pools[key]))),
    Promise.all(FEED_KEYS.map((key) => readFeed(client, manifest.feeds[key].address))),
  ]);
  return {
    pools: Object.fromEntries(POOL_KEYS.map((key, i) => [key, pools[i]])) as Record<PoolKey, number>,
    feeds: Object.fromEntries(FEED_KEYS.map((key, i) => [key, feeds[i]?.answer])) as Record<FeedKey, number>,
  };
}

function target(
  step: { price?: number | undefined; answer?: number | undefined; change?: number | undefined },
  start: number,
) {
  return step.price ?? step.answer ?? start * (1 + (step.change ?? 0));
}

function describe(step: ScenarioStep): string {
  if (step.label) return step.label;
  switch (step.kind) {
    case "pool.movePrice":
      return `move ${step.pool} to ${step.price ?? `${(step.change ?? 0) * 100}%`}`;
    case "feed.set":
      return `set ${step.feed} to ${step.answer ?? `${(step.change ?? 0) * 100}%`}`;
    case "perp.moveMark":
      return step.price !== undefined
        ? `move the perp mark to ${step.price}`
        : `move the perp mark ${(step.premium ?? 0) * 100}% off the index`;
    case "market.moveEth":
      return `move ETH to ${step.price ?? `${(step.change ?? 0) * 100}%`} on pool, feed and perp`;
    case "time.advance":
      return `advance time ${step.seconds} s`;
    case "pool.removeLiquidity":
      return `remove ${step.fraction * 100}% of the maker's liquidity from ${step.pool}`;
    case "sequencer":
      return `the L2 sequencer goes ${step.status}`;
    case "aave.borrowToUtilisation":
      return `borrow ${step.reserve.toUpperCase()} on Aave to ${step.utilisation * 100}% utilisation`;
    case "market.path": {
      const to = (asset: string, point: typeof step.eth) =>
        point ? [`${asset} to ${point.price ?? `${(point.change ?? 0) * 100}%`}`] : [];
      return `walk ${[...to("ETH", step.eth), ...to("USDC", step.usdc)].join(" and ")} over ${step.durationSec} s in ${step.ticks} ticks, feeds on Chainlink's rule`;
    }
  }
}

/**
 * Runs a scenario against a bootstrapped devnet with real transactions from the manifest's market participants
 * (trader swaps and trades perp, the feeds' operator submits rounds, the maker withdraws liquidity) and reports,
 * per step, each value before and after. A move of a v3 pool moves the v4 pools of the same pair to the same price
 * in the same block (V4_POOLS_FOLLOWING), so v4 positions see the market the v3 ones see. Each step is one block: automine is off while the scenario runs.
 */
export async function runScenario(
  client: DevnetClient,
  manifest: DevnetManifest,
  scenario: Scenario,
  options: RunScenarioOptions = {},
): Promise<ScenarioReport> {
  const started = performance.now();
  client = withBatchedReads(client);
  const baseline = await readBaseline(client, manifest);
  const reference = options.arbitrage?.reference;
  for (const key of POOL_KEYS) if (reference && !reference.has(key)) reference.set(key, baseline.pools[key]);
  const arbitrage: Arbitrage = reference
    ? { reference, before: (moved) => queueArbitrage(client, manifest, reference, moved) }
    : { before: async () => NO_ARBITRAGE };
  const steps: StepReport[] = [];
  await withManualMining(client, async () => {
    for (const [index, step] of scenario.steps.entries()) {
      const stepStarted = performance.now();
      const onBlock = async (block: Omit<BlockReport, "step">) => {
        await options.onBlock?.({ ...block, step: index });
      };
      const outcome =
        step.kind === "market.path"
          ? await runMarketPath(client, manifest, baseline, step, scenario.feedRules, arbitrage, onBlock)
          : await runOneBlockStep(
              client,
              manifest,
              baseline,
              step,
              arbitrage,
              options.reactionsBeforeTimeJumps === true,
              onBlock,
            );
      const report: StepReport = {
        index,
        kind: step.kind,
        label: describe(step),
        durationMs: performance.now() - stepStarted,
        ...outcome,
      };
      steps.push(report);
      await options.onStep?.(report);
    }
  });
  return { name: scenario.name, steps, durationMs: performance.now() - started };
}

/**
 * The same chain, with the reads a step makes at once (pool, feed, perp: before and after) folded into one
 * Multicall3 eth_call: over HTTP each request costs a round trip through the node, more than the reads themselves.
 */
function withBatchedReads(client: DevnetClient): DevnetClient {
  return {
    ...client,
    publicClient: createPublicClient({
      chain: client.chain,
      transport: client.transport,
      batch: { multicall: true },
      pollingInterval: client.publicClient.pollingInterval,
    }),
  };
}

/**
 * The arbitrageur as the runner drives it: `before` queues its swaps for the block about to be mined (none when
 * it is off), leaving the pools the block moves itself alone; `reference` is the market it trades toward.
 */
interface Arbitrage {
  reference?: MarketReference;
  before(moved: readonly PoolKey[]): Promise<QueuedArbitrage>;
}

const NO_ARBITRAGE: QueuedArbitrage = { swaps: [], confirm: async () => {} };

/** The pools a one-block step sets to a price of its own, with that price (what the market now shows for them). */
function poolPricesSetBy(
  step: Exclude<ScenarioStep, { kind: "market.path" }>,
  baseline: Baseline,
): [PoolKey, number][] {
  switch (step.kind) {
    case "pool.movePrice":
      return [[step.pool, target(step, baseline.pools[step.pool])]];
    case "market.moveEth":
      return [["usdcWeth500", target(step, baseline.feeds.ethUsd)]];
    default:
      return [];
  }
}

/**
 * A step of one block: the arbitrageur's swaps first (on the pools the step leaves alone), then the step's own.
 * With `reactionsFirst`, a time jump is preceded by the reaction blocks others' pending transactions need
 * (`mineReactions`), and jumps the rest of the way.
 */
async function runOneBlockStep(
  client: DevnetClient,
  manifest: DevnetManifest,
  baseline: Baseline,
  step: Exclude<ScenarioStep, { kind: "market.path" }>,
  arbitrage: Arbitrage,
  reactionsFirst: boolean,
  onBlock: (block: Omit<BlockReport, "step">) => Promise<void>,
): Promise<{ moved: MovedValue[]; blocks: number; arbitrage?: ArbitrageSwap[] }> {
  let ownStep = step;
  let reactions = { mined: 0, arbitraged: [] as ArbitrageSwap[], lastSec: 0 };
  if (reactionsFirst && step.kind === "time.advance" && step.seconds > REACTION_DELAY_SEC) {
    const startSec = await readTimestamp(client);
    reactions = await mineReactions(client, startSec, startSec + step.seconds, arbitrage, onBlock);
    if (reactions.mined > 0) ownStep = { ...step, seconds: startSec + step.seconds - reactions.lastSec };
  }
  const set = poolPricesSetBy(ownStep, baseline);
  const queued = await arbitrage.before(set.map(([key]) => key));
  const moved = await runStep(client, manifest, baseline, ownStep);
  await queued.confirm();
  for (const [key, price] of set) arbitrage.reference?.set(key, price);
  return {
    moved,
    blocks: 1 + reactions.mined,
    ...(arbitrage.reference && { arbitrage: [...reactions.arbitraged, ...queued.swaps] }),
  };
}

function defined<T>(values: readonly (T | undefined)[]): T[] {
  return values.filter((value): value is T => value !== undefined);
}

/** A v4 pool that follows a v3 pool's price (V4_POOLS_FOLLOWING), with its state when the move was built. */
interface V4Follower {
  name: V4PoolName;
  pool: DevnetV4Pool;
  before: PoolState;
}

/** The v4 pools following `key`, read at `at`; none on a manifest written before the devnet had v4. */
async function readV4Followers(
  client: DevnetClient,
  manifest: DevnetManifest,
  key: PoolKey,
  at: StateAt = "latest",
): Promise<V4Follower[]> {
  const v4 = manifest.uniswapV4;
  if (v4 === undefined) return [];
  return Promise.all(
    V4_POOLS_FOLLOWING[key].map(async (name) => {
      const pool = v4PoolOfManifest(v4.pools[name]);
      return { name, pool, before: await readV4PoolState(client, v4.stateView, pool, at) };
    }),
  );
}

/** The trader's swaps taking each follower to `price`: the same market as the v3 pool it follows. */
function v4FollowTransactions(
  manifest: DevnetManifest,
  followers: readonly V4Follower[],
  price: number,
): LabelledTransaction[] {
  const v4 = manifest.uniswapV4;
  if (v4 === undefined) return [];
  return defined(
    followers.map((f) =>
      v4PoolMoveTransaction(
        manifest.accounts.trader.address,
        v4.poolSwapTest,
        f.pool,
        f.before.sqrtPriceX96,
        price,
      ),
    ),
  );
}

/** Each follower's price before the move and now. */
async function v4FollowReport(
  client: DevnetClient,
  manifest: DevnetManifest,
  followers: readonly V4Follower[],
): Promise<MovedValue[]> {
  const v4 = manifest.uniswapV4;
  if (v4 === undefined) return [];
  return Promise.all(
    followers.map(async (f) => ({
      what: `v4 ${f.name} price`,
      before: f.before.price,
      after: (await readV4PoolState(client, v4.stateView, f.pool)).price,
    })),
  );
}

/**
 * Sets the timestamp of the block about to be mined when Perp's price limit would otherwise measure the step's perp
 * trade from a reference the block's wall-clock second decides (perp-price-limit.ts): the trade is sized from the
 * state read now, so the reference it meets must be known now too.
 */
async function timePerpMove(
  client: DevnetClient,
  perp: DevnetManifest["contracts"]["perp"],
  price: number,
): Promise<void> {
  const at = perpMoveBlockTimestamp(await readPerpPriceLimit(client, perp), sqrtPriceX96FromRawPrice(price));
  if (at !== undefined) await client.testClient.setNextBlockTimestamp({ timestamp: BigInt(at) });
}

async function runStep(
  client: DevnetClient,
  manifest: DevnetManifest,
  baseline: Baseline,
  step: Exclude<ScenarioStep, { kind: "market.path" }>,
): Promise<MovedValue[]> {
  const { contracts, pools, feeds, accounts } = manifest;
  const trader = accounts.trader.address;
  const operator = accounts.deployer.address;
  const submit = (key: FeedKey, current: FeedState, answer: number) =>
    feedSubmitTransaction(operator, feeds[key].aggregator, aggregatorRound(current.roundId) + 1n, answer);
  switch (step.kind) {
    case "pool.movePrice": {
      const pool = pools[step.pool];
      const [before, followers] = await Promise.all([
        readPoolState(client, pool),
        readV4Followers(client, manifest, step.pool),
      ]);
      const price = target(step, baseline.pools[step.pool]);
      const [after, v4Moved] = await sendInOneBlockThenRead(
        client,
        defined([
          poolMoveTransaction(trader, contracts.swapRouter, pool, before.sqrtPriceX96, price),
          ...v4FollowTransactions(manifest, followers, price),
        ]),
        () => Promise.all([readPoolState(client, pool), v4FollowReport(client, manifest, followers)]),
      );
      return [{ what: `${step.pool} price`, before: before.price, after: after.price }, ...v4Moved];
    }
    case "feed.set": {
      const feed = feeds[step.feed];
      const before = await readFeed(client, feed.address);
      const after = await sendInOneBlockThenRead(
        client,
        [submit(step.feed, before, target(step, baseline.feeds[step.feed]))],
        () => readFeed(client, feed.address),
      );
      return [{ what: `${step.feed} answer`, before: before.answer, after: after.answer }];
    }
    case "perp.moveMark": {
      const before = await readPerpPrices(client, contracts.perp);
      const price = step.price ?? before.indexPrice * (1 + (step.premium ?? 0));
      await timePerpMove(client, contracts.perp, price);
      const after = await sendInOneBlockThenRead(
        client,
        defined([perpMoveTransaction(trader, contracts.perp, before.sqrtPriceX96, price)]),
        () => readPerpPrices(client, contracts.perp),
      );
      return [
        { what: "perp market price", before: before.marketPrice, after: after.marketPrice },
        { what: "perp index price", before: before.indexPrice, after: after.indexPrice },
      ];
    }
    case "market.moveEth": {
      const price = target(step, baseline.feeds.ethUsd);
      const readAll = () =>
        Promise.all([
          readPoolState(client, pools.usdcWeth500),
          readFeed(client, feeds.ethUsd.address),
          readPerpPrices(client, contracts.perp),
        ]);
      const [[poolBefore, feedBefore, perpBefore], followers] = await Promise.all([
        readAll(),
        readV4Followers(client, manifest, "usdcWeth500"),
      ]);
      // One block: the oracle posts first, as on mainnet the index leads; the spot pool follows, and the perp
      // last, as arbitrage carries spot to perp. (In this order the node also takes about half the time: with
      // the perp trade pending first, queuing the next transaction of the same sender cost ~8 ms.)
      await timePerpMove(client, contracts.perp, price);
      const [[poolAfter, feedAfter, perpAfter], v4Moved] = await sendInOneBlockThenRead(
        client,
        defined([
          submit("ethUsd", feedBefore, price),
          poolMoveTransaction(
            trader,
            contracts.swapRouter,
            pools.usdcWeth500,
            poolBefore.sqrtPriceX96,
            price,
          ),
          ...v4FollowTransactions(manifest, followers, price),
          perpMoveTransaction(trader, contracts.perp, perpBefore.sqrtPriceX96, price),
        ]),
        () => Promise.all([readAll(), v4FollowReport(client, manifest, followers)]),
      );
      return [
        { what: "usdcWeth500 price", before: poolBefore.price, after: poolAfter.price },
        { what: "ethUsd answer", before: feedBefore.answer, after: feedAfter.answer },
        { what: "perp market price", before: perpBefore.marketPrice, after: perpAfter.marketPrice },
        ...v4Moved,
      ];
    }
    case "time.advance": {
      const readAll = () =>
        Promise.all([
          readTimestamp(client),
          Promise.all(FEED_KEYS.map((key) => readFeed(client, feeds[key].address))),
        ]);
      const [before, feedsBefore] = await readAll();
      await client.testClient.increaseTime({ seconds: step.seconds });
      // The jump's block carries the heartbeat updates of the feeds that keep posting.
      const [after, feedsAfter] = await sendInOneBlockThenRead(
        client,
        step.refreshFeeds.flatMap((key) => {
          const current = feedsBefore[FEED_KEYS.indexOf(key)];
          return current ? [submit(key, current, current.answer)] : [];
        }),
        readAll,
      );
      return [
        { what: "timestamp", before, after },
        ...FEED_KEYS.map((key, i) => ({
          what: `${key} age (s)`,
          before: before - (feedsBefore[i]?.updatedAt ?? 0),
          after: after - (feedsAfter[i]?.updatedAt ?? 0),
        })),
      ];
    }
    case "aave.borrowToUtilisation":
      return borrowToUtilisation(client, manifest, step);
    case "pool.removeLiquidity": {
      const pool = pools[step.pool];
      const maker = accounts.maker.address;
      const [before, positions] = await Promise.all([
        readPoolLiquidity(client, pool.address),
        readPositionsInPool(client, maker, contracts.positionManager, pool),
      ]);
      const after = await sendInOneBlockThenRead(
        client,
        defined([removeLiquidityTransaction(maker, contracts.positionManager, positions, step.fraction)]),
        () => readPoolLiquidity(client, pool.address),
      );
      return [{ what: `${step.pool} in-range liquidity`, before: Number(before), after: Number(after) }];
    }
    case "sequencer": {
      const uptime = manifest.l2?.sequencerUptimeFeed;
      if (uptime === undefined) {
        throw new ScenarioError(
          "a sequencer step needs an L2 devnet (its manifest has no l2.sequencerUptimeFeed)",
        );
      }
      const before = await readSequencerStatus(client, uptime.address);
      if (before.status === step.status) {
        throw new ScenarioError(
          `the sequencer is already ${step.status}: the uptime feed posts only changes`,
        );
      }
      const after = await sendInOneBlockThenRead(
        client,
        [
          sequencerStatusTransaction(
            operator,
            uptime.aggregator,
            aggregatorRound(before.roundId) + 1n,
            step.status,
          ),
        ],
        () => readSequencerStatus(client, uptime.address),
      );
      const answer = (status: SequencerState["status"]) => Number(SEQUENCER_ANSWER[status]);
      return [
        { what: "sequencer status (1 = down)", before: answer(before.status), after: answer(after.status) },
      ];
    }
  }
}

/**
 * `market.path`: plans the blocks (market-path.ts: evenly spaced ticks, plus a block at each second a feed's rule
 * fires) and mines each at its planned time: the feeds' rounds first, then the spot pools (v3, and the v4 pools that
 * follow them), then the perp, as in
 * `market.moveEth`. Time is warped to each block, not waited. Each move is built from the pending state, so a
 * keeper transaction queued for the same block is accounted for.
 */
async function runMarketPath(
  client: DevnetClient,
  manifest: DevnetManifest,
  baseline: Baseline,
  step: Extract<ScenarioStep, { kind: "market.path" }>,
  feedRules: FeedRules,
  arbitrage: Arbitrage,
  onBlock: (block: Omit<BlockReport, "step">) => Promise<void>,
): Promise<{ moved: MovedValue[]; blocks: number; rounds: FeedRoundReport[]; arbitrage?: ArbitrageSwap[] }> {
  const { contracts, pools, feeds, accounts } = manifest;
  const trader = accounts.trader.address;
  const operator = accounts.deployer.address;
  const readFeeds = () => Promise.all(FEED_KEYS.map((key) => readFeed(client, feeds[key].address)));
  const [startSec, ethPool, usdcPool, perp, feedsBefore, v4EthStart, v4UsdcStart] = await Promise.all([
    readTimestamp(client),
    readPoolState(client, pools.usdcWeth500),
    readPoolState(client, pools.usdcUsdt100),
    readPerpPrices(client, contracts.perp),
    readFeeds(),
    readV4Followers(client, manifest, "usdcWeth500"),
    readV4Followers(client, manifest, "usdcUsdt100"),
  ]);
  const feedBefore = (key: FeedKey) => feedsBefore[FEED_KEYS.indexOf(key)]!;
  // USD prices from the markets themselves (USDT at its feed's answer): the feeds may lag them.
  const usdt = feedBefore("usdtUsd").answer;
  const usdcFrom = usdcPool.price * usdt;
  const ethFrom = ethPool.price * usdcFrom;
  const endSec = startSec + step.durationSec;
  const line = (from: number, to: number): LinearPricePath => ({ startSec, endSec, from, to });
  const usdcPath = line(usdcFrom, step.usdc ? target(step.usdc, baseline.feeds.usdcUsd) : usdcFrom);
  const ethPath = line(ethFrom, step.eth ? target(step.eth, baseline.feeds.ethUsd) : ethFrom);
  const markets: Record<FeedKey, LinearPricePath> = {
    ethUsd: ethPath,
    usdcUsd: usdcPath,
    daiUsd: line(feedBefore("daiUsd").answer, feedBefore("daiUsd").answer),
    usdtUsd: line(usdt, usdt),
  };
  const following: RuleFollowingFeed<FeedKey>[] = FEED_KEYS.flatMap((key) => {
    const rule = feedRules[key];
    if (rule === undefined) return [];
    const { answer, updatedAt } = feedBefore(key);
    return [
      {
        key,
        rule: { deviationBps: rule.deviationBps, heartbeatSec: rule.heartbeatSec ?? feeds[key].heartbeatSec },
        last: { answer, updatedAtSec: updatedAt },
        market: markets[key],
      },
    ];
  });
  const plan = planMarketPath({
    startSec,
    durationSec: step.durationSec,
    ticks: step.ticks,
    feeds: following,
    answerDecimals: FEED_DECIMALS,
  });
  const nextRound = new Map(FEED_KEYS.map((key) => [key, aggregatorRound(feedBefore(key).roundId) + 1n]));
  const rounds: FeedRoundReport[] = [];
  const arbitraged: ArbitrageSwap[] = [];
  const movedByPath: PoolKey[] = step.usdc ? ["usdcWeth500", "usdcUsdt100"] : ["usdcWeth500"];
  let mined = 0;
  for (const [i, block] of plan.entries()) {
    const eth = priceAt(ethPath, block.atSec);
    const usdc = priceAt(usdcPath, block.atSec);
    const queued = await arbitrage.before(movedByPath);
    const [ethPoolNow, usdcPoolNow, perpNow, v4EthNow, v4UsdcNow] = await Promise.all([
      readPoolState(client, pools.usdcWeth500, "pending"),
      step.usdc ? readPoolState(client, pools.usdcUsdt100, "pending") : undefined,
      step.eth ? readPerpPrices(client, contracts.perp, "pending") : undefined,
      readV4Followers(client, manifest, "usdcWeth500", "pending"),
      step.usdc ? readV4Followers(client, manifest, "usdcUsdt100", "pending") : [],
    ]);
    const submits = block.rounds.map((round) => {
      const roundId = nextRound.get(round.feed)!;
      nextRound.set(round.feed, roundId + 1n);
      return feedSubmitTransaction(operator, feeds[round.feed].aggregator, roundId, round.answer);
    });
    await client.testClient.setNextBlockTimestamp({ timestamp: BigInt(block.atSec) });
    await sendInOneBlock(
      client,
      defined([
        ...submits,
        poolMoveTransaction(
          trader,
          contracts.swapRouter,
          pools.usdcWeth500,
          ethPoolNow.sqrtPriceX96,
          eth / usdc,
        ),
        ...v4FollowTransactions(manifest, v4EthNow, eth / usdc),
        ...v4FollowTransactions(manifest, v4UsdcNow, usdc / usdt),
        usdcPoolNow &&
          poolMoveTransaction(
            trader,
            contracts.swapRouter,
            pools.usdcUsdt100,
            usdcPoolNow.sqrtPriceX96,
            usdc / usdt,
          ),
        perpNow && perpMoveTransaction(trader, contracts.perp, perpNow.sqrtPriceX96, eth),
      ]),
    );
    await queued.confirm();
    arbitrage.reference?.set("usdcWeth500", eth / usdc);
    if (step.usdc) arbitrage.reference?.set("usdcUsdt100", usdc / usdt);
    const blockNumber = await client.publicClient.getBlockNumber({ cacheTime: 0 });
    const posted = block.rounds.map((round) => ({ ...round, atSec: block.atSec, blockNumber }));
    rounds.push(...posted);
    mined++;
    arbitraged.push(...queued.swaps);
    await onBlock({
      blockNumber,
      atSec: block.atSec,
      rounds: posted,
      reaction: false,
      ...(arbitrage.reference && { arbitrage: queued.swaps }),
    });
    const reactions = await mineReactions(client, block.atSec, plan[i + 1]?.atSec, arbitrage, onBlock);
    mined += reactions.mined;
    arbitraged.push(...reactions.arbitraged);
  }
  const [ethPoolAfter, usdcPoolAfter, perpAfter, feedsAfter, v4Moved] = await Promise.all([
    readPoolState(client, pools.usdcWeth500),
    readPoolState(client, pools.usdcUsdt100),
    readPerpPrices(client, contracts.perp),
    readFeeds(),
    v4FollowReport(client, manifest, [...v4EthStart, ...v4UsdcStart]),
  ]);
  return {
    moved: [
      { what: "usdcWeth500 price", before: ethPool.price, after: ethPoolAfter.price },
      { what: "usdcUsdt100 price", before: usdcPool.price, after: usdcPoolAfter.price },
      { what: "perp market price", before: perp.marketPrice, after: perpAfter.marketPrice },
      ...FEED_KEYS.map((key, i) => ({
        what: `${key} answer`,
        before: feedsBefore[i]!.answer,
        after: feedsAfter[i]!.answer,
      })),
      ...v4Moved,
    ],
    blocks: mined,
    rounds,
    ...(arbitrage.reference && { arbitrage: arbitraged }),
  };
}

/** A live chain includes a transaction sent in reaction to a block (a keeper's) in a block one slot later. */
const REACTION_DELAY_SEC = 12;
/** Reactions to reactions (the rest of a capped resize) get a few more slots before the path goes on. */
const MAX_REACTION_BLOCKS = 5;

/**
 * Between two blocks of a path the chain would have produced many: transactions others queued while `onBlock`
 * ran are mined a slot later, in blocks of their own, while the next planned block is further away (otherwise they
 * ride along with it). No market moves and no feed rounds in those blocks (the plan has none due before its next
 * block), but the arbitrageur's swaps when it is on: such a block exists because others traded. Returns how many
 * were mined, the arbitrageur's swaps in them, and the last one's time.
 */
async function mineReactions(
  client: DevnetClient,
  afterSec: number,
  nextPlannedSec: number | undefined,
  arbitrage: Arbitrage,
  onBlock: (block: Omit<BlockReport, "step">) => Promise<void>,
): Promise<{ mined: number; arbitraged: ArbitrageSwap[]; lastSec: number }> {
  let lastSec = afterSec;
  let mined = 0;
  const arbitraged: ArbitrageSwap[] = [];
  while (mined < MAX_REACTION_BLOCKS) {
    const atSec = lastSec + REACTION_DELAY_SEC;
    if (nextPlannedSec !== undefined && atSec >= nextPlannedSec) break;
    const pending = await client.publicClient.getBlock({ blockTag: "pending" });
    if (pending.transactions.length === 0) break;
    const queued = await arbitrage.before([]);
    await client.testClient.setNextBlockTimestamp({ timestamp: BigInt(atSec) });
    await client.testClient.mine({ blocks: 1 });
    await queued.confirm();
    arbitraged.push(...queued.swaps);
    lastSec = atSec;
    mined++;
    const blockNumber = await client.publicClient.getBlockNumber({ cacheTime: 0 });
    await onBlock({
      blockNumber,
      atSec,
      rounds: [],
      reaction: true,
      ...(arbitrage.reference && { arbitrage: queued.swaps }),
    });
  }
  return { mined, arbitraged, lastSec };
}
