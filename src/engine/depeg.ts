// De-peg of each configured stablecoin: its USD price from every source (its Chainlink feed; v3 pools against
// other stables × their price; a pool against the base × the base's feed), deviation from peg, divergence
// between sources, a severity tier, and the book's exposure (held + inside LP positions) weighted by the
// deviation against the book's per-asset limit. Sources disagree exactly when it matters (the Chainlink
// USDT/USD ~1¢ steps during a de-peg; USDC/SVB, March 2023: 1.000 → 0.8774): the act tier needs several.
import { fail } from "./input-guards.ts";
import { type OracleHealth, oracleHealth, oraclePrice } from "./oracle.ts";
import type { DepegTiersBps, StablecoinParams } from "./params.ts";
import { sqrtPriceX96ToPrice } from "./price-tick.ts";
import type { OracleReading, PoolSnapshot, V3PoolSnapshot } from "./snapshot.ts";

export const DEPEG_TIERS = ["ok", "watch", "warn", "act"] as const;
export type DepegTier = (typeof DEPEG_TIERS)[number];

export interface PriceSource {
  kind: "chainlink" | "stable-pool" | "base-pool";
  /** Feed or pool address. */
  ref: string;
  priceUsd: number;
  deviationBps: number;
  /** Fresh inputs only: a stale feed is reported but not used. */
  usable: boolean;
  note: string | null;
}

export interface DepegReport {
  token: string;
  symbol: string;
  sources: PriceSource[];
  /** Median of usable sources; null when none is usable. */
  priceUsd: number | null;
  deviationBps: number | null;
  /** max − min of usable sources, bps. */
  divergenceBps: number;
  tier: DepegTier;
  /** Why the tier is what it is (e.g. act downgraded to warn for lack of confirming sources). */
  tierNote: string | null;
  heldUnits: number;
  lpUnits: number;
  exposureUsd: number;
  /** exposure × (peg − price): the loss so far, USD. */
  depegLossUsd: number;
  /** |depegLossUsd| in bps of book value, against limitBps. */
  driftBps: number;
  limitBps: number;
  overLimit: boolean;
}

function tierOf(absBps: number, t: DepegTiersBps): DepegTier {
  if (absBps >= t.actBps) return "act";
  if (absBps >= t.warnBps) return "warn";
  if (absBps >= t.watchBps) return "watch";
  return "ok";
}

