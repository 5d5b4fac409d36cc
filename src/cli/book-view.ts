// What `status`, `plan` and `simulate` show: a fresh snapshot of a book (at head − confirmations), the engine's
// evaluation of it, its decision, and stress results. Read-only: nothing here signs or sends.
import type { PublicClient } from "viem";
import { createChainClient } from "../chain/client.ts";
import {
  bookParamsFromConfig,
  bookSourcesFromConfig,
  chainClientOptionsFromConfig,
  treasuryOfBook,
} from "../config/adapters.ts";
import { resolvePerpMarketPools } from "../config/perp-market-pools.ts";
import type { HedgekeeperConfig } from "../config/schema.ts";
import { type BookMetrics, evaluateBook } from "../engine/book-metrics.ts";
import { decide } from "../engine/decide.ts";
import type { DepegTier } from "../engine/depeg.ts";
import { driftBand, isBeyondBand } from "../engine/drift-band.ts";
import type { HedgeVenue } from "../engine/hedge-leg.ts";
import type { BookParams } from "../engine/params.ts";
import type { Decision } from "../engine/plan.ts";
import type { BookSnapshot } from "../engine/snapshot.ts";
import { describeShock as describeShockLabel } from "../engine/standard-shocks.ts";
import { type Shock, type StressResult, stressBook } from "../engine/stress.ts";
import type { LpPositionDetail } from "../evaluation/book-evaluation.ts";
import { lpPositionDetails } from "../evaluation/lp-position-details.ts";
import type { BookMode } from "../evaluation/plan-lifecycle.ts";
import { createBookIndexer, type IndexedBook } from "../indexers/book-indexer.ts";

export interface BookView {
  bookId: string;
  mode: BookMode;
  params: BookParams;
  indexed: IndexedBook;
  snapshot: BookSnapshot;
  /** The snapshot block's timestamp: the engine's clock here, so a quiet chain is not "stale" by wall time. */
  nowSec: number;
}

/** Reads `bookId` at head − confirmations. No keeper memory is available to the CLI: hysteresis starts unarmed. */
export async function readBookView(
  config: HedgekeeperConfig,
  bookId: string,
  client?: PublicClient,
): Promise<BookView> {
  const { networkId, network } = treasuryOfBook(config, bookId);
  const params = bookParamsFromConfig(config, bookId);
  const chain = client ?? createChainClient(chainClientOptionsFromConfig(config, networkId));
  const resolved = await resolvePerpMarketPools(config, () => chain, { bookIds: [bookId] });
  const sources = bookSourcesFromConfig(resolved, bookId);
  const head = await chain.getBlockNumber({ cacheTime: 0 });
  const confirmations = BigInt(network.confirmations);
  const block = head > confirmations ? head - confirmations : 0n;
  const indexed = await createBookIndexer(chain, sources).snapshotAt(block, {
    keeper: { hedgeTriggered: false, lastPlanAtSec: null },
    samples: [],
  });
  return {
    bookId,
    mode: config.books[bookId]?.mode ?? "shadow",
    params,
    indexed,
    snapshot: indexed.snapshot,
    nowSec: indexed.snapshot.blockTimestampSec,
  };
}

export interface BookStatus {
  bookId: string;
  mode: BookMode;
  blockNumber: bigint;
  bookValueUsd: number;
  basePriceUsd: number;
  hedgeRatio: number;
  targetHedgeRatio: number;
  driftBps: number;
  armBps: number;
  rearmBps: number;
  /** |drift| against the thresholds. */
  band: "inside-rearm" | "between" | "beyond-arm";
  impermanentLossUsd: number;
  /** Every LP position, v2, v3 and v4 side by side, as the book page shows them (a v4 pool's hook included). */
  lpPositions: LpPositionDetail[];
  perp: { sizeBase: number; notionalUsd: number; marginRatio: number | null } | null;
  /** Every hedge leg; an Aave leg's health factor is null without debt (infinite). */
  hedgeLegs: {
    venue: HedgeVenue;
    deltaBase: number;
    healthFactor: number | null;
    liquidationPriceUsd: number | null;
    liquidationDistanceBps: number | null;
    carryUsdPerYear: number;
  }[];
  oracle: { fresh: boolean; ageSec: number; problem: string | null };
  depeg: {
    symbol: string;
    tier: DepegTier;
    deviationBps: number | null;
    driftBps: number;
    limitBps: number;
  }[];
  warnings: string[];
}

