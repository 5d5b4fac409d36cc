import { describe, expect, it } from "vitest";
import { renderBacktestHtml, renderBacktestText } from "../cli/backtest-view.ts";
import { makeBook, makeParams, NOW_SEC } from "../engine/book-fixture.test-support.ts";
import { runBacktest } from "./backtest-run.ts";
import { runBacktestInParallel } from "./parallel-backtest.ts";
import { gridPoints, parseGrid } from "./policy-grid.ts";
import { paretoFrontier } from "./policy-outcome.ts";
import { generatePricePath } from "./price-generators.ts";

const book = makeBook({ rangeHalfWidthTicks: 6931 });
const params = makeParams({ armBps: 300, rearmBps: 100, cooldownSec: 3_600 });
const path = generatePricePath({
  model: "gbm",
  seed: 3,
  startSec: NOW_SEC,
  stepSec: 900,
  steps: 4 * 24 * 6,
  startPriceUsd: 3000,
  driftAnnual: 0,
  sigmaAnnual: 0.8,
  fundingRateDaily: 0.0003,
});

describe("policy grid", () => {
  it("reads parameter=values lists and makes every combination on top of the configured policy", () => {
    const axes = parseGrid("armBps=100,300; costMargin=1,2,4");
    const points = gridPoints(params, axes);
    expect(points.map((p) => p.label)).toEqual([
      "armBps=100 costMargin=1",
      "armBps=100 costMargin=2",
      "armBps=100 costMargin=4",
      "armBps=300 costMargin=1",
      "armBps=300 costMargin=2",
      "armBps=300 costMargin=4",
    ]);
    expect(points[4]!.params).toEqual({ ...params, armBps: 300, costMargin: 2 });
  });

  it.each([
    ["slippage=1,2", /grid parameter "slippage": must be one of armBps/],
    ["armBps=1,x", /grid armBps\[1\]: must be a finite number/],
    ["armBps=1;armBps=2", /grid parameter "armBps": is listed twice/],
    ["armBps", /grid "armBps": must read parameter=v1,v2/],
  ])("names what is wrong in %s", (spec, message) => {
    expect(() => parseGrid(spec)).toThrow(message);
  });

  it("refuses a combination the engine refuses, naming it", () => {
    // The configured re-arm band is 100 bps: an arm band inside it breaks the hysteresis.
    expect(() => gridPoints(params, parseGrid("armBps=50"))).toThrow(/grid point "armBps=50".*rearmBps/);
  });
});

describe("paretoFrontier", () => {
  it("keeps exactly the points no other point beats on both risk and cost", () => {
    const outcomes = [
      { residualRiskUsd: 10, totalCostUsd: 1 },
      { residualRiskUsd: 5, totalCostUsd: 5 },
      { residualRiskUsd: 6, totalCostUsd: 6 }, // dominated by the one before
      { residualRiskUsd: 1, totalCostUsd: 10 },
      { residualRiskUsd: 10, totalCostUsd: 2 }, // dominated by the first
    ];
    expect(paretoFrontier(outcomes)).toEqual([0, 1, 3]);
  });
});

describe("runBacktest", () => {
  it("sweeps the grid, each point a replay, and its frontier is Pareto over the outcomes", () => {
    const run = runBacktest({
      bookId: "treasury-eth-lp",
      book,
      params,
      path,
      grid: parseGrid("armBps=150,300,600;costMargin=1,4"),
    });
    const outcomes = run.grid!.outcomes;
    expect(outcomes).toHaveLength(6);
    // Narrower bands trade more.
    const trades = (label: string) => outcomes.find((o) => o.label === label)!.outcome.trades;
    expect(trades("armBps=150 costMargin=1")).toBeGreaterThan(trades("armBps=600 costMargin=1"));
    const frontier = new Set(run.grid!.frontier);
    expect(frontier.size).toBeGreaterThan(0);
    for (const [i, o] of outcomes.entries()) {
      const risk = o.outcome.residualRiskUsd!;
      const cost = o.outcome.totalCostUsd;
      const beaten = outcomes.some(
        (p) =>
          p.outcome.residualRiskUsd! <= risk &&
          p.outcome.totalCostUsd <= cost &&
          (p.outcome.residualRiskUsd! < risk || p.outcome.totalCostUsd < cost),
      );
      expect(frontier.has(i), o.label).toBe(!beaten);
    }
    // The configured policy's report: the attribution sums back to the change in value.
    const a = run.configured.report.attribution;
    expect(Math.abs(a.total.unexplainedUsd)).toBeLessThan(1e-6 * a.grossPnlUsd);
    expect(run.configured.report.risk.hedged.volatilityUsd).toBeLessThan(
      run.configured.report.risk.unhedged.volatilityUsd!,
    );

    const text = renderBacktestText(run);
    expect(text).toMatch(/hedge price P&L/);
    expect(text).toMatch(/\* = frontier/);
    const html = renderBacktestHtml(run);
    expect(html).toMatch(/<svg[^>]*aria-label="residual risk against total cost"/);
    expect(html.match(/<circle /g)).toHaveLength(6);
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  });

  it("refuses a grid on a path too short for daily statistics", () => {
    expect(() =>
      runBacktest({ bookId: "b", book, params, path: path.slice(0, 3), grid: parseGrid("armBps=300") }),
    ).toThrow(/at least 2 days/);
  });
});

describe("runBacktestInParallel", () => {
  it("returns the very run runBacktest returns, its policies replayed on two worker threads", async () => {
    const input = {
      bookId: "treasury-eth-lp",
      book,
      params,
      path,
      grid: parseGrid("armBps=150,600;costMargin=1,4"),
    };
    const parallel = await runBacktestInParallel(input, { threads: 2 });
    expect(parallel).toEqual(runBacktest(input));
    expect(parallel.grid!.outcomes.map((o) => o.label)).toEqual([
      "armBps=150 costMargin=1",
      "armBps=150 costMargin=4",
      "armBps=600 costMargin=1",
      "armBps=600 costMargin=4",
    ]);
  });

  it("rejects with the worker's error, naming the bad field", async () => {
    // A path whose second row is earlier than its first: every replay refuses it (replay.test.ts), here inside a
    // worker. The positive control is the test above: the same grid on the path in order.
    const swapped = [path[1]!, path[0]!, ...path.slice(2)];
    const input = { bookId: "b", book, params, path: swapped, grid: parseGrid("armBps=300,600") };
    await expect(runBacktestInParallel(input, { threads: 2 })).rejects.toThrow(/point\.timestampSec/);
  });
});