export function assertTiers(field: string, t: DepegTiersBps): void {
  if (!(t.watchBps > 0 && t.watchBps < t.warnBps && t.warnBps < t.actBps && Number.isFinite(t.actBps))) {
    fail(field, "tiers must satisfy 0 < watchBps < warnBps < actBps", JSON.stringify(t));
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Price of `token` in the pool's other token, human units. */
export function priceInCounterpart(
  pool: V3PoolSnapshot,
  token: string,
): { price: number; counterpart: string } {
  const p = sqrtPriceX96ToPrice(pool.sqrtPriceX96, pool.token0.decimals, pool.token1.decimals);
  if (pool.token0.address.toLowerCase() === token)
    return { price: p, counterpart: pool.token1.address.toLowerCase() };
  if (pool.token1.address.toLowerCase() === token)
    return { price: 1 / p, counterpart: pool.token0.address.toLowerCase() };
  fail(`pool(${pool.address})`, `does not contain ${token}`);
}

export interface DepegContext {
  nowSec: number;
  pools: Map<string, PoolSnapshot>;
  oraclesByFeed: Map<string, OracleReading>;
  oraclesByAsset: Map<string, OracleReading>;
  baseOracle: OracleReading;
  base: string;
  bookValueUsd: number;
  defaultTiers: DepegTiersBps;
  heldUnits: (token: string) => number;
  lpUnits: (token: string) => number;
}

export function depegReport(stable: StablecoinParams, ctx: DepegContext): DepegReport {
  const token = stable.token.toLowerCase();
  const tiers = stable.tiers ?? ctx.defaultTiers;
  assertTiers(`depeg(${stable.symbol}).tiers`, tiers);
  const sources: PriceSource[] = [];
  const add = (
    kind: PriceSource["kind"],
    ref: string,
    priceUsd: number,
    health: OracleHealth | null,
    note: string | null,
  ) => {
    const usable = Number.isFinite(priceUsd) && priceUsd > 0 && (health === null || health.fresh);
    sources.push({
      kind,
      ref,
      priceUsd,
      deviationBps: (priceUsd - 1) * 10_000,
      usable,
      note: health && !health.fresh ? `stale: ${health.problem}` : note,
    });
  };
  if (stable.feed) {
    const reading = ctx.oraclesByFeed.get(stable.feed.toLowerCase());
    if (!reading)
      fail(`depeg(${stable.symbol}).feed`, "no reading of this feed in the snapshot", stable.feed);
    add("chainlink", stable.feed, oraclePrice(reading), oracleHealth(reading, ctx.nowSec), null);
  }
  for (const address of stable.stablePools) {
    const pool = ctx.pools.get(address.toLowerCase());
    if (pool?.kind !== "uniswap-v3")
      fail(`depeg(${stable.symbol}).stablePools`, "no v3 pool snapshot", address);
    const { price, counterpart } = priceInCounterpart(pool, token);
    const reading = ctx.oraclesByAsset.get(counterpart);
    // The counterpart's own feed when fresh; otherwise its peg, said so.
    const health = reading ? oracleHealth(reading, ctx.nowSec) : null;
    if (reading && health?.fresh) add("stable-pool", address, price * oraclePrice(reading), null, null);
    else add("stable-pool", address, price, null, "counterpart assumed at peg (no fresh feed)");
  }
  if (stable.basePool) {
    const pool = ctx.pools.get(stable.basePool.toLowerCase());
    if (pool?.kind !== "uniswap-v3")
      fail(`depeg(${stable.symbol}).basePool`, "no v3 pool snapshot", stable.basePool);
    const { price } = priceInCounterpart(pool, token);
    add(
      "base-pool",
      stable.basePool,
      price * oraclePrice(ctx.baseOracle),
      oracleHealth(ctx.baseOracle, ctx.nowSec),
      null,
    );
  }
  const usable = sources.filter((s) => s.usable).map((s) => s.priceUsd);
  const priceUsd = usable.length ? median(usable) : null;
  const deviationBps = priceUsd === null ? null : (priceUsd - 1) * 10_000;
  let tier: DepegTier = deviationBps === null ? "ok" : tierOf(Math.abs(deviationBps), tiers);
  let tierNote: string | null = priceUsd === null ? "no usable source" : null;
  if (tier === "act") {
    const confirming = sources.filter((s) => s.usable && Math.abs(s.deviationBps) >= tiers.actBps).length;
    if (confirming < stable.minSourcesToAct) {
      tier = "warn";
      tierNote = `act needs ${stable.minSourcesToAct} confirming sources, ${confirming} agree`;
    }
  }
  const heldUnits = ctx.heldUnits(token);
  const lpUnits = ctx.lpUnits(token);
  const units = heldUnits + lpUnits;
  const exposureUsd = units * (priceUsd ?? 1);
  const depegLossUsd = units * (1 - (priceUsd ?? 1));
  const driftBps = (Math.abs(depegLossUsd) / ctx.bookValueUsd) * 10_000;
  return {
    token,
    symbol: stable.symbol,
    sources,
    priceUsd,
    deviationBps,
    divergenceBps: usable.length ? (Math.max(...usable) - Math.min(...usable)) * 10_000 : 0,
    tier,
    tierNote,
    heldUnits,
    lpUnits,
    exposureUsd,
    depegLossUsd,
    driftBps,
    limitBps: stable.limitBps,
    overLimit: driftBps > stable.limitBps,
  };
}
