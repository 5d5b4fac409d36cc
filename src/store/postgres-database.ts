// The SQL port over a PostgreSQL server (node-postgres pool). The schema, when given, is the session's whole
// search_path, set at connection start-up so every pooled connection sees the same tables.
import { createHash } from "node:crypto";
import pg from "pg";
import {
  assertSchemaName,
  type SqlDatabase,
  type SqlQueryable,
  type SqlQueryOptions,
} from "./sql-database.ts";

export interface PostgresDatabaseOptions {
  url: string;
  /** Tables live in this schema (created by the migrations); PostgreSQL's default search_path otherwise. */
  schema?: string | undefined;
  /** Give up on a connection attempt after this long instead of hanging (default 5 s). */
  connectTimeoutMs?: number | undefined;
  maxConnections?: number | undefined;
  /**
   * An idle pooled connection failed (server restart, network cut). The pool has already discarded it and the
   * next query reports the outage; without a listener Node would crash on the unhandled 'error' event.
   */
  onIdleError?: ((error: Error) => void) | undefined;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

export function createPostgresDatabase(options: PostgresDatabaseOptions): SqlDatabase {
  if (options.schema !== undefined) assertSchemaName(options.schema);
  const pool = new pg.Pool({
    connectionString: options.url,
    connectionTimeoutMillis: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    max: options.maxConnections ?? 10,
    ...(options.schema === undefined ? {} : { options: `-c search_path=${options.schema}` }),
  });
  pool.on("error", (error) => options.onIdleError?.(error));
  // No JIT compilation: the history's statements are index probes that run in well under a millisecond, but the
  // planner's default estimate for a computed generate_series (1,000 rows) puts a group's batched series read
  // (read-series.ts) over jit_above_cost, and compiling it then took ~50 ms for a 0.5 ms query (measured, EXPLAIN
  // ANALYZE, PostgreSQL 15). Set per connection rather than in the URL's options, which a schema's search_path may
  // use. A failed SET leaves JIT on (slower, same rows); a broken connection fails the query that follows it.
  pool.on("connect", (client) => {
    client.query("SET jit = off").catch(() => {});
  });

  const on = (client: pg.Pool | pg.PoolClient): SqlQueryable => ({
    async query<Row extends object>(
      sql: string,
      params: readonly unknown[] = [],
      options: SqlQueryOptions = {},
    ) {
      const result = await client.query(
        options.repeated === true
          ? { name: preparedStatementName(sql), text: sql, values: params as unknown[] }
          : { text: sql, values: params as unknown[] },
      );
      return result.rows as Row[];
    },
    async exec(sql: string) {
      await client.query(sql);
    },
  });

  return {
    ...on(pool),
    async transaction(fn) {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query("BEGIN");
        const result = await fn(on(client));
        await client.query("COMMIT");
        return result;
      } catch (error) {
        try {
          await client.query("ROLLBACK");
        } catch (rollbackError) {
          // The connection itself failed: release it as broken so the pool does not hand it out again.
          broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        }
        throw error;
      } finally {
        client.release(broken);
      }
    },
    async close() {
      await pool.end();
    },
  };
}

/**
 * A repeated statement's name on each connection, from its text: node-postgres parses a named statement once per
 * connection and afterwards sends only Bind/Execute, and PostgreSQL skips parsing and analysis, and after five runs
 * planning too (its plan cache). Measured on bench:scale's history writes: the PostgreSQL backends' CPU per
 * evaluation fell from 0.55 to 0.43 ms (1 process) and from 0.66 to 0.50 ms (3 processes). Equal texts share a name;
 * a different text never does (sha256), so node-postgres's "prepared statements must be unique" cannot trip.
 */
function preparedStatementName(sql: string): string {
  return `hk_${createHash("sha256").update(sql).digest("hex").slice(0, 40)}`;
}
