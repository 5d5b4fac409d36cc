// Opens the history store: PostgreSQL when a DATABASE_URL is given, embedded PGlite in a data directory
// otherwise. Either way the schema is migrated before the store is handed out, and a database that cannot be
// reached fails here, fast and by name, rather than at the first write.
import { resolve } from "node:path";
import { applyMigrations } from "./apply-migrations.ts";
import { isPostgresUrl, redactDatabaseUrl, scrubDatabasePassword } from "./database-url.ts";
import type { HistoryStore } from "./history-store.ts";
import { HistoryStoreConfigurationError, HistoryStoreUnavailableError } from "./history-store-errors.ts";
import { openPgliteDatabase } from "./pglite-database.ts";
import { createPostgresDatabase, DEFAULT_CONNECT_TIMEOUT_MS } from "./postgres-database.ts";
import { assertSchemaName, type SqlDatabase } from "./sql-database.ts";
import { createSqlHistoryStore } from "./sql-history-store.ts";

/** Where PGlite keeps the history when no DATABASE_URL is set, relative to the working directory. */
export const DEFAULT_HISTORY_DATA_DIR = ".hedgekeeper/history";

export interface OpenHistoryStoreOptions {
  /** PostgreSQL (DATABASE_URL). When absent the store is PGlite in `dataDir`. */
  databaseUrl?: string | undefined;
  /** PGlite's data directory (created if missing), or `memory://`. Default `.hedgekeeper/history`. */
  dataDir?: string | undefined;
  /** Keep the tables in this schema (created if missing): tests isolate themselves with one each. */
  schema?: string | undefined;
  /** PostgreSQL only: how long a connection attempt may take before it fails (default 5 s). */
  connectTimeoutMs?: number | undefined;
  /** PostgreSQL only: an idle pooled connection failed (see PostgresDatabaseOptions.onIdleError). */
  onIdleError?: ((error: Error) => void) | undefined;
}

/** SQLSTATE classes that no retry fixes: bad password or role (28…), unknown database (3D000). */
const REFUSALS = /^(28|3D)/;

export async function openHistoryStore(options: OpenHistoryStoreOptions = {}): Promise<HistoryStore> {
  if (options.schema !== undefined) assertSchemaName(options.schema);
  if (options.databaseUrl !== undefined) return openPostgresHistoryStore(options.databaseUrl, options);

  const dataDir = options.dataDir ?? DEFAULT_HISTORY_DATA_DIR;
  const location = dataDir.startsWith("memory://") ? dataDir : resolve(dataDir);
  let db: SqlDatabase;
  try {
    db = await openPgliteDatabase({ dataDir: location, schema: options.schema });
  } catch (error) {
    throw new HistoryStoreConfigurationError(
      `cannot open the embedded history database (PGlite) in ${location}: ${messageOf(error)}`,
      { cause: error, details: { dataDir: location } },
    );
  }
  await migrateOrClose(db, options.schema);
  return createSqlHistoryStore(db, "pglite");
}

async function openPostgresHistoryStore(
  url: string,
  options: OpenHistoryStoreOptions,
): Promise<HistoryStore> {
  const redacted = redactDatabaseUrl(url);
  if (!isPostgresUrl(url)) {
    throw new HistoryStoreConfigurationError(
      `DATABASE_URL is not a PostgreSQL URL (postgres://user:password@host:5432/database): ${redacted}`,
      { details: { databaseUrl: redacted } },
    );
  }
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const db = createPostgresDatabase({
    url,
    schema: options.schema,
    connectTimeoutMs,
    onIdleError: options.onIdleError,
  });
  try {
    await db.query("SELECT 1");
  } catch (error) {
    await db.close().catch(() => {
      // the pool holds no connection: the one it tried is what failed
    });
    const code =
      typeof (error as { code?: unknown }).code === "string" ? (error as { code: string }).code : "";
    const details = { databaseUrl: redacted, code, connectTimeoutMs };
    const reason = scrubDatabasePassword(messageOf(error), url);
    if (REFUSALS.test(code)) {
      throw new HistoryStoreConfigurationError(`PostgreSQL at DATABASE_URL=${redacted} refused: ${reason}`, {
        cause: error,
        details,
      });
    }
    throw new HistoryStoreUnavailableError(
      `cannot reach PostgreSQL at DATABASE_URL=${redacted} (connect timeout ${connectTimeoutMs} ms): ${reason}`,
      { cause: error, details },
    );
  }
  await migrateOrClose(db, options.schema);
  return createSqlHistoryStore(db, "postgres");
}

async function migrateOrClose(db: SqlDatabase, schema: string | undefined): Promise<void> {
  try {
    await applyMigrations(db, { schema });
  } catch (error) {
    await db.close().catch(() => {
      // the migration error is the one to report
    });
    throw error;
  }
}

function messageOf(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return error.errors.map(messageOf).join("; ");
  }
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
