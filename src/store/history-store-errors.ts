// The history store's errors, classified once where they are made (../runtime/classified-error.ts). Messages
// name the setting to fix (DATABASE_URL, the data directory) and never carry a password.
import { ClassifiedError } from "../runtime/classified-error.ts";

export abstract class HistoryStoreError extends ClassifiedError {}

/** The database did not answer (refused, timed out, went away): retrying later may work. */
export class HistoryStoreUnavailableError extends HistoryStoreError {
  override name = "HistoryStoreUnavailableError";
  readonly retryable = true;
}

/**
 * The settings cannot work as given (an unparseable DATABASE_URL, a refused password, a missing database, an
 * invalid schema name, a database migrated by a newer build): retrying sends the same refusal.
 */
export class HistoryStoreConfigurationError extends HistoryStoreError {
  override name = "HistoryStoreConfigurationError";
  readonly retryable = false;
}
