// Since when a condition has held without a break, per key: the state behind duration alerts ("σ on its
// fallback for more than an hour"). Observed on the clock of whatever is observed (the keeper's evaluations, which
// run on block time when the chain is ahead of the wall), so the duration never mixes two clocks. A process
// restart starts the count again: it measures what this process has seen.

export interface HeldSince {
  /** Records whether the condition holds at `atSec`; returns how long it has held without a break, or null. */
  observe(key: string, holds: boolean, atSec: number): number | null;
}

export function createHeldSince(): HeldSince {
  const since = new Map<string, number>();
  return {
    observe(key, holds, atSec) {
      if (!holds) {
        since.delete(key);
        return null;
      }
      const start = since.get(key);
      if (start === undefined) {
        since.set(key, atSec);
        return 0;
      }
      // An evaluation of an older block (a retried job) does not move the start.
      return Math.max(0, atSec - start);
    },
  };
}
