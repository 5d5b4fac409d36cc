// How long one `scan` job watches the chain (scan-job.ts), whether it polls again, and its lock. Pure.

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

/** The shortest scan lock (scanLock): renewed every 2.5 s, it outlives the event-loop pauses of a busy process. */
export const MIN_SCAN_LOCK_MS = 5_000;

/**
 * The scan job's lock. A scan job is active for most of its slot, so a monitor killed outright most likely dies
 * holding it, and no other scan runs (the queue's global concurrency is 1) until the lock lapses and a stalled-job
 * check hands it on: a blind spot of lock + check interval. The configured 30 s + 30 s would blind the keeper for up
 * to a minute. This lock and check interval are each two slots, at least MIN_SCAN_LOCK_MS, or the configured
 * figures when those are shorter: with a 1 s slot, a blind spot of 10 s at most.
 */
export function scanLock(config: {
  scanJobEveryMs: number;
  lockDurationMs: number;
  stalledIntervalMs: number;
}): { durationMs: number; stalledIntervalMs: number } {
  const bound = Math.max(2 * config.scanJobEveryMs, MIN_SCAN_LOCK_MS);
  return {
    durationMs: Math.min(config.lockDurationMs, bound),
    stalledIntervalMs: Math.min(config.stalledIntervalMs, bound),
  };
}
