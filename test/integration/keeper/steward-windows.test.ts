// The keeper's evaluate job over a real history store: a book of LP + ETH spot hedged on a 0.6 target, with thirty
// days of history written as the keeper writes it, then a run of blocks evaluated by the job itself. The book page's
// steward windows read the hedge as effective against its target in every window; the live window comes from the
// per-block samples, the 1 h … 30 d windows from the store's downsampled series. Without a history store the same
// job measures the live window only.

import { readFileSync } from "node:fs";
import type { Job } from "bullmq";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keeperConfigOf } from "../../../keeper/config.ts";
import type { BookReader } from "../../../keeper/context.ts";
import { processEvaluate } from "../../../keeper/evaluate-job.ts";
import { createKeeper } from "../../../keeper/keeper.ts";
import { storedWindowSeries } from "../../../keeper/stored-window-series.ts";
import { createChainClient } from "../../../src/chain/client.ts";
import { devnetPrivateKey } from "../../../src/devnet/accounts.ts";
import { DEVNET_BOOK_ID, devnetConfig } from "../../../src/devnet/devnet-config.ts";
import { parseManifest } from "../../../src/devnet/manifest.ts";
import { makeBook, makeParams, WETH } from "../../../src/engine/book-fixture.test-support.ts";
import { evaluateBook } from "../../../src/engine/book-metrics.ts";
import { encodeSqrtRatioX96 } from "../../../src/engine/price-tick.ts";
import type { BookSnapshot } from "../../../src/engine/snapshot.ts";
import { getTickAtSqrtRatio } from "../../../src/engine/tick-math.ts";
import { readBookDetail } from "../../../src/evaluation/book-evaluation.ts";
import type { ExecutionTargets } from "../../../src/execution/execution-targets.ts";
import { bookSampleOf } from "../../../src/indexers/book-sample.ts";
import type { HistoryStore } from "../../../src/store/history-store.ts";
import { openHistoryStore } from "../../../src/store/open-history-store.ts";
import { isolatedRedis } from "../../support/redis-prefix.ts";

const CHAIN_ID = 31337;
const fixtureManifest = parseManifest(
  JSON.parse(readFileSync("src/config/devnet-manifest.fixture.json", "utf8")),
  "src/config/devnet-manifest.fixture.json",
);
const BOOK_ID = "treasury-eth-lp";
const END_SEC = 1_760_000_000;
const DAY = 86_400;
const SPOT_WETH = 200;
const P0 = 3000;

/** ETH over time: a slow swing of ±1.2% over three days, with faster ripples, inside the LP's range. */
const ethUsd = (t: number) =>
  P0 *
  (1 +
    0.012 * Math.sin((2 * Math.PI * t) / (3 * DAY)) +
    0.003 * Math.sin((2 * Math.PI * t) / 7_200) +
    0.0015 * Math.sin((2 * Math.PI * t) / 420));

const params = makeParams({ targetHedgeRatio: 0.6 });

/**
 * The book at one block: the fixture's USDC/WETH LP (its liquidity fixed at the start) and 200 WETH of spot, short
 * 0.6 × their delta at the start on the perp; the pool, the feeds and the perp's index follow ETH, the perp's
 * account value moves with its size.
 */
function bookAt(blockNumber: bigint, t: number, base: BookSnapshot, sizeBase: number): BookSnapshot {
  const p = ethUsd(t);
  const [main, ...otherPools] = base.pools;
  if (main?.kind !== "uniswap-v3") throw new Error("the fixture's first pool is the USDC/WETH v3 pool");
  // USDC (token0, 6 decimals) priced in WETH (token1, 18 decimals).
  const sqrtPriceX96 = encodeSqrtRatioX96(BigInt(Math.round(1e12 / p)) * 10n ** 18n, 10n ** 12n * 10n ** 6n);
  const accountValue = 300_000 + sizeBase * (p - P0);
  const e18 = (x: number) => BigInt(Math.round(x * 1e6)) * 10n ** 12n;
  const round = (1n << 64n) | blockNumber;
  const perp = base.perp!;
  return {
    ...base,
    blockNumber,
    blockTimestampSec: t,
    baseOracle: { ...base.baseOracle, answer: BigInt(Math.round(p * 1e8)), updatedAtSec: t, roundId: round },
    oracles: base.oracles.map((o) => ({ ...o, updatedAtSec: t })),
    pools: [{ ...main, sqrtPriceX96, tick: getTickAtSqrtRatio(sqrtPriceX96) }, ...otherPools],
    perp: {
      ...perp,
      sizeBase: e18(sizeBase),
      openNotionalQuote: e18(-sizeBase * P0),
      accountValueQuote: e18(accountValue),
      markPriceE18: e18(p * 1.0005),
      indexPriceE18: e18(p),
      pendingFundingQuote: 0n,
      owedRealizedPnlQuote: 0n,
      unrealizedPnlQuote: e18(accountValue) - 300_000n * 10n ** 18n,
      pendingFeeQuote: 0n,
      collateral: { ...perp.collateral, balance: 300_000n * 10n ** 6n },
    },
    spot: base.spot.map((s) =>
      s.token.address === WETH.address ? { ...s, balance: BigInt(SPOT_WETH) * 10n ** 18n } : s,
    ),
    samples: [],
  };
}

