// The SQL port over PGlite: PostgreSQL compiled to WASM, embedded in this process, its data in a directory
// (`memory://` keeps it in memory). One session: statements are serialised by PGlite itself, so the search_path
// set here holds for every later statement. A data directory must not be opened by two processes at once.
import { mkdir } from "node:fs/promises";
import { PGlite, type Transaction } from "@electric-sql/pglite";
import { assertSchemaName, type SqlDatabase, type SqlQueryable } from "./sql-database.ts";

export interface PgliteDatabaseOptions {
  /** A directory on disk (created if missing) or `memory://`. */
  dataDir: string;
  /** Tables live in this schema (created by the migrations). */
  schema?: string | undefined;
}

export async function openPgliteDatabase(options: PgliteDatabaseOptions): Promise<SqlDatabase> {
  if (options.schema !== undefined) assertSchemaName(options.schema);
  if (!options.dataDir.startsWith("memory://")) await mkdir(options.dataDir, { recursive: true });
  const db = await PGlite.create(options.dataDir);
  if (options.schema !== undefined) await db.exec(`SET search_path TO ${options.schema}`);

  const on = (session: PGlite | Transaction): SqlQueryable => ({
    // `repeated` is a server round trip's saving (postgres-database.ts); PGlite runs in this process: nothing to save.
    async query<Row extends object>(sql: string, params: readonly unknown[] = []) {
      const result = await session.query<Row>(sql, params as unknown[]);
      return result.rows;
    },
    async exec(sql: string) {
      await session.exec(sql);
    },
  });

  return {
    ...on(db),
    transaction: (fn) => db.transaction((tx) => fn(on(tx))),
    close: () => db.close(),
  };
}
