import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { isPortInUse } from "../runtime/free-port.ts";

/** The node could not start (port taken, fork unreachable, crash). `message` is one line. */
export class DevnetNodeError extends Error {
  override name = "DevnetNodeError";
}

export interface HardhatNodeOptions {
  port: number;
  /** Fork this JSON-RPC endpoint instead of starting an empty chain. */
  fork?: { url: string; blockNumber?: number | undefined } | undefined;
  startTimeoutMs?: number;
  /** The chain id the node reports (default: the project's, 31337). */
  chainId?: number;
  /** Called once the node process is spawned: work that can overlap its ~2 s start. */
  whileStarting?: () => void;
}

export interface HardhatNode {
  rpcUrl: string;
  port: number;
  pid: number;
  /** Stops the node and waits for it to exit. Safe to call twice. */
  stop(): Promise<void>;
}

const PROJECT_ROOT = fileURLToPath(new URL("../../", import.meta.url));

function hardhatCli(): string {
  const packageJson = createRequire(import.meta.url).resolve("hardhat/package.json");
  return join(dirname(packageJson), "dist/src/cli.js");
}

/** One eth_chainId request; the chain id, or the reason it failed. */
export async function probeRpc(
  url: string,
  timeoutMs: number,
  method: "eth_chainId" | "eth_blockNumber" = "eth_chainId",
): Promise<number | Error> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params: [] }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = (await response.json()) as { result?: string; error?: { message?: string } };
    if (!body.result) return new Error(body.error?.message ?? `HTTP ${response.status}`);
    return Number(body.result);
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return new Error(cause?.code ?? cause?.message ?? (error as Error).message);
  }
}

/**
 * Starts `hardhat node` (the project's config: chain 31337, cancun) bound to 127.0.0.1 on `port`, and waits
 * until it answers. The child is killed when `stop` is called, when startup fails, and when this process exits.
 */
export async function startHardhatNode(options: HardhatNodeOptions): Promise<HardhatNode> {
  const { port } = options;
  if (await isPortInUse(port)) {
    throw new DevnetNodeError(
      `port ${port} on 127.0.0.1 is already in use: stop what runs there or pick another port`,
    );
  }
  const args = [hardhatCli(), "node", "--hostname", "127.0.0.1", "--port", String(port)];
  if (options.chainId !== undefined) args.push("--chain-id", String(options.chainId));
  if (options.fork) {
    args.push("--fork", options.fork.url);
    if (options.fork.blockNumber !== undefined)
      args.push("--fork-block-number", String(options.fork.blockNumber));
  }
  const child = spawn(process.execPath, args, { cwd: PROJECT_ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const keepTail = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4_000);
  };
  child.stdout?.on("data", keepTail);
  child.stderr?.on("data", keepTail);
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const stop = () => stopChild(child, killOnExit);
  try {
    options.whileStarting?.();
  } catch (error) {
    await stop();
    throw error;
  }

  const rpcUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    if (typeof (await probeRpc(rpcUrl, 500)) === "number") {
      await disableRequestLogging(rpcUrl);
      return { rpcUrl, port, pid: child.pid ?? -1, stop };
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await stop();
  const lines = output
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("at "));
  // Hardhat prints "<Name>Error: <reason>" and then a generic "report a bug" line: the reason is what helps.
  const reason =
    lines.map((line) => /^\w*Error: (.+)$/.exec(line)?.[1]).find((match) => match !== undefined) ??
    lines.pop() ??
    "no output";
  throw new DevnetNodeError(`hardhat node did not start on port ${port}: ${reason}`);
}

/**
 * `hardhat node` logs every request with its call trace; nobody reads it here (the output is only kept for
 * startup errors), and formatting it costs more than running most transactions.
 */
async function disableRequestLogging(rpcUrl: string): Promise<void> {
  await fetch(rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "hardhat_setLoggingEnabled", params: [false] }),
  });
}

function stopChild(child: ChildProcess, killOnExit: () => void): Promise<void> {
  process.removeListener("exit", killOnExit);
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 3_000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
