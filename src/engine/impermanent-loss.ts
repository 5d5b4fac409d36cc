// Impermanent loss: value of the LP position over the value of holding its entry amounts, minus one.
// v2: IL(r) = 2√r / (1 + r) − 1 (Uniswap v2 docs, "Understanding Returns"; Pintail 2019).
// v3: V(P) = x·P + y with x = L(1/√P − 1/√pb), y = L(√P − √pa), clamped to the range
// (Uniswap v3 whitepaper §6.2.1; Elsts, "Liquidity Math in Uniswap v3" §3).
import { emit, fail, positive } from "./input-guards.ts";

/** Amounts (x token0, y token1) of unit liquidity in [pa, pb] at price P, in token1-per-token0 units. */
export function unitAmounts(price: number, priceLower: number, priceUpper: number): { x: number; y: number } {
  const sp = Math.sqrt(Math.min(Math.max(price, priceLower), priceUpper));
  const sa = Math.sqrt(priceLower);
  const sb = Math.sqrt(priceUpper);
  return { x: 1 / sp - 1 / sb, y: sp - sa };
}

export function assertRange(priceLower: number, priceUpper: number): void {
  positive("priceLower", priceLower);
  positive("priceUpper", priceUpper);
  if (priceLower >= priceUpper)
    fail("priceLower", "must be below priceUpper (inverted or empty range)", priceLower);
}

/**
 * LP value / HODL value − 1 for a constant-product pool after the price moved by `priceRatio` = P1/P0.
 * Always <= 0: the pool's value is concave in P and touches the HODL line at P0.
 */
export function impermanentLossV2(priceRatio: number): number {
  positive("priceRatio", priceRatio);
  const il = (2 * Math.sqrt(priceRatio)) / (1 + priceRatio) - 1;
  // Exactly <= 0 (AM-GM); clamp float noise of one ulp at r = 1.
  return emit("impermanentLossV2", Math.min(0, il));
}

/** LP value / HODL value − 1 for a v3 position in [priceLower, priceUpper] entered at priceEntry. */
export function impermanentLossV3(input: {
  priceEntry: number;
  priceNow: number;
  priceLower: number;
  priceUpper: number;
}): number {
  positive("priceEntry", input.priceEntry);
  positive("priceNow", input.priceNow);
  assertRange(input.priceLower, input.priceUpper);
  const entry = unitAmounts(input.priceEntry, input.priceLower, input.priceUpper);
  const now = unitAmounts(input.priceNow, input.priceLower, input.priceUpper);
  const lpValue = now.x * input.priceNow + now.y;
  const hodlValue = entry.x * input.priceNow + entry.y;
  // V(P) = min over the curve of P·x + y (the LP holds what arbitrage leaves it), so LP <= HODL exactly.
  return emit("impermanentLossV3", Math.min(0, lpValue / hodlValue - 1));
}
