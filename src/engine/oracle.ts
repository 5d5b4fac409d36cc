// Chainlink feed checks (Chainlink data-feeds docs, "Using data feeds"): answer > 0,
// updatedAt within the feed's own heartbeat, decimals applied; a stale feed is reported, never acted on.
import { StaleSnapshotError } from "./errors.ts";
import { fail, toFloat } from "./input-guards.ts";
import type { OracleReading } from "./snapshot.ts";

export interface OracleHealth {
  fresh: boolean;
  ageSec: number;
  /** Why it is not fresh, when it is not. */
  problem: string | null;
}

export function oracleHealth(reading: OracleReading, nowSec: number): OracleHealth {
  if (!Number.isFinite(nowSec)) fail("nowSec", "must be a finite number", nowSec);
  if (!Number.isInteger(reading.decimals) || reading.decimals < 0 || reading.decimals > 36) {
    fail(`oracle(${reading.feed}).decimals`, "must be an integer in [0, 36]", reading.decimals);
  }
  if (!Number.isFinite(reading.heartbeatSec) || reading.heartbeatSec <= 0) {
    fail(`oracle(${reading.feed}).heartbeatSec`, "must be > 0", reading.heartbeatSec);
  }
  const ageSec = nowSec - reading.updatedAtSec;
  if (reading.answer <= 0n) return { fresh: false, ageSec, problem: "answer <= 0" };
  if (reading.stale) {
    const why = reading.flags?.length ? `: ${reading.flags.join(", ")}` : "";
    return { fresh: false, ageSec, problem: `flagged stale by the indexer${why}` };
  }
  if (ageSec > reading.heartbeatSec)
    return { fresh: false, ageSec, problem: `older than heartbeat ${reading.heartbeatSec}s` };
  if (ageSec < -60) return { fresh: false, ageSec, problem: "updatedAt is in the future" };
  return { fresh: true, ageSec, problem: null };
}

/** The reading as a USD float; throws StaleSnapshotError if it is not fresh. */
export function freshOraclePrice(reading: OracleReading, nowSec: number): number {
  const health = oracleHealth(reading, nowSec);
  if (!health.fresh) {
    throw new StaleSnapshotError({
      field: `oracle(${reading.description})`,
      reason: health.problem ?? "stale",
      ageSec: health.ageSec,
    });
  }
  return toFloat(reading.answer, reading.decimals);
}

/** The reading as a USD float for reporting, fresh or not (answer must still be > 0). */
export function oraclePrice(reading: OracleReading): number {
  if (reading.answer <= 0n) fail(`oracle(${reading.description}).answer`, "must be > 0", reading.answer);
  return toFloat(reading.answer, reading.decimals);
}

/**
 * Throws StaleSnapshotError when the book's block is older than `maxSnapshotAgeSec` or its base oracle is not
 * fresh: for callers that must not proceed on stale data (decide() returns a noop with the same reason).
 */
export function assertFreshBook(
  book: { blockTimestampSec: number; baseOracle: OracleReading },
  nowSec: number,
  maxSnapshotAgeSec: number,
): void {
  const ageSec = nowSec - book.blockTimestampSec;
  if (!(ageSec <= maxSnapshotAgeSec)) {
    throw new StaleSnapshotError({
      field: "book.blockTimestampSec",
      reason: `snapshot is ${ageSec}s old, limit ${maxSnapshotAgeSec}s`,
      ageSec,
    });
  }
  freshOraclePrice(book.baseOracle, nowSec);
}
