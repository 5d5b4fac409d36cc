// The stress table every book carries on the dashboard: the shocks that break LP hedges in practice (a fast
// move either way, a stablecoin de-peg, basis blowing out, the hedge failing to follow spot, thin liquidity),
// after the devnet's scenarios (src/devnet/scenarios) and the de-pegs they replay (USDC/SVB 2023, UST 2022), then the
// same factors together, as they come in a crisis. Labels are the ones the CLI prints.
import type { BookParams } from "./params.ts";
import type { Shock } from "./stress.ts";

/** USDC's low on 11 Mar 2023 (SVB); DAI followed to 0.88 (over half its collateral was USDC). */
const USDC_SVB_LOW = 0.8774;
const DAI_SVB_LOW = 0.88;
/** The correlation a stressed hedge falls to. */
const STRESSED_RHO = 0.5;

export interface MeasuredHedge {
  /**
   * ρ between the hedge's and the hedged item's changes, from the effectiveness windows (its sign is ignored);
   * null or absent: the hedge is taken to follow fully, as in the single-factor price rows.
   */
  correlation?: number | null;
}

export function standardShocks(params: Pick<BookParams, "depeg">, measured: MeasuredHedge = {}): Shock[] {
  const shocks: Shock[] = [-0.3, -0.1, 0.1, 0.3].map((pct) => ({ kind: "price", pct }));
  // USDC's March 2023 low was $0.8774; each book's stablecoins get the same shock (the hedge venue's collateral
  // with them when it is one).
  for (const stable of params.depeg.stablecoins)
    shocks.push({ kind: "depeg", token: stable.token, priceUsd: USDC_SVB_LOW });
  shocks.push({ kind: "basis-blowout", bps: 300 });
  shocks.push({ kind: "correlation-breakdown", pct: -0.1 });
  shocks.push({ kind: "liquidity-gap", slippageMultiplier: 5 });

  // Not only total decoupling: the measured correlation falling to 0.5.
  const rho = measured.correlation;
  const measuredRho = rho === null || rho === undefined || rho === 0 ? 1 : Math.min(1, Math.abs(rho));
  shocks.push({ kind: "correlation-stress", pct: -0.1, measuredRho, stressedRho: STRESSED_RHO });
  // A crash in which the hedge stops working: the base −30%, the hedge follows at ρ 0.5, mark 300 bps over index.
  shocks.push({
    kind: "combined",
    label: `price -30.0% + basis 300 bps + hedge ρ ${measuredRho.toFixed(2)} → ${STRESSED_RHO}`,
    moves: { basePct: -0.3, hedgeFollow: Math.min(1, STRESSED_RHO / measuredRho), basisBps: 300 },
  });
  // March 2023: USDC (and DAI with it) de-pegged while ETH fell. The −20% is a stress size, not a quote.
  const usdc = params.depeg.stablecoins.find((s) => s.symbol.toUpperCase() === "USDC");
  if (usdc) {
    const dai = params.depeg.stablecoins.find((s) => s.symbol.toUpperCase() === "DAI");
    const depeg = [{ token: usdc.token, priceUsd: USDC_SVB_LOW }];
    if (dai) depeg.push({ token: dai.token, priceUsd: DAI_SVB_LOW });
    shocks.push({
      kind: "combined",
      label: `USDC at $${USDC_SVB_LOW}${dai ? ` + DAI at $${DAI_SVB_LOW}` : ""} + price -20.0% (Mar 2023)`,
      moves: { basePct: -0.2, depeg },
    });
  }
  return shocks;
}

export function describeShock(shock: Shock, params?: Pick<BookParams, "depeg">): string {
  switch (shock.kind) {
    case "price":
      return `price ${shock.pct >= 0 ? "+" : ""}${(shock.pct * 100).toFixed(1)}%`;
    case "correlation-breakdown":
      return `spot ${shock.pct >= 0 ? "+" : ""}${(shock.pct * 100).toFixed(1)}%, hedge flat`;
    case "correlation-stress":
      return `spot ${shock.pct >= 0 ? "+" : ""}${(shock.pct * 100).toFixed(1)}%, hedge ρ ${Math.abs(shock.measuredRho).toFixed(2)} → ${shock.stressedRho}`;
    case "basis-blowout":
      return `basis ${shock.bps} bps`;
    case "liquidity-gap":
      return `slippage ×${shock.slippageMultiplier}`;
    case "depeg": {
      const stable = params?.depeg.stablecoins.find(
        (s) => s.token.toLowerCase() === shock.token.toLowerCase(),
      );
      return `${stable?.symbol ?? shock.token} at $${shock.priceUsd}`;
    }
    case "combined":
      return shock.label;
  }
}
