// Query parameters, validated: a bad value is a 400 whose message names the parameter and the accepted range,
// never a silent default.
import { ApiError } from "./api-error.ts";

const MAX_ECHO = 40;

function echo(raw: string): string {
  return JSON.stringify(raw.length > MAX_ECHO ? `${raw.slice(0, MAX_ECHO)}…` : raw);
}

/** A whole number in [min, max]; `fallback` when the parameter is absent. */
export function integerParam(
  params: URLSearchParams,
  name: string,
  range: { min: number; max: number; fallback: number },
): number;
export function integerParam(
  params: URLSearchParams,
  name: string,
  range: { min: number; max: number },
): number | undefined;
export function integerParam(
  params: URLSearchParams,
  name: string,
  range: { min: number; max: number; fallback?: number },
): number | undefined {
  const raw = params.get(name);
  if (raw === null) return range.fallback;
  const value = /^\d{1,15}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < range.min || value > range.max) {
    throw new ApiError(
      400,
      `query parameter ${name} must be a whole number from ${range.min} to ${range.max} (got ${echo(raw)})`,
    );
  }
  return value;
}

/** A book id filter: absent, or a non-empty identifier. */
export function bookParam(params: URLSearchParams, name = "book"): string | undefined {
  const raw = params.get(name);
  if (raw === null) return undefined;
  // Book ids are the config's keys: any non-empty string; bound the length and refuse control characters.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing them is the point
  if (raw.length === 0 || raw.length > 200 || /[\u0000-\u001f\u007f]/.test(raw)) {
    throw new ApiError(400, `query parameter ${name} must be a book id, 1 to 200 printable characters`);
  }
  return raw;
}
