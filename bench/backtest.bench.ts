// npm run bench:backtest — the backtester's performance budget, each against a naive loop in the same run:
//  1. one year of 5-minute steps (105,120) for a v3 LP + perp book under one policy, replay and report, in < 5 s:
//     the fast replay (quiet steps skipped inside the band the engine certifies, src/backtest/quiet-band.ts)
//     against evaluating and deciding at every step, as the keeper does on every block;
//  2. a 27-point grid (armBps × cooldownSec × costMargin) over the same year in < 60 s, its policies replayed on
//     one worker thread per core (src/backtest/parallel-backtest.ts), against the same grid with every step
//     decided on the same workers; and the fast grid again in one thread, for what the workers add.
// The fast replay must record the same decision at every step as the naive loop (asserted for the year and for
// every grid point). The path is generated here (seeded GBM with funding and pool volume), not shipped.
// One timed run per side (a year's replay is long enough for timer noise not to matter); the machine's load is
// whatever it is, and the results carry the cores and CPU.
// Prints the figures and writes bench/results/backtest.json.
import { writeFileSync } from "node:fs";
import os from "node:os";
import { isDeepStrictEqual } from "node:util";
import { type BacktestRun, runBacktest } from "../src/backtest/backtest-run.ts";
import { runBacktestInParallel } from "../src/backtest/parallel-backtest.ts";
import { parseGrid } from "../src/backtest/policy-grid.ts";
import { generatePricePath } from "../src/backtest/price-generators.ts";
import { replayPricePath } from "../src/backtest/replay.ts";
import { makeBook, makeParams, NOW_SEC } from "../src/engine/book-fixture.test-support.ts";

const loadAverageAtStart = os.loadavg();
const STEPS = 105_120;
const GRID = "armBps=150,300,600;cooldownSec=600,3600,21600;costMargin=1,2,4";
// A USDC/WETH 0.05% position over −50% / +100% of the price, hedged with a Perp v2 short; arm 300 bps. The Safe
// holds 2M USDC to fund the short's margin through a year of 60% volatility (with the fixture's 200k it runs out
// and the book sits armed and unable to trade for half the year: every step is then decided in full).
const book = makeBook({ rangeHalfWidthTicks: 6931, safeUsdc: 2_000_000 });
const params = makeParams({ armBps: 300, rearmBps: 100, cooldownSec: 3_600 });
const path = generatePricePath({
  model: "gbm",
  seed: 2026,
  startSec: NOW_SEC,
  stepSec: 300,
  steps: STEPS,
  startPriceUsd: 3000,
  driftAnnual: 0,
  sigmaAnnual: 0.6,
  fundingRateDaily: 0.0001,
  volumeUsdPerDay: 200_000_000,
});

/**
 * Wall time and the CPU time the process spent (all its threads: process.cpuUsage counts the workers too). On a
 * machine shared with other work, CPU time is what the replay itself cost; wall time includes waiting for a core.
 */
interface Timing<T> {
  value: T;
  ms: number;
  cpuMs: number;
}

function timed<T>(run: () => T): Timing<T> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const value = run();
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { value, ms, cpuMs: (used.user + used.system) / 1000 };
}

async function timedAsync<T>(run: () => Promise<T>): Promise<Timing<T>> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const value = await run();
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { value, ms, cpuMs: (used.user + used.system) / 1000 };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

// Same decisions: replayed separately so the decisions of both are in hand (runBacktest keeps the report only).
const fastReplay = replayPricePath({ book, params, path, mode: "fast" });
const naiveReplay = replayPricePath({ book, params, path, mode: "every-step" });
const yearIdentical =
  isDeepStrictEqual(fastReplay.decisions, naiveReplay.decisions) &&
  isDeepStrictEqual(
    fastReplay.executed.map((e) => e.plan),
    naiveReplay.executed.map((e) => e.plan),
  );

const year = {
  fast: timed(() => runBacktest({ bookId: book.bookId, book, params, path, mode: "fast" })),
  naive: timed(() => runBacktest({ bookId: book.bookId, book, params, path, mode: "every-step" })),
};
const yearRatio = year.naive.ms / year.fast.ms;
console.log(
  `one year of 5-minute steps (${STEPS.toLocaleString("en")}): fast ${seconds(year.fast.ms)} (CPU ${seconds(year.fast.cpuMs)}; ` +
    `${fastReplay.evaluatedSteps.toLocaleString("en")} steps evaluated, ${fastReplay.executed.length} plans), ` +
    `every step ${seconds(year.naive.ms)} (CPU ${seconds(year.naive.cpuMs)}): ${yearRatio.toFixed(1)}× faster; ` +
    `same decisions ${yearIdentical ? "✓" : "✗"}`,
);

