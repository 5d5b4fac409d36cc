// One error hierarchy for the engine (after viem's BaseError): every failure says which
// input was wrong and why. The engine never returns NaN or undefined in place of an error.

export interface EngineErrorDetails {
  /** The input that was wrong, as a path into the arguments (`book.perp.markPriceE18`, `tickLower`). */
  field: string;
  /** Why, in a few words (`must be finite and > 0`). */
  reason: string;
  /** The offending value, rendered for humans. */
  value?: string;
}

/** Base class: anything the engine throws. Never retryable: the same input fails the same way. */
export class EngineError extends Error {
  override name = "EngineError";
  readonly retryable = false;
}

/** An input (snapshot, parameter, sample series) the engine refuses to compute on. */
export class EngineInputError extends EngineError {
  override name = "EngineInputError";
  readonly field: string;
  readonly reason: string;
  readonly value: string | undefined;

  constructor(details: EngineErrorDetails) {
    super(
      `${details.field}: ${details.reason}${details.value === undefined ? "" : ` (got ${details.value})`}`,
    );
    this.field = details.field;
    this.reason = details.reason;
    this.value = details.value;
  }
}

/** An oracle reading too old to act on (its age exceeds the feed's own heartbeat). */
export class StaleSnapshotError extends EngineInputError {
  override name = "StaleSnapshotError";
  readonly ageSec: number;

  constructor(details: EngineErrorDetails & { ageSec: number }) {
    super(details);
    this.ageSec = details.ageSec;
  }
}
