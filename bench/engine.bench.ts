// npm run bench:engine — the risk engine's performance budget:
//  1. exact Uniswap math: this engine (native bigint) against @uniswap/v3-sdk (JSBI) on identical inputs,
//     measured in the same run; outputs must be identical, and the engine at least 10× faster.
//  2. Uniswap v4 positions: this engine's valueV4Position (amounts and fees owed, as a full withdrawal pays them)
//     against @uniswap/v4-sdk's Position (amounts; fees from the v3-sdk PositionLibrary the v4-sdk builds on, as it
//     has no fee function) on the same positions: time per position, the ratio, and an exact equality check.
//  3. full evaluation (valuation, fees, greeks, LVR, drift, de-peg, decision) of a book of 10,000 v3
//     positions in under 100 ms, also with the keeper's 240-block sample window (the σ estimate); the risk
//     measures beside it (σ over 30 days, effectiveness windows, the stress table, residual VaR's bootstrap with its
//     draws counted once per shape against drawn per call) are reported.
// Timings: ROUNDS alternating blocks of BLOCK runs per side (engine block, SDK block, ...), best run per
// side. Blocks keep each side's garbage collected mostly within its own runs (the first run of a block may
// pay for the other side's; best-of discards it) and alternation spreads the machine's load over both.
// Default V8 flags, no forced GC.
// Prints a table and writes bench/results/engine.json.
import { writeFileSync } from "node:fs";
import os from "node:os";
import { makeBook, makeParams, NOW_SEC } from "../src/engine/book-fixture.test-support.ts";
import { evaluateBook } from "../src/engine/book-metrics.ts";
import { createBootstrapCountsCache, pathTotals } from "../src/engine/bootstrap-draw-counts.ts";
import { plainBootstrapTotals } from "../src/engine/bootstrap-plain.test-support.ts";
import { decide } from "../src/engine/decide.ts";
import { targetEffectivenessWindows } from "../src/engine/effectiveness.ts";
import { feesOwed, getFeeGrowthInside } from "../src/engine/fee-growth.ts";
import { maxLiquidityForAmounts } from "../src/engine/liquidity-amounts.ts";
import { mintAmounts, positionAmounts } from "../src/engine/position-amounts.ts";
import type { BookSample } from "../src/engine/snapshot.ts";
import {
  getAmount0Delta,
  getAmount1Delta,
  getNextSqrtPriceFromInput,
} from "../src/engine/sqrt-price-math.ts";
import { standardShocks } from "../src/engine/standard-shocks.ts";
import { mulberry32, stressBook } from "../src/engine/stress.ts";
import { getSqrtRatioAtTick, getTickAtSqrtRatio, MAX_TICK, MIN_TICK } from "../src/engine/tick-math.ts";
import { b, j, sdk, sdkCore } from "../src/engine/uniswap-sdk.test-support.ts";
import {
  engineV4Inputs,
  sdkV4Pool,
  sdkV4Valuation,
  type V4ValuationCase,
} from "../src/engine/uniswap-v4-sdk.test-support.ts";
import { DYNAMIC_FEE_FLAG, NO_HOOK } from "../src/engine/v4-hook-flags.ts";
import { NATIVE_CURRENCY, valueV4Position } from "../src/engine/v4-position.ts";
import { estimateSigma, sigmaParamsOf } from "../src/engine/volatility.ts";

const N = 20_000;
const ROUNDS = 5;
const BLOCK = 3;
const REPEATS = ROUNDS * BLOCK;
const random = mulberry32(20_260_421);
const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
const big = (bits: number) => {
  let x = 0n;
  for (let i = 0; i < bits; i += 30) x = (x << 30n) | BigInt(Math.floor(random() * 2 ** 30));
  return x & ((1n << BigInt(bits)) - 1n);
};

