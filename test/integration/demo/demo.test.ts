import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freeLoopbackPort } from "../../../src/runtime/free-port.ts";

// The README's main command, unattended, as a user runs it: a real process with its own devnet node, Redis by
// the project's rule, the keeper, three scenarios, and the JSON report.
const dir = mkdtempSync(join(tmpdir(), "hedgekeeper-demo-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("npm run demo -- --exit --report", () => {
  it("plays the three scenarios, acts where it must, and reports ok within three minutes", async () => {
    const report = join(dir, "report.json");
    const started = Date.now();
    const run = spawnSync(
      process.execPath,
      ["scripts/demo.ts", "--exit", "--report", report, "--port", String(await freeLoopbackPort())],
      { encoding: "utf8", timeout: 180_000, env: { ...process.env, LOG_LEVEL: "error" } },
    );
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(Date.now() - started).toBeLessThan(180_000);

    const result = JSON.parse(readFileSync(report, "utf8")) as {
      ok: boolean;
      scenarios: {
        name: string;
        books: {
          id: string;
          driftBpsBefore: number;
          driftBpsPeak: number;
          driftBpsAfter: number;
          thresholdBps: number;
        }[];
        actions: {
          planId: string;
          lane: string;
          txHash: string | null;
          status: string;
          gasUsed: string | null;
        }[];
      }[];
    };
    expect(result.ok).toBe(true);
    expect(result.scenarios.map((s) => s.name)).toEqual(["eth-rally", "usdc-depeg-2023", "oracle-stale"]);
    const [rally, depeg, stale] = result.scenarios;
    expect(
      rally!.actions.some(
        (a) => a.lane === "routine" && a.status === "mined" && /^0x[0-9a-f]{64}$/.test(a.txHash ?? ""),
      ),
    ).toBe(true);
    expect(
      depeg!.actions.some((a) => a.lane === "urgent" && a.status === "mined" && Number(a.gasUsed) > 0),
    ).toBe(true);
    expect(stale!.actions).toEqual([]);
    // The rally took the book beyond the band (that is why it acted) and the keeper brought it back.
    expect(Math.abs(rally!.books[0]!.driftBpsPeak)).toBeGreaterThan(rally!.books[0]!.thresholdBps);
    for (const scenario of result.scenarios) {
      for (const book of scenario.books)
        expect(Math.abs(book.driftBpsAfter)).toBeLessThanOrEqual(book.thresholdBps);
    }
  });
});
