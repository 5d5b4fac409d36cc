import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { keeperRecord, renderKeeperEvaluation } from "../../../src/cli/keeper-record.ts";
import type { HedgekeeperConfig } from "../../../src/config/schema.ts";
import { freeLoopbackPort } from "../../../src/runtime/free-port.ts";
import { openHistoryStore } from "../../../src/store/open-history-store.ts";
import { seedHistory } from "../api/history-fixture.ts";

const dir = mkdtempSync(join(tmpdir(), "hedgekeeper-record-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What keeperRecord reads of a configuration: where the API listens (nothing does here) and the history. */
async function configWithHistory(dataDir: string): Promise<HedgekeeperConfig> {
  return {
    api: { host: "127.0.0.1", port: await freeLoopbackPort() },
    history: { dataDir },
  } as HedgekeeperConfig;
}

describe("the keeper's record of a book, for `status`", () => {
  it("reads the latest evaluation and the last actions from the history when no keeper answers", async () => {
    const dataDir = join(dir, "history");
    const store = await openHistoryStore({ dataDir });
    await seedHistory(store);
    await store.close();

    const config = await configWithHistory(dataDir);
    // wbtc-usdc: its plan, and figures too short of history to read, each with its reason.
    const wbtc = await keeperRecord(config, "wbtc-usdc");
    expect(wbtc.lastActions.source).toBe("history");
    expect(wbtc.lastActions.actions.map((a) => [a.lane, a.status])).toEqual([["routine", "mined"]]);
    const wbtcText = renderKeeperEvaluation(wbtc.evaluation);
    expect(wbtcText).toContain("σ 55.0%/yr, fallback: too little price data");
    expect(wbtcText).toContain("residual VaR/ES: – (2 samples (need 3))");
    expect(wbtcText).toContain("liquidation: no position");
    expect(wbtcText).toContain("realized execution: no plan mined in the last 30 d");

    const record = await keeperRecord(config, "eth-usdc");
    expect(record.lastActions).toEqual({ source: "history", actions: [] });
    expect(record.evaluation.source).toBe("history");
    expect(record.evaluation.latest).toMatchObject({
      blockNumber: "1029",
      status: "ok",
      effectiveness: 0.93,
      effectivenessWindow: "1d",
    });
    expect(record.evaluation.latest?.detail?.sigma.source).toBe("realized");

    const text = renderKeeperEvaluation(record.evaluation);
    expect(text).toContain("keeper's evaluation at block 1029 (from the history)");
    expect(text).toContain("effectiveness 93.0% vs target (1d)");
    expect(text).toContain("σ 62.3%/yr, realized from the oracle");
    expect(text).toContain("residual VaR $4,313, ES $5,480 (95%, 1 h)");
    expect(text).toContain("LP gamma -$13,684 of delta per 1%");
    expect(text).toContain("liquidation at $2635.30 (+31.8%, 7412 bps away)");
    expect(text).toContain(
      "realized execution (2 plans, 30 d): slippage last +12.5 bps, average +8.3 bps; cost per $ of risk removed 0.037 (estimated 0.030); paid $37.50",
    );
    // `status --json` carries the same figures in the detail.
    expect(record.evaluation.latest?.detail?.realizedExecution).toMatchObject({
      plans: 2,
      lastSlippageBps: 12.5,
    });
    expect(text).toMatch(
      /live\s+240 samples: Ederington 96\.1% vs target \(raw 96\.1%\), dollar offset 95\.3% \(raw 95\.3%\), R² 0\.96, h\* 1\.01× \(raw 1\.01×\): effective/,
    );
    expect(text).toContain("30d   242 samples: – (history covers 86400s of the 2592000s window (need 90%))");
    expect(text).toContain(
      "price +30.0%: net -$4,898, margin after 5.9%, LIQUIDATED 50% at $2635.30, locks in $48,121",
    );
  });

  it("says why it knows nothing when there is no history yet", async () => {
    const record = await keeperRecord(await configWithHistory(join(dir, "missing")), "eth-usdc");
    expect(record.evaluation).toEqual({
      source: "none",
      latest: null,
      note: `no history yet (${join(dir, "missing")} does not exist)`,
    });
    expect(renderKeeperEvaluation(record.evaluation)).toMatch(
      /^ {2}keeper's evaluation: none known \(no history yet/,
    );
  });
});
