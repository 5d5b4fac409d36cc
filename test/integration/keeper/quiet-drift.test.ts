import { describe, expect, it } from "vitest";
import type { SigmaEstimate } from "../../../src/engine/volatility.ts";
import { waitFor } from "./keeper-harness.ts";
import { useKeeperTestbed } from "./keeper-testbed.ts";

// The keeper through quiet-drift: ETH drifts 3% in two hours on the pool while ETH/USD posts only on Chainlink's
// rule (its heartbeat, then a round per 0.5%). The oracle is flat between rounds, so the samples the keeper has
// hold too few distinct moves to measure volatility: it must still plan once the drift leaves the band, on its
// fallback σ (a σ of 0 would make every hedge look worthless in the cost test).
const bed = useKeeperTestbed("keeper-quiet-drift");
const { devnet, keeperFor } = bed;

/** A band the 3% drift leaves (the devnet book's 100 bps holds it: +3% moves the drift ~50 bps). */
const ARM_BPS = 30;

interface Evaluation {
  blockNumber: bigint;
  driftBps: number;
  oracleUsd: number;
  poolUsd: number;
  sigma: SigmaEstimate;
}

/** Plays quiet-drift with a keeper (shadow) that evaluates every block of it, and returns what it saw. */
async function playQuietDrift(params: Parameters<typeof keeperFor>[0]["params"] = {}) {
  const evaluations: Evaluation[] = [];
  // Shadow: plans are decided and recorded, nothing is sent (a transaction queued into a time-warped path would be
  // mined ten minutes later, past its deadline).
  const keeper = keeperFor({
    mode: "shadow",
    params: { armBps: ARM_BPS, rearmBps: 10, ...params },
    hooks: {
      onEvaluation: async ({ blockNumber, metrics, sample }) => {
        evaluations.push({
          blockNumber,
          driftBps: metrics.drift.driftBps,
          oracleUsd: metrics.basePriceUsd,
          poolUsd: sample.poolPriceUsd,
          sigma: metrics.sigma,
        });
      },
    },
  });
  await keeper.start();
  // The keeper evaluates the newest block only: let it see each block of the path before the next is mined.
  const evaluated = (block: bigint) =>
    waitFor(`the keeper's evaluation of block ${block}`, async () =>
      evaluations.some((e) => e.blockNumber >= block),
    );
  await evaluated(await devnet().publicClient.getBlockNumber({ cacheTime: 0 }));
  const report = await devnet().runScenario("quiet-drift", {
    onBlock: (block) => evaluated(block.blockNumber),
  });
  return { keeper, evaluations, blocks: report.steps.reduce((n, step) => n + step.blocks, 0) };
}

describe("the keeper during quiet-drift", () => {
  it("plans once the drift passes the arm band while the oracle lags the pool, on the fallback σ", async () => {
    const { keeper, evaluations, blocks } = await playQuietDrift();
    const plan = await waitFor("a shadowed plan", async () =>
      (await keeper.plans.list()).find((r) => r.status === "shadowed"),
    );
    const atPlan = evaluations.find((e) => e.blockNumber === plan.blockNumber)!;
    expect(atPlan, `no evaluation of the plan's block ${plan.blockNumber}`).toBeDefined();
    // Beyond the band, which the keeper had not been before.
    expect(Math.abs(atPlan.driftBps)).toBeGreaterThan(ARM_BPS);
    const before = evaluations.filter((e) => e.blockNumber < plan.blockNumber);
    expect(before.every((e) => Math.abs(e.driftBps) <= ARM_BPS)).toBe(true);
    // The oracle is flat-ish: a handful of answers over the whole path, while the pool moved every block.
    const answers = new Set(evaluations.map((e) => e.oracleUsd));
    expect(answers.size).toBeLessThanOrEqual(7);
    expect(new Set(evaluations.map((e) => e.poolUsd)).size).toBeGreaterThanOrEqual(blocks);
    // So σ could not be measured: the fallback (0.6 for the devnet book), never 0, and the reason says why.
    expect(atPlan.sigma.source).toBe("fallback");
    expect(atPlan.sigma.sigmaAnnual).toBe(0.6);
    expect(atPlan.sigma.reason).toMatch(/too little price data.*oracle: \d+ distinct moves \(need 20\)/);
    // A routine hedge resize, decided on the flat oracle's answer while the pool had moved on.
    expect(plan.lane).toBe("routine");
    expect(atPlan.poolUsd).not.toBe(atPlan.oracleUsd);
  });

  it("would not plan on the same drift if σ fell to 0 (no fallback, no floor): why the fallback matters", async () => {
    const { keeper, evaluations } = await playQuietDrift({
      risk: { fallbackSigmaAnnual: 0, sigmaFloorAnnual: 0, horizonSec: 86_400, confidenceZ: 1.645 },
    });
    expect(evaluations.some((e) => Math.abs(e.driftBps) > ARM_BPS)).toBe(true);
    expect(evaluations.at(-1)!.sigma.sigmaAnnual).toBe(0);
    // Give a plan every chance to appear: the last evaluation is done and nothing is queued.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await keeper.plans.list()).toEqual([]);
  });
});
