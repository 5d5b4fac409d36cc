// The engine's summary of one book, as the keeper stores it in BookStatus.detail (keeper/evaluation-history.ts),
// read into a typed view. `detail` is JSON the dashboard does not own and older rows may lack fields, so every
// field is checked: anything missing or malformed becomes null (drawn as "–"), never an exception.

export interface OracleFacts {
  fresh: boolean | null;
  ageSec: number | null;
  /** Why the feed is not fresh, when it is not. */
  problem: string | null;
}

export interface LpFacts {
  valueUsd: number | null;
  feesUsd: number | null;
  hodlValueUsd: number | null;
  expectedIlUsd: number | null;
  lvrUsdPerYear: number | null;
}

export interface PerpFacts {
  venue: string | null;
  /** Signed, base units: negative is short. */
  sizeBase: number | null;
  notionalUsd: number | null;
  markPrice: number | null;
  indexPrice: number | null;
  marginRatio: number | null;
  leverage: number | null;
  liquidationDistanceBps: number | null;
  /** Negative = the book pays funding. */
  fundingCarryUsdPerYear: number | null;
}

export interface EffectivenessFacts {
  samples: number | null;
  fromBlock: string | null;
  toBlock: string | null;
  ederington: number | null;
  correlation: number | null;
  minVarianceHedgeMultiple: number | null;
  basisMarkIndexBps: { mean: number | null; std: number | null };
  fundingCarryUsdPerYear: number | null;
  varianceRemoved: number | null;
  costPerUnitRiskRemoved: number | null;
}

export const DEPEG_TIERS = ["ok", "watch", "warn", "act"] as const;

export interface DepegFacts {
  symbol: string;
  tier: (typeof DEPEG_TIERS)[number] | "unknown";
  deviationBps: number | null;
}

export interface BookDetail {
  armBps: number | null;
  rearmBps: number | null;
  /** "over", "under" or "on-target" as the engine names it. */
  driftState: string | null;
  netDeltaUsd: number | null;
  basePriceUsd: number | null;
  oracle: OracleFacts;
  lp: LpFacts;
  /** null when the book holds no perp position; a perp whose fields are missing reads as all nulls. */
  perp: PerpFacts | null;
  /** One entry per window the engine could compute, shortest first. */
  effectiveness: EffectivenessFacts[];
  /** Why the stress table could not be computed; null when it was. */
  stressProblem: string | null;
  depeg: DepegFacts[];
}

type Json = Record<string, unknown>;

function record(value: unknown): Json {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

function finite(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function text(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

function flag(value: unknown): boolean | null {
  return typeof value === "boolean" ? value : null;
}

/** A block number as JSON carries it: a decimal string (bigint on the wire) or a safe integer. */
function blockNumber(value: unknown): string | null {
  if (typeof value === "string" && /^\d+$/.test(value)) return value;
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return String(value);
  return null;
}

function list(value: unknown): Json[] {
  return Array.isArray(value)
    ? value.filter((v): v is Json => typeof v === "object" && v !== null && !Array.isArray(v))
    : [];
}

function perpFacts(value: unknown): PerpFacts | null {
  if (value === null) return null;
  const perp = record(value);
  return {
    venue: text(perp.venue),
    sizeBase: finite(perp.sizeBase),
    notionalUsd: finite(perp.notionalUsd),
    markPrice: finite(perp.markPrice),
    indexPrice: finite(perp.indexPrice),
    marginRatio: finite(perp.marginRatio),
    leverage: finite(perp.leverage),
    liquidationDistanceBps: finite(perp.liquidationDistanceBps),
    fundingCarryUsdPerYear: finite(perp.fundingCarryUsdPerYear),
  };
}

function effectivenessFacts(window: Json): EffectivenessFacts {
  const basis = record(window.basisMarkIndexBps);
  return {
    samples: finite(window.samples),
    fromBlock: blockNumber(window.fromBlock),
    toBlock: blockNumber(window.toBlock),
    ederington: finite(window.ederington),
    correlation: finite(window.correlation),
    minVarianceHedgeMultiple: finite(window.minVarianceHedgeMultiple),
    basisMarkIndexBps: { mean: finite(basis.mean), std: finite(basis.std) },
    fundingCarryUsdPerYear: finite(window.fundingCarryUsdPerYear),
    varianceRemoved: finite(window.varianceRemoved),
    costPerUnitRiskRemoved: finite(window.costPerUnitRiskRemoved),
  };
}

function depegFacts(reading: Json): DepegFacts | null {
  const symbol = text(reading.symbol);
  if (symbol === null) return null;
  const tier = DEPEG_TIERS.find((t) => t === reading.tier) ?? "unknown";
  return { symbol, tier, deviationBps: finite(reading.deviationBps) };
}

export function parseBookDetail(detail: unknown): BookDetail {
  const d = record(detail);
  const oracle = record(d.oracle);
  const lp = record(d.lp);
  return {
    armBps: finite(d.armBps),
    rearmBps: finite(d.rearmBps),
    driftState: text(d.driftState),
    netDeltaUsd: finite(d.netDeltaUsd),
    basePriceUsd: finite(d.basePriceUsd),
    oracle: { fresh: flag(oracle.fresh), ageSec: finite(oracle.ageSec), problem: text(oracle.problem) },
    lp: {
      valueUsd: finite(lp.valueUsd),
      feesUsd: finite(lp.feesUsd),
      hodlValueUsd: finite(lp.hodlValueUsd),
      expectedIlUsd: finite(lp.expectedIlUsd),
      lvrUsdPerYear: finite(lp.lvrUsdPerYear),
    },
    perp: perpFacts(d.perp),
    effectiveness: list(d.effectiveness).map(effectivenessFacts),
    stressProblem: text(d.stressProblem),
    depeg: list(d.depeg).flatMap((reading) => depegFacts(reading) ?? []),
  };
}
