// `hedgekeeper backtest`: the book's configured policy replayed over a price path and, with a grid, every policy
// of the grid too, with the frontier of residual risk against total cost. runBacktest replays the policies one
// after another in this thread; parallel-backtest.ts replays the same policies on worker threads and assembles
// the same run (backtest-run.test.ts compares them).
import { fail } from "../engine/input-guards.ts";
import type { BookParams } from "../engine/params.ts";
import type { BookSnapshot } from "../engine/snapshot.ts";
import { type GridAxis, type GridPoint, gridPoints } from "./policy-grid.ts";
import { type PolicyOutcome, paretoFrontier, policyOutcome } from "./policy-outcome.ts";
import type { PricePoint } from "./price-path.ts";
import { type ReplayMode, replayPricePath } from "./replay.ts";

export interface GridOutcome {
  label: string;
  outcome: PolicyOutcome;
}

export interface BacktestRun {
  bookId: string;
  steps: number;
  fromSec: number;
  toSec: number;
  /** The book's configured policy. */
  configured: PolicyOutcome;
  grid: { outcomes: GridOutcome[]; frontier: number[] } | null;
}

export interface BacktestInput {
  bookId: string;
  book: BookSnapshot;
  params: BookParams;
  path: readonly PricePoint[];
  grid?: readonly GridAxis[];
  mode?: ReplayMode;
}

const GRID_SPAN_MESSAGE = "a grid compares daily P&L volatility: the path must span at least 2 days";

/** The grid's policies, after checking the path is long enough to compare them (none without a grid). */
export function backtestGridPoints(input: BacktestInput): GridPoint[] {
  if (!input.grid) return [];
  const { path } = input;
  const days = (sec: number) => Math.floor(sec / 86_400);
  if (days(path[path.length - 1]!.timestampSec) - days(path[0]!.timestampSec) < 1)
    fail("prices", GRID_SPAN_MESSAGE);
  return gridPoints(input.params, input.grid);
}

/** One policy replayed over the input's path, as the report reads it. */
export function replayPolicy(
  input: Omit<BacktestInput, "params" | "grid">,
  params: BookParams,
): PolicyOutcome {
  const { bookId, book, path, mode } = input;
  return policyOutcome(bookId, replayPricePath({ book, params, path, mode }));
}

/** The run from the configured policy's outcome and each grid point's, in the grid's order. */
export function assembleBacktestRun(
  input: BacktestInput,
  configured: PolicyOutcome,
  points: readonly GridPoint[],
  outcomes: readonly PolicyOutcome[],
): BacktestRun {
  const { bookId, path } = input;
  let grid: BacktestRun["grid"] = null;
  if (input.grid) {
    const labelled = points.map((g, i) => ({ label: g.label, outcome: outcomes[i]! }));
    const measured = labelled.map((o) => {
      if (o.outcome.residualRiskUsd === null) fail("prices", GRID_SPAN_MESSAGE);
      return { residualRiskUsd: o.outcome.residualRiskUsd, totalCostUsd: o.outcome.totalCostUsd };
    });
    grid = { outcomes: labelled, frontier: paretoFrontier(measured) };
  }
  return {
    bookId,
    steps: path.length,
    fromSec: path[0]!.timestampSec,
    toSec: path[path.length - 1]!.timestampSec,
    configured,
    grid,
  };
}

export function runBacktest(input: BacktestInput): BacktestRun {
  const points = backtestGridPoints(input);
  const configured = replayPolicy(input, input.params);
  const outcomes = points.map((g) => replayPolicy(input, g.params));
  return assembleBacktestRun(input, configured, points, outcomes);
}
