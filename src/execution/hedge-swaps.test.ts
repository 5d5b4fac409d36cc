import type { Address } from "viem";
import { describe, expect, it } from "vitest";
import { makeBook, makeParams, NOW_SEC, USDC, USDT } from "../engine/book-fixture.test-support.ts";
import { decide } from "../engine/decide.ts";
import type { SwapTradeQuote, TradeQuote } from "../engine/plan.ts";
import type { RealizedLeg } from "../engine/realized-cost.ts";
import { swappedBaseOf } from "./hedge-swaps.ts";
import { ExecutionReceiptError } from "./realized-execution.ts";

// A real plan with one swap (the fixture's de-peg swap, USDT in, USDC out); which token plays the base is the
// argument, so both directions of a base trade are measured on it.
const decision = decide(makeBook({ usdtUsdOracle: 0.95 }), makeParams(), NOW_SEC);
if (decision.kind !== "plan") throw new Error(`expected a plan: ${decision.reason}`);
const plan = decision.plan;
const quote = swapQuoteOf(plan.quote.legs[0]);

function swapQuoteOf(leg: TradeQuote | undefined): SwapTradeQuote {
  if (leg?.kind !== "swap") throw new Error("expected a swap quote");
  return leg;
}

/** The swap's realized leg: `amountIn` whole tokens in at `realizedPrice` tokenOut per tokenIn. */
function swapLeg(amountIn: number, realizedPrice: number): RealizedLeg {
  return {
    actionIndex: quote.actionIndex,
    kind: "swap",
    venue: "uniswap-v3",
    side: "sell",
    quotedPrice: quote.priceNetOfFee,
    realizedPrice,
    slippageBps: 0,
    slippageUsd: 0,
    notionalUsd: amountIn * quote.tokenInPriceUsd,
    feesUsd: 0,
  };
}

describe("swappedBaseOf", () => {
  it("counts the base a swap sold as a negative trade at the plan's quoted base price", () => {
    const swapped = swappedBaseOf(plan, [swapLeg(1_250, 0.99)], USDT.address);
    expect(swapped.base).toBeCloseTo(-1_250, 9);
    expect(swapped.atQuoteUsd).toBeCloseTo(-1_250 * plan.quote.basePriceUsd, 6);
  });

  it("counts the base a swap bought as amountIn × the realized price, not the quoted one", () => {
    const swapped = swappedBaseOf(plan, [swapLeg(1_250, 0.99)], USDC.address);
    expect(swapped.base).toBeCloseTo(1_250 * 0.99, 9);
    expect(swapped.atQuoteUsd).toBeCloseTo(1_250 * 0.99 * plan.quote.basePriceUsd, 6);
  });

  it("counts nothing for a swap of two other tokens (a de-peg swap on a WETH book) or a plan without swaps", () => {
    const weth: Address = "0x9999999999999999999999999999999999999999";
    const none = { base: 0, atQuoteUsd: 0, fill: { cashUsd: 0, feesUsd: 0, slippageUsd: 0 } };
    expect(swappedBaseOf(plan, [swapLeg(1_250, 0.99)], weth)).toEqual(none);
    expect(swappedBaseOf(plan, [], USDT.address)).toEqual(none);
  });

  it("counts the fill's cash side, fee and slippage of a base swap: cash at fill + fee + slippage is the cash at quote", () => {
    // USDT (playing the base) sold: 1,250 in, 0.3 % fee tier, filled 1 below the quote's tokenOut per tokenIn.
    const realized = quote.priceNetOfFee - 0.001;
    const leg = {
      ...swapLeg(1_250, realized),
      feesUsd: 1_250 * 0.003 * quote.tokenInPriceUsd,
      slippageUsd: (quote.priceNetOfFee - realized) * 1_250 * quote.tokenOutPriceUsd,
    };
    const sold = swappedBaseOf(plan, [leg], USDT.address);
    expect(sold.fill.cashUsd).toBeCloseTo(1_250 * realized * quote.tokenOutPriceUsd, 9);
    expect(sold.fill.feesUsd).toBe(leg.feesUsd);
    expect(sold.fill.slippageUsd).toBe(leg.slippageUsd);
    expect(sold.fill.cashUsd + sold.fill.slippageUsd).toBeCloseTo(
      1_250 * quote.priceNetOfFee * quote.tokenOutPriceUsd,
      9,
    );
    // USDC (playing the base) bought: the cash paid is the input, at its price.
    const bought = swappedBaseOf(plan, [leg], USDC.address);
    expect(bought.fill.cashUsd).toBeCloseTo(-1_250 * quote.tokenInPriceUsd, 9);
  });

  it("refuses a swap leg that names no quoted swap of the plan", () => {
    const stray = { ...swapLeg(1, 1), actionIndex: plan.actions.length + 3 };
    expect(() => swappedBaseOf(plan, [stray], USDT.address)).toThrow(ExecutionReceiptError);
  });
});
