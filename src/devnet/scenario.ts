import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { z } from "zod";

// A scenario is data: a list of steps run in order, each one block of moves (or a time jump), except
// `market.path`, which spreads a move over time. Prices are either absolute (`price`, `answer`) or relative to the
// value when the scenario started (`change`: 0.3 = +30%).

const poolKey = z.enum(["usdcWeth500", "daiUsdc100", "usdcUsdt100"]);
const feedKey = z.enum(["ethUsd", "usdcUsd", "daiUsd", "usdtUsd"]);
const change = z.number().gt(-1);
const label = z.string().optional();

function exactlyOne(a: string, b: string) {
  return (step: Record<string, unknown>) => (step[a] === undefined) !== (step[b] === undefined);
}

const poolMovePrice = z
  .object({
    kind: z.literal("pool.movePrice"),
    pool: poolKey,
    price: z.number().positive().optional(),
    change: change.optional(),
    label,
  })
  .strict()
  .refine(exactlyOne("price", "change"), "give exactly one of price or change");
const feedSet = z
  .object({
    kind: z.literal("feed.set"),
    feed: feedKey,
    answer: z.number().positive().optional(),
    change: change.optional(),
    label,
  })
  .strict()
  .refine(exactlyOne("answer", "change"), "give exactly one of answer or change");
/** `premium`: where the mark goes relative to the index at that moment (0.06 = 6% over the index). */
const perpMoveMark = z
  .object({
    kind: z.literal("perp.moveMark"),
    price: z.number().positive().optional(),
    premium: change.optional(),
    label,
  })
  .strict()
  .refine(exactlyOne("price", "premium"), "give exactly one of price or premium");
const ethMove = z
  .object({
    kind: z.literal("market.moveEth"),
    price: z.number().positive().optional(),
    change: change.optional(),
    label,
  })
  .strict()
  .refine(exactlyOne("price", "change"), "give exactly one of price or change");
const timeAdvance = z
  .object({
    kind: z.literal("time.advance"),
    seconds: z.number().int().positive(),
    /** Feeds whose oracle posts its unchanged answer after the jump (a heartbeat update). */
    refreshFeeds: z.array(feedKey).default([]),
    label,
  })
  .strict();
const poolRemoveLiquidity = z
  .object({
    kind: z.literal("pool.removeLiquidity"),
    pool: poolKey,
    fraction: z.number().gt(0).lte(1),
    label,
  })
  .strict();

/**
 * The L2 sequencer's uptime feed reports a status change (an L2 devnet only: its manifest has `l2`). The real feed
 * posts only on a change, so `startedAt` is when the status changed; reporting the status it already has is refused.
 */
const sequencerStatus = z
  .object({ kind: z.literal("sequencer"), status: z.enum(["down", "up"]), label })
  .strict();

/**
 * A market participant (the trader) supplies USDC and borrows an Aave reserve at the variable rate until the
 * reserve's utilisation (total debt / total supplied) reaches `utilisation`: past the reserve's kink the variable
 * rate climbs its second slope, and every borrower of it pays that rate. One block.
 */
const aaveBorrowToUtilisation = z
  .object({
    kind: z.literal("aave.borrowToUtilisation"),
    reserve: z.enum(["weth", "usdc", "dai", "usdt"]),
    utilisation: z.number().gt(0).lt(1),
    label,
  })
  .strict();

/** Where an asset's USD price goes: absolute, or relative to the scenario's start. */
const pricePoint = z
  .object({ price: z.number().positive().optional(), change: change.optional() })
  .strict()
  .refine(exactlyOne("price", "change"), "give exactly one of price or change");
/**
 * The market walks in straight lines to the targets over `durationSec` (time warped, not waited), traded at
 * `ticks` evenly spaced blocks: ETH (USD) on the USDC/WETH pool and the perp market, USDC (USD) on the USDC/USDT
 * pool (USDT at its feed's answer; the ETH pool is quoted in USDC, so it moves with either). The feeds do not
 * follow the market step by step: each posts only when the scenario's `feedRules` fire, in a block of its own at
 * the second they do. Transactions others send in reaction to a block (a keeper's) are mined a 12 s slot later in
 * blocks of their own. DAI's pool and feed are left alone.
 */
const marketPath = z
  .object({
    kind: z.literal("market.path"),
    durationSec: z.number().int().positive(),
    ticks: z.number().int().positive().max(200),
    eth: pricePoint.optional(),
    usdc: pricePoint.optional(),
    label,
  })
  .strict()
  .refine((step) => step.eth !== undefined || step.usdc !== undefined, "move eth, usdc or both")
  .refine((step) => step.ticks <= step.durationSec, "at most one tick per second");

export const scenarioStepSchema = z.union([
  poolMovePrice,
  feedSet,
  perpMoveMark,
  ethMove,
  timeAdvance,
  poolRemoveLiquidity,
  marketPath,
  sequencerStatus,
  aaveBorrowToUtilisation,
]);

/**
 * Chainlink's rule for one feed during `market.path` steps (chainlink-update-rule.ts): a new round when the market
 * moved `deviationBps` from the last answer, or `heartbeatSec` (default: the feed's heartbeat in the manifest)
 * passed. A feed without a rule does not post during those steps.
 */
const feedRule = z
  .object({
    deviationBps: z.number().positive().lt(10_000),
    heartbeatSec: z.number().int().positive().optional(),
  })
  .strict();

export const scenarioSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9-]+$/),
    description: z.string(),
    feedRules: z.partialRecord(feedKey, feedRule).default({}),
    steps: z.array(scenarioStepSchema).min(1),
  })
  .strict();

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioStep = z.infer<typeof scenarioStepSchema>;
export type FeedRules = Scenario["feedRules"];

/** Whether the scenario has a step only an L2 devnet can run (its sequencer uptime feed). */
export function scenarioNeedsL2(scenario: Scenario): boolean {
  return scenario.steps.some((step) => step.kind === "sequencer");
}

/** Unknown scenario name, or a scenario file that does not validate. `message` is one line. */
export class ScenarioError extends Error {
  override name = "ScenarioError";
}

export const SCENARIOS_DIR = fileURLToPath(new URL("./scenarios/", import.meta.url));

export function listScenarios(dir: string = SCENARIOS_DIR): string[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith(".json"))
    .map((file) => file.replace(/\.json$/, ""))
    .sort();
}

export function loadScenario(name: string, dir: string = SCENARIOS_DIR): Scenario {
  const known = listScenarios(dir);
  if (!known.includes(name)) {
    throw new ScenarioError(`unknown scenario "${name}": choose one of ${known.join(", ")}`);
  }
  const source = `${dir}${name}.json`;
  const parsed = scenarioSchema.safeParse(JSON.parse(readFileSync(source, "utf8")));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ScenarioError(
      `scenario ${name} is invalid at ${issue?.path.join(".") || "(root)"}: ${issue?.message}`,
    );
  }
  if (parsed.data.name !== name)
    throw new ScenarioError(`scenario file ${name}.json is named "${parsed.data.name}"`);
  return parsed.data;
}

/** One value a step moved. */
export interface MovedValue {
  what: string;
  before: number;
  after: number;
}
