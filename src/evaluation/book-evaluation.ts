// What one evaluation of a book produces beyond the engine's own types: the status a steward sees, the kind of
// decision taken, and the book's detail (band, oracle, LP, perp, effectiveness windows, stress table, de-peg
// tiers). The keeper builds it (keeper/evaluation-history.ts), the history store keeps the detail as JSON, the
// API validates what it reads back with bookDetailSchema, and the dashboard draws the inferred types. A field
// added to the schema is one edit: the compiler then asks every producer (and test fixture) for it, and every
// reader receives it typed. Bigints travel as decimal strings; JSON cannot carry NaN, so a number the engine
// may leave undefined is `number | null`.
import { z } from "zod";
import { DEPEG_TIERS } from "../engine/depeg.ts";
import { DRIFT_STATES } from "../engine/hedge-drift.ts";

/** The colour a steward sees: ok, watch (past the re-arm band), act (past the arm band), stale (no oracle). */
export const BOOK_STATUS_LEVELS = ["ok", "watch", "act", "stale"] as const;
export type BookStatusLevel = (typeof BOOK_STATUS_LEVELS)[number];

/** The engine's decisions (noop, plan) and the keeper's own: skipped while a plan of the book is in flight. */
export const DECISION_KINDS = ["noop", "plan", "skipped"] as const;
export type DecisionKind = (typeof DECISION_KINDS)[number];

/** A block number as JSON carries it: its decimal string. */
const blockNumberSchema = z.string().regex(/^\d+$/, "a block number as a decimal string");

const oracleDetailSchema = z.object({
  fresh: z.boolean(),
  ageSec: z.number(),
  /** Why the feed is not fresh, when it is not. */
  problem: z.string().nullable(),
});

const lpDetailSchema = z.object({
  valueUsd: z.number(),
  feesUsd: z.number(),
  hodlValueUsd: z.number(),
  expectedIlUsd: z.number(),
  lvrUsdPerYear: z.number(),
});

const perpDetailSchema = z.object({
  venue: z.string(),
  /** Signed, base units: negative is short. */
  sizeBase: z.number(),
  notionalUsd: z.number(),
  markPrice: z.number(),
  indexPrice: z.number(),
  /** null without a position. */
  marginRatio: z.number().nullable(),
  leverage: z.number(),
  /** null without a position. */
  liquidationDistanceBps: z.number().nullable(),
  /** Negative = the book pays funding. */
  fundingCarryUsdPerYear: z.number(),
});

const effectivenessWindowDetailSchema = z.object({
  /** Samples (one per block) in the window. */
  samples: z.number().int().positive(),
  fromBlock: blockNumberSchema,
  toBlock: blockNumberSchema,
  ederington: z.number(),
  correlation: z.number(),
  minVarianceHedgeMultiple: z.number(),
  basisMarkIndexBps: z.object({ mean: z.number(), std: z.number() }),
  fundingCarryUsdPerYear: z.number(),
  varianceRemoved: z.number(),
  costPerUnitRiskRemoved: z.number().nullable(),
});

export const stressRowSchema = z.object({
  /** The scenario as the engine labels it (e.g. "price -30.0%", "USDC at $0.8774"). */
  shock: z.string(),
  lpPnlUsd: z.number(),
  hedgePnlUsd: z.number(),
  /** The spot balances' P&L (net = LP + hedge + spot); the published table (/api/stress) leaves it out. */
  spotPnlUsd: z.number().optional(),
  netPnlUsd: z.number(),
  /** Net P&L in bps of book value. */
  netPnlBps: z.number(),
});

const depegTierDetailSchema = z.object({
  symbol: z.string(),
  tier: z.enum(DEPEG_TIERS),
  deviationBps: z.number().nullable(),
});

export const bookDetailSchema = z.object({
  armBps: z.number(),
  rearmBps: z.number(),
  driftState: z.enum(DRIFT_STATES),
  netDeltaUsd: z.number(),
  basePriceUsd: z.number(),
  oracle: oracleDetailSchema,
  lp: lpDetailSchema,
  /** null when the book holds no perp position. */
  perp: perpDetailSchema.nullable(),
  /** One per window the engine could compute, shortest first. */
  effectiveness: z.array(effectivenessWindowDetailSchema),
  stress: z.array(stressRowSchema),
  /** Why the stress table could not be computed; null when it was. */
  stressProblem: z.string().nullable(),
  depeg: z.array(depegTierDetailSchema),
});

export type BookDetail = z.infer<typeof bookDetailSchema>;
export type EffectivenessWindowDetail = z.infer<typeof effectivenessWindowDetailSchema>;
export type StressRow = z.infer<typeof stressRowSchema>;

/** A detail read back from the store, validated: null when it is not a BookDetail (another version wrote it). */
export function readBookDetail(json: unknown): BookDetail | null {
  const parsed = bookDetailSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}
