// A small time-series chart as SVG: lines stretched to the box (strokes stay 1.5 px whatever the width), guide
// lines for bands and targets, and the axis labels in HTML so they stay readable on a phone. Labels come from
// `format`, so it must stay short at any magnitude (format.ts prints 1.2e19 as "1.2e19", never 20 digits).
import { h, svg } from "./element.ts";

export interface ChartSeries {
  label: string;
  /** CSS class giving the line its colour (see styles.css: .series-a … .series-d). */
  className: string;
  values: readonly (number | null)[];
  /** Leave out of the legend (the lower band line repeats the upper's label). */
  unlabelled?: boolean;
}

export interface ChartGuide {
  label: string;
  value: number;
  className: string;
}

export interface LineChartOptions {
  title: string;
  testId: string;
  timesSec: readonly number[];
  series: readonly ChartSeries[];
  guides?: readonly ChartGuide[];
  format: (value: number) => string;
  formatTime: (sec: number) => string;
}

const WIDTH = 1000;
const HEIGHT = 300;

function pathOf(
  times: readonly number[],
  values: readonly (number | null)[],
  x: (t: number) => number,
  y: (v: number) => number,
): string {
  let d = "";
  let pen = false;
  values.forEach((value, i) => {
    if (value === null || !Number.isFinite(value)) {
      pen = false;
      return;
    }
    d += `${pen ? "L" : "M"}${x(times[i]!).toFixed(1)},${y(value).toFixed(1)}`;
    pen = true;
  });
  return d;
}

export function lineChart(options: LineChartOptions): HTMLElement {
  const { timesSec, series } = options;
  // A guide without a value (no target yet) is left out rather than stretching the scale to NaN.
  const guides = (options.guides ?? []).filter((g) => Number.isFinite(g.value));
  const numbers = [
    ...series.flatMap((s) => s.values.filter((v): v is number => v !== null && Number.isFinite(v))),
    ...guides.map((g) => g.value),
  ];
  const latest = (s: ChartSeries) => [...s.values].reverse().find((v) => v !== null && Number.isFinite(v));
  const legend = h(
    "ul",
    { class: "legend" },
    series
      .filter((s) => !s.unlabelled)
      .map((s) => {
        const last = latest(s);
        return h(
          "li",
          {},
          h("span", { class: `swatch ${s.className}` }),
          `${s.label} `,
          h("strong", {}, last === undefined || last === null ? "–" : options.format(last)),
        );
      }),
    guides.map((g) =>
      h(
        "li",
        {},
        h("span", { class: `swatch guide ${g.className}` }),
        `${g.label} ${options.format(g.value)}`,
      ),
    ),
  );
  const figure = h(
    "figure",
    { class: "chart", "data-testid": options.testId },
    h("figcaption", {}, options.title),
    legend,
  );
  if (timesSec.length < 2 || numbers.length === 0) {
    figure.append(h("p", { class: "empty" }, "Not enough samples in this range yet."));
    return figure;
  }
  let low = Math.min(...numbers);
  let high = Math.max(...numbers);
  if (high === low) {
    const pad = Math.abs(high) * 0.05 || 1;
    low -= pad;
    high += pad;
  }
  const margin = (high - low) * 0.08;
  low -= margin;
  high += margin;
  const t0 = timesSec[0]!;
  const t1 = timesSec[timesSec.length - 1]!;
  const x = (t: number) => (t1 === t0 ? 0 : ((t - t0) / (t1 - t0)) * WIDTH);
  const y = (v: number) => HEIGHT - ((v - low) / (high - low)) * HEIGHT;

  const plot = svg(
    "svg",
    {
      viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
      preserveAspectRatio: "none",
      role: "img",
      "aria-label": `${options.title}, ${options.formatTime(t0)} to ${options.formatTime(t1)}`,
    },
    low < 0 && high > 0 ? svg("line", { class: "zero", x1: 0, x2: WIDTH, y1: y(0), y2: y(0) }) : null,
    guides.map((g) =>
      svg("line", { class: `guide ${g.className}`, x1: 0, x2: WIDTH, y1: y(g.value), y2: y(g.value) }),
    ),
    series.map((s) => svg("path", { class: `line ${s.className}`, d: pathOf(timesSec, s.values, x, y) })),
  );
  figure.append(
    h(
      "div",
      { class: "plot" },
      h("span", { class: "axis y-high" }, options.format(high)),
      plot,
      h("span", { class: "axis y-low" }, options.format(low)),
    ),
    h(
      "div",
      { class: "axis x" },
      h("span", {}, options.formatTime(t0)),
      h("span", {}, options.formatTime(t1)),
    ),
  );
  return figure;
}
