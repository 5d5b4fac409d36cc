import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { devnetManifestSchema } from "../../../src/devnet/manifest.ts";
import { freeLoopbackPort, isPortInUse } from "../../../src/runtime/free-port.ts";
import { runScript } from "../../support/run-script.ts";

/** Command lines of running `hardhat node` processes bound to `port`. */
function hardhatNodesOnPort(port: number): string[] {
  const processes = execFileSync("ps", ["-eo", "args"], { encoding: "utf8" }).split("\n");
  return processes.filter((line) => line.includes("cli.js node") && line.includes(`--port ${port}`));
}

function oneLine(text: string): string[] {
  return text.trim().split("\n").filter(Boolean);
}

describe("npm run devnet / npm run scenario", () => {
  it("starts, bootstraps in under 10 s (idle 2 cores), writes the manifest, and stops its node on Ctrl-C", async () => {
    const port = await freeLoopbackPort();
    const manifestPath = join(mkdtempSync(join(tmpdir(), "devnet-cli-")), "devnet.json");
    const child = spawn(
      process.execPath,
      ["scripts/devnet.ts", "--port", String(port), "--manifest", manifestPath],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    try {
      let stdout = "";
      const ready = await new Promise<string>((resolve, reject) => {
        child.stdout.on("data", (chunk: Buffer) => {
          stdout += chunk.toString();
          const line = /devnet ready on .* in ([\d.]+) s/.exec(stdout);
          if (line?.[1] && stdout.includes("Ctrl-C to stop")) resolve(line[1]);
        });
        void exited.then((code) => reject(new Error(`devnet exited with ${code} before it was ready`)));
      });
      // The bootstrap time is printed (its 10 s target is measured by `npm run bench:devnet`, not here).
      expect(Number(ready)).toBeGreaterThan(0);
      expect(stdout).toContain("0x88e6A0c2dDD26FEEb64F039a2c41296FcB3f5640");
      const manifest = devnetManifestSchema.parse(JSON.parse(readFileSync(manifestPath, "utf8")));
      expect(manifest.rpcUrl).toBe(`http://127.0.0.1:${port}`);
    } finally {
      // Ctrl-C, also when an assertion failed: the script stops its node before it exits.
      child.kill("SIGINT");
    }
    expect(await exited).toBe(0);
    expect(await isPortInUse(port)).toBe(false);
    expect(hardhatNodesOnPort(port)).toEqual([]);
  });

  it("refuses a port that is in use with one line and a non-zero exit, starting no node", async () => {
    const server = createServer();
    const port = await freeLoopbackPort();
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    try {
      const result = await runScript("devnet", ["--port", String(port)]);
      expect(result.code).toBe(1);
      expect(oneLine(result.stderr)).toEqual([
        `error: port ${port} on 127.0.0.1 is already in use: stop what runs there or pick another port`,
      ]);
      expect(hardhatNodesOnPort(port)).toEqual([]);
    } finally {
      server.close();
    }
  });

  it("refuses an unreachable fork URL with one line and a non-zero exit, leaving no node behind", async () => {
    const [port, closedPort] = [await freeLoopbackPort(), await freeLoopbackPort()];
    const result = await runScript("devnet", [
      "--port",
      String(port),
      "--fork",
      `http://127.0.0.1:${closedPort}`,
    ]);
    expect(result.code).toBe(1);
    expect(oneLine(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(
      new RegExp(`^error: cannot reach the fork URL http://127.0.0.1:${closedPort}/?: `),
    );
    expect(hardhatNodesOnPort(port)).toEqual([]);
    expect(await isPortInUse(port)).toBe(false);
  });

  it("refuses an unknown scenario name with one line listing the known ones", async () => {
    const result = await runScript("scenario", ["eth-moon"]);
    expect(result.code).toBe(1);
    expect(oneLine(result.stderr)).toEqual([
      'error: unknown scenario "eth-moon": choose one of basis-blowout, crash-and-depeg, eth-crash, eth-rally, eth-rally-aave, liquidity-gap, oracle-stale, quiet-drift, rate-spike, sequencer-down, usdc-depeg-2023',
    ]);
  });

  it("says how to start the devnet when there is no manifest", async () => {
    const result = await runScript("scenario", ["eth-rally", "--manifest", "/nonexistent/devnet.json"]);
    expect(result.code).toBe(1);
    expect(oneLine(result.stderr)).toEqual([
      "error: no devnet manifest at /nonexistent/devnet.json: start the devnet with `npm run devnet` first",
    ]);
  });
});
