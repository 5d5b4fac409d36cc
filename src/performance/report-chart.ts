// Inline SVG line charts for the performance report: self-contained (no script, no font, no network), scaled
// by viewBox so they fit any width, printable. Series longer than the chart's width are thinned to at most
// MAX_CHART_POINTS by keeping each slice's extreme points (a spike survives the thinning).

export interface ChartSeries {
  label: string;
  /** A CSS colour. */
  color: string;
  points: readonly (readonly [number, number])[];
  dashed?: boolean;
}

export interface LineChartInput {
  /** Names the chart for a screen reader and the test (aria-label, data-chart). */
  id: string;
  title: string;
  yUnit: string;
  series: readonly ChartSeries[];
}

const WIDTH = 640;
const HEIGHT = 220;
const PAD = { left: 64, right: 12, top: 12, bottom: 28 };
export const MAX_CHART_POINTS = 600;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Keeps the first and last point and, per slice, its minimum and maximum, in order. */
export function thin(
  points: readonly (readonly [number, number])[],
  max = MAX_CHART_POINTS,
): (readonly [number, number])[] {
  if (points.length <= max) return [...points];
  const slices = Math.max(1, Math.floor((max - 2) / 2));
  const size = (points.length - 2) / slices;
  const out: (readonly [number, number])[] = [points[0]!];
  for (let k = 0; k < slices; k++) {
    const from = 1 + Math.floor(k * size);
    const to = 1 + Math.floor((k + 1) * size);
    let lo = from;
    let hi = from;
    for (let i = from; i < to; i++) {
      if (points[i]![1] < points[lo]![1]) lo = i;
      if (points[i]![1] > points[hi]![1]) hi = i;
    }
    for (const i of lo <= hi ? [lo, hi] : [hi, lo])
      if (i < to && out[out.length - 1] !== points[i]) out.push(points[i]!);
  }
  out.push(points[points.length - 1]!);
  return out;
}

function tickLabel(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${(value / 1e6).toFixed(1)}M`;
  if (abs >= 1e4) return `${(value / 1e3).toFixed(0)}k`;
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 1) return value.toFixed(1);
  return value.toFixed(3);
}

export function lineChart(input: LineChartInput): string {
  const all = input.series.flatMap((s) => s.points);
  const head = `<figure class="chart" data-chart="${escapeHtml(input.id)}"><figcaption>${escapeHtml(input.title)}</figcaption>`;
  if (all.length < 2) return `${head}<p class="blank">Not enough points to draw.</p></figure>`;
  let x0 = Number.POSITIVE_INFINITY;
  let x1 = Number.NEGATIVE_INFINITY;
  let y0 = Number.POSITIVE_INFINITY;
  let y1 = Number.NEGATIVE_INFINITY;
  for (const [x, y] of all) {
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
    y0 = Math.min(y0, y);
    y1 = Math.max(y1, y);
  }
  if (x1 === x0) x1 = x0 + 1;
  if (y1 === y0) {
    y0 -= 1;
    y1 += 1;
  }
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const sx = (x: number) => PAD.left + ((x - x0) / (x1 - x0)) * plotW;
  const sy = (y: number) => PAD.top + (1 - (y - y0) / (y1 - y0)) * plotH;
  const grid: string[] = [];
  for (let k = 0; k <= 4; k++) {
    const y = y0 + ((y1 - y0) * k) / 4;
    grid.push(
      `<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${sy(y).toFixed(1)}" y2="${sy(y).toFixed(1)}" class="grid"/>`,
      `<text x="${PAD.left - 6}" y="${(sy(y) + 4).toFixed(1)}" text-anchor="end">${tickLabel(y)}</text>`,
    );
  }
  const dates = [x0, x1].map((x) => new Date(x * 1000).toISOString().slice(0, 16).replace("T", " "));
  grid.push(
    `<text x="${PAD.left}" y="${HEIGHT - 8}">${dates[0]}</text>`,
    `<text x="${WIDTH - PAD.right}" y="${HEIGHT - 8}" text-anchor="end">${dates[1]}</text>`,
    `<text x="4" y="${PAD.top + 10}">${escapeHtml(input.yUnit)}</text>`,
  );
  const lines = input.series.map((s) => {
    const path = thin(s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)))
      .map(([x, y], i) => `${i === 0 ? "M" : "L"}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`)
      .join("");
    return `<path d="${path}" fill="none" stroke="${s.color}" stroke-width="1.6"${s.dashed ? ' stroke-dasharray="5 4"' : ""} data-series="${escapeHtml(s.label)}"/>`;
  });
  const legend = input.series
    .map((s) => `<span class="key"><i style="background:${s.color}"></i>${escapeHtml(s.label)}</span>`)
    .join("");
  return `${head}<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeHtml(input.title)}">${grid.join("")}${lines.join("")}</svg><div class="legend">${legend}</div></figure>`;
}