// ── Inputs: generated once, handed to each side in its native number type ─────────────────────────────────
const ticks = Array.from({ length: N }, () => int(MIN_TICK, MAX_TICK));
const ticksJ = ticks; // plain numbers on both sides
// Pool prices: anywhere within a tick (uniform), as a pool's price sits after a swap; one in eight exactly on
// a boundary, as after a swap that ended by crossing a tick.
const sqrtPrices = Array.from({ length: N }, () => {
  const t = int(-400_000, 400_000);
  const lo = getSqrtRatioAtTick(t);
  if (random() < 0.125) return lo;
  const span = getSqrtRatioAtTick(t + 1) - lo;
  return lo + (span * BigInt(Math.floor(random() * 2 ** 30))) / 2n ** 30n;
});
const sqrtPricesJ = sqrtPrices.map(j);
const pairs = Array.from({ length: N }, () => {
  const a = getSqrtRatioAtTick(int(-300_000, 300_000));
  const c = getSqrtRatioAtTick(int(-300_000, 300_000));
  return {
    a,
    c,
    l: big(int(40, 127)) + 1n,
    up: random() < 0.5,
    amount: big(int(20, 100)),
    zeroForOne: random() < 0.5,
  };
});
const pairsJ = pairs.map((p) => ({
  a: j(p.a),
  c: j(p.c),
  l: j(p.l),
  up: p.up,
  amount: j(p.amount),
  zeroForOne: p.zeroForOne,
}));
const token0 = new sdkCore.Token(1, "0x0000000000000000000000000000000000000001", 6, "USDC");
const token1 = new sdkCore.Token(1, "0x0000000000000000000000000000000000000002", 18, "WETH");
const positions = Array.from({ length: N }, () => {
  const tickCurrent = int(-100_000, 100_000);
  const sqrtPriceX96 = getSqrtRatioAtTick(tickCurrent) + 1n;
  const lo = Math.floor((tickCurrent - int(-2_000, 4_000)) / 10) * 10;
  const hi = lo + 10 * int(1, 600);
  return { sqrtPriceX96, tickCurrent, tickLower: lo, tickUpper: hi, liquidity: big(int(40, 100)) + 1n };
});
const positionsJ = positions.map((p) => ({
  // SDK pools are built before timing: this favours the SDK (its constructor validates the price).
  pool: new sdk.Pool(token0, token1, 500, j(p.sqrtPriceX96), j(0n), p.tickCurrent),
  liquidity: j(p.liquidity),
  tickLower: p.tickLower,
  tickUpper: p.tickUpper,
}));
const fees = Array.from({ length: N }, () => ({
  tickLower: int(-1000, 0),
  tickUpper: int(1, 1000),
  tickCurrent: int(-1500, 1500),
  g0: big(200),
  g1: big(200),
  lo0: big(200),
  lo1: big(200),
  up0: big(200),
  up1: big(200),
  last0: big(200),
  last1: big(200),
  l: big(100),
}));
// Each side gets the same data in its own API's shape, built before timing: the engine a
// FeeGrowthInsideInput, the SDK its tick objects (FeeGrowthOutside) and JSBI scalars.
const feesEngine = fees.map((f) => ({
  ...f,
  input: {
    tickLower: f.tickLower,
    tickUpper: f.tickUpper,
    tickCurrent: f.tickCurrent,
    feeGrowthGlobal0X128: f.g0,
    feeGrowthGlobal1X128: f.g1,
    lowerFeeGrowthOutside0X128: f.lo0,
    lowerFeeGrowthOutside1X128: f.lo1,
    upperFeeGrowthOutside0X128: f.up0,
    upperFeeGrowthOutside1X128: f.up1,
  },
}));
const feesJ = fees.map((f) => ({
  ...f,
  g0: j(f.g0),
  g1: j(f.g1),
  lo: { feeGrowthOutside0X128: j(f.lo0), feeGrowthOutside1X128: j(f.lo1) },
  up: { feeGrowthOutside0X128: j(f.up0), feeGrowthOutside1X128: j(f.up1) },
  last0: j(f.last0),
  last1: j(f.last1),
  l: j(f.l),
}));

