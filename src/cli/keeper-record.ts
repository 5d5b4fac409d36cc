// `hedgekeeper status`'s view of what the keeper recorded for a book: its last actions, and its latest evaluation
// with the book page's figures (σ and its source, residual VaR/ES, effectiveness per steward window against the
// target, LP gamma, basis, liquidation distance, the stress rows' margin after and liquidation, realized slippage
// and cost per risk removed of the mined plans). From the running
// process's API when it answers (the embedded PGlite history belongs to that process while it runs), else from the
// history store, opened once for both.
import { existsSync } from "node:fs";
import type { ActionsResponse, BookResponse } from "../api/api-types.ts";
import type { HedgekeeperConfig } from "../config/schema.ts";
import {
  type BookDetail,
  type BookStatusLevel,
  readBookDetail,
  type TargetEffectivenessWindowDetail,
} from "../evaluation/book-evaluation.ts";
import { openHistoryStore } from "../store/open-history-store.ts";
import { type LastActions, toLastAction } from "./last-actions.ts";

export interface LatestEvaluation {
  blockNumber: string;
  timestampSec: number;
  status: BookStatusLevel;
  /** Ederington against the target over `effectivenessWindow`, the longest window measured. */
  effectiveness: number | null;
  effectivenessWindow: string | null;
  /** null when the stored detail is not a BookDetail (another keeper version wrote it). */
  detail: BookDetail | null;
}

export interface KeeperEvaluation {
  source: "api" | "history" | "none";
  /** null before the keeper evaluated the book, or when nothing could be read (see note). */
  latest: LatestEvaluation | null;
  note?: string;
}

export interface KeeperRecord {
  lastActions: LastActions;
  evaluation: KeeperEvaluation;
}

export async function keeperRecord(
  config: HedgekeeperConfig,
  bookId: string,
  limit = 5,
): Promise<KeeperRecord> {
  const fromApi = await recordFromApi(config, bookId, limit);
  if (fromApi !== undefined) return fromApi;
  const none = (note: string): KeeperRecord => ({
    lastActions: { source: "none", actions: [], note },
    evaluation: { source: "none", latest: null, note },
  });
  const { databaseUrl, dataDir } = config.history;
  if (databaseUrl === undefined && !existsSync(dataDir))
    return none(`no history yet (${dataDir} does not exist)`);
  try {
    const store = await openHistoryStore({ databaseUrl, dataDir });
    try {
      const actions = (await store.actions({ limit, bookId })).map(toLastAction);
      const status = await store.book(bookId);
      return {
        lastActions: { source: "history", actions },
        evaluation: {
          source: "history",
          latest: status === undefined ? null : latestOf(status, readBookDetail(status.detail)),
        },
      };
    } finally {
      await store.close();
    }
  } catch (error) {
    return none(`history unreadable: ${(error as Error).message}`);
  }
}

/** A status block as the API serves it or the store reads it, with its validated detail. */
function latestOf(
  status: Omit<LatestEvaluation, "blockNumber" | "detail"> & { blockNumber: bigint | string },
  detail: BookDetail | null,
): LatestEvaluation {
  return {
    blockNumber: status.blockNumber.toString(),
    timestampSec: status.timestampSec,
    status: status.status,
    effectiveness: status.effectiveness,
    effectivenessWindow: status.effectivenessWindow,
    detail,
  };
}

/** Both reads from the running process's API; undefined when it does not answer (not running, not reachable). */
async function recordFromApi(
  config: HedgekeeperConfig,
  bookId: string,
  limit: number,
): Promise<KeeperRecord | undefined> {
  const { host, port, token } = config.api;
  const get = (path: string) =>
    fetch(`http://${host}:${port}${path}`, {
      signal: AbortSignal.timeout(1_000),
      ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
    });
  try {
    const actions = await get(`/api/actions?limit=${limit}&book=${encodeURIComponent(bookId)}`);
    if (!actions.ok) return undefined;
    const { actions: rows } = (await actions.json()) as ActionsResponse;
    // 404: the keeper has not evaluated the book yet. Two points of chart: the status block is what is wanted.
    const response = await get(`/api/books/${encodeURIComponent(bookId)}?points=2`);
    const book = response.ok ? ((await response.json()) as BookResponse).book : null;
    return {
      lastActions: { source: "api", actions: rows.map(toLastAction) },
      evaluation: {
        source: "api",
        latest: book === null ? null : latestOf(book, book.detail),
      },
    };
  } catch {
    return undefined;
  }
}

const usd = (value: number | null) => {
  if (value === null) return "n/a";
  const x = Math.abs(value) < 0.5 ? 0 : value;
  return `${x < 0 ? "-" : ""}$${Math.abs(x).toLocaleString("en-US", { maximumFractionDigits: 0 })}`;
};
const pct = (value: number | null, digits = 1) =>
  value === null ? "n/a" : `${(value * 100).toFixed(digits)}%`;
const horizon = (sec: number) => (sec % 3_600 === 0 ? `${sec / 3_600} h` : `${Math.round(sec / 60)} min`);
const signed = (text: string) => (text.startsWith("-") || text === "n/a" ? text : `+${text}`);

