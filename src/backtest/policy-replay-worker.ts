// A worker thread of parallel-backtest.ts: it holds one book and one price path (sent once, in workerData) and
// replays the policies it is handed one at a time, answering each with its outcome.
import { parentPort, workerData } from "node:worker_threads";
import type { BookParams } from "../engine/params.ts";
import { replayPolicy } from "./backtest-run.ts";
import type { PolicyReplayJob, PolicyReplayReply, PolicyReplayWorkerData } from "./parallel-backtest.ts";

const shared = workerData as PolicyReplayWorkerData;
const port = parentPort;
if (port === null) throw new Error("policy-replay-worker.ts runs as a worker thread");

port.on("message", (job: PolicyReplayJob) => {
  let reply: PolicyReplayReply;
  try {
    reply = { index: job.index, outcome: replayPolicy(shared, job.params as BookParams) };
  } catch (error) {
    reply = { index: job.index, error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});
