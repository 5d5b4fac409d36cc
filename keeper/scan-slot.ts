// How long one `scan` job watches the chain (scan-job.ts), and whether it polls again. Pure.

/**
 * The shortest slot: one BullMQ job per second at most, however short the poll interval. A network polled less
 * often than this gets one poll per job, as a job per poll always was.
 */
export const MIN_SCAN_JOB_EVERY_MS = 1_000;

/** The scan job's schedule for a network polled every `pollIntervalMs`. */
export function scanJobEveryMs(pollIntervalMs: number): number {
  return Math.max(pollIntervalMs, MIN_SCAN_JOB_EVERY_MS);
}

/**
 * Polls a job still makes after `elapsedMs` into its slot: those that would start (every `scanEveryMs` from now)
 * before the next job is due. The last one ends a tick's time after it starts, well before the next job (ticks take
 * milliseconds), so jobs do not queue behind each other (the scan queue runs one job at a time over every process),
 * and no gap between polls is longer than `scanEveryMs` plus the scheduler's promotion delay.
 */
export function pollsLeftInSlot(input: {
  elapsedMs: number;
  scanEveryMs: number;
  scanJobEveryMs: number;
}): number {
  const { elapsedMs, scanEveryMs, scanJobEveryMs } = input;
  // Polls k = 1, 2, … start at elapsedMs + k·scanEveryMs; count those before scanJobEveryMs.
  return Math.max(0, Math.ceil((scanJobEveryMs - elapsedMs) / scanEveryMs) - 1);
}
