// Checks at the engine's edge: each throws EngineInputError naming the field, so no NaN, infinity or
// out-of-domain value enters the math (and none can leave it).
import { EngineInputError } from "./errors.ts";

export const MAX_UINT128 = (1n << 128n) - 1n;
export const MAX_UINT160 = (1n << 160n) - 1n;
export const MAX_UINT256 = (1n << 256n) - 1n;

export function fail(field: string, reason: string, value?: unknown): never {
  throw new EngineInputError({ field, reason, value: value === undefined ? undefined : String(value) });
}

export function finite(field: string, x: number): number {
  if (typeof x !== "number" || !Number.isFinite(x)) fail(field, "must be a finite number", x);
  return x;
}

export function positive(field: string, x: number): number {
  if (typeof x !== "number" || !Number.isFinite(x) || x <= 0) fail(field, "must be finite and > 0", x);
  return x;
}

export function nonNegative(field: string, x: number): number {
  if (typeof x !== "number" || !Number.isFinite(x) || x < 0) fail(field, "must be finite and >= 0", x);
  return x;
}

/** An integer amount in [0, max] (a token balance, a price in base units). */
export function uint(field: string, x: bigint, max: bigint = MAX_UINT256): bigint {
  if (typeof x !== "bigint" || x < 0n || x > max) fail(field, `must be an integer in [0, ${max}]`, x);
  return x;
}

/** A float result about to leave the engine: refuse to emit NaN or infinity. */
export function emit(field: string, x: number): number {
  if (!Number.isFinite(x)) fail(field, "computed value is not finite (degenerate input)", x);
  return x;
}

/**
 * A bigint with `decimals` decimals as a float (e.g. 1_500000n, 6 → 1.5): two IEEE roundings, so within
 * 2.3e-16 relative of the exact value. Floats are for reporting and risk; the exact amounts stay bigint.
 */
export function toFloat(x: bigint, decimals: number): number {
  return Number(x) / (POWERS_OF_TEN[decimals] ?? 10 ** decimals);
}

const POWERS_OF_TEN: readonly number[] = Array.from({ length: 78 }, (_, d) => 10 ** d);

/** 10^d as a bigint and as that bigint's float, for fromFloat (the backtester calls it a million times a year). */
const BIG_POWERS_OF_TEN: readonly bigint[] = Array.from({ length: 78 }, (_, d) => 10n ** BigInt(d));
const BIG_POWERS_OF_TEN_AS_FLOAT: readonly number[] = BIG_POWERS_OF_TEN.map(Number);

/** A float amount as an integer with `decimals` decimals, rounded toward zero. */
export function fromFloat(field: string, x: number, decimals: number): bigint {
  finite(field, x);
  const whole = Math.trunc(x);
  const frac = x - whole;
  const scale = BIG_POWERS_OF_TEN[decimals] ?? 10n ** BigInt(decimals);
  const scaleFloat = BIG_POWERS_OF_TEN_AS_FLOAT[decimals] ?? Number(scale);
  return BigInt(whole) * scale + BigInt(Math.trunc(frac * scaleFloat));
}
