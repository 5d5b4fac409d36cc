// Brings a database to the latest schema at open: one transaction, serialised across processes by a
// transaction-scoped advisory lock (two keepers starting together on one PostgreSQL take turns; the second
// finds nothing left to do). Applied versions are recorded in schema_migrations, so nothing runs twice.
import { HistoryStoreConfigurationError } from "./history-store-errors.ts";
import { MIGRATIONS, type Migration } from "./migrations.ts";
import { assertSchemaName, type SqlDatabase } from "./sql-database.ts";
import { numberFromSql } from "./sql-values.ts";

export interface ApplyMigrationsOptions {
  /** Create the schema the database's search_path names (the adapters set it) before migrating into it. */
  schema?: string | undefined;
  migrations?: readonly Migration[];
}

/** Applies the migrations the database has not seen, in order; returns the versions it applied. */
export async function applyMigrations(
  db: SqlDatabase,
  options: ApplyMigrationsOptions = {},
): Promise<number[]> {
  const migrations = options.migrations ?? MIGRATIONS;
  assertAscending(migrations);
  if (options.schema !== undefined) assertSchemaName(options.schema);
  return db.transaction(async (tx) => {
    const lockName = `hedgekeeper.schema_migrations.${options.schema ?? "default"}`;
    await tx.query("SELECT pg_advisory_xact_lock(hashtext($1))", [lockName]);
    if (options.schema !== undefined) await tx.exec(`CREATE SCHEMA IF NOT EXISTS ${options.schema}`);
    await tx.exec(`
      CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
    const rows = await tx.query<{ version: unknown }>("SELECT version FROM schema_migrations");
    const applied = new Set(rows.map((row) => numberFromSql(row.version, "schema_migrations.version")));
    const latestKnown = migrations.at(-1)?.version ?? 0;
    const newer = [...applied].filter((version) => version > latestKnown);
    if (newer.length > 0) {
      throw new HistoryStoreConfigurationError(
        `the history database was migrated by a newer hedgekeeper (schema version ${Math.max(...newer)}, this build knows up to ${latestKnown})`,
        { details: { applied: [...applied].sort((a, b) => a - b), latestKnown } },
      );
    }
    const pending = migrations.filter((migration) => !applied.has(migration.version));
    for (const migration of pending) {
      await tx.exec(migration.sql);
      await tx.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [
        migration.version,
        migration.name,
      ]);
    }
    return pending.map((migration) => migration.version);
  });
}

function assertAscending(migrations: readonly Migration[]): void {
  migrations.forEach((migration, i) => {
    const previous = migrations[i - 1];
    if (previous !== undefined && migration.version <= previous.version) {
      throw new Error(`migration ${migration.version} (${migration.name}) is not after ${previous.version}`);
    }
  });
}
