// The scale bench's CPU arithmetic: CPU time a part (its processes) spent between two samples, and what that
// is per evaluation and in cores. Pure: samples come from bench/proc-cpu.ts.

/** utime + stime in clock ticks per pid, at one moment. */
export type CpuTicksByPid = ReadonlyMap<number, number>;

export interface CpuTicksDelta {
  ticks: number;
  /** In `after` only: started within the window, so all their ticks are the window's. */
  startedPids: number[];
  /** In `before` only: exited within the window; their ticks since `before` are lost (not in `ticks`). */
  exitedPids: number[];
}

/** The ticks the processes spent from `before` to `after`. A pid whose count went down was reused: an error. */
export function cpuTicksBetween(before: CpuTicksByPid, after: CpuTicksByPid): CpuTicksDelta {
  let ticks = 0;
  const startedPids: number[] = [];
  for (const [pid, now] of after) {
    const then = before.get(pid);
    if (then === undefined) startedPids.push(pid);
    else if (now < then)
      throw new Error(
        `pid ${pid}: CPU ticks went from ${then} to ${now}; the pid was reused by another process`,
      );
    ticks += now - (then ?? 0);
  }
  const exitedPids = [...before.keys()].filter((pid) => !after.has(pid));
  return { ticks, startedPids, exitedPids };
}

export interface CpuPerEvaluation<Part extends string> {
  /** Milliseconds of CPU per evaluation, by part. */
  byPartMs: Record<Part, number>;
  totalMs: number;
}

/** Each part's CPU seconds over `evaluations` evaluations, in milliseconds per evaluation, and their sum. */
export function cpuPerEvaluation<Part extends string>(
  cpuSecByPart: Record<Part, number>,
  evaluations: number,
): CpuPerEvaluation<Part> {
  if (!Number.isInteger(evaluations) || evaluations <= 0)
    throw new Error(`evaluations must be a positive integer, got ${evaluations}`);
  const byPartMs = {} as Record<Part, number>;
  let totalMs = 0;
  for (const [part, cpuSec] of Object.entries(cpuSecByPart) as [Part, number][]) {
    if (!Number.isFinite(cpuSec) || cpuSec < 0)
      throw new Error(`CPU seconds of ${part} must be a finite non-negative number, got ${cpuSec}`);
    byPartMs[part] = (cpuSec * 1000) / evaluations;
    totalMs += byPartMs[part];
  }
  return { byPartMs, totalMs };
}

/**
 * Cores kept busy if `books` evaluations, each costing `cpuMsPerEvaluation` of CPU, must all finish within
 * `withinMs`: CPU needed over the time it may take (perfect parallelism, so a lower bound).
 */
export function coresNeeded(cpuMsPerEvaluation: number, books: number, withinMs: number): number {
  if (!(withinMs > 0)) throw new Error(`withinMs must be positive, got ${withinMs}`);
  return (cpuMsPerEvaluation * books) / withinMs;
}
