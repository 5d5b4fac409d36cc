// Which alert conditions hold, from what the monitor and keeper already compute. Pure: the same inputs give
// the same alerts; the router decides what to send.
import type { BookMetrics } from "../engine/book-metrics.ts";
import type { DepegTier } from "../engine/depeg.ts";
import { driftBand, isBeyondBand } from "../engine/drift-band.ts";
import type { KeeperHealth } from "../metrics/metrics.ts";
import type { Alert, Severity } from "./alert.ts";
import type { SupersededPlans } from "./superseded-plans.ts";

export interface AlertThresholds {
  keeperHeartbeatMaxAgeSec: number;
  signerBalanceMinEth: number;
}

export interface AlertInputs {
  nowSec: number;
  books: readonly { metrics: BookMetrics; armBps: number }[];
  keeper?: KeeperHealth | null;
  /** Transactions since the last evaluation, per lane. */
  transactions?: readonly { lane: string; failed: number; replaced: number }[];
  /** Plans the keeper refused since the last evaluation because what it read back was not what it stored. */
  tamperedPlans?: readonly TamperedPlan[];
  /** Aave liquidations of a book's Safe found since the last evaluation. */
  aaveLiquidations?: readonly AaveLiquidationAlert[];
  /** Books with `alerts.supersededPlans.count` or more plans superseded within its window (superseded-plans.ts). */
  supersededPlans?: readonly SupersededPlans[];
  thresholds: AlertThresholds;
}

export interface AaveLiquidationAlert {
  bookId: string;
  txHash: string;
  logIndex: number;
  blockNumber: bigint;
  liquidator: string;
  collateralSymbol: string;
  collateralSeizedUsd: number;
  debtSymbol: string;
  debtCoveredUsd: number;
  bonusUsd: number;
}

export interface TamperedPlan {
  planId: string;
  bookId: string;
  reason: string;
}

const TIER_SEVERITY: Readonly<Record<Exclude<DepegTier, "ok">, Severity>> = {
  watch: "info",
  warn: "warning",
  act: "critical",
};

