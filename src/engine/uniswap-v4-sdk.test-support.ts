// The reference for v4 property tests: @uniswap/v4-sdk (Position, Pool.getPoolId, Hook, V4Planner), which
// computes amounts with the v3-sdk's JSBI math. Imported by its CommonJS build's file path, like the v3-sdk in
// uniswap-sdk.test-support.ts, so both share one @uniswap/sdk-core instance (the SDK checks currencies with
// instanceof).
import v4SdkCjs from "../../node_modules/@uniswap/v4-sdk/dist/cjs/src/index.js";

// biome-ignore lint/suspicious/noExplicitAny: the SDK's types describe JSBI values the tests convert anyway.
export const v4Sdk: any = v4SdkCjs;
