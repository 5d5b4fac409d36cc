import { describe, expect, it } from "vitest";
import { aaveBook } from "./aave-fixture.test-support.ts";
import { aaveSwapQuotes } from "./aave-swap-quotes.ts";
import { USDC, USDC_WETH_POOL, WETH } from "./book-fixture.test-support.ts";
import type { PlanAction } from "./plan.ts";

const ETH = 10n ** 18n;
const sale = (fee: number): PlanAction => ({
  kind: "swap.exactInputSingle",
  venue: "uniswap-v3",
  tokenIn: WETH.address,
  tokenOut: USDC.address,
  fee,
  amountIn: 2n * ETH,
  amountOutMinimum: 0n,
});

describe("aaveSwapQuotes", () => {
  it("quotes each swap leg at its pool's spot net of the fee tier, at the Aave oracle's prices, by action index", () => {
    const book = aaveBook({ hf: 1.8 });
    const borrow: PlanAction = {
      kind: "aave.borrow",
      venue: "aave-v3",
      pool: book.aave!.pool,
      asset: WETH.address,
      amount: 2n * ETH,
    };
    const [leg, ...rest] = aaveSwapQuotes(book, book.aave!, [borrow, sale(500)]);
    expect(rest).toEqual([]);
    expect(leg).toMatchObject({
      kind: "swap",
      actionIndex: 1,
      pool: USDC_WETH_POOL,
      tokenInPriceUsd: 3000,
      tokenOutPriceUsd: 1,
      tokenInDecimals: 18,
      tokenOutDecimals: 6,
    });
    // The fixture's pool is at 3000 USDC per WETH; the 0.05% tier comes off: 2998.5.
    expect(leg!.priceNetOfFee).toBeCloseTo(3000 * (1 - 0.0005), 3);
  });

  it("leaves a swap through a pool the book does not read unquoted (its cost stays gas only)", () => {
    const book = aaveBook({ hf: 1.8 });
    expect(aaveSwapQuotes(book, book.aave!, [sale(3000)])).toEqual([]);
  });
});