export function alertConditions(input: AlertInputs): Alert[] {
  const alerts: Alert[] = [];
  for (const { metrics: m, armBps } of input.books) {
    const drift = m.drift.driftBps;
    const band = driftBand(drift, armBps);
    if (isBeyondBand(band)) {
      alerts.push({
        key: `drift:${m.bookId}`,
        severity: band === "far-beyond" ? "critical" : "warning",
        title: `${m.bookId}: hedge drift beyond band`,
        text: `drift ${drift.toFixed(1)} bps of book value (${m.drift.state}), band ±${armBps} bps; hedge ratio ${m.drift.hedgeRatio.toFixed(3)} vs target ${m.drift.targetHedgeRatio}`,
        bookId: m.bookId,
        fields: { driftBps: Number(drift.toFixed(1)), armBps, block: Number(m.blockNumber) },
      });
    }
    const sequencer = sequencerStateOf(m.baseOracle.problem);
    if (!m.baseOracle.fresh && sequencer !== null) {
      // The state is part of the key: the sequencer coming back resolves "down" and fires "grace-period".
      alerts.push({
        key: `sequencer-${sequencer}:${m.bookId}`,
        severity: "critical",
        title:
          sequencer === "down"
            ? `${m.bookId}: L2 sequencer down`
            : `${m.bookId}: L2 sequencer back up, in its grace period`,
        text: `the sequencer uptime feed says ${sequencer === "down" ? "down" : "up, too recently"}: the keeper acts on nothing on this network until its grace period has passed`,
        bookId: m.bookId,
        fields: { block: Number(m.blockNumber) },
      });
    } else if (!m.baseOracle.fresh) {
      alerts.push({
        key: `oracle-stale:${m.bookId}`,
        severity: "critical",
        title: `${m.bookId}: base oracle stale`,
        text: `${m.baseOracle.problem ?? "stale"} (age ${m.baseOracle.ageSec} s): the keeper will not act on it`,
        bookId: m.bookId,
        fields: { ageSec: m.baseOracle.ageSec },
      });
    }
    for (const d of m.depeg) {
      if (d.tier === "ok") continue;
      // The tier is part of the key: a change of tier resolves the old alert and fires the new one.
      alerts.push({
        key: `depeg:${m.bookId}:${d.symbol}:${d.tier}`,
        severity: TIER_SEVERITY[d.tier],
        title: `${m.bookId}: ${d.symbol} de-peg tier ${d.tier}`,
        text: `${d.symbol} at ${d.priceUsd?.toFixed(4) ?? "n/a"} USD (${d.deviationBps?.toFixed(1) ?? "n/a"} bps); exposure drift ${d.driftBps.toFixed(1)} / ${d.limitBps} bps${d.tierNote ? `; ${d.tierNote}` : ""}`,
        bookId: m.bookId,
        fields: { asset: d.symbol, tier: d.tier, deviationBps: Number((d.deviationBps ?? 0).toFixed(1)) },
      });
    }
  }
  const keeper = input.keeper;
  if (keeper !== undefined) {
    const beatAtSec = keeper?.heartbeatAtSec ?? null;
    const age = beatAtSec === null ? Number.POSITIVE_INFINITY : input.nowSec - beatAtSec;
    if (age > input.thresholds.keeperHeartbeatMaxAgeSec) {
      alerts.push({
        key: "keeper-heartbeat",
        severity: "critical",
        title: "keeper heartbeat missed",
        text:
          beatAtSec === null
            ? "no heartbeat from the keeper"
            : `last heartbeat ${age} s ago (limit ${input.thresholds.keeperHeartbeatMaxAgeSec} s)`,
      });
    }
    for (const signer of keeper?.signers ?? []) {
      if (signer.balanceEth < input.thresholds.signerBalanceMinEth) {
        alerts.push({
          key: `signer-balance:${signer.address.toLowerCase()}`,
          severity: "warning",
          title: "keeper signer balance low",
          text: `${signer.address} holds ${signer.balanceEth} ETH (minimum ${input.thresholds.signerBalanceMinEth})`,
          fields: { balanceEth: signer.balanceEth },
        });
      }
    }
  }
  for (const tx of input.transactions ?? []) {
    if (tx.failed > 0) {
      alerts.push({
        key: `tx-failed:${tx.lane}`,
        severity: "critical",
        title: `${tx.failed} transaction(s) failed on the ${tx.lane} lane`,
        text: "see the keeper's log for the plan ids and revert reasons",
        fields: { lane: tx.lane, failed: tx.failed },
        event: true,
      });
    }
    if (tx.replaced > 0) {
      alerts.push({
        key: `tx-replaced:${tx.lane}`,
        severity: "info",
        title: `${tx.replaced} transaction(s) replaced on the ${tx.lane} lane`,
        text: "fee bumped after the lane's replaceAfterSec",
        fields: { lane: tx.lane, replaced: tx.replaced },
        event: true,
      });
    }
  }
  for (const plan of input.tamperedPlans ?? []) {
    // Someone who can write the keeper's Redis tried to choose what it signs: nothing was sent, a human looks now.
    alerts.push({
      key: `plan-tampered:${plan.planId}`,
      severity: "critical",
      title: `${plan.bookId}: plan refused, its stored form was tampered with`,
      text: `${plan.reason}. Nothing was sent for plan ${plan.planId}; find who can write the keeper's Redis.`,
      bookId: plan.bookId,
      fields: { planId: plan.planId },
      event: true,
    });
  }
  for (const s of input.supersededPlans ?? []) {
    // Each one was right to stop (nothing sent on a premise the chain no longer holds), but together they leave the
    // book unhedged while no failure pages: the premise's bounds may be too tight for how fast the market moves.
    alerts.push({
      key: `plans-superseded:${s.bookId}`,
      severity: "warning",
      title: `${s.bookId}: ${s.count} plans superseded within ${s.windowSec} s`,
      text: `Each was planned, then refused before sending because the chain moved from its premise; the last: ${s.lastReason}`,
      bookId: s.bookId,
      fields: { superseded: s.count },
    });
  }
  for (const l of input.aaveLiquidations ?? []) {
    // The hedge failed at its one job on Aave: collateral is gone and the short is smaller. A human looks now.
    alerts.push({
      key: `aave-liquidated:${l.txHash}:${l.logIndex}`,
      severity: "critical",
      title: `${l.bookId}: Aave liquidated the Safe`,
      text:
        `${l.liquidator} repaid $${l.debtCoveredUsd.toFixed(2)} of ${l.debtSymbol} debt and seized ` +
        `$${l.collateralSeizedUsd.toFixed(2)} of ${l.collateralSymbol} (bonus $${l.bonusUsd.toFixed(2)}) in ` +
        `${l.txHash} at block ${l.blockNumber}. The hedge is now smaller than planned.`,
      bookId: l.bookId,
      fields: { txHash: l.txHash, bonusUsd: l.bonusUsd },
      event: true,
    });
  }
  return alerts;
}

/** Which L2 sequencer problem made the base oracle unusable (oracle-health.ts names them), if one did. */
function sequencerStateOf(problem: string | null): "down" | "grace-period" | null {
  if (problem?.includes("sequencer-down")) return "down";
  if (problem?.includes("sequencer-grace-period")) return "grace-period";
  return null;
}
