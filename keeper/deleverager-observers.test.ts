import pino from "pino";
import { describe, expect, it } from "vitest";
import type { AlertMessage } from "../src/alerts/alert.ts";
import { createAlertRouter } from "../src/alerts/alert-router.ts";
import type { AlertSink } from "../src/alerts/sinks.ts";
import type { DeleverageDecision } from "../src/engine/deleverage.ts";
import { createDeleveragerMetrics } from "../src/metrics/deleverager-metrics.ts";
import type { DeleveragerEvent } from "./deleverager-events.ts";
import {
  alertsOfEvent,
  createDeleveragerObserver,
  deleveragerHealth,
  underFloorAlert,
} from "./deleverager-observers.ts";

const WAD = 10n ** 18n;
const FLOOR = (15n * WAD) / 10n;
const HASH = `0x${"ab".repeat(32)}` as const;

function bookEvent(hfWad: bigint, blockNumber = 100n, decision?: DeleverageDecision) {
  return {
    kind: "book",
    bookId: "eth-book",
    blockNumber,
    healthFactorWad: hfWad,
    floorWad: FLOOR,
    keeperInGrace: false,
    decision: decision ?? { kind: "hold", reason: "above-floor", healthFactorWad: hfWad },
  } as const satisfies DeleveragerEvent;
}

function sinkMock(): AlertSink & { messages: AlertMessage[] } {
  const messages: AlertMessage[] = [];
  return {
    name: "mock",
    minSeverity: "info",
    maxPerMinute: 100,
    messages,
    deliver: async (m) => {
      messages.push(m);
    },
  };
}

function setUp(nowMs = { value: 1_000_000 }) {
  const clock = () => nowMs.value;
  const metrics = createDeleveragerMetrics({ network: "mainnet", nowMs: clock, startedAtMs: clock() });
  const sink = sinkMock();
  const router = createAlertRouter({ sinks: [sink], dedupWindowSec: 900, nowSec: () => clock() / 1000 });
  const observer = createDeleveragerObserver({
    metrics,
    router,
    network: "mainnet",
    nowMs: clock,
    logger: pino({ level: "silent" }),
  });
  return { metrics, sink, observer, nowMs };
}

const value = async (
  metrics: ReturnType<typeof createDeleveragerMetrics>,
  name: string,
  labels: Record<string, string>,
) => {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
  return metric?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value;
};

describe("the deleverager's metrics", () => {
  it("shows each book's health factor, floor, block and grace, the repays by event and the head, labelled network", async () => {
    const { metrics, observer, nowMs } = setUp();
    observer.onEvent({ kind: "head", blockNumber: 100n });
    observer.onEvent({ ...bookEvent((14n * WAD) / 10n), keeperInGrace: true });
    observer.onEvent({
      kind: "repay.sent",
      bookId: "eth-book",
      blockNumber: 100n,
      txHash: HASH,
      units: 5n,
      source: "wallet",
    });
    observer.onEvent({
      kind: "repay.confirmed",
      bookId: "eth-book",
      blockNumber: 101n,
      txHash: HASH,
      gasUsed: 1n,
    });
    observer.onEvent({ kind: "repay.failed", bookId: "eth-book", blockNumber: 102n, error: "reverted" });
    await observer.flushed();
    const book = { book_id: "eth-book", network: "mainnet" };
    expect(await value(metrics, "hedgekeeper_deleverager_health_factor", book)).toBe(1.4);
    expect(await value(metrics, "hedgekeeper_deleverager_health_factor_floor", book)).toBe(1.5);
    expect(await value(metrics, "hedgekeeper_deleverager_book_block_number", book)).toBe(100);
    expect(await value(metrics, "hedgekeeper_deleverager_keeper_in_grace", book)).toBe(1);
    for (const event of ["sent", "confirmed", "failed"])
      expect(await value(metrics, "hedgekeeper_deleverager_repays_total", { ...book, event })).toBe(1);
    expect(await value(metrics, "hedgekeeper_deleverager_last_block_number", { network: "mainnet" })).toBe(
      100,
    );
    nowMs.value += 7_500;
    expect(await value(metrics, "hedgekeeper_deleverager_head_age_seconds", { network: "mainnet" })).toBe(
      7.5,
    );
  });
});

