import { type ChildProcess, spawn } from "node:child_process";
import { Redis } from "ioredis";
import { findExecutable } from "./find-executable.ts";
import { freeLoopbackPort } from "./free-port.ts";

export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

/** Redis is required (BullMQ) and none could be reached or started. `message` is one line with the fix. */
export class RedisUnavailableError extends Error {
  override name = "RedisUnavailableError";
}

export interface RedisHandle {
  /** The URL every Redis client of this run should use. */
  url: string;
  /** True when this process started a private redis-server (stopped by `stop`). */
  started: boolean;
  stop(): Promise<void>;
}

export interface EnsureRedisOptions {
  /** `REDIS_URL` as configured; undefined means "the default, or a private one". */
  configuredUrl?: string | undefined;
  /** The URL tried when none is configured (tests point it at a closed port). */
  defaultUrl?: string;
  /** PATH to search for `redis-server` (tests pass a reduced PATH). */
  pathVariable?: string;
  /** How long to wait for the private server to answer PING. */
  startTimeoutMs?: number;
}

/** Strip credentials from a Redis URL so it can appear in messages and logs. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password || parsed.username) {
      parsed.username = parsed.username ? "***" : "";
      parsed.password = parsed.password ? "***" : "";
    }
    return parsed.toString();
  } catch {
    return "<unparseable REDIS_URL>";
  }
}

/** One PING with a short timeout and no reconnect loop; false on any failure. */
export async function pingRedis(url: string, timeoutMs = 500): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  client.on("error", () => {
    // reported through the failed connect below
  });
  try {
    await client.connect();
    return (await client.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

const INSTALL_HINT =
  "install it (Debian/Ubuntu: `sudo apt-get install redis-server`; macOS: `brew install redis`) or set REDIS_URL to a running server";

/**
 * Redis for a test run or the demo, by the project's rule: use `REDIS_URL` (default
 * redis://127.0.0.1:6379) when it answers; otherwise, when `redis-server` is on PATH and no explicit
 * URL was given, start a private one on a free loopback port with no persistence; otherwise fail at
 * once with one line saying how to install it.
 */
export async function ensureRedis(options: EnsureRedisOptions = {}): Promise<RedisHandle> {
  const defaultUrl = options.defaultUrl ?? DEFAULT_REDIS_URL;
  const url = options.configuredUrl ?? defaultUrl;
  if (await pingRedis(url)) return { url, started: false, stop: async () => {} };

  if (options.configuredUrl !== undefined && options.configuredUrl !== defaultUrl) {
    throw new RedisUnavailableError(
      `Redis is required but nothing answers at REDIS_URL=${redactRedisUrl(url)}: start it, or unset REDIS_URL to use a private redis-server`,
    );
  }
  const executable = findExecutable("redis-server", options.pathVariable);
  if (executable === undefined) {
    throw new RedisUnavailableError(
      `Redis is required but nothing answers at ${redactRedisUrl(defaultUrl)} and redis-server is not installed: ${INSTALL_HINT}`,
    );
  }
  return startPrivateRedis(executable, options.startTimeoutMs ?? 5_000);
}

async function startPrivateRedis(executable: string, startTimeoutMs: number): Promise<RedisHandle> {
  const port = await freeLoopbackPort();
  const child = spawn(
    executable,
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const url = `redis://127.0.0.1:${port}`;
  const stopOnExit = () => child.kill("SIGKILL");
  process.once("exit", stopOnExit);

  const deadline = Date.now() + startTimeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    if (await pingRedis(url, 200)) {
      return { url, started: true, stop: () => stopChild(child, stopOnExit) };
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  await stopChild(child, stopOnExit);
  throw new RedisUnavailableError(
    `redis-server was found at ${executable} but did not start on port ${port}: ${stderr.trim().split("\n").pop() ?? "no output"}`,
  );
}

function stopChild(child: ChildProcess, onExit: () => void): Promise<void> {
  process.removeListener("exit", onExit);
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}
