// The stress table every book carries on the dashboard: the shocks that break LP hedges in practice (a fast
// move either way, a stablecoin de-peg, basis blowing out, the hedge failing to follow spot, thin liquidity),
// after the devnet's scenarios (src/devnet/scenarios) and the de-pegs they replay (USDC/SVB 2023, UST 2022). Labels are the ones the CLI prints.
import type { BookParams } from "./params.ts";
import type { Shock } from "./stress.ts";

export function standardShocks(params: Pick<BookParams, "depeg">): Shock[] {
  const shocks: Shock[] = [-0.3, -0.1, 0.1, 0.3].map((pct) => ({ kind: "price", pct }));
  // USDC's March 2023 low was $0.8774; each book's stablecoins get the same shock.
  for (const stable of params.depeg.stablecoins)
    shocks.push({ kind: "depeg", token: stable.token, priceUsd: 0.8774 });
  shocks.push({ kind: "basis-blowout", bps: 300 });
  shocks.push({ kind: "correlation-breakdown", pct: -0.1 });
  shocks.push({ kind: "liquidity-gap", slippageMultiplier: 5 });
  return shocks;
}

export function describeShock(shock: Shock, params?: Pick<BookParams, "depeg">): string {
  switch (shock.kind) {
    case "price":
      return `price ${shock.pct >= 0 ? "+" : ""}${(shock.pct * 100).toFixed(1)}%`;
    case "correlation-breakdown":
      return `spot ${shock.pct >= 0 ? "+" : ""}${(shock.pct * 100).toFixed(1)}%, hedge flat`;
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
  }
}
