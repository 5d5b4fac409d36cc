// The residual bootstrap as residualVarEs ran it before its draws were counted once per shape
// (bootstrap-draw-counts.ts): paths × horizonSteps seeded draws at every call, mulberry32 inlined. Kept as the
// alternative the engine bench measures the counted draws against.

/** Each path's sum of `horizonSteps` draws from `changes`, drawn with mulberry32(seed) in order. */
export function plainBootstrapTotals(
  changes: Float64Array,
  horizonSteps: number,
  paths: number,
  seed: number,
): Float64Array {
  const count = changes.length;
  const totals = new Float64Array(paths);
  let state = seed >>> 0;
  for (let p = 0; p < paths; p++) {
    let pnl = 0;
    for (let s = 0; s < horizonSteps; s++) {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = Math.imul(state ^ (state >>> 15), state | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      pnl += changes[Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * count)]!;
    }
    totals[p] = pnl;
  }
  return totals;
}
