// `hedgekeeper backtest`: the book's configured policy replayed over a price path and, with a grid, every policy
// of the grid too, with the frontier of residual risk against total cost.
import { fail } from "../engine/input-guards.ts";
import type { BookParams } from "../engine/params.ts";
import type { BookSnapshot } from "../engine/snapshot.ts";
import { type GridAxis, gridPoints } from "./policy-grid.ts";
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

export function runBacktest(input: BacktestInput): BacktestRun {
  const { bookId, book, params, path } = input;
  const days = (sec: number) => Math.floor(sec / 86_400);
  if (input.grid && days(path[path.length - 1]!.timestampSec) - days(path[0]!.timestampSec) < 1)
    fail("prices", "a grid compares daily P&L volatility: the path must span at least 2 days");
  const replay = (p: BookParams) =>
    policyOutcome(bookId, replayPricePath({ book, params: p, path, mode: input.mode }));
  const configured = replay(params);
  let grid: BacktestRun["grid"] = null;
  if (input.grid) {
    const outcomes = gridPoints(params, input.grid).map((g) => ({
      label: g.label,
      outcome: replay(g.params),
    }));
    const measured = outcomes.map((o) => {
      if (o.outcome.residualRiskUsd === null)
        fail("prices", "a grid compares daily P&L volatility: the path must span at least 2 days");
      return { residualRiskUsd: o.outcome.residualRiskUsd, totalCostUsd: o.outcome.totalCostUsd };
    });
    grid = { outcomes, frontier: paretoFrontier(measured) };
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
