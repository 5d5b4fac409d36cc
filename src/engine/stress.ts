// Stress: shock the book and revalue it. Every LP position is repriced at the pool price arbitrage would
// leave after the shock (the ratio of the tokens' new USD prices), with the closed forms of the whitepaper
// §6.2 (impermanent-loss.ts), so IL is inside the LP P&L. Scenarios after the episodes that broke LP hedges: price ±x%,
// de-peg to p (USDC/SVB, March 2023, low 0.8774; UST, May 2022), correlation breakdown (hedge flat while spot moves), basis blowout
// (mark away from index), liquidity gap (slippage × k). Historical VaR and expected shortfall of the hedged
// residual by seeded bootstrap of per-block changes (reproducible: same seed, same numbers).
import type { BookMetrics } from "./book-metrics.ts";
import { evaluateBook } from "./book-metrics.ts";
import { unitAmounts } from "./impermanent-loss.ts";
import { emit, fail, toFloat } from "./input-guards.ts";
import type { BookParams } from "./params.ts";
import { sqrtPriceX96ToPrice } from "./price-tick.ts";
import type { BookSample, BookSnapshot, PoolSnapshot } from "./snapshot.ts";
import { changes, quantile } from "./statistics.ts";
import { getSqrtRatioAtTick } from "./tick-math.ts";

export type Shock =
  | { kind: "price"; pct: number }
  | { kind: "depeg"; token: string; priceUsd: number }
  | { kind: "correlation-breakdown"; pct: number }
  | { kind: "basis-blowout"; bps: number }
  | { kind: "liquidity-gap"; slippageMultiplier: number };

export interface StressResult {
  shock: Shock;
  lpPnlUsd: number;
  hedgePnlUsd: number;
  spotPnlUsd: number;
  netPnlUsd: number;
  /** Net P&L in bps of book value. */
  netPnlBps: number;
}

/** LP value in USD with every token at `usd(token)` and each pool arbitraged to those prices. */
function lpValueAt(book: BookSnapshot, usd: (token: string) => number): number {
  const pools = new Map<string, PoolSnapshot>(book.pools.map((p) => [p.address.toLowerCase(), p]));
  let total = 0;
  for (const position of book.lpPositions) {
    const pool = pools.get(position.pool.toLowerCase());
    if (!pool) fail("lpPositions.pool", "no snapshot of this pool", position.pool);
    const u0 = usd(pool.token0.address.toLowerCase());
    const u1 = usd(pool.token1.address.toLowerCase());
    const price = u0 / u1; // token0 in token1, after arbitrage
    const d0 = pool.token0.decimals;
    const d1 = pool.token1.decimals;
    if (position.kind === "uniswap-v3" && pool.kind === "uniswap-v3") {
      const lh = Number(position.liquidity) * 10 ** (-(d0 + d1) / 2);
      const pl = sqrtPriceX96ToPrice(getSqrtRatioAtTick(position.tickLower), d0, d1);
      const pu = sqrtPriceX96ToPrice(getSqrtRatioAtTick(position.tickUpper), d0, d1);
      const { x, y } = unitAmounts(price, pl, pu);
      total += lh * (x * u0 + y * u1);
    } else if (position.kind === "uniswap-v2" && pool.kind === "uniswap-v2") {
      const share = Number(position.lpBalance) / Number(pool.totalSupply);
      const lh = Math.sqrt(toFloat(pool.reserve0, d0) * toFloat(pool.reserve1, d1)) * share;
      total += lh * (u0 / Math.sqrt(price) + u1 * Math.sqrt(price));
    }
  }
  return total;
}

