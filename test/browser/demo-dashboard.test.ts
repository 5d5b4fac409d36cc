import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bps } from "../../dashboard/src/format.ts";
import { freeLoopbackPort } from "../../src/runtime/free-port.ts";
import { withPage } from "../support/browser.ts";
import { demoArgs } from "../support/demo-args.ts";

// The README's main command with a steward watching: the demo runs as a user runs it (its own devnet, Redis by
// the project's rule, the keeper, the history on embedded PGlite) and its dashboard is open in Chromium from
// before the first scenario; the page must follow the scenario live, without a reload.
const dir = mkdtempSync(join(tmpdir(), "hedgekeeper-demo-browser-"));
let demo: ChildProcess | undefined;
afterAll(() => {
  demo?.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
});

/** Resolves with the first stdout match of `pattern`, rejects when the process ends first. */
function waitForOutput(
  child: ChildProcess,
  output: () => string,
  pattern: RegExp,
): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = output().match(pattern);
      if (match) {
        child.stdout?.off("data", check);
        resolve(match);
      }
    };
    child.stdout?.on("data", check);
    child.once("exit", (code) => reject(new Error(`demo exited (${code}) before ${pattern}:\n${output()}`)));
    check();
  });
}

describe("the dashboard of a running demo", () => {
  it("shows the book from the start, then the rally's new drift and its mined action, live", async () => {
    const report = join(dir, "report.json");
    let output = "";
    const child = spawn(
      process.execPath,
      await demoArgs(report, await freeLoopbackPort(), ["--hold-ms", "5000"]),
      { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, LOG_LEVEL: "error" } },
    );
    demo = child;
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const [, url] = await waitForOutput(child, () => output, /Dashboard: (http:\/\/127\.0\.0\.1:\d+)\//);

    await withPage(`${url}/`, async ({ page, errors, screenshot }) => {
      const drift = page.getByTestId("book-drift-treasury-eth");
      const block = page.getByTestId("book-block-treasury-eth");
      await drift.waitFor({ timeout: 30_000 });
      expect((await drift.textContent())?.trim()).toMatch(/\d bps/);
      const blockBefore = (await block.textContent())?.trim();
      await screenshot("demo-before-eth-rally");

      await waitForOutput(child, () => output, /✔ eth-rally/);
      // The rally's routine plan, as the history holds it: the page must show that very row, without a reload.
      const api = async <T>(path: string) => (await (await fetch(`${url}${path}`)).json()) as T;
      const { actions } = await api<{ actions: { planId: string; lane: string; status: string }[] }>(
        "/api/actions?limit=20",
      );
      const rally = actions.find((a) => a.lane === "routine" && a.status === "mined");
      expect(rally, JSON.stringify(actions)).toBeDefined();
      await page.getByTestId(`action-row-${rally!.planId}`).waitFor({ timeout: 15_000 });
      await expect
        .poll(async () => (await block.textContent())?.trim(), { timeout: 15_000 })
        .not.toBe(blockBefore);
      // The drift the page shows is the book's latest, as the history has it (the keeper brought it back inside).
      await expect
        .poll(
          async () => {
            const { book } = await api<{ book: { driftBps: number } }>("/api/books/treasury-eth");
            return (await drift.textContent())?.trim() === bps(book.driftBps);
          },
          { timeout: 15_000 },
        )
        .toBe(true);
      await screenshot("demo-after-eth-rally");

      // The book page charts the rally: the excursion beyond the band is in the drift series it draws.
      await page.getByTestId("book-link-treasury-eth").click();
      await page.getByTestId("chart-drift").waitFor({ timeout: 15_000 });
      const { series } = await api<{ series: { driftBps: number; thresholdBps: number }[] }>(
        "/api/books/treasury-eth",
      );
      expect(series.some((p) => Math.abs(p.driftBps) > p.thresholdBps)).toBe(true);
      await screenshot("demo-book-after-eth-rally");
      expect(errors).toEqual([]);
    });

    expect(await exited, output).toBe(0);
    const result = JSON.parse(readFileSync(report, "utf8")) as { ok: boolean };
    expect(result.ok).toBe(true);
  }, 240_000);
});
