// The reference implementation for property tests and the benchmark: @uniswap/v3-sdk (a JSBI port of the
// contracts). Its ESM build uses directory imports Node refuses, and its `exports` map offers no other
// entry, so its CommonJS build is imported by file path (Node gives a CommonJS module as the default export).

import JSBIClass from "jsbi";
import sdkCoreCjs from "../../node_modules/@uniswap/sdk-core/dist/cjs/src/index.js";
import sdkCjs from "../../node_modules/@uniswap/v3-sdk/dist/cjs/src/index.js";

// biome-ignore lint/suspicious/noExplicitAny: the SDK's types describe JSBI values the tests convert anyway.
export const sdk: any = sdkCjs;
// biome-ignore lint/suspicious/noExplicitAny: same.
export const sdkCore: any = sdkCoreCjs;
// biome-ignore lint/suspicious/noExplicitAny: jsbi's CommonJS typings do not describe its default export under NodeNext.
export const JSBI: any = JSBIClass;

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
