// pino JSON logs with stable snake_case fields (chain_id, block_number, book_id, plan_id, tx_hash,
// duration_ms) and no credentials: secret keys are censored wherever they appear, and RPC/Redis
// URLs from the configuration are scrubbed from every line (they carry API keys and passwords).
import { type DestinationStream, type Logger, pino } from "pino";
import { scrubRpcUrls } from "../chain/rpc-url.ts";
import type { HedgekeeperConfig } from "./schema.ts";

/** The field names every component uses; a log line never invents a synonym for one of these. */
export const LOG_FIELDS = {
  chainId: "chain_id",
  blockNumber: "block_number",
  bookId: "book_id",
  planId: "plan_id",
  txHash: "tx_hash",
  durationMs: "duration_ms",
  lane: "lane",
  job: "job",
  sink: "sink",
  err: "err",
} as const;

/** Keys censored at any depth (pino's redaction wildcards), whatever object they sit in. */
export const REDACTED_KEYS = [
  "privateKey",
  "private_key",
  "hmacSecret",
  "botToken",
  "routingKey",
  "routing_key",
  "secret",
  "password",
  "authorization",
  "mnemonic",
  "rpcUrls",
  "privateRelayUrl",
] as const;

const redactPaths = REDACTED_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`, `*.*.*.${key}`]);

/** Every URL and secret value of the configuration: scrubbed from each serialized line. */
export function secretsOfConfig(config: HedgekeeperConfig): { urls: string[]; values: string[] } {
  const urls = [
    ...Object.values(config.networks).flatMap((n) => [
      ...n.rpcUrls,
      ...(n.privateRelayUrl ? [n.privateRelayUrl] : []),
    ]),
    ...(config.redis.url !== undefined ? [config.redis.url] : []),
    ...config.alerts.sinks.flatMap((s) => ("url" in s ? [s.url] : [])),
  ];
  const values = [
    ...Object.values(config.treasuries).map((t) => t.keeper.privateKey),
    ...config.alerts.sinks.flatMap((s) => sinkSecrets(s)),
  ].filter((v) => v.length >= 6);
  return { urls, values };
}

/** A sink's credentials (a Telegram chat id is an address, not one: it is not scrubbed). */
function sinkSecrets(sink: HedgekeeperConfig["alerts"]["sinks"][number]): string[] {
  switch (sink.kind) {
    case "webhook":
      return [sink.hmacSecret];
    case "telegram":
      return [sink.botToken];
    case "pagerduty":
      return [sink.routingKey];
    default:
      return [];
  }
}

export interface CreateLoggerOptions {
  name?: string;
  level?: string;
  /** From the loaded configuration: its URLs and secrets never reach the output. */
  config?: HedgekeeperConfig;
  /** Extra URLs or values to scrub. */
  scrub?: { urls?: readonly string[]; values?: readonly string[] };
  /** Where lines go (default stdout). */
  destination?: DestinationStream;
}

/** A scrubbing stream: replaces URLs (with their redacted form) and secret values before writing. */
function scrubbing(
  target: DestinationStream,
  urls: readonly string[],
  values: readonly string[],
): DestinationStream {
  if (urls.length === 0 && values.length === 0) return target;
  return {
    write(line: string) {
      let clean = scrubRpcUrls(line, urls);
      for (const value of values) clean = clean.split(value).join("***");
      target.write(clean);
    },
  };
}

export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const fromConfig = options.config ? secretsOfConfig(options.config) : { urls: [], values: [] };
  const urls = [...fromConfig.urls, ...(options.scrub?.urls ?? [])];
  const values = [...fromConfig.values, ...(options.scrub?.values ?? [])];
  const destination = scrubbing(options.destination ?? pino.destination(1), urls, values);
  return pino(
    {
      name: options.name ?? "hedgekeeper",
      level: options.level ?? "info",
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: redactPaths, censor: "***" },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}
