import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { listScenarios, loadScenario, ScenarioError, scenarioStepSchema } from "./scenario.ts";

describe("scenarios as data", () => {
  it("ships the six market scenarios, each a valid file", () => {
    const names = listScenarios();
    expect(names).toEqual([
      "basis-blowout",
      "eth-crash",
      "eth-rally",
      "liquidity-gap",
      "oracle-stale",
      "usdc-depeg-2023",
    ]);
    for (const name of names) expect(loadScenario(name).steps.length).toBeGreaterThan(0);
  });

  it("rejects an unknown scenario name in one line that lists the known ones", () => {
    expect(() => loadScenario("eth-moon")).toThrow(ScenarioError);
    expect(() => loadScenario("eth-moon")).toThrow(
      /^unknown scenario "eth-moon": choose one of basis-blowout, /,
    );
  });

  it("accepts a new scenario as a file, without code", () => {
    const dir = `${mkdtempSync(join(tmpdir(), "scenarios-"))}/`;
    writeFileSync(
      join(dir, "slow-bleed.json"),
      JSON.stringify({
        name: "slow-bleed",
        description: "ETH drifts down 5%",
        steps: [{ kind: "market.moveEth", change: -0.05 }],
      }),
    );
    expect(loadScenario("slow-bleed", dir).steps).toEqual([{ kind: "market.moveEth", change: -0.05 }]);
  });

  it("refuses a price step that gives both an absolute price and a change", () => {
    const parsed = scenarioStepSchema.safeParse({
      kind: "pool.movePrice",
      pool: "usdcWeth500",
      price: 1,
      change: 0.1,
    });
    expect(parsed.success).toBe(false);
  });

  it("refuses unknown step kinds, pools and stray keys", () => {
    expect(scenarioStepSchema.safeParse({ kind: "pool.explode", pool: "usdcWeth500" }).success).toBe(false);
    expect(scenarioStepSchema.safeParse({ kind: "pool.movePrice", pool: "wbtcWeth", price: 1 }).success).toBe(
      false,
    );
    expect(scenarioStepSchema.safeParse({ kind: "time.advance", seconds: 60, blocks: 5 }).success).toBe(
      false,
    );
  });
});
