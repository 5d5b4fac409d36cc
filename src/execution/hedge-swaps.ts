// The hedge trades in a lending short's plan: the short asset its swaps sold or bought, measured from the receipt
// (the legs realized-execution.ts read from the pools' Swap events), at the plan's quoted base price.
//
// A lending short's hedge value is its base position at the price (supplied − owed of the short asset, aave-v3-borrow
// leg); its collateral stablecoin is outside it. So the Pool's Borrow and Repay are not themselves trades: borrowed
// WETH kept as spot, or held WETH repaid, moves base between the hedge and the Safe's spot base, inside the book. What
// changes the book's base is base crossing its edge for another token: the swap that sells what was borrowed, or buys
// what is repaid. That is the trade the report's price term marks from its quote (attribution.ts:
// ΔT · P_i − ΔQ), and its cash side (−ΔQ), which went to the collateral token outside the hedge value, is added back
// to the hedge's value so that the trade is not a loss of its whole notional (src/store/report-period.ts).
//   base sold   = amountIn  = notional / tokenIn's quoted USD price            (swapLeg: notional = amountIn · price)
//   base bought = amountOut = amountIn · realized price (tokenOut per tokenIn)  (swapLeg: realized = out / in)
// And what the swaps really moved in the other token (the fill's cash side, USD at the plan's quoted token prices),
// with the pool fees and slippage against the quote those legs paid (realized-execution.ts swapLeg):
//   sold:   cash = + amountOut · tokenOut's price = amountIn · realized · tokenOutPriceUsd
//   bought: cash = − amountIn · tokenIn's price   = − notional
// so the report counts the cash at the fill and the fee and slippage as costs (cash at fill + fee + slippage is the
// cash at the quote).
// Pure.
import { type Address, isAddressEqual } from "viem";
import type { Plan } from "../engine/plan.ts";
import type { RealizedLeg } from "../engine/realized-cost.ts";
import { ExecutionReceiptError } from "./realized-execution.ts";

export interface SwappedBase {
  /** Short asset bought (+) or sold (−) by the plan's swaps, whole units. */
  base: number;
  /** The same at the plan's quoted base price (plan.quote.basePriceUsd), USD, signed alike. */
  atQuoteUsd: number;
  /** The fill's cash side and its costs, USD (each summed over the base's swap legs). */
  fill: SwapFill;
}

export interface SwapFill {
  /** Cash the swaps received (+, selling base) or paid (−, buying it), at the plan's quoted token prices. */
  cashUsd: number;
  /** The pool fees those swaps paid (the fee tier's share of amountIn). */
  feesUsd: number;
  /** What their fills fell short of the quote by (negative when they beat it). */
  slippageUsd: number;
}

export function swappedBaseOf(plan: Plan, legs: readonly RealizedLeg[], base: Address): SwappedBase {
  let traded = 0;
  const fill: SwapFill = { cashUsd: 0, feesUsd: 0, slippageUsd: 0 };
  for (const leg of legs) {
    if (leg.kind !== "swap") continue;
    const action = plan.actions[leg.actionIndex];
    const quote = plan.quote.legs.find((q) => q.actionIndex === leg.actionIndex);
    if (action?.kind !== "swap.exactInputSingle" || quote?.kind !== "swap")
      throw new ExecutionReceiptError(
        `realized swap leg ${leg.actionIndex} names no quoted swap of the plan`,
        {
          details: { planId: plan.planId, actionIndex: leg.actionIndex },
        },
      );
    const amountIn = leg.notionalUsd / quote.tokenInPriceUsd;
    const sold = isAddressEqual(action.tokenIn, base);
    const bought = isAddressEqual(action.tokenOut, base);
    if (sold === bought) continue; // neither side is the base (a de-peg swap), or a base-for-base swap
    traded += sold ? -amountIn : amountIn * leg.realizedPrice;
    fill.cashUsd += sold ? amountIn * leg.realizedPrice * quote.tokenOutPriceUsd : -leg.notionalUsd;
    fill.feesUsd += leg.feesUsd;
    fill.slippageUsd += leg.slippageUsd;
  }
  return { base: traded, atQuoteUsd: traded * plan.quote.basePriceUsd, fill };
}
