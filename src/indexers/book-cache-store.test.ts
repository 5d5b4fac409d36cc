import { describe, expect, it } from "vitest";
import { decodeStoredBook, encodeStoredBook, type StoredBook } from "./book-cache-store.ts";

const pool = "0x88e6A0c2dDD26FEEb64F039a2c41296FcB3f5640";
const token0 = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48";
const token1 = "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2";
const book: StoredBook = {
  statics: {
    positions: [{ tokenId: 7n, pool, token0, token1, fee: 500, tickLower: -200_000, tickUpper: -190_000 }],
    pools: [[pool.toLowerCase(), { token0, token1, fee: 500, tickSpacing: 10 }]],
    tokens: [{ address: token0, symbol: "USDC", decimals: 6 }],
  },
  cache: {
    blockNumber: 123n,
    blockHash: `0x${"ab".repeat(32)}`,
    tokenIds: [7n],
    positions: new Map([
      [
        7n,
        {
          nonce: 0n,
          operator: "0x0000000000000000000000000000000000000000",
          token0,
          token1,
          fee: 500,
          tickLower: -200_000,
          tickUpper: -190_000,
          liquidity: 2n ** 100n,
          feeGrowthInside0LastX128: 2n ** 200n + 1n,
          feeGrowthInside1LastX128: 0n,
          tokensOwed0: 5n,
          tokensOwed1: 6n,
        },
      ],
    ]),
    ticks: new Map([
      [
        `${pool.toLowerCase()}:-200000`,
        { tick: -200_000, feeGrowthOutside0X128: 3n, feeGrowthOutside1X128: 2n ** 255n },
      ],
    ]),
    poolTicks: new Map([[pool.toLowerCase(), -195_123]]),
  },
};

describe("stored book", () => {
  it("comes back as it was stored: bigints beyond 2^53 and Maps keyed by bigint intact", () => {
    const decoded = decodeStoredBook(encodeStoredBook(book));
    expect(decoded).toEqual(book);
    expect(decoded?.cache.positions.get(7n)?.feeGrowthInside0LastX128).toBe(2n ** 200n + 1n);
  });

  it("is not used when it was written in another format", () => {
    const other = encodeStoredBook(book).replace('"format":1', '"format":2');
    expect(decodeStoredBook(other)).toBeUndefined();
    expect(decodeStoredBook(encodeStoredBook(book))).toBeDefined();
  });
});