// ── Workloads: each returns its outputs as bigints so the two sides can be compared exactly ──────────────
interface Workload {
  name: string;
  engine: () => bigint[];
  sdk: () => unknown[];
}

const workloads: Workload[] = [
  {
    name: "getSqrtRatioAtTick",
    engine: () => ticks.map((t) => getSqrtRatioAtTick(t)),
    sdk: () => ticksJ.map((t) => sdk.TickMath.getSqrtRatioAtTick(t)),
  },
  {
    name: "getTickAtSqrtRatio",
    engine: () => sqrtPrices.map((s) => BigInt(getTickAtSqrtRatio(s))),
    sdk: () => sqrtPricesJ.map((s) => sdk.TickMath.getTickAtSqrtRatio(s)),
  },
  {
    name: "getAmount0Delta",
    engine: () => pairs.map((p) => getAmount0Delta(p.a, p.c, p.l, p.up)),
    sdk: () => pairsJ.map((p) => sdk.SqrtPriceMath.getAmount0Delta(p.a, p.c, p.l, p.up)),
  },
  {
    name: "getAmount1Delta",
    engine: () => pairs.map((p) => getAmount1Delta(p.a, p.c, p.l, p.up)),
    sdk: () => pairsJ.map((p) => sdk.SqrtPriceMath.getAmount1Delta(p.a, p.c, p.l, p.up)),
  },
  {
    name: "getNextSqrtPriceFromInput",
    engine: () => pairs.map((p) => getNextSqrtPriceFromInput(p.a, p.l, p.amount >> 40n, p.zeroForOne)),
    sdk: () =>
      pairsJ.map((p, i) =>
        sdk.SqrtPriceMath.getNextSqrtPriceFromInput(p.a, p.l, j(pairs[i]!.amount >> 40n), p.zeroForOne),
      ),
  },
  {
    name: "maxLiquidityForAmounts",
    engine: () =>
      pairs.map((p, i) =>
        maxLiquidityForAmounts(sqrtPrices[i]!, p.a === p.c ? p.a + 1n : p.a, p.c, p.amount, p.l, p.up),
      ),
    sdk: () =>
      pairsJ.map((p, i) =>
        sdk.maxLiquidityForAmounts(
          sqrtPricesJ[i],
          pairs[i]!.a === pairs[i]!.c ? j(pairs[i]!.a + 1n) : p.a,
          p.c,
          p.amount,
          p.l,
          p.up,
        ),
      ),
  },
  {
    name: "position amounts (burn + mint)",
    engine: () =>
      positions.flatMap((p) => {
        const burn = positionAmounts(p);
        const mint = mintAmounts(p);
        return [burn.amount0, burn.amount1, mint.amount0, mint.amount1];
      }),
    sdk: () =>
      positionsJ.flatMap((p) => {
        const position = new sdk.Position(p);
        const mint = position.mintAmounts;
        return [position.amount0.quotient, position.amount1.quotient, mint.amount0, mint.amount1];
      }),
  },
  {
    name: "fee growth inside + fees owed",
    engine: () =>
      feesEngine.flatMap((f) => {
        const inside = getFeeGrowthInside(f.input);
        const owed = feesOwed({
          liquidity: f.l,
          feeGrowthInside0X128: inside.feeGrowthInside0X128,
          feeGrowthInside1X128: inside.feeGrowthInside1X128,
          feeGrowthInside0LastX128: f.last0,
          feeGrowthInside1LastX128: f.last1,
          tokensOwed0: 0n,
          tokensOwed1: 0n,
        });
        return [owed.fees0, owed.fees1];
      }),
    sdk: () =>
      feesJ.flatMap((f) => {
        const [i0, i1] = sdk.TickLibrary.getFeeGrowthInside(
          f.lo,
          f.up,
          f.tickLower,
          f.tickUpper,
          f.tickCurrent,
          f.g0,
          f.g1,
        );
        const [o0, o1] = sdk.PositionLibrary.getTokensOwed(f.last0, f.last1, f.l, i0, i1);
        return [o0, o1];
      }),
  },
];

