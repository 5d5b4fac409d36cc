import { createPublicClient } from "viem";
import type { DevnetClient } from "./devnet-client.ts";
import { feedSubmitTransaction } from "./feed-answer.ts";
import type { DevnetManifest } from "./manifest.ts";
import { perpMoveTransaction, poolMoveTransaction, removeLiquidityTransaction } from "./market-moves.ts";
import {
  aggregatorRound,
  type FeedState,
  readFeed,
  readPerpPrices,
  readPoolLiquidity,
  readPoolPrice,
  readPoolState,
  readPositionsInPool,
  readTimestamp,
} from "./market-state.ts";
import type { PoolKey } from "./pools.ts";
import type { Scenario, ScenarioStep } from "./scenario.ts";
import { sendInOneBlockThenRead, withManualMining } from "./transactions.ts";

type FeedKey = keyof DevnetManifest["feeds"];

/** One value a step moved. */
export interface MovedValue {
  what: string;
  before: number;
  after: number;
}

export interface StepReport {
  index: number;
  kind: ScenarioStep["kind"];
  label: string;
  durationMs: number;
  moved: MovedValue[];
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
  }
}

/**
 * Runs a scenario against a bootstrapped devnet with real transactions from the manifest's market participants
 * (trader swaps and trades perp, the feeds' operator submits rounds, the maker withdraws liquidity) and reports,
 * per step, each value before and after. Each step is one block: automine is off while the scenario runs.
 */
export async function runScenario(
  client: DevnetClient,
  manifest: DevnetManifest,
  scenario: Scenario,
  /** `onStep` runs after each step's block and is awaited: a caller may let others react before the next step. */
  options: { onStep?: (report: StepReport) => void | Promise<void> } = {},
): Promise<ScenarioReport> {
  const started = performance.now();
  client = withBatchedReads(client);
  const baseline = await readBaseline(client, manifest);
  const steps: StepReport[] = [];
  await withManualMining(client, async () => {
    for (const [index, step] of scenario.steps.entries()) {
      const stepStarted = performance.now();
      const moved = await runStep(client, manifest, baseline, step);
      const report = {
        index,
        kind: step.kind,
        label: describe(step),
        durationMs: performance.now() - stepStarted,
        moved,
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

function defined<T>(values: readonly (T | undefined)[]): T[] {
  return values.filter((value): value is T => value !== undefined);
}

async function runStep(
  client: DevnetClient,
  manifest: DevnetManifest,
  baseline: Baseline,
  step: ScenarioStep,
): Promise<MovedValue[]> {
  const { contracts, pools, feeds, accounts } = manifest;
  const trader = accounts.trader.address;
  const operator = accounts.deployer.address;
  const submit = (key: FeedKey, current: FeedState, answer: number) =>
    feedSubmitTransaction(operator, feeds[key].aggregator, aggregatorRound(current.roundId) + 1n, answer);
  switch (step.kind) {
    case "pool.movePrice": {
      const pool = pools[step.pool];
      const before = await readPoolState(client, pool);
      const price = target(step, baseline.pools[step.pool]);
      const after = await sendInOneBlockThenRead(
        client,
        defined([poolMoveTransaction(trader, contracts.swapRouter, pool, before.sqrtPriceX96, price)]),
        () => readPoolState(client, pool),
      );
      return [{ what: `${step.pool} price`, before: before.price, after: after.price }];
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
      const [poolBefore, feedBefore, perpBefore] = await readAll();
      // One block: the oracle posts first, as on mainnet the index leads; the spot pool follows, and the perp
      // last, as arbitrage carries spot to perp. (In this order the node also takes about half the time: with
      // the perp trade pending first, queuing the next transaction of the same sender cost ~8 ms.)
      const [poolAfter, feedAfter, perpAfter] = await sendInOneBlockThenRead(
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
          perpMoveTransaction(trader, contracts.perp, perpBefore.sqrtPriceX96, price),
        ]),
        readAll,
      );
      return [
        { what: "usdcWeth500 price", before: poolBefore.price, after: poolAfter.price },
        { what: "ethUsd answer", before: feedBefore.answer, after: feedAfter.answer },
        { what: "perp market price", before: perpBefore.marketPrice, after: perpAfter.marketPrice },
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
  }
}
