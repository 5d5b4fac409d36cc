// JSON over node:http: bigint becomes a decimal string (block numbers, gas), so any client can parse it.
import type { ServerResponse } from "node:http";

export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
}

export const JSON_HEADERS = {
  "content-type": "application/json; charset=utf-8",
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
} as const;

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = toJson(body);
  response
    .writeHead(status, { ...JSON_HEADERS, "content-length": Buffer.byteLength(text), ...headers })
    .end(text);
}

export function sendJsonError(
  response: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendJson(response, status, { error: message }, headers);
}
