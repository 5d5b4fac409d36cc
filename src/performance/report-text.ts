// The performance report as Markdown (the figures and the per-bucket table) and as CSV (one row per bucket and a
// total row, the attribution's terms as columns: for a spreadsheet).
import type { PerformanceReport } from "./performance-report.ts";
import { iso, reportFigures, TERM_COLUMNS, usd } from "./report-figures.ts";

export function reportMarkdown(report: PerformanceReport): string {
  const lines = [
    `# Hedge performance: ${report.bookId}`,
    "",
    `${iso(report.fromSec)} → ${iso(report.toSec)} · ${report.attribution.steps} steps`,
  ];
  for (const section of reportFigures(report)) {
    lines.push("", `## ${section.title}`, "", "| | |", "|---|---:|");
    for (const [label, value] of section.rows) lines.push(`| ${label.trim()} | ${value} |`);
    if (section.note) lines.push("", `_${section.note}_`);
  }
  lines.push(
    "",
    "## Attribution per bucket",
    "",
    `| Period | ${TERM_COLUMNS.map(([, l]) => l).join(" | ")} |`,
  );
  lines.push(`|---|${TERM_COLUMNS.map(() => "---:").join("|")}|`);
  for (const b of report.attribution.buckets)
    lines.push(`| ${iso(b.startSec)} | ${TERM_COLUMNS.map(([k]) => usd(b[k])).join(" | ")} |`);
  lines.push(`| Total | ${TERM_COLUMNS.map(([k]) => usd(report.attribution.total[k])).join(" | ")} |`);
  return `${lines.join("\n")}\n`;
}

export function reportCsv(report: PerformanceReport): string {
  const keys = [...TERM_COLUMNS.map(([k]) => k), "hedgedItemChangeUsd", "hedgeChangeUsd"] as const;
  const rows = [["period_start", "period_end", "steps", ...keys].join(",")];
  for (const b of report.attribution.buckets)
    rows.push([iso(b.startSec), iso(b.endSec), b.steps, ...keys.map((k) => b[k])].join(","));
  const t = report.attribution.total;
  rows.push(
    [iso(report.fromSec), iso(report.toSec), report.attribution.steps, ...keys.map((k) => t[k])].join(","),
  );
  // The liquidations, as a second table after a blank line (amounts in token units, as the event has them).
  if (report.liquidations.length > 0) {
    rows.push(
      "",
      "liquidated_at,block_number,tx_hash,liquidator,collateral_symbol,collateral_seized,collateral_seized_usd," +
        "protocol_fee_usd," +
        "debt_symbol,debt_covered,debt_covered_usd,bonus_usd",
    );
    for (const l of report.liquidations)
      rows.push(
        [
          iso(l.atSec),
          l.blockNumber,
          l.txHash,
          l.liquidator,
          l.collateralSymbol,
          l.collateralSeized,
          l.collateralSeizedUsd,
          l.protocolFeeUsd,
          l.debtSymbol,
          l.debtCovered,
          l.debtCoveredUsd,
          l.bonusUsd,
        ].join(","),
      );
  }
  return `${rows.join("\n")}\n`;
}
