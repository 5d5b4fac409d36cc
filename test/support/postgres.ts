// The machine's PostgreSQL for integration tests: TEST_DATABASE_URL, or postgres://postgres@127.0.0.1:5432/test.
// Each caller works in schemas of its own (random names), dropped afterwards. When the server does not answer,
// suites skip with the reason, except under CI=true, where a missing database is a failure, not a skip.
//
//   const postgres = await postgresForTests();
//   describe.skipIf(postgres.url === undefined)(`… ${postgres.skipReason ?? ""}`, () => {
//     const schema = postgres.freshSchema("history");   // dropped in afterAll
//   });
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll } from "vitest";
import { redactDatabaseUrl } from "../../src/store/database-url.ts";

export const DEFAULT_TEST_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/test";

export interface PostgresForTests {
  /** The server's URL when it answered; undefined when the suite should skip. */
  url: string | undefined;
  /** Why there is no server (with how to provide one); undefined when there is. */
  skipReason: string | undefined;
  /** A new schema name (not yet created: the history store's migrations create it), dropped in afterAll. */
  freshSchema(label: string): string;
  /** Runs statements on the server outside any store (set-up, checks). */
  query<Row extends object = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
}

export async function postgresForTests(): Promise<PostgresForTests> {
  const url = process.env.TEST_DATABASE_URL || DEFAULT_TEST_DATABASE_URL;
  const problem = await probe(url);
  if (problem !== undefined) {
    const reason = `PostgreSQL at TEST_DATABASE_URL=${redactDatabaseUrl(url)} did not answer (${problem})`;
    if (process.env.CI === "true" || process.env.CI === "1") {
      throw new Error(`${reason}: CI=true requires it`);
    }
    return {
      url: undefined,
      skipReason: `[skipped: ${reason}; start one or set TEST_DATABASE_URL]`,
      freshSchema: () => {
        throw new Error(reason);
      },
      query: () => Promise.reject(new Error(reason)),
    };
  }

  const schemas: string[] = [];
  const query = async <Row extends object>(sql: string, params: unknown[] = []): Promise<Row[]> => {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as Row[];
    } finally {
      await client.end();
    }
  };
  afterAll(async () => {
    for (const schema of schemas) await query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  });
  return {
    url,
    skipReason: undefined,
    freshSchema(label) {
      const slug = label
        .toLowerCase()
        .replace(/[^a-z0-9_]/g, "_")
        .slice(0, 30);
      const schema = `hk_test_${slug}_${randomBytes(4).toString("hex")}`;
      schemas.push(schema);
      return schema;
    },
    query,
  };
}

async function probe(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  client.on("error", () => {
    // reported by the failed connect or query below
  });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return undefined;
  } catch (error) {
    return messageOf(error);
  } finally {
    await client.end().catch(() => {
      // never connected
    });
  }
}

function messageOf(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0)
    return error.errors.map(messageOf).join("; ");
  return error instanceof Error ? error.message || error.name : String(error);
}