describe("the deleverager's /healthz", () => {
  it("is ok while the head advanced within the bound, not once it has not for longer, and counts from start before any head", () => {
    const nowMs = { value: 1_000_000 };
    const { metrics, observer } = setUp(nowMs);
    const health = () =>
      deleveragerHealth({
        metrics,
        nowMs: () => nowMs.value,
        startedAtMs: 1_000_000,
        headStaleSec: 60,
        network: "mainnet",
      });
    expect(health()).toMatchObject({ ok: true, headSeen: false, headAgeSec: 0 });
    nowMs.value += 61_000;
    expect(health()).toMatchObject({ ok: false, headSeen: false, headAgeSec: 61, headStaleSec: 60 });
    observer.onEvent({ kind: "head", blockNumber: 7n });
    expect(health()).toMatchObject({ ok: true, headSeen: true, headAgeSec: 0 });
    nowMs.value += 60_000;
    expect(health().ok).toBe(true); // at the bound
    nowMs.value += 1;
    expect(health().ok).toBe(false);
  });
});

describe("the deleverager's alerts", () => {
  it("fires the floor condition (critical) while under it, and resolves it once a reading is above", async () => {
    const { sink, observer } = setUp();
    observer.onEvent(bookEvent(FLOOR)); // at the floor: no alert (the engine repays strictly under it)
    observer.onEvent(
      bookEvent(FLOOR - 1n, 101n, { kind: "hold", reason: "keeper-active", healthFactorWad: FLOOR - 1n }),
    );
    observer.onEvent(bookEvent(FLOOR - 2n, 102n)); // still under: de-duplicated
    observer.onEvent(bookEvent(2n * WAD, 103n));
    await observer.flushed();
    expect(sink.messages.map((m) => [m.key, m.severity, m.status])).toEqual([
      ["deleverager/health-factor-under-floor:eth-book", "critical", "firing"],
      ["deleverager/health-factor-under-floor:eth-book", "critical", "resolved"],
    ]);
    expect(sink.messages[0]!.text).toContain("holds (keeper-active)");
    expect(sink.messages[0]!.fields).toMatchObject({ network: "mainnet", floor: 1.5, block_number: 101 });
  });

  it("sends a repay as a warning and a failed repay as critical, once each, without resolving the floor condition", async () => {
    const { sink, observer } = setUp();
    observer.onEvent(bookEvent(FLOOR - 1n));
    const sent = {
      kind: "repay.sent",
      bookId: "eth-book",
      blockNumber: 100n,
      txHash: HASH,
      units: 5n,
      source: "aTokens",
    } as const;
    observer.onEvent(sent);
    observer.onEvent(sent); // the same transaction told twice is one message
    observer.onEvent({
      kind: "repay.failed",
      bookId: "eth-book",
      blockNumber: 100n,
      error: "simulation refused",
    });
    await observer.flushed();
    expect(sink.messages.map((m) => [m.key, m.severity, m.status])).toEqual([
      ["deleverager/health-factor-under-floor:eth-book", "critical", "firing"],
      [`deleverager/repay-sent:eth-book:${HASH}`, "warning", "firing"],
      ["deleverager/repay-failed:eth-book:100", "critical", "firing"],
    ]);
  });

  it("raises nothing for heads, confirmations, or a book above its floor", () => {
    expect(alertsOfEvent({ kind: "head", blockNumber: 1n }, "mainnet")).toEqual([]);
    expect(
      alertsOfEvent(
        { kind: "repay.confirmed", bookId: "b", blockNumber: 1n, txHash: HASH, gasUsed: 1n },
        "mainnet",
      ),
    ).toEqual([]);
    expect(underFloorAlert(bookEvent(FLOOR + 1n), "mainnet")).toBeUndefined();
  });
});