const MASK128 = (1n << 128n) - 1n;

function time<T>(f: () => T): { ms: number; out: T } {
  const start = performance.now();
  const out = f();
  return { ms: performance.now() - start, out };
}

/** Best of the repeats: on a shared machine the least-disturbed run is the closest to the code's own cost. */
function best(xs: number[]): number {
  return Math.min(...xs);
}

const rows: {
  workload: string;
  calls: number;
  engineMs: number;
  sdkMs: number;
  speedup: number;
  identical: boolean;
}[] = [];
for (const w of workloads) {
  // warm up both sides
  w.engine();
  w.sdk();
  const engineTimes: number[] = [];
  const sdkTimes: number[] = [];
  let engineOut: bigint[] = [];
  let sdkOut: unknown[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (let r = 0; r < BLOCK; r++) {
      const e = time(w.engine);
      engineTimes.push(e.ms);
      engineOut = e.out;
    }
    for (let r = 0; r < BLOCK; r++) {
      const s = time(w.sdk);
      sdkTimes.push(s.ms);
      sdkOut = s.out;
    }
  }
  // The contract casts new fees to uint128 (Position.sol); the SDK does not: compare on the contract's terms.
  const normalize = w.name.startsWith("fee growth") ? (x: bigint) => x & MASK128 : (x: bigint) => x;
  const identical =
    engineOut.length === sdkOut.length && engineOut.every((x, i) => normalize(x) === normalize(b(sdkOut[i])));
  const engineMs = best(engineTimes);
  const sdkMs = best(sdkTimes);
  rows.push({ workload: w.name, calls: N, engineMs, sdkMs, speedup: sdkMs / engineMs, identical });
}
const totalEngine = rows.reduce((s, r) => s + r.engineMs, 0);
const totalSdk = rows.reduce((s, r) => s + r.sdkMs, 0);

// ── Uniswap v4 positions: valueV4Position against the v4-sdk ────────────────────────────────────────────────
// The devnet's three pool shapes (native ETH/USDC 0.05%, USDC/USDT 0.001%, native ETH/USDC dynamic fee on a hook),
// in turn; prices anywhere in a tick, ranges in and out of range, fee growth inside that may wrap around 2^256, with
// deltas small enough that the fees fit int128 (a withdrawal could pay them; the engine refuses the others).
const V4_KEYS = [
  {
    key: { currency0: NATIVE_CURRENCY, currency1: token0.address, fee: 500, tickSpacing: 10, hooks: NO_HOOK },
    decimals: [18, 6] as const,
  },
  {
    key: { currency0: token0.address, currency1: token1.address, fee: 10, tickSpacing: 1, hooks: NO_HOOK },
    decimals: [6, 6] as const,
  },
  {
    key: {
      currency0: NATIVE_CURRENCY,
      currency1: token0.address,
      fee: DYNAMIC_FEE_FLAG,
      tickSpacing: 60,
      hooks: "0xCf48309CE5a3231D8964b49D5544c7229d3f5000" as const,
    },
    decimals: [18, 6] as const,
  },
];
const v4Cases: V4ValuationCase[] = positions.map((p, i) => {
  const { key, decimals } = V4_KEYS[i % V4_KEYS.length]!;
  const align = (t: number) => Math.floor(t / key.tickSpacing) * key.tickSpacing;
  const tickLower = align(p.tickLower);
  const tickUpper = Math.max(align(p.tickUpper), tickLower + key.tickSpacing);
  const last0 = big(256);
  const last1 = big(256);
  const mask = (1n << 256n) - 1n;
  // Δ · L < 2^254, so fees = Δ · L / 2^128 < 2^126: within int128.
  const deltaBits = () => int(20, 254 - p.liquidity.toString(2).length);
  return {
    key,
    decimals,
    sqrtPriceX96: p.sqrtPriceX96,
    tickCurrent: p.tickCurrent,
    tickLower,
    tickUpper,
    liquidity: p.liquidity,
    feeGrowthInside0LastX128: last0,
    feeGrowthInside1LastX128: last1,
    feeGrowthInside0X128: (last0 + big(deltaBits())) & mask,
    feeGrowthInside1X128: (last1 + big(deltaBits())) & mask,
  };
});
// Each side's inputs built before timing, as for the v3 workloads: the SDK's pools (the constructor validates the
// price and hashes the pool id) and the engine's position readings and pool snapshots.
const v4Engine = v4Cases.map(engineV4Inputs);
const v4SdkPools = v4Cases.map(sdkV4Pool);
const WETH_ADDRESS = "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2" as const;
const v4EngineRun = () =>
  v4Engine.flatMap(({ position, pool }) => {
    const value = valueV4Position(position, pool, { base: WETH_ADDRESS });
    return [value.amount0, value.amount1, value.fees0, value.fees1];
  });
