import { describe, expect, it } from "vitest";
import { v2GetAmountOut, v2Liquidity, v2LpShareAmounts } from "./v2-math.ts";

describe("Uniswap v2", () => {
  it("an LP share burns to its pro-rata reserves, rounded down", () => {
    expect(v2LpShareAmounts({ lpBalance: 1n, totalSupply: 3n, reserve0: 10n, reserve1: 11n })).toEqual({
      amount0: 3n,
      amount1: 3n,
    });
  });

  it("getAmountOut charges 0.3% on input (UniswapV2Library)", () => {
    // 1 ETH into 100 ETH / 200,000 USDC: 997 × 200000e6 × 1e18 / (100e18 × 1000 + 997e18)
    expect(v2GetAmountOut(10n ** 18n, 100n * 10n ** 18n, 200_000n * 10n ** 6n)).toBe(1974316068n);
  });

  it("liquidity is the geometric mean of the reserves", () => {
    expect(v2Liquidity(4n, 9n)).toBe(6n);
  });

  it("rejects balances above the total supply and empty pools", () => {
    expect(() => v2LpShareAmounts({ lpBalance: 4n, totalSupply: 3n, reserve0: 1n, reserve1: 1n })).toThrow(
      /lpBalance/,
    );
    expect(() => v2GetAmountOut(1n, 0n, 1n)).toThrow(/liquidity/);
  });
});