/** The book's history as the keeper would have written it: 30 days every 30 min, the last hour every minute. */
function historyTimes(): number[] {
  const times: number[] = [];
  for (let t = END_SEC - 30 * DAY - 1_800; t < END_SEC - 3_600 - 1_800; t += 1_800) times.push(t);
  for (let t = END_SEC - 3_660; t < END_SEC - 300; t += 60) times.push(t);
  return times;
}

/** The blocks the job evaluates: the last five minutes, one every 12 s. */
const LIVE_TIMES = Array.from({ length: 26 }, (_, i) => END_SEC - 300 + 12 * i);

describe("the keeper's steward windows over the history store", () => {
  let store: HistoryStore;
  let base: BookSnapshot;
  let sizeBase: number;
  const history = historyTimes();
  const firstLiveBlock = BigInt(history.length);

  beforeAll(async () => {
    store = await openHistoryStore({ dataDir: "memory://" });
    base = makeBook({ ethUsd: P0 });
    const start = evaluateBook(bookAt(0n, END_SEC - 30 * DAY, base, 0), params, END_SEC - 30 * DAY);
    // Short 0.6 of the LP's and the spot's delta.
    sizeBase = -0.6 * (start.drift.lpDeltaBase + start.drift.spotDeltaBase);
    for (const [i, t] of history.entries()) {
      const snapshot = bookAt(BigInt(i), t, base, sizeBase);
      const metrics = evaluateBook(snapshot, params, t);
      await store.putSample(
        CHAIN_ID,
        BOOK_ID,
        {
          ...bookSampleOf(snapshot, metrics),
          driftBps: metrics.drift.driftBps,
          thresholdBps: params.armBps,
          hedgeRatio: metrics.drift.hedgeRatio,
          targetHedgeRatio: params.targetHedgeRatio,
          impermanentLossUsd: metrics.impermanentLossUsd,
          bookValueUsd: metrics.bookValueUsd,
        },
        [],
      );
    }
  });

  afterAll(async () => {
    await store?.close();
  });

  /** A keeper (monitor role, shadow mode) over this book, evaluating the live blocks through its own job. */
  async function evaluateLiveBlocks(withHistory: boolean, hedgeScale = 1) {
    let nowSec = LIVE_TIMES[0]!;
    const reader: BookReader = {
      async snapshotAt(blockNumber, memory) {
        const t = LIVE_TIMES[Number(blockNumber - firstLiveBlock)]!;
        nowSec = t;
        return {
          snapshot: { ...bookAt(blockNumber, t, base, sizeBase * hedgeScale), samples: memory.samples },
        };
      },
    };
    const effectiveness: Record<string, number>[] = [];
    const redis = isolatedRedis("steward-windows");
    const shutdown = new AbortController();
    const keeper = createKeeper({
      common: {
        // The keeper's options as `hedgekeeper run` derives them from the devnet's configuration, on this book.
        config: {
          ...keeperConfigOf(devnetConfig(fixtureManifest), { network: "devnet", bookIds: [DEVNET_BOOK_ID] }),
          chainId: CHAIN_ID,
          redisPrefix: redis.prefix,
          books: [{ bookId: BOOK_ID, mode: "shadow" }],
        },
        logger: pino({ level: "silent" }),
        clock: { nowMs: () => nowSec * 1000 },
        shutdown: { signal: shutdown.signal },
      },
      redis: { url: process.env.REDIS_URL! },
      // Never called: a monitor in shadow mode reads the chain through its book reader only.
      client: createChainClient({ chainId: CHAIN_ID, rpcUrls: ["http://127.0.0.1:9"] }),
      signerPrivateKey: devnetPrivateKey(1),
      books: [{ bookId: BOOK_ID, params, targets: {} as ExecutionTargets, reader }],
      role: "monitor",
      ...(withHistory ? { history: store } : {}),
      hooks: {
        onEvaluation: async (evaluation) => {
          effectiveness.push({ ...evaluation.effectiveness });
        },
      },
    });
    try {
      for (const [i] of LIVE_TIMES.entries()) {
        const blockNumber = firstLiveBlock + BigInt(i);
        const data = { v: 1, chainId: CHAIN_ID, bookId: BOOK_ID, blockNumber: blockNumber.toString() };
        await processEvaluate(keeper.ctx, { data } as Job);
      }
    } finally {
      shutdown.abort();
      await keeper.stop(1_000);
      await redis.cleanup();
    }
    return effectiveness;
  }

  it("reads the 0.6 hedge as effective against its target in every window, the long ones from the store", async () => {
    const effectiveness = await evaluateLiveBlocks(true);
    const status = await store.book(BOOK_ID);
    expect(status?.blockNumber).toBe(firstLiveBlock + BigInt(LIVE_TIMES.length - 1));
    const detail = readBookDetail(status!.detail)!;
    expect(detail).not.toBeNull();
    const windows = Object.fromEntries(detail.targetEffectiveness.map((w) => [w.label, w]));
    expect(Object.keys(windows)).toEqual(["live", "1h", "1d", "7d", "30d"]);
    for (const w of detail.targetEffectiveness) {
      expect(w.reason, w.label).toBeNull();
      expect(w.targetHedgeRatio).toBe(0.6);
      expect(w.relative!.effective, w.label).toBe(true);
      expect(w.relative!.regressionR2, w.label).toBeGreaterThan(0.95);
      expect(w.relative!.minVarianceMultiple!, w.label).toBeCloseTo(1, 0);
      // The hedge offsets about 0.6 of the item's moves (the LP's gamma moves its delta a little off the start).
      expect(w.realizedHedgeRatio! / 0.6, w.label).toBeGreaterThan(0.8);
      expect(w.realizedHedgeRatio! / 0.6, w.label).toBeLessThan(1.25);
      // Against the whole item the same hedge offsets 60% of its moves: not a full hedge, and not meant to be.
      expect(w.raw!.effective, w.label).toBe(false);
    }
    expect(windows.live).toMatchObject({
      source: "blocks",
      samples: 240,
      toBlock: status!.blockNumber.toString(),
    });

    // The timed windows rest on the store's downsampled series (plus this block), not on per-block samples.
    const stored = await storedWindowSeries(store, BOOK_ID, LIVE_TIMES.at(-1)!);
    for (const label of ["1h", "1d", "7d", "30d"]) {
      const w = windows[label]!;
      expect(w.source, label).toBe("history");
      expect(w.toBlock, label).toBe(status!.blockNumber.toString());
      expect(
        stored[label]!.some((p) => p.blockNumber?.toString() === w.fromBlock),
        `${label} starts at a point of the store's series`,
      ).toBe(true);
      expect(w.samples, label).toBeLessThanOrEqual(stored[label]!.length + 1);
    }
    // 30 days of per-block history would be 216,000 samples; the store's series holds one point per 3 h bucket.
    expect(windows["30d"]!.samples).toBeGreaterThan(200);
    expect(windows["30d"]!.samples).toBeLessThanOrEqual(242);
    expect(windows["30d"]!.toSec! - windows["30d"]!.fromSec!).toBeGreaterThanOrEqual(0.9 * 30 * DAY);

    // The status block and the metrics say the same: the longest window, against the target.
    expect(status!.effectivenessWindow).toBe("30d");
    expect(status!.effectiveness).toBe(windows["30d"]!.relative!.ederington);
    expect(Object.keys(effectiveness.at(-1)!)).toEqual(["live", "1h", "1d", "7d", "30d"]);

    // The rest of the risk readout rests on the same samples: σ realized from the oracle's rounds, a residual VaR.
    expect(detail.sigma).toMatchObject({ source: "realized", series: "oracle", reason: null });
    expect(detail.residualRisk.reason).toBeNull();
    expect(detail.residualRisk.valueAtRiskUsd).toBeGreaterThan(0);
  });

  it("measures the live window only without a history store, and tells a hedge half its target apart", async () => {
    const onTarget = (await evaluateLiveBlocks(false)).at(-1)!;
    expect(Object.keys(onTarget)).toEqual(["live"]);
    expect(onTarget.live).toBeGreaterThan(0.95);
    // Half the target's size removes at most 1 − 0.5² = 75% of the variance meant to be hedged.
    const halfSized = (await evaluateLiveBlocks(false, 0.5)).at(-1)!;
    expect(halfSized.live).toBeLessThan(0.8);
  });
});
