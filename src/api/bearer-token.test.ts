import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { presentedToken, tokenMatches } from "./bearer-token.ts";

const request = (authorization?: string) =>
  ({ headers: authorization ? { authorization } : {} }) as IncomingMessage;
const url = (query = "") => new URL(`http://localhost/api/events${query}`);

describe("bearer token", () => {
  it("matches only the exact token, whatever the lengths", () => {
    expect(tokenMatches("s3cret", "s3cret")).toBe(true);
    expect(tokenMatches("s3cret", "s3cre")).toBe(false);
    expect(tokenMatches("s3cret", "s3cret ")).toBe(false);
    expect(tokenMatches("s3cret", "")).toBe(false);
    expect(tokenMatches("s3cret", undefined)).toBe(false);
  });

  it("reads Authorization: Bearer, and the query only where allowed", () => {
    expect(presentedToken(request("Bearer abc"), url(), { allowQuery: false })).toBe("abc");
    expect(presentedToken(request("bearer   abc  "), url(), { allowQuery: false })).toBe("abc");
    expect(presentedToken(request("Basic abc"), url(), { allowQuery: false })).toBeUndefined();
    expect(presentedToken(request(), url("?token=q"), { allowQuery: false })).toBeUndefined();
    expect(presentedToken(request(), url("?token=q"), { allowQuery: true })).toBe("q");
    expect(presentedToken(request("Bearer h"), url("?token=q"), { allowQuery: true })).toBe("h");
  });
});
