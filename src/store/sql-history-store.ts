// The HistoryStore over the SQL port: the same statements on PostgreSQL and PGlite. Writes are upserts keyed so
// that replaying a block, an evaluation or an alert writes nothing twice; the guards in their ON CONFLICT
// clauses keep a late replay from moving a record backwards (a status to an older block, a plan to an older
// update, a mined transaction back to broadcast).
import { createHash } from "node:crypto";
import { AAVE_LIQUIDATIONS } from "./aave-liquidations-table.ts";
import { type DetailPart, type SplitDetail, splitSharedDetails } from "./book-status-parts.ts";
import { compactHistory } from "./compact-history.ts";
import { putEvents, readEventsOfBook } from "./event-table.ts";
import {
  actionFromRow,
  alertFromRow,
  bookStatusFromRow,
  decisionFromRow,
  depegFromRow,
  executionFromRow,
  type Row,
} from "./history-rows.ts";
import type {
  AlertHistory,
  BookStatus,
  DecisionRecord,
  DepegSample,
  HistorySample,
  HistoryStore,
  PlanExecution,
  PlanHistory,
  TransactionHistory,
} from "./history-store.ts";
import { LP_PRINCIPAL_FLOWS } from "./lp-principal-flows-table.ts";
import { PERP_COLLATERAL_MOVES } from "./perp-collateral-moves-table.ts";
import { PERP_FUNDING_SETTLEMENTS } from "./perp-funding-settlements-table.ts";
import { readAaveHealth } from "./read-aave-health.ts";
import { readDepegTierChanges, readReportSamples } from "./read-report-samples.ts";
import { readHedgedSeries, readHedgedSeriesOfBooks, readSeries } from "./read-series.ts";
import type { SqlDatabase } from "./sql-database.ts";
import { BOOK_SAMPLE_COLUMNS, bookSampleParams, createSqlSampleStore } from "./sql-sample-store.ts";
import {
  chunksByParams,
  chunksOf,
  lastPerKey,
  overwrite,
  placeholders,
  valuesRows,
} from "./sql-statement-parts.ts";
import { jsonToSql, numberFromSql, stringFromSql } from "./sql-values.ts";

const DASHBOARD_COLUMNS = [
  "drift_bps",
  "threshold_bps",
  "hedge_ratio",
  "target_hedge_ratio",
  "impermanent_loss_usd",
  "book_value_usd",
] as const;

/** Written by migration 4's columns; NULL when the sample carries no attribution inputs. */
const ATTRIBUTION_COLUMNS = [
  "lp_fees_owed_usd",
  "lp_delta_base",
  "spot_base",
  "pending_funding_usd",
  // migration 5
  "perp_owed_realized_pnl_usd",
  "perp_unrealized_pnl_usd",
  "perp_pending_fee_usd",
  "perp_collateral_usd",
  // migration 9
  "funding_scanned_from_block",
  // migration 11
  "lp_flows_scanned_from_block",
] as const;

/** Migration 7: NULL without an Aave leg. */
const AAVE_HEALTH_COLUMNS = ["aave_health_factor", "aave_health_factor_floor", "aave_delta_base"] as const;

/** Migration 10: NULL without an Aave leg. */
const AAVE_ACCRUAL_COLUMNS = [
  "aave_scaled_debt_base",
  "aave_scaled_supplied_base",
  "aave_debt_index",
  "aave_supply_index",
] as const;

/** Migration 13: NULL without an Aave leg. Last: its parameter is the row's only jsonb. */
const AAVE_COLLATERAL_ACCRUAL_COLUMN = "aave_collateral_accrual";

const SAMPLE_COLUMNS = [
  ...BOOK_SAMPLE_COLUMNS,
  ...DASHBOARD_COLUMNS,
  ...ATTRIBUTION_COLUMNS,
  ...AAVE_HEALTH_COLUMNS,
  ...AAVE_ACCRUAL_COLUMNS,
  AAVE_COLLATERAL_ACCRUAL_COLUMN,
];

