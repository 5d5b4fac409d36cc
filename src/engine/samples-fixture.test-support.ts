// Synthetic per-block histories for effectiveness, volatility and VaR specifications.
import type { BookSample } from "./snapshot.ts";
import { mulberry32 } from "./stress.ts";

/** A synthetic history: LP value moves with ETH (delta 100), the hedge offsets `hedgeFraction` of it. */
export function syntheticSamples(n: number, hedgeFraction: number, seed = 7): BookSample[] {
  const random = mulberry32(seed);
  const out: BookSample[] = [];
  let eth = 3000;
  let noise = 0;
  for (let i = 0; i < n; i++) {
    const shock = (random() - 0.5) * 20;
    eth += shock;
    noise += (random() - 0.5) * 50;
    out.push({
      blockNumber: 21_000_000n + BigInt(i),
      timestampSec: 1_750_000_000 + 12 * i,
      basePriceUsd: eth,
      lpValueUsd: 1_000_000 + 100 * (eth - 3000) + noise,
      hedgeValueUsd: 300_000 - hedgeFraction * 100 * (eth - 3000),
      perpMarkPriceUsd: eth * 1.0005,
      perpIndexPriceUsd: eth,
      poolPriceUsd: eth * 0.9999,
      fundingRateDaily: 0.0003,
      perpSizeBase: -100 * hedgeFraction,
    });
  }
  return out;
}
