// Everything the report says about a period, from the book's points and what happened around them: the P&L
// attribution (attribution.ts), hedged against unhedged (risk-comparison.ts), effectiveness against the target
// over the whole period and rolling (effectiveness.ts, rolling-effectiveness.ts), basis, rebalances
// (rebalance-statistics.ts), de-peg events, plans, alerts, and an Aave leg's liquidations and health factor. Pure: the report command and the backtest both
// build their inputs and hand them here.
import type { DepegTier } from "../engine/depeg.ts";
import { type TargetEffectivenessWindow, targetEffectivenessWindows } from "../engine/effectiveness.ts";
import { fail } from "../engine/input-guards.ts";
import { mean, variance } from "../engine/statistics.ts";
import { attributePeriod, bookValueOf, hedgedItemPnlValueOf, type PeriodAttribution } from "./attribution.ts";
import { type BandPoint, type RebalanceStatistics, rebalanceStatistics } from "./rebalance-statistics.ts";
import { compareRisk, type RiskComparison } from "./risk-comparison.ts";
import {
  type CorrelationStability,
  correlationStability,
  type RollingPoint,
  rollingEffectiveness,
} from "./rolling-effectiveness.ts";

/** A point of the report: the book, its drift band and target, and the prices its basis is measured between. */
export interface ReportPoint extends BandPoint {
  /**
   * The part of carryUsd (since the series began) estimated from the funding rate rather than read from the chain's
   * settled and pending funding (src/store/report-period.ts); absent when the source does not tell them apart.
   */
  carryEstimatedUsd?: number;
  /**
   * Executions since the series began whose LP withdrawal payout is unknown (recorded before it was, or not valued):
   * what they paid out of the LP is counted by gamma as a loss (src/store/report-period.ts); absent when the source
   * does not tell (a backtest knows every payout).
   */
  lpWithdrawalUnknownExecutions?: number;
  /**
   * The part of carryUsd (since the series began) that is a lending short's collateral supply interest, USD; also in
   * hedgeValueUsd (src/store/report-period.ts). Absent when the source does not tell it apart.
   */
  collateralInterestUsd?: number;
  /**
   * Steps of an Aave leg since the series began whose collateral interest is unknown (samples recorded before
   * migration 13): carry leaves it out, the book's value too. Absent when the source does not tell.
   */
  collateralInterestUnknownSteps?: number;
  targetHedgeRatio: number;
  perpMarkPriceUsd: number;
  perpIndexPriceUsd: number;
  poolPriceUsd: number;
}

/** A stablecoin's de-peg tier changed (from the previous reading of that token). */
export interface DepegEvent {
  atSec: number;
  symbol: string;
  fromTier: DepegTier;
  toTier: DepegTier;
  deviationBps: number | null;
}

export interface ReportAlert {
  atSec: number;
  key: string;
  severity: "info" | "warning" | "critical";
  status: "firing" | "resolved";
  title: string;
}

export interface ReportPlan {
  planId: string;
  atSec: number;
  lane: string;
  status: string;
  reason: string;
}

/** An Aave liquidation of the book's Safe (the history's aave_liquidations row). */
export interface ReportLiquidation {
  atSec: number;
  blockNumber: bigint;
  txHash: string;
  liquidator: string;
  collateralSymbol: string;
  /** The LiquidationCall's liquidatedCollateralAmount and debtToCover, in the tokens' units. */
  collateralSeized: bigint;
  collateralSeizedUsd: number;
  /** Collateral Aave's treasury took as its share of the bonus (beyond collateralSeized), USD. */
  protocolFeeUsd: number;
  debtSymbol: string;
  debtCovered: bigint;
  debtCoveredUsd: number;
  /** What the Safe lost beyond the debt covered: seized + protocol fee − covered, USD. */
  bonusUsd: number;
}

/** The Aave leg's health factor over the period, from every sample (history-store.ts AaveHealthSummary). */
export interface ReportAaveHealth {
  samples: number;
  minHealthFactor: number | null;
  minAtSec: number | null;
  floor: number;
  secondsUnderFloor: number;
}

export interface PerformanceInput {
  bookId: string;
  points: readonly ReportPoint[];
  depegEvents: readonly DepegEvent[];
  plans: readonly ReportPlan[];
  alerts: readonly ReportAlert[];
  /** Aave liquidations of the Safe in the period (none when absent: a book without an Aave leg, a backtest). */
  liquidations?: readonly ReportLiquidation[];
  /** The Aave leg's health factor over the period; null or absent without an Aave leg. */
  aaveHealth?: ReportAaveHealth | null;
}

