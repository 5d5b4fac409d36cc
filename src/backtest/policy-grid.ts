// A sweep of policy parameters: `--grid armBps=100,200,300;cooldownSec=600,3600;costMargin=1,2` is every
// combination of the listed values, each applied to the book's configured policy.
import { fail } from "../engine/input-guards.ts";
import { assertBookParams, type BookParams } from "../engine/params.ts";

/** The policy parameters a grid may sweep: the hysteresis band, the cooldown, the target and the cost test. */
export const GRID_PARAMETERS = [
  "armBps",
  "rearmBps",
  "cooldownSec",
  "targetHedgeRatio",
  "costMargin",
] as const;
export type GridParameter = (typeof GRID_PARAMETERS)[number];

export interface GridAxis {
  parameter: GridParameter;
  values: number[];
}

export interface GridPoint {
  /** e.g. "armBps=200 cooldownSec=600". */
  label: string;
  overrides: Partial<Record<GridParameter, number>>;
  params: BookParams;
}

export function parseGrid(spec: string): GridAxis[] {
  const axes: GridAxis[] = [];
  for (const part of spec
    .split(";")
    .map((p) => p.trim())
    .filter((p) => p !== "")) {
    const [name, list, ...rest] = part.split("=");
    if (list === undefined || rest.length > 0) fail(`grid "${part}"`, "must read parameter=v1,v2,...");
    const parameter = name!.trim();
    if (!(GRID_PARAMETERS as readonly string[]).includes(parameter))
      fail(`grid parameter "${parameter}"`, `must be one of ${GRID_PARAMETERS.join(", ")}`);
    if (axes.some((a) => a.parameter === parameter)) fail(`grid parameter "${parameter}"`, "is listed twice");
    const values = list.split(",").map((v, i) => {
      const x = Number(v.trim());
      if (v.trim() === "" || !Number.isFinite(x) || x < 0)
        fail(`grid ${parameter}[${i}]`, "must be a finite number >= 0", v);
      return x;
    });
    axes.push({ parameter: parameter as GridParameter, values });
  }
  if (axes.length === 0) fail("grid", "names no parameter");
  return axes;
}

/** Every combination of the axes' values on top of `base`, each checked as the engine checks a policy. */
export function gridPoints(base: BookParams, axes: readonly GridAxis[]): GridPoint[] {
  let combos: Partial<Record<GridParameter, number>>[] = [{}];
  for (const axis of axes)
    combos = combos.flatMap((combo) => axis.values.map((v) => ({ ...combo, [axis.parameter]: v })));
  return combos.map((overrides) => {
    const label = Object.entries(overrides)
      .map(([k, v]) => `${k}=${v}`)
      .join(" ");
    const params: BookParams = { ...base, ...overrides };
    try {
      assertBookParams(params);
    } catch (error) {
      fail(`grid point "${label}"`, (error as Error).message);
    }
    return { label, overrides, params };
  });
}
