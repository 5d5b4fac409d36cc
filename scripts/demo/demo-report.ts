// The demo's report: what stewards read after each scenario, and the JSON `--report` writes.
import type { PnlTerms } from "../../src/performance/attribution.ts";
import type { AaveChainCheck } from "./aave-check.ts";
import type { ChainAttributionCheck } from "./attribution-check.ts";
import type { ChainLpTermsCheck } from "./lp-terms-check.ts";

export interface DemoAction {
  bookId: string;
  planId: string;
  lane: string;
  reason: string;
  txHash: string | null;
  status: "mined" | "reverted" | "pending" | "shadowed" | "proposed" | "failed" | "superseded";
  gasUsed: string | null;
}

export interface DemoBook {
  id: string;
  driftBpsBefore: number;
  /** The largest drift (by size, with its sign) the keeper measured during the scenario. */
  driftBpsPeak: number;
  driftBpsAfter: number;
  thresholdBps: number;
  /** The book's hedge legs at the keeper's last evaluation of the scenario (engine/hedge-leg.ts). */
  legs: DemoLeg[];
  /** A book hedged on Aave: its health factor band, and the scenario read from the chain (aave-check.ts). */
  aave?: AaveChainCheck & { floor: number; target: number };
}

export interface DemoLeg {
  venue: string;
  /** Signed base units (negative = short). */
  deltaBase: number;
  notionalUsd: number;
  collateralUsd: number;
  /** Aave's health factor as the keeper measured it; null on a perp. */
  healthFactor: number | null;
  liquidationPriceUsd: number | null;
}

export interface DemoScenario {
  name: string;
  /** What the scenario expects of the keeper, checked for `ok`. */
  expectation: string;
  ok: boolean;
  books: DemoBook[];
  actions: DemoAction[];
  /**
   * How the LP + perp book's hedge did over the scenario, against the book's target hedge ratio (a hedge on a 0.6 target is meant to
   * offset 60% of the hedged item's moves): the item's and the hedge's change, the dollar offset of the targeted
   * share, and per-block Ederington and R² (engine/effectiveness.ts targetEffectivenessWindows).
   */
  hedgeEffectiveness: {
    /** Samples from the last one before the scenario to the last one of it. */
    samples: number;
    targetHedgeRatio: number;
    /** LP + fees owed + base spot, and the hedge's P&L, USD, over the scenario; null without samples. */
    itemChangeUsd: number | null;
    hedgeChangeUsd: number | null;
    /**
     * −Δhedge / (target × Δitem): 1 = exactly the targeted share offset, 80%–125% highly effective; null when the
     * item moved less than 0.1% over the scenario (the ratio would only amplify noise).
     */
    dollarOffset: number | null;
    /** 1 − Var(target × Δitem + Δhedge) / Var(target × Δitem) over the scenario's per-block changes. */
    ederington: number | null;
    regressionR2: number | null;
    /** Why the measures are blank, when they are. */
    note?: string;
  };
  /**
   * The LP + perp book's performance report's P&L attribution over the scenario (src/performance/attribution.ts, read back from the
   * history as `hedgekeeper report` reads it): the terms sum to the book's value change but for `unexplainedUsd`.
   */
  attribution: PnlTerms & {
    grossPnlUsd: number;
    unexplainedShareOfGross: number;
    /** The part of carryUsd estimated from the funding rate, not read from the chain (performance-report.ts). */
    carryEstimatedUsd: number | null;
    /** Executions whose LP withdrawal payout is unknown, so counted in gamma (performance-report.ts). */
    lpWithdrawalUnknownExecutions: number | null;
  };
  /** The hedge's figures over the same blocks read from the chain, apart from the history (attribution-check.ts). */
  chainCheck: ChainAttributionCheck;
  /** The hedged item's delta, IL / gamma and fees over the same sample blocks, from the chain (lp-terms-check.ts). */
  lpTermsCheck: ChainLpTermsCheck;
  /** Rounds each feed posted during the scenario's market paths, by what made it post (Chainlink's rule). */
  oracleRounds?: Record<string, { deviation: number; heartbeat: number }>;
  problems: string[];
}

export interface DemoReport {
  ok: boolean;
  bootstrapMs: number;
  totalMs: number;
  scenarios: DemoScenario[];
}

