// What a network's keeper process and the supervisor that forked it (keeper/network-supervisor.ts) tell each other
// over Node's IPC channel. The child keeps one network's books and serves nothing; the supervisor serves the one
// /metrics, /healthz, API and dashboard and routes every alert. So the child hands over, as plain JSON: the alert
// conditions that hold on its network (each health refresh and on a tampered plan), its health, and its metrics
// registry when the supervisor is scraped.
import type { Registry } from "prom-client";
import type { Alert } from "../src/alerts/alert.ts";
import type { KeeperHealth } from "../src/metrics/metrics.ts";

/** A registry's metrics as prom-client's JSON (what `AggregatorRegistry.aggregate` takes). */
export type MetricsJson = Awaited<ReturnType<Registry["getMetricsAsJSON"]>>;

/** The child's /healthz verdict, as the single-process keeper reports it. */
export interface NetworkHealthReport {
  ok: boolean;
  role: string;
  books: string[];
}

/** Child → supervisor. */
export type NetworkChildMessage =
  | { type: "ready"; network: string; bookIds: string[] }
  | { type: "alerts"; active: Alert[] }
  | { type: "health"; report: NetworkHealthReport; keeper: KeeperHealth }
  | { type: "metrics"; requestId: number; metrics: MetricsJson };

/** Supervisor → child. */
export type NetworkSupervisorMessage = { type: "scrape-metrics"; requestId: number };

/** The child's side, as the composition root (start-hedgekeeper.ts) uses it. */
export interface NetworkChannel {
  send(message: NetworkChildMessage): void;
  /** Answers each scrape with the registry's metrics (prom-client's JSON form, which the supervisor aggregates). */
  answerScrapes(metrics: () => Promise<MetricsJson>): void;
}

/** The channel of a process forked with IPC (`process.send` exists); undefined otherwise. */
export function networkChannelOfProcess(proc: NodeJS.Process): NetworkChannel | undefined {
  const send = proc.send?.bind(proc);
  if (send === undefined) return undefined;
  return {
    send: (message) => {
      // A supervisor that is gone has nothing to be told; the child stops on its own disconnect.
      if (proc.connected) send(message);
    },
    answerScrapes(metrics) {
      proc.on("message", (message: NetworkSupervisorMessage) => {
        if (message?.type !== "scrape-metrics") return;
        void metrics().then((m) => {
          if (proc.connected) send({ type: "metrics", requestId: message.requestId, metrics: m });
        });
      });
    },
  };
}
