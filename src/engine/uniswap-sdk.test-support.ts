// The reference implementation for property tests and the benchmark: @uniswap/v3-sdk (a JSBI port of the
// contracts). Its ESM build uses directory imports Node refuses, so it is loaded through its CommonJS build.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

// biome-ignore lint/suspicious/noExplicitAny: the SDK's CommonJS build is untyped through require.
export const sdk: any = require("@uniswap/v3-sdk");
// biome-ignore lint/suspicious/noExplicitAny: same.
export const sdkCore: any = require("@uniswap/sdk-core");
// biome-ignore lint/suspicious/noExplicitAny: same.
export const JSBI: any = require("jsbi");

/** bigint → JSBI */
export const j = (x: bigint): unknown => JSBI.BigInt(x.toString());
/** JSBI → bigint */
export const b = (x: unknown): bigint => BigInt(String(x));

/** Runs f, returning its value or the fact it threw (the contracts revert where the SDK throws). */
export function outcome<T>(f: () => T): { ok: true; value: T } | { ok: false } {
  try {
    return { ok: true, value: f() };
  } catch {
    return { ok: false };
  }
}