export function stressBook(
  book: BookSnapshot,
  params: BookParams,
  nowSec: number,
  shocks: readonly Shock[],
  metrics?: BookMetrics,
): StressResult[] {
  const m = metrics ?? evaluateBook(book, params, nowSec);
  const base = book.base.address.toLowerCase();
  const stables = new Set(params.depeg.stablecoins.map((s) => s.token.toLowerCase()));
  const oracleUsd = new Map<string, number>();
  for (const r of [book.baseOracle, ...book.oracles])
    oracleUsd.set(r.asset.toLowerCase(), toFloat(r.answer, r.decimals));
  const usdNow = (t: string) =>
    oracleUsd.get(t) ?? (stables.has(t) ? 1 : fail("oracles", `no USD price for ${t}`));
  const lpNow = lpValueAt(book, usdNow);
  const size = m.perp?.sizeBase ?? 0;
  const index = m.perp?.indexPrice ?? m.basePriceUsd;
  const spotUnits = (token: string) =>
    book.spot
      .filter((s) => s.token.address.toLowerCase() === token)
      .reduce((a, s) => a + toFloat(s.balance, s.token.decimals), 0);

  return shocks.map((shock) => {
    let lpPnl = 0;
    let hedgePnl = 0;
    let spotPnl = 0;
    const reprice = (after: (t: string) => number) => {
      lpPnl = lpValueAt(book, after) - lpNow;
      for (const t of new Set(book.spot.map((s) => s.token.address.toLowerCase())))
        spotPnl += spotUnits(t) * (after(t) - usdNow(t));
    };
    switch (shock.kind) {
      case "price":
      case "correlation-breakdown": {
        if (!Number.isFinite(shock.pct) || shock.pct <= -1)
          fail("shock.pct", "must be finite and > −1", shock.pct);
        reprice((t) => (t === base ? usdNow(t) * (1 + shock.pct) : usdNow(t)));
        // Correlation breakdown: spot moves, the hedge does not (index decoupled, venue halted…).
        hedgePnl = shock.kind === "price" ? size * index * shock.pct : 0;
        break;
      }
      case "depeg": {
        if (!Number.isFinite(shock.priceUsd) || shock.priceUsd < 0)
          fail("shock.priceUsd", "must be finite and >= 0", shock.priceUsd);
        const token = shock.token.toLowerCase();
        reprice((t) => (t === token ? Math.max(shock.priceUsd, 1e-9) : usdNow(t)));
        break;
      }
      case "basis-blowout": {
        if (!Number.isFinite(shock.bps)) fail("shock.bps", "must be finite", shock.bps);
        // Closing or resizing trades at mark: a short loses when mark rises above index.
        hedgePnl = size * index * (shock.bps / 10_000);
        break;
      }
      case "liquidity-gap": {
        const k = shock.slippageMultiplier;
        if (!Number.isFinite(k) || k < 0) fail("shock.slippageMultiplier", "must be finite and >= 0", k);
        const slip = (params.costs.perpSlippageBps / 10_000) * k;
        // Unwinding the hedge and exiting the LP at k times the usual slippage.
        hedgePnl = -Math.abs(size) * index * slip;
        lpPnl = -lpNow * slip;
        break;
      }
    }
    const net = lpPnl + hedgePnl + spotPnl;
    return {
      shock,
      lpPnlUsd: emit("lpPnlUsd", lpPnl),
      hedgePnlUsd: emit("hedgePnlUsd", hedgePnl),
      spotPnlUsd: emit("spotPnlUsd", spotPnl),
      netPnlUsd: emit("netPnlUsd", net),
      netPnlBps: emit("netPnlBps", (net / m.bookValueUsd) * 10_000),
    };
  });
}

/** mulberry32: a tiny seeded PRNG, so a VaR figure can be reproduced exactly. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface ResidualRisk {
  confidence: number;
  horizonSteps: number;
  paths: number;
  seed: number;
  /** Loss not exceeded with `confidence`, USD (positive = loss). */
  valueAtRiskUsd: number;
  /** Mean loss beyond VaR, USD. */
  expectedShortfallUsd: number;
}

/**
 * Historical-simulation VaR and ES of the hedged residual (ΔLP + Δhedge per sample step) over a horizon of
 * `horizonSteps` steps, by bootstrap with replacement (Hull ch. 22, historical simulation).
 */
export function residualVarEs(
  samples: readonly BookSample[],
  options: { confidence: number; horizonSteps: number; paths: number; seed: number },
): ResidualRisk {
  const { confidence, horizonSteps, paths, seed } = options;
  if (!(confidence > 0.5 && confidence < 1)) fail("confidence", "must be in (0.5, 1)", confidence);
  if (!Number.isInteger(horizonSteps) || horizonSteps < 1)
    fail("horizonSteps", "must be an integer >= 1", horizonSteps);
  if (!Number.isInteger(paths) || paths < 100) fail("paths", "must be an integer >= 100", paths);
  if (samples.length < 3) fail("samples", "needs at least 3 samples", samples.length);
  const lp = changes(samples.map((s) => s.lpValueUsd));
  const hedge = changes(samples.map((s) => s.hedgeValueUsd));
  const residual = lp.map((x, i) => x + hedge[i]!);
  for (let i = 0; i < residual.length; i++) {
    if (!Number.isFinite(residual[i]))
      fail(`samples[${i + 1}]`, "lpValueUsd and hedgeValueUsd must be finite", residual[i]);
  }
  const random = mulberry32(seed);
  const outcomes = new Array<number>(paths);
  for (let p = 0; p < paths; p++) {
    let pnl = 0;
    for (let s = 0; s < horizonSteps; s++) pnl += residual[Math.floor(random() * residual.length)]!;
    outcomes[p] = pnl;
  }
  outcomes.sort((a, b) => a - b);
  const cut = quantile(outcomes, 1 - confidence);
  let tailSum = 0;
  let tailCount = 0;
  for (const x of outcomes) {
    if (x > cut) break;
    tailSum += x;
    tailCount++;
  }
  return {
    confidence,
    horizonSteps,
    paths,
    seed,
    valueAtRiskUsd: emit("valueAtRiskUsd", -cut),
    expectedShortfallUsd: emit("expectedShortfallUsd", tailCount ? -tailSum / tailCount : -cut),
  };
}
