import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freeLoopbackPort } from "../../../src/runtime/free-port.ts";

// The README's main command, unattended, as a user runs it: a real process with its own devnet node, Redis by
// the project's rule, the keeper, four scenarios, and the JSON report.
const dir = mkdtempSync(join(tmpdir(), "hedgekeeper-demo-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("npm run demo -- --exit --report", () => {
  it("plays the four scenarios, acts where it must, and reports ok within three minutes", async () => {
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
        hedgeEffectiveness: { itemChangeUsd: number | null; hedgeChangeUsd: number | null };
        attribution: {
          hedgedItemChangeUsd: number;
          hedgeChangeUsd: number;
          bookValueChangeUsd: number;
          unexplainedUsd: number;
          grossPnlUsd: number;
          deltaUsd: number;
          hedgePriceUsd: number;
        };
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
    expect(result.scenarios.map((s) => s.name)).toEqual([
      "quiet-drift",
      "eth-rally",
      "usdc-depeg-2023",
      "oracle-stale",
    ]);
    const [quiet, rally, depeg, stale] = result.scenarios;
    expect(
      rally!.actions.some(
        (a) => a.lane === "routine" && a.status === "mined" && /^0x[0-9a-f]{64}$/.test(a.txHash ?? ""),
      ),
    ).toBe(true);
    expect(
      depeg!.actions.some((a) => a.lane === "urgent" && a.status === "mined" && Number(a.gasUsed) > 0),
    ).toBe(true);
    expect(stale!.actions).toEqual([]);
    // Two hours of drift in 0.5% steps: a handful of ETH/USD rounds, one of them the heartbeat of the quiet hour.
    const ethRounds = (quiet as { oracleRounds?: Record<string, { deviation: number; heartbeat: number }> })
      .oracleRounds?.ethUsd;
    expect(ethRounds?.heartbeat).toBeGreaterThanOrEqual(1);
    expect(ethRounds?.deviation).toBeGreaterThanOrEqual(4);
    expect(ethRounds?.deviation).toBeLessThanOrEqual(6);
    // The drift grew while the oracle lagged, inside the devnet book's band: nothing to send.
    expect(quiet!.actions).toEqual([]);
    expect(Math.abs(quiet!.books[0]!.driftBpsPeak)).toBeGreaterThan(20);
    // The rally took the book beyond the band (that is why it acted) and the keeper brought it back.
    expect(Math.abs(rally!.books[0]!.driftBpsPeak)).toBeGreaterThan(rally!.books[0]!.thresholdBps);
    // The performance report's attribution, read back from the history: its measured changes are the demo's own
    // (from the samples), and over the scenario without trades it explains the book's value change to within 0.1%
    // of the gross P&L. With trades more is left unexplained: a plan's realized cost is recorded only once its
    // transaction is final, which may come after the report's period, and Perp v2's settlement of realized P&L into
    // collateral (usdc-depeg-2023) shows as unexplained (open defects of issue 19, docs/stewards.md "Limits").
    for (const scenario of result.scenarios) {
      expect(scenario.attribution.hedgedItemChangeUsd).toBeCloseTo(
        scenario.hedgeEffectiveness.itemChangeUsd!,
        2, // the demo's figures are in cents
      );
      expect(scenario.attribution.hedgeChangeUsd).toBeCloseTo(scenario.hedgeEffectiveness.hedgeChangeUsd!, 2);
    }
    expect(Math.abs(quiet!.attribution.unexplainedUsd)).toBeLessThanOrEqual(
      0.001 * quiet!.attribution.grossPnlUsd,
    );
    expect(quiet!.attribution.grossPnlUsd).toBeGreaterThan(0);
    // The rally moved the price: delta P&L and the hedge's price P&L carry it, opposite in sign.
    expect(Math.abs(rally!.attribution.deltaUsd)).toBeGreaterThan(0.01 * rally!.attribution.grossPnlUsd);
    expect(Math.sign(rally!.attribution.hedgePriceUsd)).toBe(-Math.sign(rally!.attribution.deltaUsd));
    for (const scenario of result.scenarios) {
      for (const book of scenario.books)
        expect(Math.abs(book.driftBpsAfter)).toBeLessThanOrEqual(book.thresholdBps);
    }
  });
});
