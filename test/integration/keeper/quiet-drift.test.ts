import { describe, expect, it } from "vitest";
import type { BlockReport } from "../../../src/devnet/index.ts";
import type { BookParams } from "../../../src/engine/params.ts";
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

/**
 * Plays quiet-drift with a keeper that sees every block of it: after each, the runner waits until the keeper has
 * evaluated that block and sent what it decided (mined a slot later, in a reaction block of the path).
 */
async function playQuietDrift(options: { params?: Partial<BookParams> } = {}) {
  const evaluations: Evaluation[] = [];
  const blocks: BlockReport[] = [];
  const keeper = keeperFor({
    params: { armBps: ARM_BPS, rearmBps: 10, ...options.params },
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
  const settled = (block: bigint) =>
    waitFor(`the keeper settled on block ${block}`, async () => {
      const health = await keeper.health();
      const evaluated = health.books.every((b) => (b.lastEvaluation?.blockNumber ?? -1n) >= block);
      const busy = Object.entries(health.queues).some(
        ([name, q]) => /evaluate|submit/.test(name) && q.waiting + q.prioritized + q.active + q.delayed > 0,
      );
      return evaluated && !busy;
    });
  await settled(await devnet().publicClient.getBlockNumber({ cacheTime: 0 }));
  await devnet().runScenario("quiet-drift", {
    onBlock: async (block) => {
      blocks.push(block);
      await settled(block.blockNumber);
    },
  });
  return { keeper, evaluations, blocks };
}

describe("the keeper during quiet-drift", () => {
  it("hedges once the drift passes the arm band while the oracle lags the pool, on the fallback σ", async () => {
    const { keeper, evaluations, blocks } = await playQuietDrift();
    const plans = await keeper.plans.list();
    const plan = plans.sort((a, b) => Number(a.blockNumber - b.blockNumber))[0]!;
    expect(plan, "no plan during quiet-drift").toBeDefined();
    const atPlan = evaluations.find((e) => e.blockNumber === plan.blockNumber)!;
    expect(atPlan, `no evaluation of the plan's block ${plan.blockNumber}`).toBeDefined();
    // Beyond the band, which the keeper had not been before.
    expect(Math.abs(atPlan.driftBps)).toBeGreaterThan(ARM_BPS);
    const before = evaluations.filter((e) => e.blockNumber < plan.blockNumber);
    expect(before.every((e) => Math.abs(e.driftBps) <= ARM_BPS)).toBe(true);
    // The oracle is flat-ish: a handful of answers over the whole path, while the pool moved every block.
    const answers = new Set(evaluations.map((e) => e.oracleUsd));
    expect(answers.size).toBeLessThanOrEqual(7);
    const marketBlocks = blocks.filter((b) => !b.reaction).length;
    expect(new Set(evaluations.map((e) => e.poolUsd)).size).toBeGreaterThan(marketBlocks);
    // So σ could not be measured: the fallback (0.6 for the devnet book), never 0, and the reason says why.
    expect(atPlan.sigma.source).toBe("fallback");
    expect(atPlan.sigma.sigmaAnnual).toBe(0.6);
    expect(atPlan.sigma.reason).toMatch(/too little price data.*oracle: \d+ distinct moves \(need 20\)/);
    // A routine hedge resize, decided on the flat oracle's answer while the pool had moved on, and mined through
    // Roles a slot later (a reaction block of the path), before its deadline.
    expect(plan.lane).toBe("routine");
    expect(atPlan.poolUsd).not.toBe(atPlan.oracleUsd);
    expect(plan.status).toBe("mined");
    const receipt = await devnet().publicClient.getTransactionReceipt({ hash: plan.minedTxHash! });
    expect(receipt.status).toBe("success");
    expect(receipt.to?.toLowerCase()).toBe(bed.setup.scope.roles.toLowerCase());
    const minedIn = blocks.find((b) => b.blockNumber === receipt.blockNumber);
    expect(minedIn?.reaction).toBe(true);
  });

  it("would not plan on the same drift if σ fell to 0 (no fallback, no floor): why the fallback matters", async () => {
    const { keeper, evaluations } = await playQuietDrift({
      params: {
        risk: { fallbackSigmaAnnual: 0, sigmaFloorAnnual: 0, horizonSec: 86_400, confidenceZ: 1.645 },
      },
    });
    expect(evaluations.some((e) => Math.abs(e.driftBps) > ARM_BPS)).toBe(true);
    expect(evaluations.at(-1)!.sigma.sigmaAnnual).toBe(0);
    expect(await keeper.plans.list()).toEqual([]);
  });
});
