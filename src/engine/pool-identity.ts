// How the engine names a pool and the assets it holds, whatever its protocol. A v2 or v3 pool is a contract (its
// address); a v4 pool lives inside the PoolManager singleton and is named by its PoolId (keccak256 of its key).
// A v4 currency may be native ETH (address(0)), which the book counts as its base asset (WETH): same price, same
// delta, same 18 decimals.
import type { LpPositionSnapshot, PoolSnapshot, TokenRef } from "./snapshot.ts";
import { v4CurrencyAsset } from "./v4-position.ts";

/** A pool's key in the engine's maps: the lower-cased address (v2, v3) or the PoolId (v4). */
export function poolIdOf(pool: PoolSnapshot): string {
  return pool.kind === "uniswap-v4" ? pool.poolId.toLowerCase() : pool.address.toLowerCase();
}

/** The key of the pool a position is in (as poolIdOf). */
export function positionPoolIdOf(position: LpPositionSnapshot): string {
  return position.kind === "uniswap-v4" ? position.poolId.toLowerCase() : position.pool.toLowerCase();
}

/**
 * The pool's two tokens as the book values them: a v4 native-ETH currency becomes the base asset (its address,
 * the currency's decimals), so prices, delta and de-peg exposure treat it as the base.
 */
export function poolAssets(pool: PoolSnapshot, base: TokenRef): { token0: TokenRef; token1: TokenRef } {
  if (pool.kind !== "uniswap-v4") return { token0: pool.token0, token1: pool.token1 };
  const asAsset = (currency: TokenRef): TokenRef =>
    v4CurrencyAsset(currency.address, base.address) === currency.address
      ? currency
      : { ...base, decimals: currency.decimals };
  return { token0: asAsset(pool.currency0), token1: asAsset(pool.currency1) };
}
