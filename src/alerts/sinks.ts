// Alert sinks: a generic JSON webhook signed with HMAC-SHA256, Slack- and Discord-compatible incoming webhooks,
// a Telegram bot (Bot API sendMessage) and PagerDuty (Events API v2). The signature scheme (docs/alerts.md): header `x-hedgekeeper-timestamp` = unix seconds,
// `x-hedgekeeper-signature` = `sha256=` + hex HMAC-SHA256(secret, `${timestamp}.${body}`). The receiver
// recomputes it over the raw body and refuses timestamps outside its tolerance (replay protection).
import { createHmac, timingSafeEqual } from "node:crypto";
import type { AlertSinkConfig } from "../config/schema.ts";
import type { AlertMessage, Severity } from "./alert.ts";

export const SIGNATURE_HEADER = "x-hedgekeeper-signature";
export const TIMESTAMP_HEADER = "x-hedgekeeper-timestamp";

export interface AlertSink {
  name: string;
  minSeverity: Severity;
  maxPerMinute: number;
  deliver(message: AlertMessage): Promise<void>;
}

export class AlertDeliveryError extends Error {
  override name = "AlertDeliveryError";
  readonly retryable: boolean;
  constructor(message: string, retryable: boolean, options?: { cause?: unknown }) {
    super(message, options);
    this.retryable = retryable;
  }
}

export function signWebhookBody(secret: string, timestampSec: number, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestampSec}.${body}`).digest("hex")}`;
}

/** For receivers (and tests): true when the signature matches and the timestamp is within tolerance. */
export function verifyWebhookSignature(input: {
  secret: string;
  body: string;
  timestamp: string | undefined;
  signature: string | undefined;
  nowSec: number;
  toleranceSec?: number;
}): boolean {
  const ts = Number(input.timestamp);
  if (!Number.isInteger(ts) || input.signature === undefined) return false;
  if (Math.abs(input.nowSec - ts) > (input.toleranceSec ?? 300)) return false;
  const expected = Buffer.from(signWebhookBody(input.secret, ts, input.body));
  const given = Buffer.from(input.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

const ICON: Record<Severity, string> = { info: "ℹ️", warning: "⚠️", critical: "🚨" };
const DISCORD_COLOR: Record<Severity, number> = { info: 0x3498db, warning: 0xf1c40f, critical: 0xe74c3c };
const RESOLVED_COLOR = 0x2ecc71;

const headline = (m: AlertMessage) =>
  m.status === "resolved"
    ? `✅ RESOLVED: ${m.title}`
    : `${ICON[m.severity]} ${m.severity.toUpperCase()}: ${m.title}`;

/** The generic webhook's JSON body: the message as data. */
export function webhookPayload(m: AlertMessage): Record<string, unknown> {
  return {
    version: 1,
    key: m.key,
    status: m.status,
    severity: m.severity,
    title: m.title,
    text: m.text,
    book_id: m.bookId ?? null,
    fields: m.fields ?? {},
    at: new Date(m.atSec * 1000).toISOString(),
  };
}

/** Slack incoming-webhook payload (Block Kit, with `text` as the notification fallback). */
export function slackPayload(m: AlertMessage): Record<string, unknown> {
  const fields = Object.entries(m.fields ?? {}).map(([k, v]) => ({ type: "mrkdwn", text: `*${k}*\n${v}` }));
  return {
    text: `${headline(m)}: ${m.text}`,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: `*${headline(m)}*\n${m.text}` } },
      ...(fields.length > 0 ? [{ type: "section", fields: fields.slice(0, 10) }] : []),
      { type: "context", elements: [{ type: "mrkdwn", text: `key \`${m.key}\`` }] },
    ],
  };
}

/** Discord webhook payload (one embed; colour by severity, green when resolved). */
export function discordPayload(m: AlertMessage): Record<string, unknown> {
  return {
    content: headline(m),
    embeds: [
      {
        title: m.title,
        description: m.text,
        color: m.status === "resolved" ? RESOLVED_COLOR : DISCORD_COLOR[m.severity],
        fields: Object.entries(m.fields ?? {})
          .slice(0, 25)
          .map(([name, value]) => ({ name, value: String(value), inline: true })),
        footer: { text: m.key },
        timestamp: new Date(m.atSec * 1000).toISOString(),
      },
    ],
    allowed_mentions: { parse: [] },
  };
}

/** Telegram's limit on a message's text, in characters. */
const TELEGRAM_MAX_TEXT = 4_096;

const escapeHtml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * Telegram Bot API `sendMessage` body (https://core.telegram.org/bots/api#sendmessage): HTML parse mode (only
 * `&`, `<` and `>` need escaping), no link previews.
 */