export function bookStatus(view: BookView, metrics: BookMetrics = evaluateBookView(view)): BookStatus {
  const beyond = (bandBps: number) => isBeyondBand(driftBand(metrics.drift.driftBps, bandBps));
  return {
    bookId: view.bookId,
    mode: view.mode,
    blockNumber: metrics.blockNumber,
    bookValueUsd: metrics.bookValueUsd,
    basePriceUsd: metrics.basePriceUsd,
    hedgeRatio: metrics.drift.hedgeRatio,
    targetHedgeRatio: metrics.drift.targetHedgeRatio,
    driftBps: metrics.drift.driftBps,
    armBps: view.params.armBps,
    rearmBps: view.params.rearmBps,
    band: beyond(view.params.armBps)
      ? "beyond-arm"
      : beyond(view.params.rearmBps)
        ? "between"
        : "inside-rearm",
    impermanentLossUsd: metrics.impermanentLossUsd,
    lpPositions: lpPositionDetails(metrics, view.snapshot),
    perp: metrics.perp && {
      sizeBase: metrics.perp.sizeBase,
      notionalUsd: metrics.perp.notionalUsd,
      marginRatio: metrics.perp.marginRatio,
    },
    hedgeLegs: metrics.hedgeLegs.map((leg) => ({
      venue: leg.venue,
      deltaBase: leg.deltaBase,
      healthFactor: leg.healthFactor === null || !Number.isFinite(leg.healthFactor) ? null : leg.healthFactor,
      liquidationPriceUsd: leg.liquidationPriceUsd,
      liquidationDistanceBps: leg.liquidationDistanceBps,
      carryUsdPerYear: leg.carryUsdPerYear,
    })),
    oracle: metrics.baseOracle,
    depeg: metrics.depeg.map((d) => ({
      symbol: d.symbol,
      tier: d.tier,
      deviationBps: d.deviationBps,
      driftBps: d.driftBps,
      limitBps: d.limitBps,
    })),
    warnings: view.indexed.warnings,
  };
}

export function evaluateBookView(view: BookView): BookMetrics {
  return evaluateBook(view.snapshot, view.params, view.nowSec);
}

export function planFor(view: BookView): Decision {
  return decide(view.snapshot, view.params, view.nowSec);
}

/** Named shock sets, after the devnet's scenarios (src/devnet/scenarios). */
export const STRESS_SCENARIOS: Readonly<Record<string, (view: BookView) => Shock[]>> = {
  "eth-crash": () => [-0.1, -0.2, -0.3].map((pct) => ({ kind: "price", pct })),
  "eth-rally": () => [0.1, 0.2, 0.3].map((pct) => ({ kind: "price", pct })),
  "usdc-depeg-2023": (view) => {
    const usdc = view.params.depeg.stablecoins.find((s) => s.symbol === "USDC");
    if (!usdc) throw new Error("usdc-depeg-2023 needs USDC among the book's de-peg assets");
    return [0.97, 0.9, 0.8774].map((priceUsd) => ({ kind: "depeg", token: usdc.token, priceUsd }));
  },
  "basis-blowout": () => [100, 300, 500].map((bps) => ({ kind: "basis-blowout", bps })),
  "correlation-breakdown": () => [-0.1, 0.1].map((pct) => ({ kind: "correlation-breakdown", pct })),
  "liquidity-gap": () => [2, 5].map((slippageMultiplier) => ({ kind: "liquidity-gap", slippageMultiplier })),
};

/**
 * A shock from the command line: `price:-20` (percent), `depeg:USDC:0.88` (USD price), `basis:300` (bps),
 * `correlation:-10` (percent, hedge flat), `liquidity:3` (slippage multiplier).
 */
export function parseShock(text: string, view: Pick<BookView, "params">): Shock {
  const [kind, a, b] = text.split(":");
  const num = (value: string | undefined, what: string) => {
    const n = Number(value);
    if (value === undefined || value === "" || !Number.isFinite(n)) {
      throw new Error(`shock "${text}": ${what} must be a number`);
    }
    return n;
  };
  switch (kind) {
    case "price":
      return { kind: "price", pct: num(a, "the percent move") / 100 };
    case "correlation":
      return { kind: "correlation-breakdown", pct: num(a, "the percent move") / 100 };
    case "basis":
      return { kind: "basis-blowout", bps: num(a, "the basis in bps") };
    case "liquidity":
      return { kind: "liquidity-gap", slippageMultiplier: num(a, "the slippage multiplier") };
    case "depeg": {
      const stable = view.params.depeg.stablecoins.find((s) => s.symbol.toLowerCase() === a?.toLowerCase());
      if (!stable)
        throw new Error(`shock "${text}": ${a ?? "(none)"} is not one of the book's de-peg assets`);
      return { kind: "depeg", token: stable.token, priceUsd: num(b, "the USD price") };
    }
    default:
      throw new Error(
        `unknown scenario or shock "${text}": use one of ${Object.keys(STRESS_SCENARIOS).join(", ")}, or price:<pct>, depeg:<SYMBOL>:<usd>, basis:<bps>, correlation:<pct>, liquidity:<x>`,
      );
  }
}

export function shocksFor(spec: string, view: BookView): Shock[] {
  const scenario = STRESS_SCENARIOS[spec];
  return scenario ? scenario(view) : spec.split(",").map((part) => parseShock(part.trim(), view));
}

export function simulate(view: BookView, shocks: readonly Shock[], metrics?: BookMetrics): StressResult[] {
  return stressBook(view.snapshot, view.params, view.nowSec, shocks, metrics);
}

export function describeShock(shock: Shock, view?: Pick<BookView, "params">): string {
  return describeShockLabel(shock, view?.params);
}