const v4SdkRun = () =>
  v4Cases.flatMap((c, i) => {
    const value = sdkV4Valuation(c, v4SdkPools[i]);
    return [value.amount0, value.amount1, value.fees0, value.fees1];
  });
v4EngineRun();
v4SdkRun();
const v4EngineTimes: number[] = [];
const v4SdkTimes: number[] = [];
let v4EngineOut: bigint[] = [];
let v4SdkOut: bigint[] = [];
for (let round = 0; round < ROUNDS; round++) {
  for (let r = 0; r < BLOCK; r++) {
    const e = time(v4EngineRun);
    v4EngineTimes.push(e.ms);
    v4EngineOut = e.out;
  }
  for (let r = 0; r < BLOCK; r++) {
    const s = time(v4SdkRun);
    v4SdkTimes.push(s.ms);
    v4SdkOut = s.out;
  }
}
const v4Identical = v4EngineOut.length === 4 * N && v4EngineOut.every((x, i) => x === v4SdkOut[i]);
const v4EngineMs = best(v4EngineTimes);
const v4SdkMs = best(v4SdkTimes);
const v4InRange = v4Cases.filter((c) => c.tickCurrent >= c.tickLower && c.tickCurrent < c.tickUpper).length;

// ── Full evaluation of 10,000 v3 positions ──────────────────────────────────────────────────────────────
const POSITIONS = 10_000;
const book = makeBook({ positions: POSITIONS, hedgeRatio: 0.9 });
const params = makeParams();
for (let i = 0; i < 3; i++) decide(book, params, NOW_SEC);
const evaluateTimes: number[] = [];
const decideTimes: number[] = [];
let decisionKind = "";
for (let r = 0; r < REPEATS; r++) {
  evaluateTimes.push(time(() => evaluateBook(book, params, NOW_SEC)).ms);
  const d = time(() => decide(book, params, NOW_SEC));
  decideTimes.push(d.ms);
  decisionKind =
    d.out.kind === "plan"
      ? `plan (${d.out.plan.actions.map((a) => a.kind).join(", ")})`
      : `noop (${d.out.reason})`;
}
const evaluateMs = best(evaluateTimes);
const fullMs = best(decideTimes);

