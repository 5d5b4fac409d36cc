// The project's one error base (viem BaseError, ponder's shouldRetry, BullMQ UnrecoverableError): a short message,
// details and a cause, and whether retrying can help, decided once where the error is made. The chain layer and
// the keeper extend it; the pure engine keeps its own input errors.

export interface ClassifiedErrorOptions {
  cause?: unknown;
  details?: Record<string, unknown>;
}

export abstract class ClassifiedError extends Error {
  abstract readonly retryable: boolean;
  readonly details: Record<string, unknown>;

  constructor(message: string, options: ClassifiedErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.details = options.details ?? {};
  }
}