export interface PerformanceOptions {
  /** Width of the P&L buckets the attribution table and the risk statistics use (default 86,400: days). */
  bucketSec?: number;
  /** VaR / ES confidence (default 0.95). */
  confidence?: number;
  /** Steps per rolling effectiveness window (default 20). */
  rollingWindowSteps?: number;
  /** The Ederington floor the book is judged against (alerts.effectiveness.floorRatio; default 0.5). */
  effectivenessFloor?: number;
}

export interface SpreadStatistics {
  meanBps: number;
  stdBps: number;
  minBps: number;
  maxBps: number;
}

export interface ChartPoint {
  timestampSec: number;
  /** Cumulative P&L since the period's start, USD: the book's (hedged) and the hedged item's alone (unhedged). */
  hedgedPnlUsd: number;
  unhedgedPnlUsd: number;
  driftBps: number;
  thresholdBps: number;
  /** Carry received since the period's start, USD. */
  carryUsd: number;
}

export interface PerformanceReport {
  bookId: string;
  fromSec: number;
  toSec: number;
  attribution: PeriodAttribution;
  /**
   * How much of the period's carry was estimated from the funding rate, USD; the rest is the funding the chain
   * settled and left pending. null when the points do not say (a backtest's carry is modelled throughout).
   */
  carryEstimatedUsd: number | null;
  /** Executions in the period whose LP withdrawal payout is unknown (see ReportPoint); null when the points do not say. */
  lpWithdrawalUnknownExecutions: number | null;
  /** How much of the period's carry is a lending short's collateral supply interest, USD; null when not told apart. */
  collateralInterestUsd: number | null;
  /** Steps in the period whose collateral interest is unknown, left out of carry (see ReportPoint); null: not told. */
  collateralInterestUnknownSteps: number | null;
  risk: RiskComparison;
  effectiveness: {
    targetHedgeRatio: number;
    floor: number;
    /** The whole period as one window (effectiveness.ts): raw and against the target; blank with a reason. */
    period: TargetEffectivenessWindow;
    /** h*: the hedge ratio (share of the item's moves) that would have minimized the period's variance. */
    minVarianceHedgeRatio: number | null;
    /** Ederington against the target at or above the floor; null when the period could not be measured. */
    meetsFloor: boolean | null;
  };
  rolling: { windowSteps: number; points: RollingPoint[]; correlation: CorrelationStability };
  basis: { markIndex: SpreadStatistics; indexPool: SpreadStatistics };
  rebalances: RebalanceStatistics & {
    costsUsd: number;
    /** (costs − carry received) per USD of bucket P&L volatility removed; null when no risk was removed. */
    costPerUnitRiskRemoved: number | null;
  };
  depegEvents: DepegEvent[];
  plans: ReportPlan[];
  alerts: ReportAlert[];
  liquidations: ReportLiquidation[];
  aaveHealth: ReportAaveHealth | null;
  chart: ChartPoint[];
}

function spread(xs: readonly number[]): SpreadStatistics {
  return {
    meanBps: mean(xs),
    stdBps: Math.sqrt(variance(xs)),
    minBps: xs.reduce((a, b) => Math.min(a, b)),
    maxBps: xs.reduce((a, b) => Math.max(a, b)),
  };
}