// ── The risk measures of issue 16 on the same book ──────────────────────────────────────────────────────
// The keeper's window (240 blocks of 12 s: an oracle on 0.5%/1 h rounds, a pool that moves) for σ inside
// decide; 30 days of per-minute history for the steward effectiveness windows; the standard stress table.
const pathRandom = mulberry32(16);
const gauss = () => Math.sqrt(-2 * Math.log(1 - pathRandom())) * Math.cos(2 * Math.PI * pathRandom());
function history(n: number, stepSec: number): BookSample[] {
  const sigmaStep = 0.6 * Math.sqrt(stepSec / (365 * 86_400));
  let price = 3000;
  let answer = price;
  let updatedAt = NOW_SEC - stepSec * n;
  let round = 1n << 64n;
  let hedge = 0;
  return Array.from({ length: n }, (_, i) => {
    const t = NOW_SEC - 12 - stepSec * (n - 1 - i);
    const next = price * Math.exp(sigmaStep * gauss());
    hedge -= 160 * (next - price);
    price = next;
    if (Math.abs(price / answer - 1) >= 0.005 || t - updatedAt >= 3600) {
      answer = price;
      updatedAt = t;
      round += 1n;
    }
    return {
      blockNumber: BigInt(i),
      timestampSec: t,
      basePriceUsd: answer,
      baseOracleRoundId: round,
      baseOracleUpdatedAtSec: updatedAt,
      lpValueUsd: 0,
      hedgedItemValueUsd: 1_000_000 + 170 * (price - 3000),
      hedgeValueUsd: hedge,
      perpMarkPriceUsd: price,
      perpIndexPriceUsd: price,
      poolPriceUsd: price,
      fundingRateDaily: 0.0003,
      perpSizeBase: -160,
    };
  });
}
const withSamples = { ...book, samples: history(240, 12) };
const month = history(30 * 1_440, 60);
const metrics = evaluateBook(book, params, NOW_SEC);
const shocks = standardShocks(params);
const decideWithSamplesTimes: number[] = [];
const sigmaTimes: number[] = [];
const effectivenessTimes: number[] = [];
const stressTimes: number[] = [];
let sigmaNote = "";
for (let r = 0; r < REPEATS; r++) {
  const d = time(() => decide(withSamples, params, NOW_SEC));
  decideWithSamplesTimes.push(d.ms);
  const e = time(() => estimateSigma(month, sigmaParamsOf(params.risk)));
  sigmaTimes.push(e.ms);
  sigmaNote = `σ ${e.out.sigmaAnnual.toFixed(3)} (${e.out.source}, ${e.out.series ?? "-"}, ${e.out.observations} obs)`;
  effectivenessTimes.push(
    time(() => targetEffectivenessWindows(month, { targetHedgeRatio: params.targetHedgeRatio })).ms,
  );
  stressTimes.push(time(() => stressBook(book, params, NOW_SEC, shocks, metrics)).ms);
}
// Residual VaR's bootstrap (1,000 paths) over the keeper's 240-sample window: the draws counted once per shape
// and reused (what residualVarEs does) against drawing them at every call (what it did), at a one-hour horizon
// on 12 s blocks (300 steps) and on 3 s blocks (1,200, the keeper's cap). The first counted call pays the draws.
const windowChanges = Float64Array.from(
  withSamples.samples.slice(1).map((s, i) => {
    const before = withSamples.samples[i]!;
    return s.hedgedItemValueUsd! - before.hedgedItemValueUsd! + (s.hedgeValueUsd - before.hedgeValueUsd);
  }),
);
const bootstrapRows = [300, 1_200].map((horizonSteps) => {
  const counts = createBootstrapCountsCache();
  const firstCountedMs = time(() => counts(windowChanges.length, horizonSteps, 1_000, 1)).ms;
  const countedTimes: number[] = [];
  const plainTimes: number[] = [];
  let maxDifference = 0;
  for (let r = 0; r < REPEATS; r++) {
    const counted = time(() =>
      pathTotals(counts(windowChanges.length, horizonSteps, 1_000, 1), windowChanges),
    );
    const plain = time(() => plainBootstrapTotals(windowChanges, horizonSteps, 1_000, 1));
    countedTimes.push(counted.ms);
    plainTimes.push(plain.ms);
    for (let p = 0; p < 1_000; p++)
      maxDifference = Math.max(maxDifference, Math.abs(counted.out[p]! - plain.out[p]!));
  }
  const countedMs = best(countedTimes);
  const plainMs = best(plainTimes);
  return {
    horizonSteps,
    paths: 1_000,
    changes: windowChanges.length,
    firstCountedMs,
    countedMs,
    plainMs,
    ratio: plainMs / countedMs,
    maxDifferenceUsd: maxDifference,
  };
});
const withSamplesMs = best(decideWithSamplesTimes);
const sigmaMs = best(sigmaTimes);
const effectivenessMs = best(effectivenessTimes);
const stressMs = best(stressTimes);

