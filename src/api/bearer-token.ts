// The optional shared bearer token in front of /api/*. Compared in constant time over fixed-length digests, so
// neither the token's content nor its length leaks through response timing.
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

export function tokenMatches(expected: string, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  return timingSafeEqual(digest(expected), digest(presented));
}

/**
 * The token a request presents: `Authorization: Bearer <token>`, or, where the client cannot set headers
 * (EventSource), a `token` query parameter when the caller allows it.
 */
export function presentedToken(
  request: IncomingMessage,
  url: URL,
  options: { allowQuery: boolean },
): string | undefined {
  const header = request.headers.authorization;
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (match) return match[1];
  if (options.allowQuery) return url.searchParams.get("token") ?? undefined;
  return undefined;
}
