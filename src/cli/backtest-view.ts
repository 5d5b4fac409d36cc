// How `hedgekeeper backtest` shows its run: text for the terminal (with a text chart of the grid's frontier) and
// one self-contained HTML file (inline SVG, no network). The figures are the report's (performance-report.ts).
import type { BacktestRun } from "../backtest/backtest-run.ts";
import { type ChartPoint, frontierSvg, frontierText } from "../backtest/frontier-chart.ts";
import type { PolicyOutcome } from "../backtest/policy-outcome.ts";
import type { PnlTerms } from "../performance/attribution.ts";
import { renderTable } from "./book-view.ts";

const ATTRIBUTION_ROWS: readonly [string, keyof PnlTerms, 1 | -1][] = [
  ["delta (price) P&L", "deltaUsd", 1],
  ["IL / gamma (LVR)", "gammaUsd", 1],
  ["fees earned", "feesEarnedUsd", 1],
  ["hedge price P&L", "hedgePriceUsd", 1],
  ["carry", "carryUsd", 1],
  ["gas", "gasUsd", -1],
  ["venue fees", "venueFeesUsd", -1],
  ["slippage", "slippageUsd", -1],
  ["unexplained", "unexplainedUsd", 1],
  ["book value change", "bookValueChangeUsd", 1],
];

function usd(x: number | null): string {
  return x === null
    ? "n/a"
    : `${x < 0 ? "-" : ""}$${Math.abs(x).toLocaleString("en-US", { maximumFractionDigits: 0 })}`;
}

function isoDay(sec: number): string {
  return new Date(sec * 1000).toISOString().slice(0, 16).replace("T", " ");
}

function outcomeRows(o: PolicyOutcome): string[][] {
  const t = o.report.attribution.total;
  const r = o.report.risk;
  return [
    ...ATTRIBUTION_ROWS.map(([label, key, sign]) => [label, usd(sign * t[key])]),
    ["σ daily P&L, hedged", usd(r.hedged.volatilityUsd)],
    ["σ daily P&L, unhedged", usd(r.unhedged.volatilityUsd)],
    [
      "variance reduction",
      r.varianceReduction === null ? "n/a" : `${(r.varianceReduction * 100).toFixed(1)}%`,
    ],
    ["max drawdown hedged / unhedged", `${usd(r.hedged.maxDrawdownUsd)} / ${usd(r.unhedged.maxDrawdownUsd)}`],
    ["rebalances", String(o.trades)],
    ["turnover", usd(o.report.rebalances.turnoverUsd)],
    ["total cost (costs + carry paid)", usd(o.totalCostUsd)],
  ];
}

function gridChartPoints(run: BacktestRun): ChartPoint[] {
  return (run.grid?.outcomes ?? []).map((g) => ({
    label: g.label,
    totalCostUsd: g.outcome.totalCostUsd,
    residualRiskUsd: g.outcome.residualRiskUsd ?? 0,
  }));
}

function gridRows(run: BacktestRun): string[][] {
  const grid = run.grid!;
  const onFrontier = new Set(grid.frontier);
  return grid.outcomes.map((g, i) => [
    onFrontier.has(i) ? "*" : "",
    g.label,
    usd(g.outcome.residualRiskUsd),
    usd(g.outcome.totalCostUsd),
    String(g.outcome.trades),
  ]);
}

export function renderBacktestText(run: BacktestRun): string {
  const head = `backtest of book ${run.bookId}: ${run.steps} steps, ${isoDay(run.fromSec)} → ${isoDay(run.toSec)} UTC\n`;
  let text = `${head}\nconfigured policy\n${renderTable(["", "USD"], outcomeRows(run.configured))}`;
  if (run.grid) {
    text += `\ngrid: ${run.grid.outcomes.length} policies (* = on the frontier of residual risk against total cost)\n`;
    text += renderTable(["", "policy", "σ daily P&L", "total cost", "trades"], gridRows(run));
    text += `\n${frontierText(gridChartPoints(run), run.grid.frontier)}`;
  }
  return text;
}

function escapeHtml(text: string): string {
  return text.replace(/[<>&"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c]!);
}

function htmlTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const th = header.map((h) => `<th>${escapeHtml(h)}</th>`).join("");
  const trs = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join("")}</tr>`).join("\n");
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${trs}\n</tbody></table>`;
}

/** One file, no network: the configured policy's report and, with a grid, its table and frontier chart. */
export function renderBacktestHtml(run: BacktestRun): string {
  const grid = run.grid
    ? `<h2>Grid: residual risk against total cost</h2>
<figure>${frontierSvg(gridChartPoints(run), run.grid.frontier)}<figcaption>Each dot a policy; red, the frontier (no policy has both less risk and less cost).</figcaption></figure>
${htmlTable(["frontier", "policy", "σ daily P&L", "total cost", "trades"], gridRows(run))}`
    : "";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Backtest of ${escapeHtml(run.bookId)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:52rem;margin:1rem auto;padding:0 1rem}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}td,th{padding:.2rem .5rem;border-bottom:1px solid #ddd;text-align:left}
td:last-child{text-align:right}figure{margin:1rem 0}svg{max-width:100%;height:auto}</style></head>
<body><h1>Backtest of ${escapeHtml(run.bookId)}</h1>
<p>${run.steps} steps, ${isoDay(run.fromSec)} → ${isoDay(run.toSec)} UTC. Generated or exported prices replayed through the keeper's engine; not a record of trades.</p>
<h2>Configured policy</h2>
${htmlTable(["", "USD"], outcomeRows(run.configured))}
${grid}
</body></html>
`;
}
