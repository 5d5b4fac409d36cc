// The time every long-running component reads, injected (ponder's `common`): tests and benchmarks hand in their
// own; processes use the wall clock, made here and nowhere else.

export interface Clock {
  nowMs(): number;
}

export const wallClock: Clock = { nowMs: () => Date.now() };

/** Whole seconds since the epoch on `clock`. */
export function nowSec(clock: Clock): number {
  return Math.floor(clock.nowMs() / 1000);
}
