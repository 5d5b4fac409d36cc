import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertConditions } from "../../../src/alerts/alert-conditions.ts";
import { createAlertRouter } from "../../../src/alerts/alert-router.ts";
import {
  createAlertSink,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  verifyWebhookSignature,
} from "../../../src/alerts/sinks.ts";
import { makeBook, makeParams, NOW_SEC } from "../../../src/engine/book-fixture.test-support.ts";
import { evaluateBook } from "../../../src/engine/book-metrics.ts";

// A real HTTP receiver on 127.0.0.1 that records every request and verifies the webhook's HMAC.
interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: Record<string, any>;
  signatureValid: boolean;
}
const SECRET = "receiver-shared-secret";
const received: Received[] = [];
let base = "";
let failNext = 0;
const server = createServer((request, response) => {
  let body = "";
  request.on("data", (chunk: Buffer) => {
    body += chunk.toString();
  });
  request.on("end", () => {
    received.push({
      path: request.url ?? "",
      headers: request.headers,
      body,
      json: JSON.parse(body),
      signatureValid: verifyWebhookSignature({
        secret: SECRET,
        body,
        timestamp: request.headers[TIMESTAMP_HEADER] as string | undefined,
        signature: request.headers[SIGNATURE_HEADER] as string | undefined,
        nowSec: Math.floor(Date.now() / 1000),
      }),
    });
    if (failNext > 0) {
      failNext -= 1;
      response.writeHead(500).end();
    } else response.writeHead(200).end("ok");
  });
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function sinks() {
  return [
    createAlertSink({
      kind: "webhook",
      name: "ops",
      url: `${base}/hook`,
      hmacSecret: SECRET,
      minSeverity: "info",
      maxPerMinute: 30,
    }),
    createAlertSink({
      kind: "slack",
      name: "slack",
      url: `${base}/slack`,
      minSeverity: "warning",
      maxPerMinute: 30,
    }),
    createAlertSink({
      kind: "discord",
      name: "discord",
      url: `${base}/discord`,
      minSeverity: "critical",
      maxPerMinute: 2,
    }),
  ];
}

const at = (path: string) => received.filter((r) => r.path === path);
const drifted = () => {
  const metrics = evaluateBook(makeBook(), makeParams({ targetHedgeRatio: 0.2 }), NOW_SEC);
  return { metrics, armBps: 100 };
};
const THRESHOLDS = { keeperHeartbeatMaxAgeSec: 120, signerBalanceMinEth: 0.5 };

describe("alerts delivered to a local HTTP receiver", () => {
  it("signs the webhook with HMAC-SHA256 over timestamp and body, and a tampered body fails verification", async () => {
    received.length = 0;
    let now = NOW_SEC;
    const router = createAlertRouter({ sinks: sinks(), dedupWindowSec: 600, nowSec: () => now });
    const alerts = alertConditions({ nowSec: now, books: [drifted()], thresholds: THRESHOLDS });
    expect(alerts.map((a) => a.key)).toEqual(["drift:treasury-eth-lp"]);
    const outcomes = await router.update(alerts);
    const hook = at("/hook");
    expect(hook).toHaveLength(1);
    expect(hook[0]!.signatureValid).toBe(true);
    expect(hook[0]!.headers[SIGNATURE_HEADER]).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(hook[0]!.json).toMatchObject({
      key: "drift:treasury-eth-lp",
      status: "firing",
      book_id: "treasury-eth-lp",
    });
    expect(
      verifyWebhookSignature({
        secret: SECRET,
        body: hook[0]!.body.replace("firing", "resolved"),
        timestamp: hook[0]!.headers[TIMESTAMP_HEADER] as string,
        signature: hook[0]!.headers[SIGNATURE_HEADER] as string,
        nowSec: Math.floor(Date.now() / 1000),
      }),
    ).toBe(false);
    // Severity routing: the drift is critical (|drift| > 2 × arm) or warning; each sink got it by its minimum.
    const severity = alerts[0]!.severity;
    expect(at("/slack")).toHaveLength(1);
    expect(at("/slack")[0]!.json.text).toContain("hedge drift beyond band");
    expect(at("/discord")).toHaveLength(severity === "critical" ? 1 : 0);
    expect(outcomes.filter((o) => o.result === "sent").length).toBe(severity === "critical" ? 3 : 2);
    now += 60;
  });

  it("de-duplicates a condition within the window and sends resolved when it clears", async () => {
    received.length = 0;
    let now = NOW_SEC;
    const router = createAlertRouter({ sinks: sinks(), dedupWindowSec: 600, nowSec: () => now });
    const alerts = alertConditions({ nowSec: now, books: [drifted()], thresholds: THRESHOLDS });
    await router.update(alerts);
    now += 60;
    await router.update(alerts);
    now += 60;
    await router.update(alerts);
    expect(at("/hook").map((r) => r.json.status)).toEqual(["firing"]);
    now += 600;
    await router.update(alerts); // still holding after the window: a reminder
    expect(at("/hook").map((r) => r.json.status)).toEqual(["firing", "firing"]);
    now += 10;
    await router.update([]);
    expect(at("/hook").map((r) => r.json.status)).toEqual(["firing", "firing", "resolved"]);
    const resolvedSlack = at("/slack").at(-1)!.json;
    expect(resolvedSlack.text).toMatch(/^✅ RESOLVED/);
    expect(router.firing()).toEqual([]);
  });

  it("rate-limits per sink, keeps delivering to the others, and reports a failing sink without throwing", async () => {
    received.length = 0;
    const now = NOW_SEC;
    const router = createAlertRouter({ sinks: sinks(), dedupWindowSec: 600, nowSec: () => now });
    const stale = Array.from({ length: 4 }, (_, i) => ({
      key: `oracle-stale:book-${i}`,
      severity: "critical" as const,
      title: `book-${i}: base oracle stale`,
      text: "answer older than heartbeat",
    }));
    failNext = 1;
    const outcomes = await router.update(stale);
    expect(at("/discord")).toHaveLength(2); // maxPerMinute 2
    expect(outcomes.filter((o) => o.sink === "discord").map((o) => o.result)).toEqual([
      "sent",
      "sent",
      "rate-limited",
      "rate-limited",
    ]);
    expect(outcomes.find((o) => o.result === "failed")).toMatchObject({
      sink: "ops",
      error: "alert sink ops: HTTP 500",
    });
    expect(at("/discord")[0]!.json.embeds[0].color).toBe(0xe74c3c);
  });

  it("fires on de-peg tier changes, keeper silence, low signer balance and failed transactions", async () => {
    received.length = 0;
    let now = NOW_SEC;
    const router = createAlertRouter({ sinks: sinks(), dedupWindowSec: 600, nowSec: () => now });
    const book = drifted();
    const withTier = (tier: "watch" | "warn") => ({
      ...book,
      metrics: { ...book.metrics, depeg: book.metrics.depeg.map((d, i) => (i === 0 ? { ...d, tier } : d)) },
    });
    const keeper = { heartbeatAtSec: now - 1_000, signers: [{ address: "0xKeeper", balanceEth: 0.01 }] };
    const first = alertConditions({
      nowSec: now,
      books: [withTier("watch")],
      keeper,
      transactions: [{ lane: "urgent", failed: 1, replaced: 0 }],
      thresholds: THRESHOLDS,
    });
    expect(first.map((a) => a.key).sort()).toEqual([
      "depeg:treasury-eth-lp:USDC:watch",
      "drift:treasury-eth-lp",
      "keeper-heartbeat",
      "signer-balance:0xkeeper",
      "tx-failed:urgent",
    ]);
    await router.update(first);
    now += 30;
    await router.update(
      alertConditions({
        nowSec: now,
        books: [withTier("warn")],
        keeper,
        transactions: [],
        thresholds: THRESHOLDS,
      }),
    );
    const hook = at("/hook").map((r) => `${r.json.status} ${r.json.key}`);
    expect(hook).toContain("firing depeg:treasury-eth-lp:USDC:warn");
    expect(hook).toContain("resolved depeg:treasury-eth-lp:USDC:watch");
    expect(hook.filter((h) => h.includes("tx-failed"))).toEqual(["firing tx-failed:urgent"]);
  });
});
