// One error hierarchy for chain I/O, classified once at the boundary (viem BaseError, ponder's
// shouldRetry): every error says whether retrying can help. Never turned into `undefined` or zero.
import { ClassifiedError, type ClassifiedErrorOptions } from "../runtime/classified-error.ts";

export type ChainErrorOptions = ClassifiedErrorOptions;

/** An error at the chain boundary (RPC, contract calls, return data). */
export abstract class ChainError extends ClassifiedError {}

/** The node did not answer (connection refused, timeout, 5xx): another try or another URL may work. */
export class RpcUnavailableError extends ChainError {
  override name = "RpcUnavailableError";
  readonly retryable = true;
}

/** The node asked us to slow down (HTTP 429, JSON-RPC -32005/-32007). Waiting does not burn an attempt. */
export class RpcRateLimitedError extends ChainError {
  override name = "RpcRateLimitedError";
  readonly retryable = true;
  readonly retryAfterMs: number | undefined;

  constructor(message: string, options: ChainErrorOptions & { retryAfterMs?: number | undefined } = {}) {
    super(message, options);
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** The node refused the request as invalid (bad params, unknown method): retrying sends the same refusal. */
export class RpcRequestRejectedError extends ChainError {
  override name = "RpcRequestRejectedError";
  readonly retryable = false;
}

/** A contract call reverted. Deterministic at a given block: not retryable. */
export class ContractCallRevertedError extends ChainError {
  override name = "ContractCallRevertedError";
  readonly retryable = false;
}

/** Return data that does not decode to what the ABI promises (empty, short, out of range): an error, never a zero. */
export class MalformedReturnDataError extends ChainError {
  override name = "MalformedReturnDataError";
  readonly retryable = false;
}

/** Values meant to describe one block came from different blocks (a reorg or a lagging node behind a fallback). */
export class InconsistentBlockError extends ChainError {
  override name = "InconsistentBlockError";
  readonly retryable = true;
}

/** A configuration or programming error at the chain boundary (wrong chain id, missing contract). */
export class ChainConfigurationError extends ChainError {
  override name = "ChainConfigurationError";
  readonly retryable = false;
}