const EXECUTION_COLUMNS = [
  "chain_id",
  "book_id",
  "block_number",
  "tx_hash",
  "mined_at_sec",
  "recorded_at_ms",
  "gas_used",
  "effective_gas_price",
  "gas_usd",
  "fees_usd",
  "slippage_usd",
  "total_cost_usd",
  "expected_cost_usd",
  "quoted_price",
  "realized_price",
  "slippage_bps",
  "notional_usd",
  "risk_removed_usd",
  "perp_collateral_moved_usd",
  "perp_funding_settled_usd",
  "lp_withdrawn_principal_usd",
  "lp_fees_collected_usd",
  // migration 9
  "swapped_base",
  "swapped_base_at_quote_usd",
  // migration 10
  "swapped_cash_usd",
  "swapped_fees_usd",
  "swapped_slippage_usd",
  "legs",
] as const;

const BOOK_STATUS_COLUMNS = [
  "timestamp_sec",
  "status",
  "drift_bps",
  "threshold_bps",
  "hedge_ratio",
  "target_hedge_ratio",
  "impermanent_loss_usd",
  "book_value_usd",
  "effectiveness",
  "effectiveness_window",
  "detail",
  // migration 15
  "detail_part",
] as const;

/**
 * A part nothing references is deleted once the chain is this many blocks past the last write that referenced it:
 * a late write of an older block (a retried job, a reorg rewrite) referencing it meanwhile finds it there, and the
 * parts left behind stay bounded (one per group per block, for this many blocks).
 */
export const PART_RETENTION_BLOCKS = 64n;

const SAMPLE_PARAMS = 3 + SAMPLE_COLUMNS.length;
const DEPEG_COLUMNS = [
  "chain_id",
  "book_id",
  "block_number",
  "token",
  "timestamp_sec",
  "symbol",
  "price_usd",
  "deviation_bps",
  "tier",
  "tier_note",
  "exposure_usd",
  "sources",
] as const;
const DEPEG_PARAMS = DEPEG_COLUMNS.length;
/** The readings' column types: they come through a VALUES list, which would otherwise type them as text. */
const DEPEG_CASTS = [
  "integer",
  "text",
  "bigint",
  "text",
  "bigint",
  "text",
  "double precision",
  "double precision",
  "text",
  "text",
  "double precision",
  "jsonb",
];

/**
 * One statement for a chunk of samples and their de-peg readings: upserts the samples; of a block written again (a
 * replay, a reorg rewrite: the row existed, so its new version's xmax is not 0), deletes the readings of tokens no
 * longer read, so the block's readings are replaced whole; upserts the readings. The delete and the upsert touch
 * disjoint rows (tokens not read / tokens read), as a statement's parts must: they see the same snapshot.
 */
