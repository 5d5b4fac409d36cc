// The same backtest as runBacktest (backtest-run.ts), its policies replayed on worker threads: the configured
// policy and the grid's are independent replays of one path, so a 27-point grid on 2 cores takes about half
// the time. Each worker receives the book and the path once and then replays policies as they come (the next
// one goes to whichever worker is free), and the run is assembled in the grid's order, so it is the run
// runBacktest returns (backtest-run.test.ts compares them). Without a grid, or with one thread, it is runBacktest.
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { BookParams } from "../engine/params.ts";
import {
  assembleBacktestRun,
  type BacktestInput,
  type BacktestRun,
  backtestGridPoints,
  runBacktest,
} from "./backtest-run.ts";
import type { PolicyOutcome } from "./policy-outcome.ts";

export type PolicyReplayWorkerData = Omit<BacktestInput, "params" | "grid">;
export interface PolicyReplayJob {
  index: number;
  params: BookParams;
}
export type PolicyReplayReply = { index: number; outcome: PolicyOutcome } | { index: number; error: string };

const WORKER_URL = new URL("./policy-replay-worker.ts", import.meta.url);

export interface ParallelOptions {
  /** Worker threads (default: the machine's available parallelism). */
  threads?: number;
}

export async function runBacktestInParallel(
  input: BacktestInput,
  options: ParallelOptions = {},
): Promise<BacktestRun> {
  const points = backtestGridPoints(input);
  const policies = [input.params, ...points.map((p) => p.params)];
  const threads = Math.min(options.threads ?? availableParallelism(), policies.length);
  if (threads <= 1) return runBacktest(input);
  const shared: PolicyReplayWorkerData = {
    bookId: input.bookId,
    book: input.book,
    path: input.path,
    mode: input.mode,
  };
  const outcomes = await replayOnWorkers(shared, policies, threads);
  return assembleBacktestRun(input, outcomes[0]!, points, outcomes.slice(1));
}

function replayOnWorkers(
  shared: PolicyReplayWorkerData,
  policies: readonly BookParams[],
  threads: number,
): Promise<PolicyOutcome[]> {
  const outcomes: PolicyOutcome[] = new Array(policies.length);
  const workers = Array.from({ length: threads }, () => new Worker(WORKER_URL, { workerData: shared }));
  let next = 0;
  let done = 0;
  let settled = false;
  return new Promise<PolicyOutcome[]>((resolve, reject) => {
    const stop = () => Promise.all(workers.map((w) => w.terminate()));
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      void stop().then(() => reject(error), reject);
    };
    const hand = (worker: Worker) => {
      if (next < policies.length) {
        const job: PolicyReplayJob = { index: next, params: policies[next]! };
        next++;
        worker.postMessage(job);
      }
    };
    for (const worker of workers) {
      worker.on("message", (reply: PolicyReplayReply) => {
        if ("error" in reply) return fail(new Error(reply.error));
        outcomes[reply.index] = reply.outcome;
        done++;
        if (done === policies.length) {
          settled = true;
          void stop().then(() => resolve(outcomes), reject);
        } else hand(worker);
      });
      worker.on("error", fail);
      // A worker that dies without an error event (out of memory, killed) must not leave the run waiting forever.
      worker.on("exit", (code) => {
        if (done < policies.length) fail(new Error(`a backtest worker exited with code ${code} mid-run`));
      });
      hand(worker);
    }
  });
}