const axes = parseGrid(GRID);
const gridInput = { bookId: book.bookId, book, params, path, grid: axes };
const grid = {
  fast: await timedAsync(() => runBacktestInParallel({ ...gridInput, mode: "fast" })),
  naive: await timedAsync(() => runBacktestInParallel({ ...gridInput, mode: "every-step" })),
  fastOneThread: timed(() => runBacktest({ ...gridInput, mode: "fast" })),
};
const gridRatio = grid.naive.ms / grid.fast.ms;
/** Same trades at every grid point: the plan ids (block and actions) of every executed plan, in order. */
function gridTrades(run: BacktestRun): string[][] {
  return run.grid!.outcomes.map((o) => o.outcome.report.plans.map((p) => p.planId));
}
const gridIdentical = isDeepStrictEqual(gridTrades(grid.fast.value), gridTrades(grid.naive.value));
/** The workers change where a replay runs, not what it finds. */
const threadsIdentical = isDeepStrictEqual(grid.fast.value, grid.fastOneThread.value);
const threadRatio = grid.fastOneThread.ms / grid.fast.ms;
const threads = os.availableParallelism();
console.log(
  `27-point grid (${GRID}) on ${threads} worker threads: fast ${seconds(grid.fast.ms)} (CPU ${seconds(grid.fast.cpuMs)}), ` +
    `every step ${seconds(grid.naive.ms)} (CPU ${seconds(grid.naive.cpuMs)}): ${gridRatio.toFixed(1)}× faster; ` +
    `same plans at every point ${gridIdentical ? "✓" : "✗"}; fast in one thread ${seconds(grid.fastOneThread.ms)} ` +
    `(workers ${threadRatio.toFixed(1)}×, same run ${threadsIdentical ? "✓" : "✗"}); ` +
    `frontier: ${grid.fast.value.grid!.frontier.map((i) => grid.fast.value.grid!.outcomes[i]!.label).join(" | ")}`,
);

const pass = {
  yearSameDecisions: yearIdentical,
  yearUnder5s: year.fast.ms < 5_000,
  gridSamePlans: gridIdentical,
  gridSameOnWorkers: threadsIdentical,
  gridUnder60s: grid.fast.ms < 60_000,
};
console.log(
  `\nload average ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(
      " ",
    )} on ${os.cpus().length} cores; budget: year ${(year.fast.ms / 1000).toFixed(2)} s ${pass.yearUnder5s ? "✓" : "✗"} (< 5 s); grid ${(grid.fast.ms / 1000).toFixed(2)} s ${pass.gridUnder60s ? "✓" : "✗"} (< 60 s); same decisions ${pass.yearSameDecisions && pass.gridSamePlans ? "✓" : "✗"}\n`,
);

const round = (x: number) => Math.round(x * 1000) / 1000;
const loadAverage = { atStart: loadAverageAtStart.map(round), atEnd: os.loadavg().map(round) };
writeFileSync(
  new URL("./results/backtest.json", import.meta.url),
  `${JSON.stringify(
    {
      measuredAt: new Date().toISOString(),
      node: process.version,
      cpu: os.cpus()[0]?.model ?? "unknown",
      cores: os.cpus().length,
      loadAverage,
      year: {
        steps: STEPS,
        stepSec: 300,
        plans: fastReplay.executed.length,
        evaluatedStepsFast: fastReplay.evaluatedSteps,
        fastMs: round(year.fast.ms),
        fastCpuMs: round(year.fast.cpuMs),
        everyStepMs: round(year.naive.ms),
        everyStepCpuMs: round(year.naive.cpuMs),
        speedup: round(yearRatio),
        sameDecisions: yearIdentical,
      },
      grid: {
        spec: GRID,
        points: grid.fast.value.grid!.outcomes.length,
        workerThreads: threads,
        fastMs: round(grid.fast.ms),
        fastCpuMs: round(grid.fast.cpuMs),
        fastOneThreadMs: round(grid.fastOneThread.ms),
        workerSpeedup: round(threadRatio),
        sameRunOnWorkers: threadsIdentical,
        everyStepMs: round(grid.naive.ms),
        everyStepCpuMs: round(grid.naive.cpuMs),
        speedup: round(gridRatio),
        samePlans: gridIdentical,
        frontier: grid.fast.value.grid!.frontier.map((i) => grid.fast.value.grid!.outcomes[i]!.label),
      },
      pass,
    },
    null,
    2,
  )}\n`,
);
if (!Object.values(pass).every(Boolean)) process.exitCode = 1;
