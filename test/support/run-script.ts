import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { shebangNodeFlags } from "../../src/runtime/shebang-node-flags.ts";

export interface ScriptResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `scripts/<name>.ts` as its shebang runs it (its Node flags), on this process's Node. */
function scriptArgs(name: string, args: readonly string[]): string[] {
  const path = `scripts/${name}.ts`;
  return [...shebangNodeFlags(readFileSync(path, "utf8")), path, ...args];
}

/** Runs `node scripts/<name>.ts …args` from the repository root and collects its output. */
export function runScript(
  name: string,
  args: readonly string[],
  timeoutMs = 60_000,
  env: Record<string, string> = {},
): Promise<ScriptResult> {
  // Asynchronous on purpose: a synchronous spawn would freeze this process's event loop, and with it the draining
  // of any devnet node's output pipe — a Node process writing to a full pipe blocks, and the node stalls.
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, scriptArgs(name, args), {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`scripts/${name}.ts did not finish in ${timeoutMs} ms`));
    }, timeoutMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A long-running `node scripts/<name>.ts …args` (e.g. `hedgekeeper run`): its combined output so far, and its exit. */
export function startScript(name: string, args: readonly string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, scriptArgs(name, args), {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env },
  });
  let output = "";
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, output: () => output, exited };
}
