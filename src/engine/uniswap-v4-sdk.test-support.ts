// The reference for v4 property tests: @uniswap/v4-sdk (Position, Pool.getPoolId, Hook, V4Planner), which
// computes amounts with the v3-sdk's JSBI math. Imported by its CommonJS build's file path, like the v3-sdk in
// uniswap-sdk.test-support.ts, so both share one @uniswap/sdk-core instance (the SDK checks currencies with
// instanceof).
import v4SdkCjs from "../../node_modules/@uniswap/v4-sdk/dist/cjs/src/index.js";
import type { Address, Hex32 } from "./plan.ts";
import type { V4PoolKey, V4PoolSnapshot } from "./snapshot.ts";
import { b, j, sdk, sdkCore } from "./uniswap-sdk.test-support.ts";
import { DYNAMIC_FEE_FLAG } from "./v4-hook-flags.ts";
import { NATIVE_CURRENCY, type V4PositionReading } from "./v4-position.ts";

// biome-ignore lint/suspicious/noExplicitAny: the SDK's types describe JSBI values the tests convert anyway.
export const v4Sdk: any = v4SdkCjs;

/**
 * One v4 position valuation case, in plain bigints: the pool's key and price, the range and liquidity, and the fee
 * growth inside the range now and at the position's last modification. Both sides of a comparison are built from it.
 */
export interface V4ValuationCase {
  key: V4PoolKey;
  /** The currencies' decimals (the SDK's currencies need them; the amounts do not depend on them). */
  decimals: readonly [number, number];
  sqrtPriceX96: bigint;
  tickCurrent: number;
  tickLower: number;
  tickUpper: number;
  liquidity: bigint;
  feeGrowthInside0X128: bigint;
  feeGrowthInside1X128: bigint;
  feeGrowthInside0LastX128: bigint;
  feeGrowthInside1LastX128: bigint;
}

/** The SDK's currency for a key's address: address(0) is sdk-core's native Ether. */
export function sdkCurrency(address: Address, decimals: number): unknown {
  return address === NATIVE_CURRENCY
    ? sdkCore.Ether.onChain(1)
    : new sdkCore.Token(1, address, decimals, address.slice(2, 8));
}

/** The case's pool as the v4-sdk builds it (validates the key, hook and price; computes the pool id). */
export function sdkV4Pool(c: V4ValuationCase): unknown {
  return new v4Sdk.Pool(
    sdkCurrency(c.key.currency0, c.decimals[0]),
    sdkCurrency(c.key.currency1, c.decimals[1]),
    c.key.fee,
    c.key.tickSpacing,
    c.key.hooks,
    j(c.sqrtPriceX96),
    j(0n),
    c.tickCurrent,
  );
}

/**
 * The reference's amounts and fees: v4-sdk Position.amount0/amount1 (what burning the liquidity pays) and, since the
 * v4-sdk has no fee function, the v3-sdk PositionLibrary.getTokensOwed it builds on (v4's Position.update is v3's
 * without the uint128 cast). `pool` is sdkV4Pool(c), built once.
 */
export function sdkV4Valuation(
  c: V4ValuationCase,
  pool: unknown,
): { amount0: bigint; amount1: bigint; fees0: bigint; fees1: bigint } {
  const position = new v4Sdk.Position({
    pool,
    liquidity: j(c.liquidity),
    tickLower: c.tickLower,
    tickUpper: c.tickUpper,
  });
  const [fees0, fees1] = sdk.PositionLibrary.getTokensOwed(
    j(c.feeGrowthInside0LastX128),
    j(c.feeGrowthInside1LastX128),
    j(c.liquidity),
    j(c.feeGrowthInside0X128),
    j(c.feeGrowthInside1X128),
  );
  return {
    amount0: b(position.amount0.quotient),
    amount1: b(position.amount1.quotient),
    fees0: b(fees0),
    fees1: b(fees1),
  };
}

/** The case as the engine is handed it: a position reading and its pool's snapshot with the range's fee growth. */
export function engineV4Inputs(c: V4ValuationCase): { position: V4PositionReading; pool: V4PoolSnapshot } {
  // Any id will do: the engine checks only that the position and the pool name the same one.
  const poolId: Hex32 = "0x21c67e77068de97969ba93d4aab21826d33ca12bb9f565d8496e8fda8a82ca27";
  return {
    position: {
      kind: "uniswap-v4",
      tokenId: 1n,
      poolId,
      owner: "0x0837e5255938D5651D463Ce2Bd0e5d060c566655",
      tickLower: c.tickLower,
      tickUpper: c.tickUpper,
      liquidity: c.liquidity,
      feeGrowthInside0LastX128: c.feeGrowthInside0LastX128,
      feeGrowthInside1LastX128: c.feeGrowthInside1LastX128,
      hasSubscriber: false,
    },
    pool: {
      kind: "uniswap-v4",
      poolId,
      key: c.key,
      currency0: { address: c.key.currency0, symbol: "C0", decimals: c.decimals[0] },
      currency1: { address: c.key.currency1, symbol: "C1", decimals: c.decimals[1] },
      sqrtPriceX96: c.sqrtPriceX96,
      tick: c.tickCurrent,
      lpFee: c.key.fee === DYNAMIC_FEE_FLAG ? 3_000 : c.key.fee,
      protocolFee: 0,
      liquidity: 0n,
      feeGrowthGlobal0X128: 0n,
      feeGrowthGlobal1X128: 0n,
      ranges: [
        {
          tickLower: c.tickLower,
          tickUpper: c.tickUpper,
          feeGrowthInside0X128: c.feeGrowthInside0X128,
          feeGrowthInside1X128: c.feeGrowthInside1X128,
        },
      ],
    },
  };
}