function samplesStatement(
  samples: readonly {
    chainId: number;
    bookId: string;
    sample: HistorySample;
    depeg: readonly DepegSample[];
  }[],
): [string, unknown[]] {
  const params: unknown[] = samples.flatMap(({ chainId, bookId, sample }) => [
    chainId,
    bookId,
    sample.blockNumber,
    ...bookSampleParams(sample),
    ...dashboardParams(sample),
    ...attributionParams(sample),
    sample.aaveHealth?.healthFactor ?? null,
    sample.aaveHealth?.floor ?? null,
    sample.aaveHealth?.deltaBase ?? null,
    sample.aaveAccrual?.scaledDebtBase ?? null,
    sample.aaveAccrual?.scaledSuppliedBase ?? null,
    sample.aaveAccrual?.debtIndex ?? null,
    sample.aaveAccrual?.supplyIndex ?? null,
    sample.aaveCollateralAccrual == null ? null : jsonToSql(sample.aaveCollateralAccrual),
  ]);
  const sampleValues = valuesRows(samples.length, SAMPLE_PARAMS, { [2 + SAMPLE_COLUMNS.length]: "jsonb" });
  const readings = samples.flatMap(({ chainId, bookId, sample, depeg }) =>
    lastPerKey(depeg, (reading) => reading.token).map((reading) => [
      chainId,
      bookId,
      sample.blockNumber,
      reading.token,
      sample.timestampSec,
      reading.symbol,
      reading.priceUsd,
      reading.deviationBps,
      reading.tier,
      reading.tierNote,
      reading.exposureUsd,
      jsonToSql(reading.sources),
    ]),
  );
  const casts = Object.fromEntries(DEPEG_CASTS.map((cast, i) => [i, cast]));
  // No readings: an empty set of the same columns (a VALUES list cannot be empty).
  const readingRows =
    readings.length === 0
      ? `SELECT ${DEPEG_CASTS.map((cast) => `NULL::${cast}`).join(", ")} WHERE false`
      : `VALUES ${valuesRows(readings.length, DEPEG_PARAMS, casts, params.length)}`;
  params.push(...readings.flat());
  const key = "r.chain_id = d.chain_id AND r.book_id = d.book_id AND r.block_number = d.block_number";
  const sql = `WITH readings (${DEPEG_COLUMNS.join(", ")}) AS (${readingRows}),
    written AS (
      INSERT INTO book_samples (chain_id, book_id, block_number, ${SAMPLE_COLUMNS.join(", ")})
      VALUES ${sampleValues}
      ON CONFLICT (chain_id, book_id, block_number) DO UPDATE SET ${overwrite(SAMPLE_COLUMNS)}
      RETURNING chain_id, book_id, block_number, (xmax = 0) AS inserted),
    unread AS (
      DELETE FROM depeg_samples AS d USING written AS w
      WHERE NOT w.inserted AND d.chain_id = w.chain_id AND d.book_id = w.book_id AND d.block_number = w.block_number
        AND NOT EXISTS (SELECT 1 FROM readings AS r WHERE ${key} AND r.token = d.token))
    INSERT INTO depeg_samples (${DEPEG_COLUMNS.join(", ")})
    SELECT ${DEPEG_COLUMNS.join(", ")} FROM readings
    ON CONFLICT (chain_id, book_id, block_number, token) DO UPDATE SET
      ${overwrite(DEPEG_COLUMNS.slice(4))}`;
  return [sql, params];
}

/** A status row's parameters, with room for the part it may bring and that part's hash in the clean-up. */
const BOOK_STATUS_PARAMS_PER_ROW = 3 + BOOK_STATUS_COLUMNS.length + 4 + 1;

/**
 * One statement for a chunk of statuses: upserts the parts they reference (touching the block of each one already
 * stored, which also locks it against a concurrent clean-up), upserts the statuses (a newer block wins), and
 * deletes this chain's parts that no status references and no write touched for PART_RETENTION_BLOCKS.
 */
