// The report's figures as labelled, formatted text, once: the Markdown, HTML and dashboard renderings all print
// these, so every format says the same thing.
import type { PnlTerms } from "./attribution.ts";
import type { PerformanceReport } from "./performance-report.ts";

export interface FigureSection {
  id: string;
  title: string;
  rows: [label: string, value: string][];
  /** Why some figures are blank, when they are. */
  note?: string;
}

export const usd = (x: number | null): string =>
  x === null || !Number.isFinite(x)
    ? "n/a"
    : `${x < 0 ? "−" : ""}$${Math.abs(x).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
export const pct = (x: number | null, digits = 1): string =>
  x === null || !Number.isFinite(x) ? "n/a" : `${(x * 100).toFixed(digits)}%`;
export const num = (x: number | null, digits = 3): string =>
  x === null || !Number.isFinite(x) ? "n/a" : x.toFixed(digits);
export const bps = (x: number | null): string =>
  x === null || !Number.isFinite(x) ? "n/a" : `${x.toFixed(1)} bps`;
export const iso = (sec: number): string => new Date(sec * 1000).toISOString().replace(".000Z", "Z");

export function duration(sec: number): string {
  if (sec >= 86_400) return `${(sec / 86_400).toFixed(1)} d`;
  if (sec >= 3_600) return `${(sec / 3_600).toFixed(1)} h`;
  if (sec >= 60) return `${(sec / 60).toFixed(1)} min`;
  return `${sec.toFixed(0)} s`;
}

/** The attribution columns, in the order the tables print them. */
export const TERM_COLUMNS: readonly [keyof PnlTerms, string][] = [
  ["deltaUsd", "Delta (price)"],
  ["gammaUsd", "IL / gamma (LVR)"],
  ["feesEarnedUsd", "LP fees earned"],
  ["hedgePriceUsd", "Hedge price P&L"],
  ["carryUsd", "Carry"],
  ["gasUsd", "Gas paid"],
  ["venueFeesUsd", "Venue fees paid"],
  ["slippageUsd", "Slippage paid"],
  ["liquidationBonusUsd", "Liquidation bonus lost"],
  ["settledToCollateralUsd", "Settled into collateral"],
  ["lpWithdrawnUsd", "Withdrawn from LP (transfer)"],
  ["unexplainedUsd", "Unexplained"],
  ["bookValueChangeUsd", "Book value change"],
];

export function reportFigures(report: PerformanceReport): FigureSection[] {
  const { attribution: a, risk, effectiveness: e, rebalances: r } = report;
  const t = a.total;
  const relative = e.period.relative;
  return [
    {
      id: "attribution",
      title: "P&L attribution",
      rows: [
        ["Hedged item P&L", usd(t.hedgedItemChangeUsd + t.lpWithdrawnUsd + t.lpFeesCollectedUsd)],
        ["  delta (price)", usd(t.deltaUsd)],
        ["  IL / gamma (LVR)", usd(t.gammaUsd)],
        ["  LP fees earned", usd(t.feesEarnedUsd)],
        ["    of it collected by LP withdrawals", usd(t.lpFeesCollectedUsd)],
        // A transfer, not P&L: the principal LP withdrawals paid the Safe left the LP's value and stays the book's
        // (deposits count negative). Base paid into the Safe's spot is not in it: the hedged item counts it as spot.
        ["LP principal withdrawn, net of deposits (transfer; base to spot excluded)", usd(t.lpWithdrawnUsd)],
        [
          "  executions with the payout unknown (in gamma)",
          report.lpWithdrawalUnknownExecutions === null
            ? "n/a"
            : String(report.lpWithdrawalUnknownExecutions),
        ],
        ["Hedge P&L", usd(t.hedgeChangeUsd + t.settledToCollateralUsd)],
        ["  price", usd(t.hedgePriceUsd)],
        ["  carry (funding, lending interest)", usd(t.carryUsd)],
        ["    of it estimated from the funding rate", usd(report.carryEstimatedUsd)],
        ["    of it a lending short's collateral supply interest", usd(report.collateralInterestUsd)],
        [
          "    steps without the collateral's readings (its interest left out)",
          report.collateralInterestUnknownSteps === null
            ? "n/a"
            : String(report.collateralInterestUnknownSteps),
        ],
        ["  of it settled into collateral", usd(t.settledToCollateralUsd)],
        ["Costs paid", usd(t.gasUsd + t.venueFeesUsd + t.slippageUsd)],
        ["  gas", usd(t.gasUsd)],
        ["  venue fees", usd(t.venueFeesUsd)],
        ["  slippage", usd(t.slippageUsd)],
        ["Liquidation bonus lost", usd(t.liquidationBonusUsd)],
        ["Book value change", usd(t.bookValueChangeUsd)],
        [
          "Unexplained",
          `${usd(t.unexplainedUsd)} (${pct(a.unexplainedShareOfGross, 3)} of gross ${usd(a.grossPnlUsd)})`,
        ],
      ],
    },
    {
      id: "risk",
      title: `Hedged against unhedged (per ${duration(a.bucketSec)})`,
      rows: [
        ["P&L volatility, hedged", usd(risk.hedged.volatilityUsd)],
        ["P&L volatility, unhedged", usd(risk.unhedged.volatilityUsd)],
        ["Variance reduction (Ederington)", pct(risk.varianceReduction)],
        ["Max drawdown, hedged", usd(risk.hedged.maxDrawdownUsd)],
        ["Max drawdown, unhedged", usd(risk.unhedged.maxDrawdownUsd)],
        [`VaR ${pct(risk.confidence, 0)}, hedged`, usd(risk.hedged.valueAtRiskUsd)],
        [`VaR ${pct(risk.confidence, 0)}, unhedged`, usd(risk.unhedged.valueAtRiskUsd)],
        [`ES ${pct(risk.confidence, 0)}, hedged`, usd(risk.hedged.expectedShortfallUsd)],
        [`ES ${pct(risk.confidence, 0)}, unhedged`, usd(risk.unhedged.expectedShortfallUsd)],
      ],
      ...(risk.reason === null ? {} : { note: risk.reason }),
    },
    {
      id: "effectiveness",
      title: "Effectiveness",
      rows: [
        ["Target hedge ratio", num(e.targetHedgeRatio, 2)],
        ["Realized hedge ratio", num(e.period.realizedHedgeRatio)],
        ["h* (minimum-variance ratio)", num(e.minVarianceHedgeRatio)],
        ["Ederington against target", pct(relative?.ederington ?? null)],
        ["Floor", pct(e.floor, 0)],
        ["Meets floor", e.meetsFloor === null ? "n/a" : e.meetsFloor ? "yes" : "no"],
        ["Dollar offset against target", num(relative?.dollarOffset ?? null)],
        ["Correlation (period)", num(e.period.correlation)],
        [
          `Rolling correlation (${report.rolling.windowSteps} steps): mean ± std`,
          `${num(report.rolling.correlation.mean)} ± ${num(report.rolling.correlation.std)}`,
        ],
        [
          "Rolling correlation: min / max",
          `${num(report.rolling.correlation.min)} / ${num(report.rolling.correlation.max)}`,
        ],
        [
          "Basis mark − index: mean ± std",
          `${bps(report.basis.markIndex.meanBps)} ± ${bps(report.basis.markIndex.stdBps)}`,
        ],
        [
          "Basis index − pool: mean ± std",
          `${bps(report.basis.indexPool.meanBps)} ± ${bps(report.basis.indexPool.stdBps)}`,
        ],
      ],
      ...(e.period.reason === null ? {} : { note: e.period.reason }),
    },
    {
      id: "rebalances",
      title: "Rebalances",
      rows: [
        ["Rebalances", String(r.count)],
        ["Turnover", usd(r.turnoverUsd)],
        ["Costs paid", usd(r.costsUsd)],
        ["Cost per USD of volatility removed", num(r.costPerUnitRiskRemoved)],
        [
          "Time outside the band",
          `${duration(r.outsideBandSec)} (${pct(r.periodSec > 0 ? r.outsideBandSec / r.periodSec : null)})`,
        ],
        ["  of it over-hedged", duration(r.overHedgedOutsideBandSec)],
        [
          "Time over-hedged (above target)",
          `${duration(r.overHedgedSec)} (${pct(r.periodSec > 0 ? r.overHedgedSec / r.periodSec : null)})`,
        ],
        ["Plans", String(report.plans.length)],
        ["De-peg tier changes", String(report.depegEvents.length)],
        ["Alerts", String(report.alerts.length)],
      ],
    },
    ...(report.aaveHealth === null && report.liquidations.length === 0 ? [] : [liquidationFigures(report)]),
  ];
}

/** The Aave leg: how close it came to liquidation, and every liquidation it suffered. */
function liquidationFigures(report: PerformanceReport): FigureSection {
  const h = report.aaveHealth;
  const l = report.liquidations;
  const sum = (f: (x: (typeof l)[number]) => number) => l.reduce((acc, x) => acc + f(x), 0);
  return {
    id: "liquidations",
    title: "Liquidations",
    rows: [
      ["Liquidations", String(l.length)],
      ["Collateral seized (to liquidators)", usd(sum((x) => x.collateralSeizedUsd))],
      ["Collateral taken as protocol fee", usd(sum((x) => x.protocolFeeUsd))],
      ["Debt covered", usd(sum((x) => x.debtCoveredUsd))],
      ["Liquidation bonus paid (fee included)", usd(sum((x) => x.bonusUsd))],
      [
        "Lowest health factor",
        h === null
          ? "n/a"
          : h.minHealthFactor === null
            ? "no debt"
            : `${num(h.minHealthFactor)}${h.minAtSec === null ? "" : ` at ${iso(h.minAtSec)}`}`,
      ],
      ["Health factor floor", h === null ? "n/a" : num(h.floor, 2)],
      ["Time under the floor", h === null ? "n/a" : duration(h.secondsUnderFloor)],
      ...l.map((x, i): [string, string] => [
        `  #${i + 1} ${iso(x.atSec)} block ${x.blockNumber}`,
        `${x.debtSymbol} ${usd(x.debtCoveredUsd)} covered, ${x.collateralSymbol} ${usd(x.collateralSeizedUsd)} ` +
          `seized + ${usd(x.protocolFeeUsd)} protocol fee, bonus ${usd(x.bonusUsd)}, by ${x.liquidator} in ${x.txHash}`,
      ]),
    ],
    ...(h === null
      ? {}
      : { note: "Time under the floor counts from each sample under it to the next sample." }),
  };
}