const usd = (value: number) => {
  const x = Math.abs(value) < 0.5 ? 0 : value;
  return `${x < 0 ? "-" : ""}$${Math.abs(x).toLocaleString("en-US", { maximumFractionDigits: 0 })}`;
};

export function renderStressTable(results: readonly StressResult[], view?: Pick<BookView, "params">): string {
  const header = ["shock", "LP P&L", "hedge P&L", "spot P&L", "net P&L", "net bps"];
  const rows = results.map((r) => [
    describeShock(r.shock, view),
    usd(r.lpPnlUsd),
    usd(r.hedgePnlUsd),
    usd(r.spotPnlUsd),
    usd(r.netPnlUsd),
    r.netPnlBps.toFixed(1),
  ]);
  return renderTable(header, rows);
}

export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return `${[line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n")}\n`;
}

/** An LP fee in hundredths of a bip as a percentage; a dynamic fee is the one its hook set last. */
function lpFeeLabel(pips: number | null, dynamic: boolean): string {
  if (pips === null) return "0.30% (v2)";
  return `${(pips / 10_000).toFixed(pips % 100 === 0 ? 2 : 4)}%${dynamic ? " (dynamic, set by the hook)" : ""}`;
}

/** One LP position on one line; a hooked v4 pool is marked with its hook and what the hook's address lets it do. */
export function renderLpPosition(p: LpPositionDetail): string {
  const hook =
    p.hook === null
      ? ""
      : ` · HOOKED ${p.hook.address} (${p.hook.permissions.join(", ") || "no permissions"})`;
  return `  LP ${p.id} · ${p.protocol} · ${usd(p.valueUsd)} · fee ${lpFeeLabel(p.lpFeePips, p.dynamicFee)}${p.inRange ? "" : " · out of range"}${hook}`;
}

export function renderStatus(status: BookStatus, keeperHealth: string): string {
  const lines = [
    `book ${status.bookId} (${status.mode}) at block ${status.blockNumber}`,
    `  value ${usd(status.bookValueUsd)}  base price ${usd(status.basePriceUsd)}  IL ${usd(status.impermanentLossUsd)}`,
    `  hedge ratio ${status.hedgeRatio.toFixed(3)} (target ${status.targetHedgeRatio})  drift ${status.driftBps.toFixed(1)} bps: ${status.band} (arm ${status.armBps}, rearm ${status.rearmBps})`,
    ...status.lpPositions.map(renderLpPosition),
    status.perp
      ? `  perp ${status.perp.sizeBase.toFixed(4)} base, notional ${usd(status.perp.notionalUsd)}, margin ratio ${status.perp.marginRatio?.toFixed(2) ?? "n/a"}`
      : "  perp: none",
    ...status.hedgeLegs
      .filter((leg) => leg.venue === "aave-v3-borrow")
      .map(
        (leg) =>
          `  aave ${leg.deltaBase.toFixed(4)} base, health factor ${leg.healthFactor?.toFixed(3) ?? "∞"}, liquidation ${leg.liquidationPriceUsd === null ? "n/a" : `${usd(leg.liquidationPriceUsd)} (${leg.liquidationDistanceBps?.toFixed(0)} bps away)`}, carry ${usd(leg.carryUsdPerYear)}/yr`,
      ),
    `  base oracle ${status.oracle.fresh ? "fresh" : "STALE"} (age ${status.oracle.ageSec} s)${status.oracle.problem ? `: ${status.oracle.problem}` : ""}`,
    ...status.depeg.map(
      (d) =>
        `  de-peg ${d.symbol.padEnd(5)} tier ${d.tier.padEnd(5)} deviation ${d.deviationBps?.toFixed(1) ?? "n/a"} bps, drift ${d.driftBps.toFixed(1)} / ${d.limitBps} bps`,
    ),
    ...status.warnings.map((w) => `  warning: ${w}`),
    `  keeper: ${keeperHealth}`,
  ];
  return `${lines.join("\n")}\n`;
}

export function renderDecision(decision: Decision): string {
  if (decision.kind === "noop") {
    return `book ${decision.bookId}: nothing to do (${decision.code ?? "noop"}): ${decision.reason}; drift ${decision.driftBps.toFixed(1)} bps\n`;
  }
  const p = decision.plan;
  const lines = [
    `book ${p.bookId}: plan ${p.planId} on the ${p.lane} lane at block ${p.blockNumber}`,
    `  why: ${p.reason}`,
    `  drift ${p.driftBpsBefore.toFixed(1)} → ${p.driftBpsAfter.toFixed(1)} bps; risk removed ${usd(p.expectedRiskReductionUsd)} for ${usd(p.expectedCost.totalUsd)}`,
    ...p.actions.map((a) => `  - ${a.kind} ${JSON.stringify(a, jsonReplacer)}`),
    "  (not sent: `plan` only shows what the keeper would do)",
  ];
  return `${lines.join("\n")}\n`;
}

/** JSON for data with bigints (as decimal strings). */
export const jsonReplacer = (_key: string, value: unknown) =>
  typeof value === "bigint" ? value.toString() : value;
