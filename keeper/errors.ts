// The keeper's errors, classified once: retryable (the job retries with backoff), waiting (the job is
// delayed without burning an attempt: rate limits, a busy signer), or final (BullMQ UnrecoverableError).
import { DelayedError, type Job, UnrecoverableError } from "bullmq";
import { RpcRateLimitedError } from "../src/chain/errors.ts";
import { EngineError } from "../src/engine/errors.ts";
import { ClassifiedError } from "../src/runtime/classified-error.ts";
import { causeChain, findInChain } from "../src/runtime/error-chain.ts";

/** An error of the keeper's own making (the chain layer's come as ChainError; both are ClassifiedError). */
export abstract class KeeperError extends ClassifiedError {}

/** The transaction would revert at the latest block (a guard error, a Roles refusal): the plan is void. */
export class SimulationRevertedError extends KeeperError {
  override name = "SimulationRevertedError";
  readonly retryable = false;
}

/**
 * What the keeper read back to sign or re-send is not what it stored: a plan whose id or MAC does not verify, or
 * a recorded transaction that is not ours or not the plan's. Never retried: nothing is sent for the plan.
 */
export class PlanTamperedError extends KeeperError {
  override name = "PlanTamperedError";
  readonly retryable = false;
}

/** Bad configuration or a job that names something this keeper does not know. */
export class KeeperConfigurationError extends KeeperError {
  override name = "KeeperConfigurationError";
  readonly retryable = false;
}

/** Work that must wait its turn: not a failure, no attempt burned. */
export class WaitError extends KeeperError {
  override name = "WaitError";
  readonly retryable = true;
  readonly waitMs: number;
  constructor(message: string, waitMs: number, options: { details?: Record<string, unknown> } = {}) {
    super(message, options);
    this.waitMs = waitMs;
  }
}

/** "Nonce too low" after the ledger was reconciled: someone else used the nonce; retry with a fresh one. */
export class NonceConflictError extends KeeperError {
  override name = "NonceConflictError";
  readonly retryable = true;
}

/**
 * Whether another attempt can help. Our errors say so themselves (ClassifiedError; the pure engine's EngineError,
 * which never is: the same input fails the same way); anything unclassified is assumed transient.
 */
export function isRetryableError(error: unknown): boolean {
  if (error instanceof ClassifiedError || error instanceof EngineError) return error.retryable;
  if (error instanceof UnrecoverableError) return false;
  return true;
}

/**
 * Run a job body and map what it throws onto BullMQ's semantics: waits and rate limits re-delay the job
 * without burning an attempt; non-retryable errors become UnrecoverableError; the rest retry with backoff.
 */
export async function runClassified<T>(
  job: Job,
  token: string | undefined,
  body: () => Promise<T>,
): Promise<T> {
  try {
    return await body();
  } catch (error) {
    const waitMs =
      error instanceof WaitError
        ? error.waitMs
        : error instanceof RpcRateLimitedError
          ? (error.retryAfterMs ?? 1_000)
          : findRateLimit(error);
    if (waitMs !== undefined) {
      // A timestamp on BullMQ's own clock (it promotes delayed jobs by wall time), not the keeper's.
      await job.moveToDelayed(Date.now() + waitMs, token);
      throw new DelayedError();
    }
    if (error instanceof UnrecoverableError || error instanceof DelayedError) throw error;
    if (!isRetryableError(error))
      throw new UnrecoverableError(`${(error as Error).name}: ${(error as Error).message}`);
    throw error;
  }
}

function findRateLimit(error: unknown): number | undefined {
  const limited = findInChain(error, (e): e is RpcRateLimitedError => e instanceof RpcRateLimitedError);
  return limited === undefined ? undefined : (limited.retryAfterMs ?? 1_000);
}

/** All messages along an error's cause chain, for matching node refusals ("nonce too low", "already known"). */
export function errorText(error: unknown): string {
  const parts: string[] = [];
  for (const link of causeChain(error)) {
    const e = link as { message?: unknown; details?: unknown; shortMessage?: unknown };
    for (const part of [e.message, e.details, e.shortMessage]) if (typeof part === "string") parts.push(part);
  }
  return parts.join(" | ");
}