function bookStatusStatement(
  details: readonly SplitDetail<BookStatus>[],
  parts: readonly DetailPart[],
): [string, unknown[]] {
  const params: unknown[] = [];
  const ctes: string[] = [];
  if (parts.length > 0) {
    ctes.push(`parts AS (
      INSERT INTO book_status_parts (chain_id, hash, block_number, body)
      VALUES ${valuesRows(parts.length, 4, { 3: "json" }, params.length)}
      ON CONFLICT (chain_id, hash) DO UPDATE
        SET block_number = GREATEST(book_status_parts.block_number, EXCLUDED.block_number)
      RETURNING 1)`);
    params.push(...parts.flatMap((p) => [p.chainId, p.hash, p.blockNumber, p.text]));
  }
  ctes.push(`statuses AS (
    INSERT INTO book_status (chain_id, book_id, block_number, ${BOOK_STATUS_COLUMNS.join(", ")})
    VALUES ${valuesRows(details.length, 3 + BOOK_STATUS_COLUMNS.length, { 13: "json" }, params.length)}
    ON CONFLICT (chain_id, book_id) DO UPDATE SET block_number = EXCLUDED.block_number,
      ${overwrite(BOOK_STATUS_COLUMNS)}
    WHERE EXCLUDED.block_number >= book_status.block_number
    RETURNING 1)`);
  params.push(
    ...details.flatMap(({ status, text, part }) => [
      status.chainId,
      status.bookId,
      status.blockNumber,
      status.timestampSec,
      status.status,
      status.driftBps,
      status.thresholdBps,
      status.hedgeRatio,
      status.targetHedgeRatio,
      status.impermanentLossUsd,
      status.bookValueUsd,
      status.effectiveness,
      status.effectivenessWindow,
      text,
      part?.hash ?? null,
    ]),
  );
  // Per chain, behind its newest block in the chunk. The statement's own parts are left out: a statement may not
  // touch a row twice, and its statuses, which reference them, are not visible to its own clean-up.
  const newest = new Map<number, bigint>();
  for (const { status } of details)
    newest.set(status.chainId, maxBigint(newest.get(status.chainId) ?? 0n, status.blockNumber));
  const cutoffs = valuesRows(newest.size, 2, { 0: "integer", 1: "bigint" }, params.length);
  params.push(...[...newest].flatMap(([chainId, block]) => [chainId, block - PART_RETENTION_BLOCKS]));
  const own =
    parts.length === 0 ? "" : `AND p.hash NOT IN (${placeholders(params.length + 1, parts.length)})`;
  params.push(...parts.map((p) => p.hash));
  ctes.push(`unreferenced AS (
    DELETE FROM book_status_parts WHERE (chain_id, hash) IN (
      SELECT p.chain_id, p.hash FROM book_status_parts AS p
      JOIN (VALUES ${cutoffs}) AS c (chain_id, cutoff) ON p.chain_id = c.chain_id
      WHERE p.block_number < c.cutoff ${own}
        AND NOT EXISTS (SELECT 1 FROM book_status AS s WHERE s.chain_id = p.chain_id AND s.detail_part = p.hash)
      FOR UPDATE OF p SKIP LOCKED)
    RETURNING 1)`);
  return [`WITH ${ctes.join(",\n")} SELECT 1`, params];
}

const maxBigint = (a: bigint, b: bigint) => (a > b ? a : b);

/** A status row with its detail part's body (NULL without one) beside it. */
const BOOK_STATUS_WITH_PART = `SELECT s.*, p.body AS detail_part_body FROM book_status AS s
  LEFT JOIN book_status_parts AS p ON p.chain_id = s.chain_id AND p.hash = s.detail_part`;

