// The performance report as one self-contained HTML file: inline CSS and SVG, no script, nothing fetched. Narrow
// screens get one column and tables that scroll inside their own box (the page itself never scrolls sideways);
// print gets black on white with charts kept whole on a page.
import type { PnlBucket } from "./attribution.ts";
import type { PerformanceReport } from "./performance-report.ts";
import { escapeHtml, lineChart } from "./report-chart.ts";
import { iso, reportFigures, TERM_COLUMNS, usd } from "./report-figures.ts";

const STYLE = `
:root{color-scheme:light}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1b1f24;background:#fff}
main{max-width:980px;margin:0 auto;padding:16px}
h1{font-size:1.4em;margin:0 0 4px}h2{font-size:1.1em;margin:24px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
.period{color:#57606a;margin:0 0 12px;overflow-wrap:anywhere}
.sections{display:grid;grid-template-columns:repeat(auto-fit,minmax(280px,1fr));gap:12px}
.figures{width:100%;border-collapse:collapse}
.figures td{padding:3px 4px;border-bottom:1px solid #eaeef2;vertical-align:top}
.figures td:last-child{text-align:right;font-variant-numeric:tabular-nums;overflow-wrap:anywhere}
.note{color:#9a6700;font-size:.9em}
.scroll{overflow-x:auto;max-width:100%}
table.days{border-collapse:collapse;font-size:.85em;font-variant-numeric:tabular-nums;min-width:100%}
table.days th,table.days td{padding:3px 6px;border-bottom:1px solid #eaeef2;text-align:right;white-space:nowrap}
table.days th:first-child,table.days td:first-child{text-align:left}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:12px}
figure.chart{margin:0;min-width:0}figure.chart svg{width:100%;height:auto;display:block}
figcaption{font-weight:600;margin-bottom:4px}
svg text{font-size:11px;fill:#57606a}svg .grid{stroke:#eaeef2}
.legend{font-size:.85em;color:#57606a}.key{margin-right:12px;white-space:nowrap}.key i{display:inline-block;width:10px;height:3px;margin-right:4px;vertical-align:middle}
ul.events{padding-left:18px;overflow-wrap:anywhere}
@media print{main{max-width:none;padding:0}figure.chart,section{break-inside:avoid}.scroll{overflow:visible}}
`;

function sectionsHtml(report: PerformanceReport): string {
  return reportFigures(report)
    .map(
      (s) =>
        `<section data-section="${s.id}"><h2>${escapeHtml(s.title)}</h2><table class="figures">${s.rows
          .map(([label, value]) => `<tr><td>${escapeHtml(label)}</td><td>${escapeHtml(value)}</td></tr>`)
          .join("")}</table>${s.note ? `<p class="note">${escapeHtml(s.note)}</p>` : ""}</section>`,
    )
    .join("");
}

function bucketLabel(bucket: PnlBucket): string {
  return bucket.endSec - bucket.startSec >= 86_400 ? iso(bucket.startSec).slice(0, 10) : iso(bucket.startSec);
}

function bucketsHtml(report: PerformanceReport): string {
  const head = `<tr><th>Period</th>${TERM_COLUMNS.map(([, label]) => `<th>${escapeHtml(label)}</th>`).join("")}</tr>`;
  const rows = [
    ...report.attribution.buckets.map((b) => [bucketLabel(b), b] as const),
    ["Total", report.attribution.total] as const,
  ]
    .map(
      ([label, terms]) =>
        `<tr><td>${escapeHtml(label)}</td>${TERM_COLUMNS.map(([key]) => `<td>${escapeHtml(usd(terms[key]))}</td>`).join("")}</tr>`,
    )
    .join("");
  return `<div class="scroll"><table class="days" data-table="attribution">${head}${rows}</table></div>`;
}

/** The cumulative P&L chart, hedged against unhedged (docs/images/report-cumulative-pnl.svg is drawn by it). */
export function cumulativePnlChart(report: PerformanceReport): string {
  const c = report.chart;
  return lineChart({
    id: "cumulative-pnl",
    title: "Cumulative P&L: hedged against unhedged",
    yUnit: "USD",
    series: [
      { label: "hedged (book)", color: "#0969da", points: c.map((p) => [p.timestampSec, p.hedgedPnlUsd]) },
      {
        label: "unhedged (item)",
        color: "#cf222e",
        points: c.map((p) => [p.timestampSec, p.unhedgedPnlUsd]),
      },
    ],
  });
}

