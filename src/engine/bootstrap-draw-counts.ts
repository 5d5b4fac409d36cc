// Which sample changes a seeded bootstrap draws, and how often, per path: the part of residualVarEs that depends
// only on (changes count, horizon, paths, seed), not on the values. A path's P&L is Σ_s x[i_s] over its draws
// i_1..i_h; grouping equal indices gives Σ_j m_j·x[j], with m_j how many times path p drew change j. The keeper
// re-runs the same bootstrap shape for every book at every block (its window has a fixed length once full), so
// the draws are made once per shape and each evaluation is a sparse multiply: paths × min(count, horizon) terms
// instead of paths × horizon seeded draws (1,000 × 1,200 = 1.2M at the keeper's one-hour horizon).

/** Per path, the distinct change indices drawn (ascending) and their multiplicities, as compressed rows. */
export interface BootstrapDrawCounts {
  count: number;
  horizonSteps: number;
  paths: number;
  seed: number;
  /** Path p's entries are [rowStart[p], rowStart[p + 1]) of `index` and `times`. */
  rowStart: Uint32Array;
  index: Uint32Array;
  times: Uint32Array;
}

/**
 * The draws of `paths` paths of `horizonSteps` steps over `count` changes: exactly the sequence mulberry32(seed)
 * gives (stress.ts), path after path, each uniform u mapped to ⌊u · count⌋ — the plain bootstrap's draws.
 */
export function drawBootstrapCounts(
  count: number,
  horizonSteps: number,
  paths: number,
  seed: number,
): BootstrapDrawCounts {
  const perPath = Math.min(count, horizonSteps);
  const rowStart = new Uint32Array(paths + 1);
  const index = new Uint32Array(paths * perPath);
  const times = new Uint32Array(paths * perPath);
  const tally = new Uint32Array(count);
  const touched = new Uint32Array(perPath);
  let state = seed >>> 0;
  let next = 0;
  for (let p = 0; p < paths; p++) {
    let distinct = 0;
    for (let s = 0; s < horizonSteps; s++) {
      // mulberry32, inlined (stress.ts mulberry32 is the reference; stress.test.ts checks the two agree).
      state = (state + 0x6d2b79f5) >>> 0;
      let t = Math.imul(state ^ (state >>> 15), state | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      const i = Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * count);
      if (tally[i] === 0) touched[distinct++] = i;
      tally[i]! += 1;
    }
    const row = touched.subarray(0, distinct).sort();
    rowStart[p] = next;
    for (const i of row) {
      index[next] = i;
      times[next] = tally[i]!;
      tally[i] = 0;
      next += 1;
    }
  }
  rowStart[paths] = next;
  return { count, horizonSteps, paths, seed, rowStart, index, times };
}

/** Each path's total: Σ_j m_j · changes[j] over its row. */
export function pathTotals(draws: BootstrapDrawCounts, changes: Float64Array): Float64Array {
  if (changes.length !== draws.count)
    throw new Error(`pathTotals: ${changes.length} changes for draws over ${draws.count}`);
  const totals = new Float64Array(draws.paths);
  const { rowStart, index, times } = draws;
  for (let p = 0; p < draws.paths; p++) {
    let sum = 0;
    for (let k = rowStart[p]!; k < rowStart[p + 1]!; k++) sum += times[k]! * changes[index[k]!]!;
    totals[p] = sum;
  }
  return totals;
}

/**
 * drawBootstrapCounts, remembered for the last few shapes. A process sees one or two shapes at a time (a full window
 * has a fixed count; the horizon in steps may round two ways as block times vary), so a handful bounds the memory:
 * at most paths × min(count, horizon) × 8 bytes each (9.6 MB at 1,000 paths and a 1,200-step horizon).
 */
export function createBootstrapCountsCache(capacity = 4) {
  const recent = new Map<string, BootstrapDrawCounts>();
  return (count: number, horizonSteps: number, paths: number, seed: number): BootstrapDrawCounts => {
    const key = `${count}:${horizonSteps}:${paths}:${seed >>> 0}`;
    const hit = recent.get(key);
    if (hit !== undefined) {
      recent.delete(key);
      recent.set(key, hit);
      return hit;
    }
    const made = drawBootstrapCounts(count, horizonSteps, paths, seed);
    recent.set(key, made);
    if (recent.size > capacity) recent.delete(recent.keys().next().value!);
    return made;
  };
}
