// LP greeks: value in token1, delta = ∂V/∂P in token0 units, gamma = ∂²V/∂P² (Uniswap v3 whitepaper §6.2;
// Elsts, "Liquidity Math in Uniswap v3"). Constant product: V = 2L√P, Δ = L/√P, Γ = −L/(2P^1.5).
// Concentrated in [pa, pb]: in range V = L(2√P − √pa − P/√pb), Δ = L(1/√P − 1/√pb), Γ = −L/(2P^1.5); out of
// range Γ = 0.
import { assertRange } from "./impermanent-loss.ts";
import { emit, nonNegative, positive } from "./input-guards.ts";

export interface Greeks {
  /** Position value in token1. */
  value: number;
  /** ∂value/∂price: the token0 held (envelope theorem), in token0. */
  delta: number;
  /** ∂delta/∂price, in token0 per unit of price. Never positive: LPs are short gamma. */
  gamma: number;
}

function checked(g: Greeks): Greeks {
  return { value: emit("value", g.value), delta: emit("delta", g.delta), gamma: emit("gamma", g.gamma) };
}

export function lpGreeksV2(input: { liquidity: number; price: number }): Greeks {
  const l = nonNegative("liquidity", input.liquidity);
  const p = positive("price", input.price);
  const sp = Math.sqrt(p);
  return checked({ value: 2 * l * sp, delta: l / sp, gamma: -l / (2 * p * sp) });
}

export function lpGreeksV3(input: {
  liquidity: number;
  price: number;
  priceLower: number;
  priceUpper: number;
}): Greeks {
  const l = nonNegative("liquidity", input.liquidity);
  const p = positive("price", input.price);
  assertRange(input.priceLower, input.priceUpper);
  const sa = Math.sqrt(input.priceLower);
  const sb = Math.sqrt(input.priceUpper);
  if (p <= input.priceLower) {
    const x = l * (1 / sa - 1 / sb);
    return checked({ value: x * p, delta: x, gamma: 0 });
  }
  if (p >= input.priceUpper) return checked({ value: l * (sb - sa), delta: 0, gamma: 0 });
  const sp = Math.sqrt(p);
  return checked({
    value: l * (2 * sp - sa - p / sb),
    delta: l * (1 / sp - 1 / sb),
    gamma: -l / (2 * p * sp),
  });
}
