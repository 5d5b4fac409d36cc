// How values cross between TypeScript and SQL. Drivers disagree on int8 (pg: string; PGlite: number, or bigint
// beyond 2^53) and agree on double precision (number, NaN and ±Infinity included) and jsonb (parsed). Every
// read goes through one of these, which either return the value or throw: a malformed row is never a zero.

export function bigintFromSql(value: unknown, column: string): bigint {
  if (typeof value === "bigint") return value;
  if (typeof value === "number" && Number.isInteger(value)) return BigInt(value);
  if (typeof value === "string" && /^-?\d+$/.test(value)) return BigInt(value);
  throw new TypeError(`column ${column}: expected an integer, got ${describe(value)}`);
}

export function nullableBigintFromSql(value: unknown, column: string): bigint | null {
  return value === null ? null : bigintFromSql(value, column);
}

/** A number column; int8 columns (times in s or ms, counts) come back as strings from pg. */
export function numberFromSql(value: unknown, column: string): number {
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "string" && value.trim() !== "") {
    const parsed = Number(value);
    if (!Number.isNaN(parsed) || value === "NaN") return parsed;
  }
  throw new TypeError(`column ${column}: expected a number, got ${describe(value)}`);
}

export function booleanFromSql(value: unknown, column: string): boolean {
  if (typeof value === "boolean") return value;
  throw new TypeError(`column ${column}: expected a boolean, got ${describe(value)}`);
}

export function nullableNumberFromSql(value: unknown, column: string): number | null {
  return value === null ? null : numberFromSql(value, column);
}

/** A dashboard column that a plain BookSample leaves NULL: read as NaN (a gap in a chart, `null` in JSON). */
export function numberOrNaNFromSql(value: unknown, column: string): number {
  return value === null ? Number.NaN : numberFromSql(value, column);
}

export function stringFromSql(value: unknown, column: string): string {
  if (typeof value === "string") return value;
  throw new TypeError(`column ${column}: expected text, got ${describe(value)}`);
}

/** A text column holding one of a literal union's values (a status, a kind): anything else is a malformed row. */
export function oneOfFromSql<const T extends string>(
  value: unknown,
  allowed: readonly T[],
  column: string,
): T {
  const text = stringFromSql(value, column);
  if ((allowed as readonly string[]).includes(text)) return text as T;
  throw new TypeError(`column ${column}: expected one of ${allowed.join(", ")}, got ${describe(value)}`);
}

export function nullableStringFromSql(value: unknown, column: string): string | null {
  return value === null ? null : stringFromSql(value, column);
}

/** A jsonb column: both drivers parse it; a string means it was stored double-encoded, which we never do. */
export function jsonFromSql<T>(value: unknown, column: string): T {
  if (value !== null && typeof value === "object") return value as T;
  throw new TypeError(`column ${column}: expected a JSON object or array, got ${describe(value)}`);
}

/**
 * A value for a jsonb parameter (written as `$n::jsonb`): encoded here so both drivers send the same text (pg
 * would turn a JS array into a PostgreSQL array literal). JSON has no NaN, Infinity or bigint: NaN and ±Infinity
 * become null (JSON.stringify's rule) and a bigint becomes its decimal string, so a stray one cannot fail a write.
 */
export function jsonToSql(value: unknown): string {
  // Without a replacer first: V8 serializes plain data on its fast path then (~1.5× faster on a book's detail,
  // measured), and only a bigint, which it refuses with a TypeError, needs the replacer.
  try {
    return JSON.stringify(value);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    return JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
  }
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  return `${typeof value} ${String(value)}`;
}
