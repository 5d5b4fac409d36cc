// The pieces the store's upserts are spliced from: positional placeholders, VALUES lists of many rows, the SET list
// that overwrites columns from EXCLUDED, and the chunking and de-duplication a multi-row upsert needs.

/** `$from, $from+1, …` for n values. */
export const placeholders = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => `$${from + i}`).join(", ");

export const overwrite = (columns: readonly string[]) =>
  columns.map((c) => `${c} = EXCLUDED.${c}`).join(", ");

/**
 * `($1, $2), ($3, $4)`: `rows` rows of `perRow` parameters, a row's i-th cast to `casts[i]` when given; numbered
 * after the statement's first `before` parameters.
 */
export const valuesRows = (
  rows: number,
  perRow: number,
  casts: Readonly<Record<number, string>> = {},
  before = 0,
) =>
  Array.from(
    { length: rows },
    (_, r) =>
      `(${Array.from({ length: perRow }, (_, i) => `$${before + r * perRow + i + 1}${casts[i] ? `::${casts[i]}` : ""}`).join(", ")})`,
  ).join(", ");

/** PostgreSQL takes at most 65,535 parameters a statement: multi-row writes go in chunks well under it. */
const MAX_PARAMS_PER_STATEMENT = 30_000;

export function chunksOf<T>(rows: readonly T[], paramsPerRow: number): T[][] {
  const size = Math.max(1, Math.floor(MAX_PARAMS_PER_STATEMENT / paramsPerRow));
  const chunks: T[][] = [];
  for (let i = 0; i < rows.length; i += size) chunks.push(rows.slice(i, i + size));
  return chunks;
}

/** Chunks of whole rows, in order, each under the parameter limit by `paramsOf`; a row over it alone is a chunk. */
export function chunksByParams<T>(rows: readonly T[], paramsOf: (row: T) => number): T[][] {
  const chunks: T[][] = [];
  let chunk: T[] = [];
  let params = 0;
  for (const row of rows) {
    const n = paramsOf(row);
    if (chunk.length > 0 && params + n > MAX_PARAMS_PER_STATEMENT) {
      chunks.push(chunk);
      chunk = [];
      params = 0;
    }
    chunk.push(row);
    params += n;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

/**
 * One row per key, the last given: a multi-row upsert may not touch a row twice (ON CONFLICT DO UPDATE refuses), and
 * the last of several writes of one key is what the same writes one by one would leave.
 */
export function lastPerKey<T>(rows: readonly T[], key: (row: T) => string): T[] {
  return [...new Map(rows.map((row) => [key(row), row] as const)).values()];
}
