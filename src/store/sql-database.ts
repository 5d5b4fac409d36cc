// The store's one port to SQL: the same statements run on PostgreSQL (pg) and on PGlite (PostgreSQL compiled to
// WASM). Parameters are positional ($1, $2, …). Drivers differ in how they hand back int8 and jsonb; rows are
// decoded by sql-values.ts, never trusted to be one shape.
import { HistoryStoreConfigurationError } from "./history-store-errors.ts";

/** How a statement is run. */
export interface SqlQueryOptions {
  /**
   * The same text runs again and again (a per-block write): the server may keep it parsed and planned, per
   * connection, so that a later run sends only its parameters. Mark only statements with a fixed result shape (an
   * explicit column list, never `*`): a prepared statement whose result columns a migration changed fails.
   */
  repeated?: boolean;
}

/** Something that runs statements: the database itself, or one open transaction. */
export interface SqlQueryable {
  /** One statement with positional parameters; the rows it returned. */
  query<Row extends object = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
    options?: SqlQueryOptions,
  ): Promise<Row[]>;
  /** One or more statements without parameters (migrations, SET). */
  exec(sql: string): Promise<void>;
}

export interface SqlDatabase extends SqlQueryable {
  /** Runs `fn` in one transaction on one connection: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A schema name usable as a bare identifier (lowercase, so PostgreSQL needs no quoting rules beyond ours). */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Schema names are spliced into SQL (search_path, CREATE SCHEMA): only plain lowercase identifiers pass. */
export function assertSchemaName(schema: string): void {
  if (!SCHEMA_NAME.test(schema)) {
    throw new HistoryStoreConfigurationError(
      `history store schema "${schema}" is not a plain identifier (lowercase letters, digits, _; at most 63)`,
      { details: { schema } },
    );
  }
}