/** The version hash of a config text: sha256 of its UTF-8 bytes, hex. */
export function configVersionHash(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

export function createSqlHistoryStore(db: SqlDatabase, backend: HistoryStore["backend"]): HistoryStore {
  // One row is a batch of one: the single-row writes go through the multi-row ones (`store`, not `this`, so a
  // method taken off the object still works).
  const store: HistoryStore = {
    backend,

    samples: (chainId) => createSqlSampleStore(db, chainId),

    putSample(chainId, bookId, sample, depeg) {
      return store.putSamples([{ chainId, bookId, sample, depeg }]);
    },

    async putSamples(rows) {
      const samples = lastPerKey(rows, (r) => `${r.chainId} ${r.bookId} ${r.sample.blockNumber}`);
      if (samples.length === 0) return;
      // Each book's sample and readings in one statement (samplesStatement): one round trip for a group's books,
      // where a transaction of its own took four. Batches too large for one statement keep their atomicity in one
      // transaction.
      const chunks = chunksByParams(samples, (s) => SAMPLE_PARAMS + DEPEG_PARAMS * s.depeg.length);
      if (chunks.length === 1) {
        await db.query(...samplesStatement(chunks[0]!), { repeated: true });
        return;
      }
      await db.transaction(async (tx) => {
        for (const chunk of chunks) await tx.query(...samplesStatement(chunk), { repeated: true });
      });
    },

    putBookStatus(status) {
      return store.putBookStatuses([status]);
    },

    async putBookStatuses(statuses) {
      // Of two statuses of one book, the later block's (as two statements would leave it).
      const byBook = new Map<string, BookStatus>();
      for (const status of statuses) {
        const key = `${status.chainId} ${status.bookId}`;
        const known = byBook.get(key);
        if (known === undefined || status.blockNumber >= known.blockNumber) byBook.set(key, status);
      }
      // Each chunk is one statement: its parts, its statuses, and the parts nothing references any more.
      for (const chunk of chunksOf([...byBook.values()], BOOK_STATUS_PARAMS_PER_ROW)) {
        const { details, parts } = splitSharedDetails(chunk);
        await db.query(...bookStatusStatement(details, parts), { repeated: true });
      }
    },

    putDecision(decision: DecisionRecord) {
      return store.putDecisions([decision]);
    },

    async putDecisions(decisions) {
      const rows = lastPerKey(decisions, (d) => `${d.chainId} ${d.bookId} ${d.blockNumber}`);
      for (const chunk of chunksOf(rows, 8)) {
        await db.query(
          `INSERT INTO decisions (chain_id, book_id, block_number, at_ms, kind, reason, plan_id, drift_bps)
           VALUES ${valuesRows(chunk.length, 8)}
           ON CONFLICT (chain_id, book_id, block_number) DO UPDATE SET
             ${overwrite(["at_ms", "kind", "reason", "plan_id", "drift_bps"])}`,
          chunk.flatMap((decision) => [
            decision.chainId,
            decision.bookId,
            decision.blockNumber,
            decision.atMs,
            decision.kind,
            decision.reason,
            decision.planId,
            decision.driftBps,
          ]),
          { repeated: true },
        );
      }
    },

    async putPlan(plan: PlanHistory) {
      const columns = ["chain_id", "book_id", "lane", "mode", "status", "reason", "block_number"];
      await db.query(
        `INSERT INTO plans (plan_id, ${columns.join(", ")}, created_at_ms, updated_at_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (plan_id) DO UPDATE SET ${overwrite(columns)},
           created_at_ms = LEAST(plans.created_at_ms, EXCLUDED.created_at_ms),
           updated_at_ms = EXCLUDED.updated_at_ms
         WHERE EXCLUDED.updated_at_ms >= plans.updated_at_ms`,
        [
          plan.planId,
          plan.chainId,
          plan.bookId,
          plan.lane,
          plan.mode,
          plan.status,
          plan.reason,
          plan.blockNumber,
          plan.createdAtMs,
          plan.updatedAtMs,
        ],
      );
    },

    async putTransaction(tx: TransactionHistory) {
      // A later record wins, except that nothing returns to "broadcast" once the transaction left it (a replayed
      // broadcast event after the receipt). What a record leaves unknown (null) keeps what was known.
      await db.query(
        `INSERT INTO transactions (tx_hash, plan_id, chain_id, nonce, kind, status, replaces, gas_used,
           block_number, at_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (tx_hash) DO UPDATE SET plan_id = EXCLUDED.plan_id, chain_id = EXCLUDED.chain_id,
           nonce = EXCLUDED.nonce, kind = EXCLUDED.kind, status = EXCLUDED.status,
           replaces = COALESCE(EXCLUDED.replaces, transactions.replaces),
           gas_used = COALESCE(EXCLUDED.gas_used, transactions.gas_used),
           block_number = COALESCE(EXCLUDED.block_number, transactions.block_number),
           at_ms = EXCLUDED.at_ms
         WHERE EXCLUDED.at_ms >= transactions.at_ms
           AND NOT (EXCLUDED.status = 'broadcast' AND transactions.status <> 'broadcast')`,
        [
          tx.txHash,
          tx.planId,
          tx.chainId,
          tx.nonce,
          tx.kind,
          tx.status,
          tx.replaces,
          tx.gasUsed,
          tx.blockNumber,
          tx.atMs,
        ],
      );
    },

    async putAlert(alert: AlertHistory) {
      await db.query(
        `INSERT INTO alerts (key, status, at_sec, severity, title, text, book_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (key, status, at_sec) DO NOTHING`,
        [alert.key, alert.status, alert.atSec, alert.severity, alert.title, alert.text, alert.bookId],
      );
    },

    putAaveLiquidation: (liquidation) => putEvents(db, AAVE_LIQUIDATIONS, [liquidation]),
    putFundingSettlements: (settlements) => putEvents(db, PERP_FUNDING_SETTLEMENTS, settlements),
    putLpPrincipalFlows: (flows) => putEvents(db, LP_PRINCIPAL_FLOWS, flows),
    putCollateralMoves: (moves) => putEvents(db, PERP_COLLATERAL_MOVES, moves),

    async putExecution(execution: PlanExecution) {
      await db.query(
        `INSERT INTO plan_executions (plan_id, ${EXECUTION_COLUMNS.join(", ")})
         VALUES ($1, ${placeholders(2, EXECUTION_COLUMNS.length - 1)}, $${EXECUTION_COLUMNS.length + 1}::jsonb)
         ON CONFLICT (plan_id) DO UPDATE SET ${overwrite(EXECUTION_COLUMNS)}`,
        [
          execution.planId,
          execution.chainId,
          execution.bookId,
          execution.blockNumber,
          execution.txHash,
          execution.minedAtSec,
          execution.recordedAtMs,
          execution.gasUsed,
          // numeric: sent as its decimal text, which both drivers pass through exactly.
          execution.effectiveGasPrice.toString(),
          execution.gasUsd,
          execution.feesUsd,
          execution.slippageUsd,
          execution.totalCostUsd,
          execution.expectedCostUsd,
          execution.quotedPrice,
          execution.realizedPrice,
          execution.slippageBps,
          execution.notionalUsd,
          execution.riskRemovedUsd,
          execution.perpCollateralMovedUsd,
          execution.perpFundingSettledUsd,
          execution.lpWithdrawnPrincipalUsd,
          execution.lpFeesCollectedUsd,
          execution.swappedBase?.base ?? null,
          execution.swappedBase?.atQuoteUsd ?? null,
          execution.swappedBase?.fill?.cashUsd ?? null,
          execution.swappedBase?.fill?.feesUsd ?? null,
          execution.swappedBase?.fill?.slippageUsd ?? null,
          jsonToSql(execution.legs),
        ],
      );
    },

    async putConfigVersion(text, atMs) {
      const hash = configVersionHash(text);
      await db.query(
        `INSERT INTO config_versions (hash, text, first_seen_at_ms, last_seen_at_ms) VALUES ($1, $2, $3, $3)
         ON CONFLICT (hash) DO UPDATE SET
           first_seen_at_ms = LEAST(config_versions.first_seen_at_ms, EXCLUDED.first_seen_at_ms),
           last_seen_at_ms = GREATEST(config_versions.last_seen_at_ms, EXCLUDED.last_seen_at_ms)`,
        [hash, text, atMs],
      );
      return hash;
    },

    async books(chainId) {
      const rows =
        chainId === undefined
          ? await db.query<Row>(`${BOOK_STATUS_WITH_PART} ORDER BY s.chain_id, s.book_id`)
          : await db.query<Row>(`${BOOK_STATUS_WITH_PART} WHERE s.chain_id = $1 ORDER BY s.book_id`, [
              chainId,
            ]);
      return rows.map(bookStatusFromRow);
    },

    async book(bookId) {
      const [row] = await db.query<Row>(
        `${BOOK_STATUS_WITH_PART} WHERE s.book_id = $1 ORDER BY s.timestamp_sec DESC LIMIT 1`,
        [bookId],
      );
      return row === undefined ? undefined : bookStatusFromRow(row);
    },

    series: (bookId, range) => readSeries(db, bookId, range),

    hedgedSeries: (bookId, range) => readHedgedSeries(db, bookId, range),
    hedgedSeriesOfBooks: (bookIds, ranges) => readHedgedSeriesOfBooks(db, bookIds, ranges),

    async depeg() {
      // A loose index scan: walk the distinct (chain, token) pairs through the index, then take each one's
      // latest reading, instead of reading every row to find a handful of tokens.
      const rows = await db.query<Row>(
        `WITH RECURSIVE tokens AS (
           (SELECT chain_id, token FROM depeg_samples ORDER BY chain_id, token LIMIT 1)
           UNION ALL
           SELECT next.chain_id, next.token FROM tokens
           CROSS JOIN LATERAL (
             SELECT chain_id, token FROM depeg_samples AS d
             WHERE (d.chain_id, d.token) > (tokens.chain_id, tokens.token)
             ORDER BY chain_id, token LIMIT 1
           ) AS next
         )
         SELECT latest.* FROM tokens
         CROSS JOIN LATERAL (
           SELECT * FROM depeg_samples AS d
           WHERE d.chain_id = tokens.chain_id AND d.token = tokens.token
           ORDER BY block_number DESC, book_id LIMIT 1
         ) AS latest
         ORDER BY latest.chain_id, latest.symbol, latest.token`,
      );
      return rows.map(depegFromRow);
    },

    async actions({ limit, bookId }) {
      // The plan's current transaction: the latest one that no other transaction of the plan replaced (a fee bump
      // supersedes the original even if the original's "replaced" status was recorded after it).
      const rows = await db.query<Row>(
        `SELECT p.*, current_tx.tx_hash, current_tx.status AS tx_status, current_tx.gas_used,
           (SELECT count(*) FROM transactions AS r WHERE r.plan_id = p.plan_id AND r.replaces IS NOT NULL)
             AS replacements,
           e.slippage_bps AS realized_slippage_bps
         FROM plans AS p
         LEFT JOIN plan_executions AS e ON e.plan_id = p.plan_id
         LEFT JOIN LATERAL (
           SELECT t.tx_hash, t.status, t.gas_used FROM transactions AS t
           WHERE t.plan_id = p.plan_id
           ORDER BY EXISTS (
             SELECT 1 FROM transactions AS r WHERE r.plan_id = t.plan_id AND r.replaces = t.tx_hash
           ), t.at_ms DESC, t.tx_hash
           LIMIT 1
         ) AS current_tx ON true
         ${bookId === undefined ? "" : "WHERE p.book_id = $2"}
         ORDER BY p.created_at_ms DESC, p.plan_id
         LIMIT $1`,
        bookId === undefined ? [limit] : [limit, bookId],
      );
      return rows.map(actionFromRow);
    },

    async decisions({ limit, bookId }) {
      const rows = await db.query<Row>(
        `SELECT * FROM decisions ${bookId === undefined ? "" : "WHERE book_id = $2"}
         ORDER BY at_ms DESC, block_number DESC, book_id LIMIT $1`,
        bookId === undefined ? [limit] : [limit, bookId],
      );
      return rows.map(decisionFromRow);
    },

    async executions({ limit, ...period }) {
      const { where, params } = bookPeriodWhere("mined_at_sec", period, limit);
      const rows = await db.query<Row>(
        `SELECT * FROM plan_executions ${where}
         ORDER BY mined_at_sec DESC, block_number DESC, plan_id LIMIT $1`,
        params,
      );
      return rows.map(executionFromRow);
    },

    async executionsOfBooks(bookIds, { limit, fromSec, toSec }) {
      const result = bookIds.map((): PlanExecution[] => []);
      if (bookIds.length === 0) return result;
      // Per book what executions() reads for it: its newest `limit` in the period, newest first.
      const rows = await db.query<Row>(
        `SELECT b.i AS book_index, e.* FROM unnest($1::text[]) WITH ORDINALITY AS b(book_id, i)
         CROSS JOIN LATERAL (
           SELECT * FROM plan_executions
           WHERE book_id = b.book_id AND mined_at_sec >= $3 AND mined_at_sec <= $4
           ORDER BY mined_at_sec DESC, block_number DESC, plan_id LIMIT $2
         ) AS e
         ORDER BY b.i, e.mined_at_sec DESC, e.block_number DESC, e.plan_id`,
        [bookIds, limit, fromSec, toSec],
      );
      for (const row of rows)
        result[numberFromSql(row.book_index, "book_index") - 1]!.push(executionFromRow(row));
      return result;
    },

    async alerts({ limit, ...period }) {
      const { where, params } = bookPeriodWhere("at_sec", period, limit);
      const rows = await db.query<Row>(
        `SELECT * FROM alerts ${where} ORDER BY at_sec DESC, key, status LIMIT $1`,
        params,
      );
      return rows.map(alertFromRow);
    },

    reportSamples: (bookId, range) => readReportSamples(db, bookId, range),
    aaveLiquidations: (bookId, range) => readEventsOfBook(db, AAVE_LIQUIDATIONS, bookId, range),
    fundingSettlements: (bookId, blocks) => readEventsOfBook(db, PERP_FUNDING_SETTLEMENTS, bookId, blocks),
    collateralMoves: (bookId, blocks) => readEventsOfBook(db, PERP_COLLATERAL_MOVES, bookId, blocks),
    lpPrincipalFlows: (bookId, blocks) => readEventsOfBook(db, LP_PRINCIPAL_FLOWS, bookId, blocks),
    aaveHealth: (bookId, range) => readAaveHealth(db, bookId, range),
    depegTierChanges: (bookId, range) => readDepegTierChanges(db, bookId, range),

    async configVersion() {
      const [row] = await db.query<Row>(
        "SELECT hash, first_seen_at_ms FROM config_versions ORDER BY last_seen_at_ms DESC LIMIT 1",
      );
      if (row === undefined) return undefined;
      return {
        hash: stringFromSql(row.hash, "config_versions.hash"),
        atMs: numberFromSql(row.first_seen_at_ms, "config_versions.first_seen_at_ms"),
      };
    },

    compact: (policy, nowSec) => compactHistory(db, policy, nowSec),

    close: () => db.close(),
  };
  return store;
}

function dashboardParams(sample: HistorySample): unknown[] {
  return [
    sample.driftBps,
    sample.thresholdBps,
    sample.hedgeRatio,
    sample.targetHedgeRatio,
    sample.impermanentLossUsd,
    sample.bookValueUsd,
  ];
}

function attributionParams(sample: HistorySample): unknown[] {
  const a = sample.attribution;
  if (a === undefined) return ATTRIBUTION_COLUMNS.map(() => null);
  const perp = a.perp;
  return [
    a.lpFeesOwedUsd,
    a.lpDeltaBase,
    a.spotBase,
    a.pendingFundingUsd,
    perp?.owedRealizedPnlUsd ?? null,
    perp?.unrealizedPnlUsd ?? null,
    perp?.pendingFeeUsd ?? null,
    perp?.collateralUsd ?? null,
    a.fundingScannedFromBlock ?? null,
    a.lpFlowsScannedFromBlock ?? null,
  ];
}

/**
 * The WHERE clause of a newest-first read filtered by book and by a time column (each filter optional), its
 * parameters numbered after $1, which the LIMIT takes.
 */
function bookPeriodWhere(
  timeColumn: string,
  period: { bookId?: string | undefined; fromSec?: number | undefined; toSec?: number | undefined },
  limit: number,
): { where: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [limit];
  const filter = (clause: string, value: unknown) => {
    params.push(value);
    clauses.push(`${clause} $${params.length}`);
  };
  if (period.bookId !== undefined) filter("book_id =", period.bookId);
  if (period.fromSec !== undefined) filter(`${timeColumn} >=`, period.fromSec);
  if (period.toSec !== undefined) filter(`${timeColumn} <=`, period.toSec);
  return { where: clauses.length > 0 ? `WHERE ${clauses.join(" AND ")}` : "", params };
}