// ── Report ──────────────────────────────────────────────────────────────────────────────────────────────
const pad = (s: string, n: number) => s.padEnd(n);
const num = (x: number, d = 2) => x.toFixed(d).padStart(10);
console.log(
  `\nExact math: ${N.toLocaleString("en")} calls per workload, best of ${REPEATS} runs in alternating blocks (Node ${process.version})\n`,
);
console.log(
  `${pad("workload", 34)}${"engine ms".padStart(10)}${"sdk ms".padStart(10)}${"speedup".padStart(10)}  identical`,
);
for (const r of rows) {
  console.log(
    `${pad(r.workload, 34)}${num(r.engineMs)}${num(r.sdkMs)}${num(r.speedup, 1)}×  ${r.identical ? "yes" : "NO"}`,
  );
}
console.log(`${pad("total", 34)}${num(totalEngine)}${num(totalSdk)}${num(totalSdk / totalEngine, 1)}×`);
console.log(
  `\nUniswap v4 positions: valueV4Position vs @uniswap/v4-sdk Position (+ v3-sdk PositionLibrary fees), ${N.toLocaleString("en")} positions (${v4InRange.toLocaleString("en")} in range; native ETH, stable and hooked pools), best of ${REPEATS}`,
);
console.log(
  `${pad("", 34)}${"engine ms".padStart(10)}${"sdk ms".padStart(10)}${"speedup".padStart(10)}  identical`,
);
console.log(
  `${pad("amounts + fees owed", 34)}${num(v4EngineMs)}${num(v4SdkMs)}${num(v4SdkMs / v4EngineMs, 1)}×  ${v4Identical ? "yes" : "NO"}`,
);
console.log(
  `${pad("per position (µs)", 34)}${num((v4EngineMs * 1000) / N, 3)}${num((v4SdkMs * 1000) / N, 3)}`,
);
console.log(
  `\nFull evaluation of ${POSITIONS.toLocaleString("en")} v3 positions (best of ${REPEATS}; ${new Set(book.lpPositions.map((p) => (p.kind === "uniswap-v3" ? `${p.tickLower}:${p.tickUpper}` : p.kind === "uniswap-v2" ? p.pool : p.poolId))).size} distinct ranges, nothing memoized):`,
);
console.log(
  `  evaluateBook (amounts, fees, USD, IL, greeks, LVR, drift, de-peg)  ${evaluateMs.toFixed(2)} ms`,
);
console.log(
  `  decide (the above + decision and plan)                            ${fullMs.toFixed(2)} ms   → ${decisionKind}`,
);
console.log(
  `  decide with the keeper's 240-block sample window (σ estimate)    ${withSamplesMs.toFixed(2)} ms`,
);
console.log(`\nRisk measures (best of ${REPEATS}):`);
console.log(`  σ estimate over 30 days of per-minute samples      ${sigmaMs.toFixed(2)} ms   → ${sigmaNote}`);
console.log(
  `  effectiveness windows (live, 1h, 1d, 7d, 30d), 30 days per minute   ${effectivenessMs.toFixed(2)} ms`,
);
console.log(
  `  standard stress table (${shocks.length} shocks, ${POSITIONS.toLocaleString("en")} positions repriced each)   ${stressMs.toFixed(2)} ms`,
);
for (const b of bootstrapRows)
  console.log(
    `  residual VaR bootstrap, ${b.paths} paths × ${b.horizonSteps} steps over ${b.changes} changes: counted draws ${b.countedMs.toFixed(3)} ms (first call ${b.firstCountedMs.toFixed(2)} ms) vs drawn per call ${b.plainMs.toFixed(2)} ms → ${b.ratio.toFixed(1)}× (largest path difference $${b.maxDifferenceUsd.toExponential(1)})`,
  );

