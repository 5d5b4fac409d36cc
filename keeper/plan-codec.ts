// Plans in Redis: JSON with bigints tagged, so a stored plan reads back exactly (its id and MAC cover them).

const BIGINT_TAG = "$bigint";

export function encodeJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (typeof v === "bigint" ? { [BIGINT_TAG]: v.toString() } : v));
}

export function decodeJson<T>(text: string): T {
  return JSON.parse(text, (_key, v) =>
    v !== null && typeof v === "object" && typeof v[BIGINT_TAG] === "string" && Object.keys(v).length === 1
      ? BigInt(v[BIGINT_TAG])
      : v,
  ) as T;
}