export function telegramPayload(m: AlertMessage, chatId: string): Record<string, unknown> {
  const fields = Object.entries(m.fields ?? {}).map(([k, v]) => `${escapeHtml(k)}: ${escapeHtml(String(v))}`);
  const text = [
    `<b>${escapeHtml(headline(m))}</b>`,
    escapeHtml(m.text),
    ...(fields.length > 0 ? ["", ...fields] : []),
    `<code>${escapeHtml(m.key)}</code>`,
  ].join("\n");
  return {
    chat_id: chatId,
    // Cut on the escaped text would break an entity: past the limit, send the plain text instead.
    ...(text.length <= TELEGRAM_MAX_TEXT
      ? { text, parse_mode: "HTML" }
      : { text: `${headline(m)}\n${m.text}`.slice(0, TELEGRAM_MAX_TEXT) }),
    link_preview_options: { is_disabled: true },
  };
}

/** PagerDuty's event severities, from ours. */
const PAGERDUTY_SEVERITY: Record<Severity, "info" | "warning" | "critical"> = {
  info: "info",
  warning: "warning",
  critical: "critical",
};

/**
 * PagerDuty Events API v2 event (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/): a firing
 * alert triggers, a resolved one resolves, both under one `dedup_key` per alert key, so PagerDuty groups the
 * reminders into one incident and closes it when the condition clears.
 */
export function pagerDutyPayload(m: AlertMessage, routingKey: string): Record<string, unknown> {
  const dedupKey = `hedgekeeper:${m.key}`;
  if (m.status === "resolved")
    return { routing_key: routingKey, event_action: "resolve", dedup_key: dedupKey };
  return {
    routing_key: routingKey,
    event_action: "trigger",
    dedup_key: dedupKey,
    client: "hedgekeeper",
    payload: {
      summary: `${m.title}: ${m.text}`.slice(0, 1_024),
      source: "hedgekeeper",
      severity: PAGERDUTY_SEVERITY[m.severity],
      timestamp: new Date(m.atSec * 1000).toISOString(),
      ...(m.bookId ? { component: m.bookId } : {}),
      class: m.key.split(":")[0],
      custom_details: { key: m.key, text: m.text, ...(m.fields ?? {}) },
    },
  };
}

const withoutTrailingSlash = (url: string) => url.replace(/\/+$/, "");

async function post(
  sinkName: string,
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (cause) {
    // Never the URL: sink URLs carry tokens.
    throw new AlertDeliveryError(`alert sink ${sinkName}: request failed`, true, { cause });
  }
  await response.body?.cancel();
  if (!response.ok) {
    throw new AlertDeliveryError(
      `alert sink ${sinkName}: HTTP ${response.status}`,
      response.status === 429 || response.status >= 500,
    );
  }
}

export function createAlertSink(
  config: AlertSinkConfig,
  options: { timeoutMs?: number; nowSec?: () => number } = {},
): AlertSink {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const nowSec = options.nowSec ?? (() => Math.floor(Date.now() / 1000));
  const base = { name: config.name, minSeverity: config.minSeverity, maxPerMinute: config.maxPerMinute };
  switch (config.kind) {
    case "webhook":
      return {
        ...base,
        deliver: (m) => {
          const body = JSON.stringify(webhookPayload(m));
          const ts = nowSec();
          return post(
            config.name,
            config.url,
            body,
            {
              [TIMESTAMP_HEADER]: String(ts),
              [SIGNATURE_HEADER]: signWebhookBody(config.hmacSecret, ts, body),
            },
            timeoutMs,
          );
        },
      };
    case "slack":
      return {
        ...base,
        deliver: (m) => post(config.name, config.url, JSON.stringify(slackPayload(m)), {}, timeoutMs),
      };
    case "discord":
      return {
        ...base,
        deliver: (m) => post(config.name, config.url, JSON.stringify(discordPayload(m)), {}, timeoutMs),
      };
    case "telegram": {
      // The token is part of the URL: post() never puts a URL in an error.
      const url = `${withoutTrailingSlash(config.apiBaseUrl)}/bot${config.botToken}/sendMessage`;
      return {
        ...base,
        deliver: (m) =>
          post(config.name, url, JSON.stringify(telegramPayload(m, config.chatId)), {}, timeoutMs),
      };
    }
    case "pagerduty": {
      const url = `${withoutTrailingSlash(config.apiBaseUrl)}/v2/enqueue`;
      return {
        ...base,
        deliver: (m) =>
          post(config.name, url, JSON.stringify(pagerDutyPayload(m, config.routingKey)), {}, timeoutMs),
      };
    }
  }
}