export function performanceReport(
  input: PerformanceInput,
  options: PerformanceOptions = {},
): PerformanceReport {
  const { points } = input;
  const confidence = options.confidence ?? 0.95;
  const windowSteps = options.rollingWindowSteps ?? 20;
  const floor = options.effectivenessFloor ?? 0.5;
  if (!Number.isFinite(floor) || floor > 1) fail("effectivenessFloor", "must be finite and <= 1", floor);
  const attribution = attributePeriod(points, { bucketSec: options.bucketSec ?? 86_400 });
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    if (!Number.isFinite(p.targetHedgeRatio) || p.targetHedgeRatio < 0)
      fail(`points[${i}].targetHedgeRatio`, "must be finite and >= 0", p.targetHedgeRatio);
    for (const key of ["perpMarkPriceUsd", "perpIndexPriceUsd", "poolPriceUsd"] as const) {
      if (!(p[key] > 0) || !Number.isFinite(p[key]))
        fail(`points[${i}].${key}`, "must be finite and > 0", p[key]);
    }
  }
  const first = points[0]!;
  const last = points[points.length - 1]!;
  const risk = compareRisk(attribution.buckets, { confidence });

  const targetHedgeRatio = last.targetHedgeRatio;
  const [period] = targetEffectivenessWindows(
    points.map((p) => ({
      timestampSec: p.timestampSec,
      // The hedge's P&L: a withdrawal's settlement moves P&L into collateral, it does not offset the item.
      hedgeValueUsd: p.hedgeValueUsd + p.settledToCollateralUsd,
      // The item's P&L: an LP withdrawal's payout to the Safe does not offset the hedge either.
      hedgedItemValueUsd: hedgedItemPnlValueOf(p),
      ...(p.blockNumber === null ? {} : { blockNumber: p.blockNumber }),
    })),
    {
      targetHedgeRatio,
      windows: [{ label: "period", lastSamples: points.length }],
      // Short periods are judged on the changes they have, but never on fewer than two (a single change has no
      // variance): a one-step period reports its attribution and leaves effectiveness blank, with the reason.
      minChanges: Math.max(2, Math.min(20, points.length - 1)),
    },
  );
  const relative = period!.relative;
  const minVarianceMultiple = period!.raw?.minVarianceMultiple ?? null;
  const realized = period!.realizedHedgeRatio;

  const rolling = rollingEffectiveness(points, { windowSteps, targetHedgeRatio });
  const rebalances = rebalanceStatistics(points);
  const costsUsd = attribution.total.gasUsd + attribution.total.venueFeesUsd + attribution.total.slippageUsd;
  const riskRemoved =
    risk.unhedged.volatilityUsd !== null && risk.hedged.volatilityUsd !== null
      ? risk.unhedged.volatilityUsd - risk.hedged.volatilityUsd
      : null;

  const item0 = hedgedItemPnlValueOf(first);
  const book0 = bookValueOf(first);
  return {
    bookId: input.bookId,
    fromSec: first.timestampSec,
    toSec: last.timestampSec,
    attribution,
    carryEstimatedUsd:
      first.carryEstimatedUsd === undefined || last.carryEstimatedUsd === undefined
        ? null
        : last.carryEstimatedUsd - first.carryEstimatedUsd,
    lpWithdrawalUnknownExecutions:
      first.lpWithdrawalUnknownExecutions === undefined || last.lpWithdrawalUnknownExecutions === undefined
        ? null
        : last.lpWithdrawalUnknownExecutions - first.lpWithdrawalUnknownExecutions,
    collateralInterestUsd:
      first.collateralInterestUsd === undefined || last.collateralInterestUsd === undefined
        ? null
        : last.collateralInterestUsd - first.collateralInterestUsd,
    collateralInterestUnknownSteps:
      first.collateralInterestUnknownSteps === undefined || last.collateralInterestUnknownSteps === undefined
        ? null
        : last.collateralInterestUnknownSteps - first.collateralInterestUnknownSteps,
    risk,
    effectiveness: {
      targetHedgeRatio,
      floor,
      period: period!,
      minVarianceHedgeRatio:
        minVarianceMultiple !== null && realized !== null ? minVarianceMultiple * realized : null,
      meetsFloor: relative === null ? null : relative.ederington >= floor,
    },
    rolling: { windowSteps, points: rolling, correlation: correlationStability(rolling) },
    basis: {
      markIndex: spread(
        points.map((p) => ((p.perpMarkPriceUsd - p.perpIndexPriceUsd) / p.perpIndexPriceUsd) * 10_000),
      ),
      indexPool: spread(
        points.map((p) => ((p.perpIndexPriceUsd - p.poolPriceUsd) / p.perpIndexPriceUsd) * 10_000),
      ),
    },
    rebalances: {
      ...rebalances,
      costsUsd,
      costPerUnitRiskRemoved:
        riskRemoved !== null && riskRemoved > 0
          ? (costsUsd - attribution.total.carryUsd) / riskRemoved
          : null,
    },
    depegEvents: [...input.depegEvents],
    plans: [...input.plans],
    alerts: [...input.alerts],
    liquidations: [...(input.liquidations ?? [])],
    aaveHealth: input.aaveHealth ?? null,
    chart: points.map((p) => ({
      timestampSec: p.timestampSec,
      hedgedPnlUsd: bookValueOf(p) - book0,
      unhedgedPnlUsd: hedgedItemPnlValueOf(p) - item0,
      driftBps: p.driftBps,
      thresholdBps: p.thresholdBps,
      carryUsd: p.carryUsd - first.carryUsd,
    })),
  };
}