function chartsHtml(report: PerformanceReport): string {
  const c = report.chart;
  const floor = report.effectiveness.floor;
  const rolling = report.rolling.points.filter((p) => p.ederington !== null);
  return [
    cumulativePnlChart(report),
    lineChart({
      id: "drift-band",
      title: "Drift against the band",
      yUnit: "bps",
      series: [
        { label: "drift", color: "#8250df", points: c.map((p) => [p.timestampSec, p.driftBps]) },
        {
          label: "+band",
          color: "#9a6700",
          dashed: true,
          points: c.map((p) => [p.timestampSec, p.thresholdBps]),
        },
        {
          label: "−band",
          color: "#9a6700",
          dashed: true,
          points: c.map((p) => [p.timestampSec, -p.thresholdBps]),
        },
      ],
    }),
    lineChart({
      id: "rolling-effectiveness",
      title: `Rolling effectiveness against target (${report.rolling.windowSteps} steps)`,
      yUnit: "Ederington",
      series: [
        {
          label: "Ederington",
          color: "#1a7f37",
          points: rolling.map((p) => [p.timestampSec, p.ederington!]),
        },
        {
          label: "floor",
          color: "#9a6700",
          dashed: true,
          points:
            rolling.length > 0
              ? [
                  [rolling[0]!.timestampSec, floor],
                  [rolling[rolling.length - 1]!.timestampSec, floor],
                ]
              : [],
        },
      ],
    }),
    lineChart({
      id: "carry",
      title: "Carry received (funding)",
      yUnit: "USD",
      series: [{ label: "carry", color: "#bc4c00", points: c.map((p) => [p.timestampSec, p.carryUsd]) }],
    }),
  ].join("");
}

function eventsHtml(report: PerformanceReport): string {
  const items = [
    ...report.depegEvents.map(
      (d) =>
        [
          d.atSec,
          `de-peg: ${d.symbol} ${d.fromTier} → ${d.toTier}${d.deviationBps === null ? "" : ` (${d.deviationBps.toFixed(0)} bps)`}`,
        ] as const,
    ),
    ...report.plans.map(
      (p) => [p.atSec, `plan ${p.planId.slice(0, 10)} (${p.lane}, ${p.status}): ${p.reason}`] as const,
    ),
    ...report.alerts.map((a) => [a.atSec, `alert ${a.severity} ${a.status}: ${a.title}`] as const),
    ...report.liquidations.map(
      (l) =>
        [
          l.atSec,
          `Aave liquidation: ${l.debtSymbol} ${usd(l.debtCoveredUsd)} covered, ${l.collateralSymbol} ${usd(l.collateralSeizedUsd)} seized (bonus ${usd(l.bonusUsd)}) in ${l.txHash}`,
        ] as const,
    ),
  ].sort((x, y) => x[0] - y[0]);
  if (items.length === 0) return "<p>No plans, de-peg tier changes or alerts in the period.</p>";
  return `<ul class="events">${items.map(([at, text]) => `<li><time>${iso(at)}</time> ${escapeHtml(text)}</li>`).join("")}</ul>`;
}

/** The body's content (without <html>): what the dashboard embeds. */
export function reportBodyHtml(report: PerformanceReport): string {
  return `<main data-report="${escapeHtml(report.bookId)}"><h1>Hedge performance: ${escapeHtml(report.bookId)}</h1>
<p class="period">${iso(report.fromSec)} → ${iso(report.toSec)} · ${report.attribution.steps} steps</p>
<div class="sections">${sectionsHtml(report)}</div>
<h2>Charts</h2><div class="charts">${chartsHtml(report)}</div>
<h2>Attribution per ${report.attribution.bucketSec >= 86_400 ? "day" : "bucket"}</h2>${bucketsHtml(report)}
<h2>Plans, de-peg events and alerts</h2>${eventsHtml(report)}</main>`;
}

export function reportHtml(report: PerformanceReport): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Hedge performance: ${escapeHtml(report.bookId)} ${iso(report.fromSec).slice(0, 10)} → ${iso(report.toSec).slice(0, 10)}</title><style>${STYLE}</style></head><body>${reportBodyHtml(report)}</body></html>\n`;
}