function windowLine(w: TargetEffectivenessWindowDetail): string {
  const head = `${w.label.padEnd(4)} ${String(w.samples).padStart(4)} samples`;
  if (w.reason !== null || w.raw === null) return `${head}: – (${w.reason ?? "not measured"})`;
  const m = w.relative ?? w.raw;
  const h = (x: number | null) => (x === null ? "n/a" : `${x.toFixed(2)}×`);
  return (
    `${head}: Ederington ${pct(m.ederington)} vs target (raw ${pct(w.raw.ederington)}), ` +
    `dollar offset ${pct(m.dollarOffset)} (raw ${pct(w.raw.dollarOffset)}), R² ${w.raw.regressionR2.toFixed(2)}, ` +
    `h* ${h(m.minVarianceMultiple)} (raw ${h(w.raw.minVarianceMultiple)}): ${m.effective ? "effective" : "NOT effective"}`
  );
}

/** What the mined plans paid: slippage against their quotes (positive = worse), realized vs estimated cost per risk. */
function realizedLine(r: BookDetail["realizedExecution"]): string {
  const days = `${Math.round(r.windowSec / 86_400)} d`;
  if (r.plans === 0) return `    realized execution: no plan mined in the last ${days}`;
  const bps = (x: number | null) => (x === null ? "n/a" : `${x > 0 ? "+" : ""}${x.toFixed(1)} bps`);
  const perRisk = (x: number | null) => (x === null ? "n/a" : x.toFixed(3));
  return (
    `    realized execution (${r.plans} plans, ${days}): slippage last ${bps(r.lastSlippageBps)}, average ` +
    `${bps(r.averageSlippageBps)}; cost per $ of risk removed ${perRisk(r.costPerRiskRemoved)} (estimated ` +
    `${perRisk(r.expectedCostPerRiskRemoved)}); paid $${r.totals.costUsd.toFixed(2)}`
  );
}

/** The keeper's latest evaluation of a book, for the terminal. */
export function renderKeeperEvaluation(evaluation: KeeperEvaluation): string {
  const latest = evaluation.latest;
  if (evaluation.source === "none") return `  keeper's evaluation: none known (${evaluation.note})\n`;
  if (latest === null) return "  keeper's evaluation: the keeper has not evaluated this book yet\n";
  const from = evaluation.source === "api" ? "running keeper" : "history";
  const lines = [`  keeper's evaluation at block ${latest.blockNumber} (from the ${from}):`];
  const d = latest.detail;
  if (d === null) {
    lines.push("    its detail could not be read (another keeper version wrote it)");
    return `${lines.join("\n")}\n`;
  }
  lines.push(
    `    effectiveness ${pct(latest.effectiveness)}${latest.effectivenessWindow === null ? "" : ` vs target (${latest.effectivenessWindow})`}`,
    `    σ ${pct(d.sigma.annual)}/yr, ${d.sigma.source}${d.sigma.series === null ? "" : ` from the ${d.sigma.series}`}${d.sigma.reason === null ? "" : `: ${d.sigma.reason}`}`,
    d.residualRisk.reason === null
      ? `    residual VaR ${usd(d.residualRisk.valueAtRiskUsd)}, ES ${usd(d.residualRisk.expectedShortfallUsd)} (${pct(d.residualRisk.confidence, 0)}, ${horizon(d.residualRisk.horizonSec)})`
      : `    residual VaR/ES: – (${d.residualRisk.reason})`,
    `    LP gamma ${signed(usd(d.lp.gammaUsdPer1Pct))} of delta per 1%, LVR ${usd(d.lp.lvrUsdPerYear)}/yr (${signed(usd(d.lp.lvrUsdPerYearPerSigma / 100))}/yr per vol point)`,
    `    basis mark − index ${d.basis.markIndexBps?.toFixed(1) ?? "n/a"} bps, index − pool ${d.basis.indexPoolBps?.toFixed(1) ?? "n/a"} bps`,
    d.perp?.liquidationPriceUsd == null
      ? "    liquidation: no position"
      : `    liquidation at $${d.perp.liquidationPriceUsd.toFixed(2)} (${signed(pct(d.perp.liquidationMovePct))}, ${d.perp.liquidationDistanceBps?.toFixed(0)} bps away)`,
    realizedLine(d.realizedExecution),
    `    effectiveness against the ${d.targetEffectiveness[0]?.targetHedgeRatio ?? "n/a"} target:`,
    ...d.targetEffectiveness.map((w) => `      ${windowLine(w)}`),
    "    stress (net, margin after, liquidation):",
    ...d.stress.map(
      (r) =>
        `      ${r.shock}: net ${usd(r.netPnlUsd)}, margin after ${pct(r.marginRatioAfter)}${r.liquidated ? `, LIQUIDATED ${pct(r.liquidatedFraction, 0)} at $${r.liquidationPriceUsd?.toFixed(2)}, locks in ${usd(r.liquidationLossUsd)}` : ""}${r.aave ? `, Aave ${usd(r.aave.valueChangeUsd)} HF after ${r.aave.healthFactorAfter?.toFixed(3) ?? "n/a"}${r.aave.liquidated ? " LIQUIDATED" : ""}` : ""}`,
    ),
  );
  if (d.stressProblem !== null) lines.push(`      not computed: ${d.stressProblem}`);
  return `${lines.join("\n")}\n`;
}