const pad = (text: string, width: number) => text.padEnd(width);
const fmt = (n: number | null, digits = 1) => (n === null || !Number.isFinite(n) ? "n/a" : n.toFixed(digits));

/** A plain-text rendering for the terminal. */
export function renderScenario(scenario: DemoScenario): string {
  const lines: string[] = [];
  lines.push(`\n${scenario.ok ? "✔" : "✘"} ${scenario.name} — ${scenario.expectation}`);
  for (const book of scenario.books) {
    lines.push(
      `  book ${book.id}: drift ${fmt(book.driftBpsBefore)} bps → peak ${fmt(book.driftBpsPeak)} → ${fmt(book.driftBpsAfter)} bps (act beyond ±${book.thresholdBps} bps)`,
    );
    for (const leg of book.legs) lines.push(`    leg ${renderLeg(leg)}`);
    const aave = book.aave;
    if (aave !== undefined) {
      lines.push(
        `    Aave health factor (Pool.getUserAccountData): ${fmtHealth(aave.healthFactorBefore)} → lowest ${fmtHealth(aave.healthFactorLowest)} (block ${aave.healthFactorLowestAtBlock}) → ${fmtHealth(aave.healthFactorAfter)}; floor ${aave.floor}, target ${aave.target}`,
      );
      for (const tx of aave.transactions) {
        lines.push(
          `    ${tx.txHash.slice(0, 12)}… ${tx.throughRoles ? "via Roles" : "NOT via Roles"}, ${tx.admittedByHedgeGuard ? "admitted by HedgeGuard" : "NOT admitted by HedgeGuard"}: ${tx.aaveCalls.join(", ") || "no Aave call"}`,
        );
      }
    }
    const actions = scenario.actions.filter((action) => action.bookId === book.id);
    if (actions.length === 0) lines.push("    actions: none");
    for (const action of actions) {
      lines.push(
        `    ${pad(action.lane, 7)} ${action.planId.slice(0, 10)}… ${pad(action.status, 8)} tx ${action.txHash ?? "—"} gas ${action.gasUsed ?? "—"}`,
      );
      lines.push(`            ${action.reason}`);
    }
  }
  const e = scenario.hedgeEffectiveness;
  const pct = (x: number | null) => (x === null ? "n/a" : `${(x * 100).toFixed(1)}%`);
  const usd = (x: number | null) =>
    x === null
      ? "n/a"
      : `${x < 0 ? "-" : "+"}$${Math.abs(x).toLocaleString("en-US", { maximumFractionDigits: 0 })}`;
  const head = `  LP + perp hedge against its ${e.targetHedgeRatio} target over ${e.samples} blocks`;
  lines.push(
    e.note !== undefined
      ? `${head}: – (${e.note})`
      : `${head}: LP + spot ${usd(e.itemChangeUsd)}, hedge ${usd(e.hedgeChangeUsd)}, ${e.dollarOffset === null ? "dollar offset n/a (the item moved less than 0.1%)" : `dollar offset ${pct(e.dollarOffset)} of the target's share (80–125% = highly effective)`}; per block: Ederington ${pct(e.ederington)} vs target, R² ${fmt(e.regressionR2, 2)}`,
  );
  const rounds = Object.entries(scenario.oracleRounds ?? {});
  if (rounds.length > 0)
    lines.push(
      `  feed rounds (deviation / heartbeat): ${rounds.map(([feed, n]) => `${feed} ${n.deviation} / ${n.heartbeat}`).join(", ")}`,
    );
  for (const problem of scenario.problems) lines.push(`  problem: ${problem}`);
  return lines.join("\n");
}

const fmtHealth = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : "∞");

function renderLeg(leg: DemoLeg): string {
  const usd = (x: number) => `$${x.toLocaleString("en-US", { maximumFractionDigits: 0 })}`;
  const parts = [
    `${leg.venue}: ${leg.deltaBase.toFixed(2)} ETH (${usd(leg.notionalUsd)})`,
    `collateral ${usd(leg.collateralUsd)}`,
  ];
  if (leg.healthFactor !== null) parts.push(`health factor ${fmtHealth(leg.healthFactor)}`);
  if (leg.liquidationPriceUsd !== null) parts.push(`liquidation at ${usd(leg.liquidationPriceUsd)}`);
  return parts.join(", ");
}