const allIdentical = rows.every((r) => r.identical);
const speedup = totalSdk / totalEngine;
const minSpeedup = Math.min(...rows.map((r) => r.speedup));
const pass = {
  identicalOutputs: allIdentical,
  v4IdenticalOutputs: v4Identical,
  speedupAtLeast10x: speedup >= 10,
  fullEvaluationUnder100ms: fullMs < 100,
  fullEvaluationWithSamplesUnder100ms: withSamplesMs < 100,
};
console.log(
  `\nbudget: identical outputs ${allIdentical ? "✓" : "✗"} (v4 ${v4Identical ? "✓" : "✗"}); speedup ${speedup.toFixed(1)}× (min per workload ${minSpeedup.toFixed(1)}×) ${pass.speedupAtLeast10x ? "✓" : "✗"} (>= 10×); full evaluation ${fullMs.toFixed(1)} ms ${pass.fullEvaluationUnder100ms ? "✓" : "✗"}, with samples ${withSamplesMs.toFixed(1)} ms ${pass.fullEvaluationWithSamplesUnder100ms ? "✓" : "✗"} (< 100 ms)\n`,
);

const round = (x: number) => Math.round(x * 1000) / 1000;
writeFileSync(
  new URL("./results/engine.json", import.meta.url),
  `${JSON.stringify(
    {
      measuredAt: new Date().toISOString(),
      node: process.version,
      cpu: os.cpus()[0]?.model ?? "unknown",
      cores: os.cpus().length,
      exactMath: {
        callsPerWorkload: N,
        repeats: REPEATS,
        workloads: rows.map((r) => ({
          ...r,
          engineMs: round(r.engineMs),
          sdkMs: round(r.sdkMs),
          speedup: round(r.speedup),
        })),
        totalEngineMs: round(totalEngine),
        totalSdkMs: round(totalSdk),
        speedup: round(speedup),
        minWorkloadSpeedup: round(minSpeedup),
      },
      v4Positions: {
        positions: N,
        inRange: v4InRange,
        repeats: REPEATS,
        engineMs: round(v4EngineMs),
        sdkMs: round(v4SdkMs),
        enginePerPositionUs: round((v4EngineMs * 1000) / N),
        sdkPerPositionUs: round((v4SdkMs * 1000) / N),
        speedup: round(v4SdkMs / v4EngineMs),
        identical: v4Identical,
        reference:
          "@uniswap/v4-sdk Position.amount0/amount1; fees: @uniswap/v3-sdk PositionLibrary.getTokensOwed",
      },
      fullEvaluation: {
        positions: POSITIONS,
        evaluateBookMs: round(evaluateMs),
        decideMs: round(fullMs),
        decision: decisionKind,
        decideWithSamplesMs: round(withSamplesMs),
      },
      riskMeasures: {
        sigmaOver30DaysPerMinuteMs: round(sigmaMs),
        sigma: sigmaNote,
        effectivenessWindowsMs: round(effectivenessMs),
        stressTableMs: round(stressMs),
        stressShocks: shocks.length,
        residualVarBootstrap: bootstrapRows.map((b) => ({
          ...b,
          firstCountedMs: round(b.firstCountedMs),
          countedMs: round(b.countedMs),
          plainMs: round(b.plainMs),
          ratio: round(b.ratio),
        })),
      },
      pass,
    },
    null,
    2,
  )}\n`,
);
if (!Object.values(pass).every(Boolean)) process.exitCode = 1;
