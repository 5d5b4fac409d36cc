// Uniswap v3 price conversions (whitepaper §6: price = token1/token0 in raw units, sqrtPriceX96 = √price · 2^96,
// tick = ⌊log_1.0001(price)⌋). Float64 keeps ~15 significant digits: plenty for devnet targets and reports.

const Q96 = 2 ** 96;

export function sqrtPriceX96FromRawPrice(rawPrice: number): bigint {
  if (!(rawPrice > 0) || !Number.isFinite(rawPrice))
    throw new RangeError(`price must be positive, got ${rawPrice}`);
  return BigInt(Math.round(Math.sqrt(rawPrice) * Q96));
}

export function rawPriceFromSqrtPriceX96(sqrtPriceX96: bigint): number {
  return (Number(sqrtPriceX96) / Q96) ** 2;
}

export function tickFromRawPrice(rawPrice: number): number {
  return Math.floor(Math.log(rawPrice) / Math.log(1.0001));
}

/** The nearest usable tick at or below (`down`) or at or above (`up`) `tick`. */
export function alignTick(tick: number, tickSpacing: number, direction: "down" | "up"): number {
  const aligned = direction === "down" ? Math.floor(tick / tickSpacing) : Math.ceil(tick / tickSpacing);
  return aligned * tickSpacing;
}

/** A pool's tokens as the devnet quotes it: the price of `base` in units of `quote`. */
export interface QuotedPool {
  /** True when the base token is the pool's token0. */
  baseIsToken0: boolean;
  baseDecimals: number;
  quoteDecimals: number;
}

/** Raw pool price (token1 per token0, smallest units) for a human price of base in quote. */
export function rawPriceFromQuote(pool: QuotedPool, price: number): number {
  const decimalShift = 10 ** (pool.quoteDecimals - pool.baseDecimals);
  return pool.baseIsToken0 ? price * decimalShift : 1 / (price * decimalShift);
}

export function quoteFromRawPrice(pool: QuotedPool, rawPrice: number): number {
  const decimalShift = 10 ** (pool.quoteDecimals - pool.baseDecimals);
  return pool.baseIsToken0 ? rawPrice / decimalShift : 1 / (rawPrice * decimalShift);
}

export function quoteFromSqrtPriceX96(pool: QuotedPool, sqrtPriceX96: bigint): number {
  return quoteFromRawPrice(pool, rawPriceFromSqrtPriceX96(sqrtPriceX96));
}

export function sqrtPriceX96FromQuote(pool: QuotedPool, price: number): bigint {
  return sqrtPriceX96FromRawPrice(rawPriceFromQuote(pool, price));
}
