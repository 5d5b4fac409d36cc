import { dirname } from "node:path";
import { describe, expect, it } from "vitest";
import { findExecutable } from "./find-executable.ts";
import { freeLoopbackPort } from "./free-port.ts";
import { ensureRedis, pingRedis, RedisUnavailableError, redactRedisUrl } from "./redis-server.ts";

const redisServer = findExecutable("redis-server");

describe("ensureRedis", () => {
  it("uses REDIS_URL when a server answers there and starts nothing", async () => {
    const url = process.env.REDIS_URL;
    expect(url, "the test run resolves REDIS_URL before tests start").toBeDefined();
    const handle = await ensureRedis({ configuredUrl: url });
    expect(handle).toMatchObject({ url, started: false });
  });

  it("fails at once with one line naming the install command when there is no redis-server", async () => {
    const closedPort = await freeLoopbackPort();
    const startedAt = Date.now();
    const attempt = ensureRedis({ defaultUrl: `redis://127.0.0.1:${closedPort}`, pathVariable: "" });
    await expect(attempt).rejects.toBeInstanceOf(RedisUnavailableError);
    await expect(attempt).rejects.toThrow(
      /redis-server is not installed: install it \(Debian\/Ubuntu: `sudo apt-get install redis-server`/,
    );
    const message = await attempt.catch((error: Error) => error.message);
    expect(message).not.toContain("\n");
    expect(Date.now() - startedAt).toBeLessThan(3_000);
  });

  it("refuses to replace an explicitly configured but unreachable REDIS_URL, without leaking its password", async () => {
    const closedPort = await freeLoopbackPort();
    const attempt = ensureRedis({ configuredUrl: `redis://user:hunter2@127.0.0.1:${closedPort}` });
    await expect(attempt).rejects.toThrow(
      /nothing answers at REDIS_URL=redis:\/\/\*\*\*:\*\*\*@127\.0\.0\.1/,
    );
    await expect(attempt).rejects.not.toThrow(/hunter2/);
  });

  it.runIf(redisServer !== undefined)(
    "starts a private redis-server on a free loopback port when nothing answers, and stops it",
    async () => {
      const closedPort = await freeLoopbackPort();
      const handle = await ensureRedis({
        defaultUrl: `redis://127.0.0.1:${closedPort}`,
        pathVariable: dirname(redisServer!),
      });
      expect(handle.started).toBe(true);
      expect(handle.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
      expect(await pingRedis(handle.url)).toBe(true);
      await handle.stop();
      expect(await pingRedis(handle.url)).toBe(false);
    },
  );
});

describe("redactRedisUrl", () => {
  it("hides user and password but keeps host and port", () => {
    expect(redactRedisUrl("redis://admin:s3cret@cache.internal:6380/2")).toBe(
      "redis://***:***@cache.internal:6380/2",
    );
    expect(redactRedisUrl("redis://127.0.0.1:6379")).toBe("redis://127.0.0.1:6379");
  });
});
