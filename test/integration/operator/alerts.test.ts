import { readFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import type { Alert } from "../../../src/alerts/alert.ts";
import { alertConditions } from "../../../src/alerts/alert-conditions.ts";
import { createAlertRouter } from "../../../src/alerts/alert-router.ts";
import {
  createAlertSink,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  verifyWebhookSignature,
} from "../../../src/alerts/sinks.ts";
import { renderDevnetConfig } from "../../../src/cli/config-templates.ts";
import { parseConfig } from "../../../src/config/load-config.ts";
import { createLogger } from "../../../src/config/logger.ts";
import { parseManifest } from "../../../src/devnet/manifest.ts";
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

// Telegram (Bot API sendMessage) and PagerDuty (Events API v2) against the same local receiver, configured as
// an operator writes them: secrets as ${ENV} references, the API base URL pointed at the receiver.
const BOT_TOKEN = "7012345678:AAF-test-bot-token-not-real";
const CHAT_ID = "-1001234567890";
const ROUTING_KEY = "R0e8c1f2a3b4c5d6e7f8091a2b3c4d5e";

function configuredSinks(apiBase: string, extra: Record<string, unknown>[] = []) {
  const manifest = parseManifest(
    JSON.parse(
      readFileSync(new URL("../../../src/config/devnet-manifest.fixture.json", import.meta.url), "utf8"),
    ),
    "fixture",
  );
  const tree = parseDocument(renderDevnetConfig(manifest)).toJS() as { alerts: { sinks: unknown[] } };
  tree.alerts.sinks = [
    {
      kind: "telegram",
      name: "treasury-telegram",
      botToken: "${HK_TELEGRAM_BOT_TOKEN}",
      chatId: "${HK_TELEGRAM_CHAT_ID}",
      apiBaseUrl: `${apiBase}/tg`,
      minSeverity: "warning",
      maxPerMinute: 2,
    },
    {
      kind: "pagerduty",
      name: "on-call",
      routingKey: "${HK_PAGERDUTY_ROUTING_KEY}",
      apiBaseUrl: `${apiBase}/pd/`,
      minSeverity: "critical",
      maxPerMinute: 30,
    },
    ...extra,
  ];
  return parseConfig(JSON.stringify(tree), {
    env: {
      HK_HEDGE_GUARD: "0x00000000000000000000000000000000000000aa",
      HK_HEDGE_BOUNDS: "0x00000000000000000000000000000000000000bb",
      HK_V4_WITHDRAWAL_BOUNDS: "0x00000000000000000000000000000000000000cc",
      HK_KEEPER_PRIVATE_KEY: `0x${"11".repeat(32)}`,
      HK_TELEGRAM_BOT_TOKEN: BOT_TOKEN,
      HK_TELEGRAM_CHAT_ID: CHAT_ID,
      HK_PAGERDUTY_ROUTING_KEY: ROUTING_KEY,
    },
  });
}

const critical = (key: string, text = "answer older than heartbeat"): Alert => ({
  key,
  severity: "critical",
  title: `${key}: base oracle stale`,
  text,
  bookId: "treasury-eth",
  fields: { ageSec: 4_000 },
});

describe("Telegram and PagerDuty sinks", () => {
  it("posts sendMessage to the bot's endpoint with the chat id, HTML-escaped, only at or above its minimum severity", async () => {
    received.length = 0;
    const config = configuredSinks(base);
    const router = createAlertRouter({
      sinks: config.alerts.sinks.map((sink) => createAlertSink(sink)),
      dedupWindowSec: 600,
      nowSec: () => NOW_SEC,
    });
    const outcomes = await router.update([
      { ...critical("oracle-stale:treasury-eth", "age <4000 s> & counting"), severity: "warning" },
      {
        key: "tx-replaced:routine",
        severity: "info",
        title: "1 transaction replaced",
        text: "",
        event: true,
      },
    ]);
    const telegram = at(`/tg/bot${BOT_TOKEN}/sendMessage`);
    expect(telegram).toHaveLength(1);
    expect(telegram[0]!.json).toMatchObject({
      chat_id: CHAT_ID,
      parse_mode: "HTML",
      link_preview_options: { is_disabled: true },
    });
    expect(telegram[0]!.json.text).toContain(
      "<b>⚠️ WARNING: oracle-stale:treasury-eth: base oracle stale</b>",
    );
    expect(telegram[0]!.json.text).toContain("age &lt;4000 s&gt; &amp; counting");
    expect(telegram[0]!.json.text).toContain("<code>oracle-stale:treasury-eth</code>");
    expect(outcomes.filter((o) => o.sink === "treasury-telegram").map((o) => o.result)).toEqual([
      "sent",
      "below-min-severity",
    ]);
    // A warning stays below PagerDuty's critical minimum.
    expect(at("/pd/v2/enqueue")).toHaveLength(0);
  });

  it("triggers a PagerDuty event per alert key and resolves the same dedup_key when the condition clears", async () => {
    received.length = 0;
    let now = NOW_SEC;
    const config = configuredSinks(base);
    const router = createAlertRouter({
      sinks: config.alerts.sinks.map((sink) => createAlertSink(sink)),
      dedupWindowSec: 600,
      nowSec: () => now,
    });
    await router.update([critical("oracle-stale:treasury-eth")]);
    now += 700;
    await router.update([critical("oracle-stale:treasury-eth")]); // a reminder: the same incident
    now += 60;
    await router.update([]);
    const events = at("/pd/v2/enqueue").map((r) => r.json);
    expect(events.map((e) => e.event_action)).toEqual(["trigger", "trigger", "resolve"]);
    expect(new Set(events.map((e) => e.dedup_key))).toEqual(
      new Set(["hedgekeeper:oracle-stale:treasury-eth"]),
    );
    expect(events.every((e) => e.routing_key === ROUTING_KEY)).toBe(true);
    expect(events[0]).toMatchObject({
      payload: {
        summary: "oracle-stale:treasury-eth: base oracle stale: answer older than heartbeat",
        source: "hedgekeeper",
        severity: "critical",
        component: "treasury-eth",
        class: "oracle-stale",
        custom_details: { key: "oracle-stale:treasury-eth", ageSec: 4_000 },
        timestamp: new Date(NOW_SEC * 1000).toISOString(),
      },
    });
    expect(events[2]).toEqual({
      routing_key: ROUTING_KEY,
      event_action: "resolve",
      dedup_key: "hedgekeeper:oracle-stale:treasury-eth",
    });
    expect(at(`/tg/bot${BOT_TOKEN}/sendMessage`).at(-1)!.json.text).toMatch(/^<b>✅ RESOLVED/);
  });

  it("maps each severity to PagerDuty's and rate-limits each sink on its own", async () => {
    received.length = 0;
    const config = configuredSinks(base);
    const sinks = config.alerts.sinks.map((sink) =>
      sink.kind === "pagerduty"
        ? createAlertSink({ ...sink, minSeverity: "info", maxPerMinute: 3 })
        : createAlertSink(sink),
    );
    const router = createAlertRouter({ sinks, dedupWindowSec: 600, nowSec: () => NOW_SEC });
    const outcomes = await router.update([
      { ...critical("a"), severity: "info" },
      { ...critical("b"), severity: "warning" },
      critical("c"),
      critical("d"),
    ]);
    expect(at("/pd/v2/enqueue").map((r) => [r.json.dedup_key, r.json.payload.severity])).toEqual([
      ["hedgekeeper:a", "info"],
      ["hedgekeeper:b", "warning"],
      ["hedgekeeper:c", "critical"],
    ]);
    expect(outcomes.filter((o) => o.sink === "on-call").map((o) => o.result)).toEqual([
      "sent",
      "sent",
      "sent",
      "rate-limited",
    ]);
    // Telegram: its minimum (warning) drops "a", its two per minute take "b" and "c".
    expect(outcomes.filter((o) => o.sink === "treasury-telegram").map((o) => o.result)).toEqual([
      "below-min-severity",
      "sent",
      "sent",
      "rate-limited",
    ]);
  });

  it("never writes the bot token or the routing key to a log line, delivered or failed", async () => {
    received.length = 0;
    // A closed port: the request itself fails (its URL carries the bot token).
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const closedBase = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const config = configuredSinks(base, [
      {
        kind: "telegram",
        name: "unreachable-telegram",
        botToken: "${HK_TELEGRAM_BOT_TOKEN}",
        chatId: "${HK_TELEGRAM_CHAT_ID}",
        apiBaseUrl: closedBase,
      },
    ]);
    const lines: string[] = [];
    const logger = createLogger({
      config,
      level: "debug",
      destination: { write: (line) => void lines.push(line) },
    });
    failNext = 1; // the first delivery (Telegram) answers 500
    const router = createAlertRouter({
      sinks: config.alerts.sinks.map((sink) => createAlertSink(sink)),
      dedupWindowSec: 600,
      nowSec: () => NOW_SEC,
      // As `hedgekeeper run` logs them, and more: every outcome, with its sink's configuration.
      onOutcome: (outcome) =>
        logger.warn(
          { ...outcome, sink_config: config.alerts.sinks.find((s) => s.name === outcome.sink) },
          `alert ${outcome.result}: ${outcome.error ?? ""}`,
        ),
    });
    const outcomes = await router.update([critical("oracle-stale:treasury-eth")]);
    expect(outcomes.map((o) => [o.sink, o.result])).toEqual([
      ["treasury-telegram", "failed"],
      ["on-call", "sent"],
      ["unreachable-telegram", "failed"],
    ]);
    expect(outcomes.map((o) => o.error ?? "")).toEqual([
      "alert sink treasury-telegram: HTTP 500",
      "",
      "alert sink unreachable-telegram: request failed",
    ]);
    logger.info({ sinks: config.alerts.sinks }, "alert sinks configured");
    const text = lines.join("");
    expect(lines).toHaveLength(4);
    expect(text).toContain("treasury-telegram");
    expect(text).not.toContain(BOT_TOKEN);
    expect(text).not.toContain(BOT_TOKEN.split(":")[1]);
    expect(text).not.toContain(ROUTING_KEY);
  });
});
