// Routes alerts to sinks: severity routing (per sink minimum), de-duplication (an alert key is sent at most
// once per window while it holds), per-sink rate limits (a sliding minute), and a "resolved" message when a
// condition that was sent clears. The clock is injected so tests control it.
import { type Alert, type AlertMessage, SEVERITY_RANK } from "./alert.ts";
import type { AlertSink } from "./sinks.ts";

export interface DeliveryOutcome {
  sink: string;
  key: string;
  status: AlertMessage["status"];
  result: "sent" | "below-min-severity" | "rate-limited" | "failed";
  error?: string;
}

export interface AlertRouter {
  /**
   * The conditions that hold now (evaluated from book metrics and keeper health). New or re-due ones fire,
   * ones that held before and are absent now resolve; events (`event: true`) fire once and never resolve.
   */
  update(active: readonly Alert[]): Promise<DeliveryOutcome[]>;
  /** Keys currently firing. */
  firing(): string[];
}

export function createAlertRouter(options: {
  sinks: readonly AlertSink[];
  dedupWindowSec: number;
  nowSec?: () => number;
  onOutcome?: (outcome: DeliveryOutcome) => void;
  /** Every message the router decides to send (before sink routing): the history records them all. */
  onMessage?: (message: AlertMessage) => Promise<void>;
}): AlertRouter {
  const nowSec = options.nowSec ?? (() => Math.floor(Date.now() / 1000));
  /** Conditions that fired and have not resolved: key → the alert and when it was last sent. */
  const open = new Map<string, { alert: Alert; lastSentSec: number }>();
  /** Events: key → when last sent (de-duplicated by the same window). */
  const eventsSent = new Map<string, number>();
  /** Per sink: send times in the last minute. */
  const sendTimes = new Map<string, number[]>();

  async function deliver(message: AlertMessage): Promise<DeliveryOutcome[]> {
    const outcomes: DeliveryOutcome[] = [];
    await options.onMessage?.(message);
    for (const sink of options.sinks) {
      const base = { sink: sink.name, key: message.key, status: message.status };
      if (SEVERITY_RANK[message.severity] < SEVERITY_RANK[sink.minSeverity]) {
        outcomes.push({ ...base, result: "below-min-severity" });
        continue;
      }
      const recent = (sendTimes.get(sink.name) ?? []).filter((t) => t > message.atSec - 60);
      if (recent.length >= sink.maxPerMinute) {
        sendTimes.set(sink.name, recent);
        outcomes.push({ ...base, result: "rate-limited" });
        continue;
      }
      recent.push(message.atSec);
      sendTimes.set(sink.name, recent);
      try {
        await sink.deliver(message);
        outcomes.push({ ...base, result: "sent" });
      } catch (error) {
        outcomes.push({ ...base, result: "failed", error: (error as Error).message });
      }
    }
    for (const outcome of outcomes) options.onOutcome?.(outcome);
    return outcomes;
  }

  return {
    async update(active) {
      const now = nowSec();
      const outcomes: DeliveryOutcome[] = [];
      const activeKeys = new Set<string>();
      for (const alert of active) {
        if (alert.event) {
          const last = eventsSent.get(alert.key);
          if (last !== undefined && now - last < options.dedupWindowSec) continue;
          eventsSent.set(alert.key, now);
          outcomes.push(...(await deliver({ ...alert, status: "firing", atSec: now })));
          continue;
        }
        activeKeys.add(alert.key);
        const previous = open.get(alert.key);
        if (previous && now - previous.lastSentSec < options.dedupWindowSec) {
          previous.alert = alert;
          continue;
        }
        open.set(alert.key, { alert, lastSentSec: now });
        outcomes.push(...(await deliver({ ...alert, status: "firing", atSec: now })));
      }
      for (const [key, { alert }] of open) {
        if (activeKeys.has(key)) continue;
        open.delete(key);
        outcomes.push(...(await deliver({ ...alert, status: "resolved", atSec: now })));
      }
      return outcomes;
    },
    firing: () => [...open.keys()],
  };
}
