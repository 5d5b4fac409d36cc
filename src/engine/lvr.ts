// Loss-versus-rebalancing (Milionis, Moallemi, Roughgarden, Zhang 2022, arXiv:2208.06046, §4):
// instantaneous LVR = ½ σ² P² |V''(P)|, as a fraction of value per unit time. Constant product: σ²/8.
// Concentrated, in range (derived from the greeks in greeks.ts, checked numerically in tests):
// (σ²/4) · √P / (2√P − √pa − P/√pb). Out of range the position holds one token: no LVR.
import { assertRange } from "./impermanent-loss.ts";
import { emit, nonNegative, positive } from "./input-guards.ts";

/**
 * LVR as a fraction of position value per unit of time; `sigma` is the volatility per that same unit
 * (annual sigma → annual rate; 5% daily → 3.125 bp/day for a constant-product pool).
 */
export function lvrRate(input: {
  sigma: number;
  price?: number;
  priceLower?: number;
  priceUpper?: number;
}): number {
  const sigma = nonNegative("sigma", input.sigma);
  if (input.priceLower === undefined && input.priceUpper === undefined)
    return emit("lvrRate", (sigma * sigma) / 8);
  const p = positive("price", input.price ?? Number.NaN);
  const pa = input.priceLower ?? Number.NaN;
  const pb = input.priceUpper ?? Number.NaN;
  assertRange(pa, pb);
  if (p <= pa || p >= pb) return 0;
  const sp = Math.sqrt(p);
  return emit("lvrRate", ((sigma * sigma) / 4) * (sp / (2 * sp - Math.sqrt(pa) - p / Math.sqrt(pb))));
}

/**
 * Volatility exposure: LPs are short volatility. ∂LVR/∂σ = 2·LVR/σ, and the expected IL over a horizon is
 * −LVR·T to second order (the gamma cost ½ΓP²σ²T), so its sensitivity to σ is −2·LVR·T/σ.
 */
export function lvrVolSensitivity(input: { sigma: number; ratePerUnitTime: number; horizon: number }): {
  dRateDSigma: number;
  expectedIl: number;
  dExpectedIlDSigma: number;
} {
  const sigma = nonNegative("sigma", input.sigma);
  const rate = nonNegative("ratePerUnitTime", input.ratePerUnitTime);
  const horizon = nonNegative("horizon", input.horizon);
  if (sigma === 0) return { dRateDSigma: 0, expectedIl: 0, dExpectedIlDSigma: 0 };
  return {
    dRateDSigma: emit("dRateDSigma", (2 * rate) / sigma),
    expectedIl: emit("expectedIl", -rate * horizon),
    dExpectedIlDSigma: emit("dExpectedIlDSigma", (-2 * rate * horizon) / sigma),
  };
}
