import { describe, expect, it } from "vitest";
import { makeBook, makeParams, NOW_SEC } from "../engine/book-fixture.test-support.ts";
import { evaluateBook } from "../engine/book-metrics.ts";
import {
  createMetrics,
  recordBookMetrics,
  recordJob,
  recordKeeperHealth,
  recordTransaction,
} from "./metrics.ts";
import { startMetricsServer } from "./metrics-server.ts";

/** The sample value of `name{labels}` in a Prometheus text exposition. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split("\n")) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-z_]+)(\{(.*)\})? (.+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[3] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(match[4]);
  }
  return undefined;
}

describe("metrics", () => {
  it("serves each book's drift, hedge ratio, IL, de-peg and oracle age on /metrics, scraped over HTTP", async () => {
    const metrics = createMetrics();
    const book = evaluateBook(makeBook(), makeParams(), NOW_SEC);
    recordBookMetrics(metrics, book, { effectiveness: { "1d": 0.93, "7d": null } });
    recordKeeperHealth(metrics, {
      heartbeatAtSec: NOW_SEC,
      queues: [{ name: "execute", depth: 3, lagSec: 12 }],
      signers: [{ address: "0xabc", balanceEth: 0.42 }],
      lastSuccessAtSec: { snapshot: NOW_SEC - 5 },
    });
    recordJob(metrics, { name: "decide", durationMs: 40, ok: true, finishedAtSec: NOW_SEC });
    recordTransaction(metrics, { lane: "urgent", event: "sent" });
    recordTransaction(metrics, { lane: "urgent", event: "replaced" });
    recordTransaction(metrics, { lane: "urgent", event: "confirmed", gasUsed: 812_345n });
    const server = await startMetricsServer({ metrics, health: () => ({ ok: true, books: 1 }) });
    try {
      const response = await fetch(`${server.url}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toContain("text/plain");
      const text = await response.text();
      const id = { book_id: book.bookId };
      expect(sample(text, "hedgekeeper_book_drift_bps", id)).toBeCloseTo(book.drift.driftBps, 6);
      expect(sample(text, "hedgekeeper_book_hedge_ratio", id)).toBeCloseTo(book.drift.hedgeRatio, 6);
      expect(sample(text, "hedgekeeper_book_impermanent_loss_usd", id)).toBeCloseTo(
        book.impermanentLossUsd,
        3,
      );
      expect(sample(text, "hedgekeeper_book_hedge_effectiveness", { ...id, window: "1d" })).toBe(0.93);
      expect(sample(text, "hedgekeeper_book_hedge_effectiveness", { ...id, window: "7d" })).toBeUndefined();
      expect(sample(text, "hedgekeeper_depeg_tier", { ...id, asset: "USDC" })).toBe(0);
      expect(
        sample(text, "hedgekeeper_depeg_deviation_bps", { ...id, asset: "USDC", source: "median" }),
      ).toBeDefined();
      expect(sample(text, "hedgekeeper_oracle_age_seconds", { ...id, feed: "base" })).toBe(
        book.baseOracle.ageSec,
      );
      expect(sample(text, "hedgekeeper_queue_depth", { queue: "execute" })).toBe(3);
      expect(sample(text, "hedgekeeper_queue_lag_seconds", { queue: "execute" })).toBe(12);
      expect(sample(text, "hedgekeeper_signer_balance_eth", { signer: "0xabc" })).toBe(0.42);
      expect(sample(text, "hedgekeeper_transactions_total", { lane: "urgent", event: "replaced" })).toBe(1);
      expect(sample(text, "hedgekeeper_gas_used_total", { lane: "urgent" })).toBe(812_345);
      expect(sample(text, "hedgekeeper_job_duration_seconds_count", { job: "decide", outcome: "ok" })).toBe(
        1,
      );
      expect(sample(text, "hedgekeeper_last_success_timestamp_seconds", { component: "decide" })).toBe(
        NOW_SEC,
      );
      expect(sample(text, "hedgekeeper_keeper_heartbeat_timestamp_seconds")).toBe(NOW_SEC);

      const health = await fetch(`${server.url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ ok: true, books: 1 });
      expect((await fetch(`${server.url}/nope`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it("keeps each instance on its own registry and reports unhealthy as 503", async () => {
    const a = createMetrics();
    const b = createMetrics();
    recordTransaction(a, { lane: "routine", event: "failed" });
    expect(await b.registry.metrics()).not.toContain('event="failed"');
    const server = await startMetricsServer({
      metrics: b,
      health: () => ({ ok: false, reason: "heartbeat missed" }),
    });
    try {
      const response = await fetch(`${server.url}/healthz`);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ ok: false, reason: "heartbeat missed" });
    } finally {
      await server.close();
    }
  });
});
