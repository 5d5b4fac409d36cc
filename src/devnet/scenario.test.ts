import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  listScenarios,
  loadScenario,
  ScenarioError,
  scenarioSchema,
  scenarioStepSchema,
} from "./scenario.ts";

describe("scenarios as data", () => {
  it("ships the ten market scenarios and the L2's sequencer-down, each a valid file", () => {
    const names = listScenarios();
    expect(names).toEqual([
      "basis-blowout",
      "crash-and-depeg",
      "eth-crash",
      "eth-rally",
      "eth-rally-aave",
      "liquidity-gap",
      "oracle-stale",
      "quiet-drift",
      "rate-spike",
      "sequencer-down",
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

  it("reads quiet-drift as two market paths over an hour each, every feed on Chainlink's rule", () => {
    const scenario = loadScenario("quiet-drift");
    expect(scenario.feedRules.ethUsd).toEqual({ deviationBps: 50, heartbeatSec: 3_600 });
    expect(scenario.feedRules.usdcUsd).toEqual({ deviationBps: 25, heartbeatSec: 86_400 });
    expect(scenario.steps.map((step) => step.kind)).toEqual(["market.path", "market.path"]);
    const total = scenario.steps.reduce(
      (sec, step) => sec + (step.kind === "market.path" ? step.durationSec : 0),
      0,
    );
    expect(total).toBe(7_200);
    expect(scenario.steps.at(-1)).toMatchObject({ eth: { change: 0.03 } });
  });

  it("reads crash-and-depeg as one hour in which ETH falls 25% and USDC goes to $0.88", () => {
    const [step] = loadScenario("crash-and-depeg").steps;
    expect(step).toMatchObject({
      kind: "market.path",
      durationSec: 3_600,
      eth: { change: -0.25 },
      usdc: { price: 0.88 },
    });
  });

  it("refuses a market path that moves nothing, ticks faster than a second, or names an unknown feed rule", () => {
    const path = { kind: "market.path", durationSec: 600, ticks: 6, eth: { change: 0.01 } };
    expect(scenarioStepSchema.safeParse(path).success).toBe(true);
    expect(scenarioStepSchema.safeParse({ ...path, eth: undefined }).success).toBe(false);
    expect(scenarioStepSchema.safeParse({ ...path, ticks: 601 }).success).toBe(false);
    expect(scenarioStepSchema.safeParse({ ...path, eth: { change: 0.01, price: 3000 } }).success).toBe(false);
    const scenario = (feedRules: unknown) =>
      scenarioSchema.safeParse({ name: "x", description: "", feedRules, steps: [path] }).success;
    expect(scenario({ ethUsd: { deviationBps: 50 } })).toBe(true);
    expect(scenario({ btcUsd: { deviationBps: 50 } })).toBe(false);
    expect(scenario({ ethUsd: { deviationBps: 0 } })).toBe(false);
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
