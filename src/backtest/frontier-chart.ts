// The grid's picture: every policy as a point of total cost (x) against residual risk (y), the Pareto frontier
// joined by a line. As an SVG (self-contained, for the HTML report) and as a text chart for the terminal.

export interface ChartPoint {
  label: string;
  totalCostUsd: number;
  residualRiskUsd: number;
}

const W = 640;
const H = 400;
const PAD = { left: 72, right: 16, top: 16, bottom: 48 };

function extent(xs: readonly number[]): [number, number] {
  let lo = Math.min(...xs);
  let hi = Math.max(...xs);
  if (lo === hi) {
    lo -= Math.abs(lo) * 0.1 + 1;
    hi += Math.abs(hi) * 0.1 + 1;
  }
  return [lo, hi];
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c]!);
}

function usd(x: number): string {
  return Math.abs(x) >= 1e4 ? `$${(x / 1e3).toFixed(0)}k` : `$${x.toFixed(0)}`;
}

/** `frontier`: indexes of the frontier's points, in cost order. */
export function frontierSvg(points: readonly ChartPoint[], frontier: readonly number[]): string {
  const [x0, x1] = extent(points.map((p) => p.totalCostUsd));
  const [y0, y1] = extent(points.map((p) => p.residualRiskUsd));
  const sx = (x: number) => PAD.left + ((x - x0) / (x1 - x0)) * (W - PAD.left - PAD.right);
  const sy = (y: number) => H - PAD.bottom - ((y - y0) / (y1 - y0)) * (H - PAD.top - PAD.bottom);
  const onFrontier = new Set(frontier);
  const ticks = [0, 0.5, 1];
  const axes = [
    `<line x1="${PAD.left}" y1="${H - PAD.bottom}" x2="${W - PAD.right}" y2="${H - PAD.bottom}" stroke="#888"/>`,
    `<line x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${H - PAD.bottom}" stroke="#888"/>`,
    ...ticks.map((t) => {
      const x = x0 + t * (x1 - x0);
      return `<text x="${sx(x).toFixed(1)}" y="${H - PAD.bottom + 16}" text-anchor="middle" font-size="11">${usd(x)}</text>`;
    }),
    ...ticks.map((t) => {
      const y = y0 + t * (y1 - y0);
      return `<text x="${PAD.left - 6}" y="${(sy(y) + 4).toFixed(1)}" text-anchor="end" font-size="11">${usd(y)}</text>`;
    }),
    `<text x="${(W + PAD.left) / 2}" y="${H - 8}" text-anchor="middle" font-size="12">total cost (gas + fees + slippage + carry paid)</text>`,
    `<text x="14" y="${H / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 14 ${H / 2})">residual risk (σ of daily P&amp;L)</text>`,
  ];
  const line = frontier
    .map(
      (i, k) =>
        `${k === 0 ? "M" : "L"}${sx(points[i]!.totalCostUsd).toFixed(1)},${sy(points[i]!.residualRiskUsd).toFixed(1)}`,
    )
    .join(" ");
  const dots = points.map(
    (p, i) =>
      `<circle cx="${sx(p.totalCostUsd).toFixed(1)}" cy="${sy(p.residualRiskUsd).toFixed(1)}" r="${onFrontier.has(i) ? 5 : 3.5}" fill="${onFrontier.has(i) ? "#c0392b" : "#999"}"><title>${escapeXml(p.label)}: cost ${usd(p.totalCostUsd)}, risk ${usd(p.residualRiskUsd)}</title></circle>`,
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="residual risk against total cost">`,
    ...axes,
    `<path d="${line}" fill="none" stroke="#c0392b" stroke-width="1.5"/>`,
    ...dots,
    "</svg>",
  ].join("\n");
}

/** A terminal scatter: `o` a policy, `*` one on the frontier; cost grows to the right, risk upwards. */
export function frontierText(
  points: readonly ChartPoint[],
  frontier: readonly number[],
  cols = 60,
  rows = 16,
): string {
  const [x0, x1] = extent(points.map((p) => p.totalCostUsd));
  const [y0, y1] = extent(points.map((p) => p.residualRiskUsd));
  const grid = Array.from({ length: rows }, () => Array<string>(cols).fill(" "));
  const onFrontier = new Set(frontier);
  points.forEach((p, i) => {
    const c = Math.round(((p.totalCostUsd - x0) / (x1 - x0)) * (cols - 1));
    const r = rows - 1 - Math.round(((p.residualRiskUsd - y0) / (y1 - y0)) * (rows - 1));
    if (grid[r]![c] !== "*") grid[r]![c] = onFrontier.has(i) ? "*" : "o";
  });
  const width = 9;
  const lines = grid.map((row, r) => {
    const label = r === 0 ? usd(y1) : r === rows - 1 ? usd(y0) : "";
    return `${label.padStart(width)} |${row.join("")}`;
  });
  const axis = `${" ".repeat(width)} +${"-".repeat(cols)}`;
  const xLabels = `${" ".repeat(width + 2)}${usd(x0).padEnd(cols - usd(x1).length)}${usd(x1)}`;
  return `residual risk (σ of daily P&L) against total cost; * = frontier\n${lines.join("\n")}\n${axis}\n${xLabels}\n`;
}
