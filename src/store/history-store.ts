// The durable history behind the dashboard and the engine's rolling metrics: per-block samples (downsampled per
// minute after a configurable age), decisions (noop included), plans, transactions, alerts, and the config
// version in force. One schema and one set of queries over PostgreSQL (DATABASE_URL) or embedded PGlite.
// Every write is idempotent: replaying a block, an evaluation or an event writes nothing twice.
import type { AaveAccrualReading } from "../engine/aave-accrual.ts";
import type { AaveCollateralReading } from "../engine/aave-collateral-interest.ts";
import type { DepegTier } from "../engine/depeg.ts";
import type { HedgedSeriesPoint } from "../engine/effectiveness.ts";
import type { Lane } from "../engine/plan.ts";
import type { RealizedCost } from "../engine/realized-cost.ts";
import type { BookSample } from "../engine/snapshot.ts";
import type { BookDetail, BookStatusLevel, DecisionKind } from "../evaluation/book-evaluation.ts";
import type { BookMode, PlanStatus } from "../evaluation/plan-lifecycle.ts";
import type { SampleStore } from "../indexers/sample-store.ts";

/** A per-block sample: what the engine's rolling metrics need (BookSample) plus what the dashboard charts. */
export interface HistorySample extends BookSample {
  driftBps: number;
  /** The band the drift is judged against (the book's arm threshold), bps. */
  thresholdBps: number;
  hedgeRatio: number;
  targetHedgeRatio: number;
  impermanentLossUsd: number;
  bookValueUsd: number;
  /** What the performance report attributes P&L with; absent in samples recorded before it existed. */
  attribution?: SampleAttributionInputs;
  /**
   * The Aave leg's health factor (null without debt: infinite), its floor, and its base position (supplied − owed of
   * the short asset, base units); absent without an Aave leg.
   */
  aaveHealth?: { healthFactor: number | null; floor: number; deltaBase: number };
  /**
   * The Aave leg's short asset: scaled debt and supply and the normalized indexes at the block (migration 10), what
   * the report's carry of a lending short is measured from; absent without an Aave leg, null when unread.
   */
  aaveAccrual?: AaveAccrualReading | null;
  /**
   * The Aave leg's collateral reserves (every reserve read but the short asset): scaled supply, normalized income and
   * oracle price at the block (migration 13), what the report's carry counts the collateral's interest from; absent
   * without an Aave leg, null when unread.
   */
  aaveCollateralAccrual?: readonly AaveCollateralReading[] | null;
}

/** The parts of a sample the P&L attribution needs beyond the engine's BookSample (src/performance/attribution.ts). */
export interface SampleAttributionInputs {
  /** The LP positions' fees owed, USD (lpValueUsd includes them). */
  lpFeesOwedUsd: number;
  /** The LP positions' base delta, base units. */
  lpDeltaBase: number;
  /** Base held as spot, base units. */
  spotBase: number;
  /** The perp's pending funding, USD: positive = owed by the book (Exchange.getAllPendingFundingPayment). */
  pendingFundingUsd: number;
  /**
   * The perp account's books as the protocol keeps them (migration 5), USD; all 0 without a perp. Its hedge value
   * (account value − collateral) is owed realized + pending fee − pending funding + unrealized; a withdrawal
   * settles the owed realized P&L into the collateral, which the report adds back (src/store/report-period.ts).
   */
  perp: PerpAccountBooks | null;
  /**
   * The first block of the span whose FundingPaymentSettled logs for the Safe the indexer read up to this sample's
   * block (migration 9): every settlement in it is in the history. Absent or null without a perp, or when unknown.
   */
  fundingScannedFromBlock?: bigint | null;
  /**
   * The first block of the span whose position-manager logs for the Safe's v3 positions the indexer read up to this
   * sample's block (migration 11): every LP principal flow in it is in the history. Absent or null when unknown.
   */
  lpFlowsScannedFromBlock?: bigint | null;
}

/** Perp v2 AccountBalance.getPnlAndPendingFee and Vault.getBalance at one block, USD (quote at $1). */
export interface PerpAccountBooks {
  owedRealizedPnlUsd: number;
  unrealizedPnlUsd: number;
  pendingFeeUsd: number;
  /** The settlement collateral in the vault (Vault.getBalance). */
  collateralUsd: number;
}

/** A sample as the performance report reads it (read-report-samples.ts): null where its writer left a column out. */
export interface ReportSample {
  blockNumber: bigint;
  timestampSec: number;
  basePriceUsd: number;
  /** LP value including fees owed, USD (as book_samples keeps it). */
  lpValueUsd: number;
  hedgeValueUsd: number;
  perpMarkPriceUsd: number;
  perpIndexPriceUsd: number;
  poolPriceUsd: number;
  fundingRateDaily: number;
  perpSizeBase: number | null;
  /** The Aave leg's base position (migration 7); null without an Aave leg. */
  aaveDeltaBase: number | null;
  /** The Aave leg's short-asset accrual reading (migration 10); null without an Aave leg or before migration 10. */
  aaveAccrual?: AaveAccrualReading | null;
  /**
   * The Aave leg's collateral readings (migration 13); null without an Aave leg or before migration 13 (the
   * collateral's interest over such a step is unknown).
   */
  aaveCollateralAccrual?: readonly AaveCollateralReading[] | null;
  driftBps: number | null;
  thresholdBps: number | null;
  targetHedgeRatio: number | null;
  attribution: SampleAttributionInputs | null;
}

export interface DepegTierChange {
  chainId: number;
  blockNumber: bigint;
  timestampSec: number;
  token: string;
  symbol: string;
  fromTier: DepegTier;
  toTier: DepegTier;
  deviationBps: number | null;
}

/** One stablecoin's de-peg reading at a block (one row per token per block). */
export interface DepegSample {
  token: string;
  symbol: string;
  priceUsd: number | null;
  deviationBps: number | null;
  tier: DepegTier;
  tierNote: string | null;
  exposureUsd: number;
  sources: { kind: string; ref: string; priceUsd: number; deviationBps: number; usable: boolean }[];
}

/**
 * The latest evaluation of a book, as the overview and the book page show it (one row per book, replaced by a
 * later block only). `detail` holds the engine's summary (effectiveness windows, oracle health, stress table)
 * as JSON: it is read whole, never queried into.
 */
export interface BookStatus {
  chainId: number;
  bookId: string;
  blockNumber: bigint;
  timestampSec: number;
  status: BookStatusLevel;
  driftBps: number;
  thresholdBps: number;
  hedgeRatio: number;
  targetHedgeRatio: number;
  impermanentLossUsd: number;
  bookValueUsd: number;
  /**
   * Ederington effectiveness against the book's target hedge ratio (the hedged item scaled by the target) over the
   * longest steward window measured (effectivenessWindow); null before any window has its samples.
   */
  effectiveness: number | null;
  /** The window `effectiveness` was measured over: live (the last 240 blocks), 1h, 1d, 7d or 30d. */
  effectivenessWindow: string | null;
  /** Stored as JSON: NaN and ±Infinity inside it read back as null, a bigint as its decimal string. */
  detail: BookDetail;
}

/**
 * A book status as read back. Its detail is the JSON whichever keeper version wrote it: validate it
 * (readBookDetail) before use.
 */
export type StoredBookStatus = Omit<BookStatus, "detail"> & { detail: unknown };

export interface DecisionRecord {
  chainId: number;
  bookId: string;
  blockNumber: bigint;
  atMs: number;
  kind: DecisionKind;
  reason: string;
  planId: string | null;
  driftBps: number | null;
}

export interface PlanHistory {
  planId: string;
  chainId: number;
  bookId: string;
  lane: Lane;
  mode: BookMode;
  status: PlanStatus;
  reason: string;
  blockNumber: bigint;
  createdAtMs: number;
  updatedAtMs: number;
}

export const TRANSACTION_STATUSES = ["broadcast", "mined", "reverted", "replaced", "dropped"] as const;

export interface TransactionHistory {
  txHash: string;
  planId: string;
  chainId: number;
  nonce: number;
  kind: "plan" | "replacement" | "cancel";
  status: (typeof TRANSACTION_STATUSES)[number];
  /** The transaction this one replaced (same nonce), if any. */
  replaces: string | null;
  gasUsed: bigint | null;
  blockNumber: bigint | null;
  atMs: number;
}

/**
 * What a mined plan actually paid (gas, venue fees, slippage against its quote), measured from its final receipt.
 * `riskRemovedUsd` is the plan's expected risk reduction: realized cost per risk removed is totalCostUsd over it.
 */
export interface PlanExecution extends RealizedCost {
  planId: string;
  chainId: number;
  bookId: string;
  blockNumber: bigint;
  txHash: string;
  /** The mining block's timestamp. */
  minedAtSec: number;
  recordedAtMs: number;
  gasUsed: bigint;
  /** Wei per gas the receipt charged. */
  effectiveGasPrice: bigint;
  /** What the engine estimated the plan would cost (plan.expectedCost.totalUsd), to set the realized one against. */
  expectedCostUsd: number;
  riskRemovedUsd: number;
  /**
   * Settlement collateral the transaction moved into the perp vault for the Safe, USD (negative = withdrawn), from
   * the Vault's Deposited/Withdrawn events (migration 5); null in rows recorded before it.
   */
  perpCollateralMovedUsd: number | null;
  /**
   * Perp funding the transaction settled for the Safe, USD (positive = paid), from the ClearingHouse's
   * FundingPaymentSettled events (migration 6); 0 when it settled none, null in rows recorded before it.
   */
  perpFundingSettledUsd: number | null;
  /**
   * Principal the transaction's LP withdrawals paid the Safe (liquidity turned back into tokens), USD at the feeds'
   * answers of its block (migration 8): a transfer out of the LP, not a loss. 0 when it withdrew nothing; null in
   * rows recorded before it, or when the payout could not be read.
   */
  lpWithdrawnPrincipalUsd: number | null;
  /** Fees those withdrawals collected (earned, not principal), USD as the principal; 0 or null as it. */
  lpFeesCollectedUsd: number | null;
  /**
   * The base the plan's swaps traded against another token, from the pools' Swap events (signed: + bought), and the
   * same at the plan's quoted base price, USD (migration 9; src/execution/hedge-swaps.ts): base that crossed the book's
   * edge for cash, a trade of the hedge. Absent or null in rows recorded before it.
   */
  swappedBase?: {
    base: number;
    atQuoteUsd: number;
    /**
     * The swaps' fill (migration 10): the cash they really received (+) or paid (−), their pool fees and slippage
     * against the quote, USD. Absent or null in rows recorded before it: the report then counts the cash at the quote.
     */
    fill?: { cashUsd: number; feesUsd: number; slippageUsd: number } | null;
  } | null;
}

/**
 * One log recorded for a book (event-table.ts): its key (chain, book, transaction, log index) and the block and time
 * it was mined at.
 */
export interface BookEventRecord {
  chainId: number;
  bookId: string;
  blockNumber: bigint;
  txHash: string;
  logIndex: number;
  timestampSec: number;
}

/**
 * A Perp v2 Vault Deposited or Withdrawn whose trader is a book's Safe (migration 12), whoever sent it: settlement
 * tokens moved into (+) or out of (−) the vault balance the samples record, a transfer and no P&L. movedUsd: the
 * amount in the settlement token's decimals, 1:1 with the dollar as the vault values it.
 */
export interface PerpCollateralMoveHistory extends BookEventRecord {
  collateralToken: string;
  movedUsd: number;
}

/**
 * A Perp v2 ClearingHouse FundingPaymentSettled whose trader is a book's Safe (migration 9), whoever sent it: funding
 * the pending funding the samples record no longer holds. fundingPaymentUsd: positive = the Safe paid.
 */
export interface PerpFundingSettlementHistory extends BookEventRecord {
  baseToken: string;
  fundingPaymentUsd: number;
}

/**
 * Principal and fees that went into or out of one of a book's LP positions in one transaction, whoever sent it
 * (migration 11, src/indexers/lp-principal-flows.ts), USD at the feeds of the block the keeper read it at.
 * principalUsd: + paid out of the position, − put in; the ToSpot parts are the base token's share that moved to (+)
 * or from (−) the Safe's own balance, which the sample's spotBase already counts.
 */
export interface LpPrincipalFlowHistory extends BookEventRecord {
  position: string;
  principalUsd: number;
  principalToSpotUsd: number;
  feesCollectedUsd: number;
  feesToSpotUsd: number;
}

/**
 * An Aave v3 LiquidationCall against a book's Safe (migration 7): the event's amounts in token units, valued at the
 * Aave oracle's prices of the block the keeper read it at, and the protocol's fee on the bonus (not in the event).
 * The bonus paid is everything the Safe lost beyond the debt covered: seized + protocol fee − covered, USD.
 */
export interface AaveLiquidationHistory extends BookEventRecord {
  account: string;
  liquidator: string;
  collateralAsset: string;
  collateralSymbol: string;
  collateralSeized: bigint;
  collateralSeizedUsd: number;
  /** Collateral Aave's treasury took as its share of the bonus, in the collateral's units, and USD. */
  protocolFee: bigint;
  protocolFeeUsd: number;
  debtAsset: string;
  debtSymbol: string;
  debtCovered: bigint;
  debtCoveredUsd: number;
  /** The debt covered in the book's base units (0 when the debt is not the base): the short bought back. */
  debtCoveredBase: number;
  bonusUsd: number;
}

/** The Aave leg's health factor over a period, from every sample in it (not bucketed); null without Aave samples. */
export interface AaveHealthSummary {
  samples: number;
  /** Lowest finite health factor; null when the account had no debt throughout. */
  minHealthFactor: number | null;
  minAtSec: number | null;
  /** The floor of the last sample (the one in force at the period's end). */
  floor: number;
  /** Time from each sample under its floor to the next sample (or the period's end), summed. */
  secondsUnderFloor: number;
}

export interface AlertHistory {
  key: string;
  severity: "info" | "warning" | "critical";
  status: "firing" | "resolved";
  title: string;
  text: string;
  bookId: string | null;
  atSec: number;
}

/** An action as the actions log shows it: the plan with its latest transaction. */
export interface ActionView extends PlanHistory {
  txHash: string | null;
  txStatus: TransactionHistory["status"] | null;
  gasUsed: bigint | null;
  /** How many times the plan's transaction was replaced (fee bumps). */
  replacements: number;
  /** The mined plan's realized slippage against its quote (positive = worse); null until mined, or without a trade. */
  slippageBps: number | null;
}

/** One point of a book's chart: a bucket's last sample (per block, or per bucket when downsampled for reading). */
export interface SeriesPoint {
  timestampSec: number;
  blockNumber: bigint;
  driftBps: number;
  thresholdBps: number;
  impermanentLossUsd: number;
  hedgeRatio: number;
  /** (mark − index) / index, bps. */
  basisBps: number;
  fundingRateDaily: number;
}

/**
 * One point of the series target-relative effectiveness is measured on (a bucket's last sample): the hedge's value
 * and the whole hedged item's, absent in samples written before it was recorded.
 */
export type HedgedHistoryPoint = HedgedSeriesPoint & { blockNumber: bigint };

/** Blocks [fromBlock, toBlock], both included. */
export type BlockRange = { fromBlock: bigint; toBlock: bigint };
/** Times [fromSec, toSec], both included. */
export type TimeRange = { fromSec: number; toSec: number };
/** A time range read as at most `maxPoints` equal-width buckets, each the last sample in it. */
export type BucketedTimeRange = TimeRange & { maxPoints: number };

export interface RetentionPolicy {
  /** Samples older than this keep one per book per minute (the minute's last). */
  downsampleAfterSec: number;
  /** Anything older than this is deleted (samples, decisions, alerts; plans and transactions stay longer). */
  retainSec: number;
  /** Plans, their transactions and executions: an audit trail, kept longer. */
  retainActionsSec: number;
}

export interface HistoryStore {
  /** Which engine runs underneath, for logs and the API's health. */
  readonly backend: "postgres" | "pglite";
  /**
   * The engine's rolling-metrics view of one chain's samples (SampleStore over the same table). `put` of a plain
   * BookSample keeps the dashboard fields a putSample of that block wrote; `removeFrom` (a reorg) also drops the
   * de-peg readings and decisions at those blocks, while book status waits for the next evaluation to replace it.
   */
  samples(chainId: number): SampleStore;
  putSample(
    chainId: number,
    bookId: string,
    sample: HistorySample,
    depeg: readonly DepegSample[],
  ): Promise<void>;
  /** Many books' samples in one transaction of multi-row statements (a group of books evaluated at a block). */
  putSamples(
    rows: readonly {
      chainId: number;
      bookId: string;
      sample: HistorySample;
      depeg: readonly DepegSample[];
    }[],
  ): Promise<void>;
  putBookStatus(status: BookStatus): Promise<void>;
  /** Many books' statuses in one statement; a status older than the stored one is ignored, as in putBookStatus. */
  putBookStatuses(statuses: readonly BookStatus[]): Promise<void>;
  putDecision(decision: DecisionRecord): Promise<void>;
  /** Many decisions in one statement (a decision of the same book and block replaces the stored one). */
  putDecisions(decisions: readonly DecisionRecord[]): Promise<void>;
  putPlan(plan: PlanHistory): Promise<void>;
  putTransaction(tx: TransactionHistory): Promise<void>;
  putAlert(alert: AlertHistory): Promise<void>;
  /** One row per plan: a replay of the same plan's execution overwrites it. */
  putExecution(execution: PlanExecution): Promise<void>;
  /** One row per (chain, book, transaction, log index): a replay overwrites it. */
  putAaveLiquidation(liquidation: AaveLiquidationHistory): Promise<void>;
  /** One row per (chain, book, transaction, log index): a replay overwrites it. */
  putFundingSettlements(settlements: readonly PerpFundingSettlementHistory[]): Promise<void>;
  /** One row per (chain, book, transaction, log index): a replay overwrites it. */
  putCollateralMoves(moves: readonly PerpCollateralMoveHistory[]): Promise<void>;
  /** One row per (chain, book, transaction, log index): a replay overwrites it. */
  putLpPrincipalFlows(flows: readonly LpPrincipalFlowHistory[]): Promise<void>;
  /** Records the config text in force (secrets are `${ENV}` references in it); returns its version hash. */
  putConfigVersion(text: string, atMs: number): Promise<string>;

  books(chainId?: number): Promise<StoredBookStatus[]>;
  book(bookId: string): Promise<StoredBookStatus | undefined>;
  /**
   * A book's chart between two times (inclusive), at most `maxPoints` points, oldest first: each the last sample
   * of its equal-width time bucket; empty buckets give no point. A sample written through `samples().put` (a
   * plain BookSample) has no dashboard fields: they read as NaN (a gap; `null` once in JSON).
   */
  series(bookId: string, range: BucketedTimeRange): Promise<SeriesPoint[]>;
  /**
   * The hedge's and the hedged item's values between two times (inclusive), downsampled as series() is: each
   * point the last sample of its equal-width bucket, at most `maxPoints`, oldest first. The keeper measures the
   * 1 h … 30 d effectiveness windows on it.
   */
  hedgedSeries(bookId: string, range: BucketedTimeRange): Promise<HedgedHistoryPoint[]>;
  /**
   * hedgedSeries for several books over several ranges in one read: `result[book][range]`, in the order given (a
   * group of books evaluated at one block reads its steward windows at once).
   */
  hedgedSeriesOfBooks(
    bookIds: readonly string[],
    ranges: readonly BucketedTimeRange[],
  ): Promise<HedgedHistoryPoint[][][]>;
  /** The latest de-peg reading per stablecoin across books (per chain: an address names a token on one chain). */
  depeg(): Promise<
    (DepegSample & { chainId: number; bookId: string; blockNumber: bigint; timestampSec: number })[]
  >;
  /**
   * Plans newest first (by createdAtMs), each with its current transaction: the latest by atMs that no other
   * transaction of the plan replaced.
   */
  actions(options: { limit: number; bookId?: string }): Promise<ActionView[]>;
  /** Newest first (by atMs). A skipped decision's NaN driftBps reads back as NaN, null as null. */
  decisions(options: { limit: number; bookId?: string }): Promise<DecisionRecord[]>;
  /**
   * Mined plans' realized costs newest first (by minedAtSec), per book on request, mined within
   * [fromSec, toSec] when given.
   */
  executions(options: {
    limit: number;
    bookId?: string;
    fromSec?: number;
    toSec?: number;
  }): Promise<PlanExecution[]>;
  /** executions() of each of several books over one period in one read: `result[i]` is `bookIds[i]`'s. */
  executionsOfBooks(
    bookIds: readonly string[],
    options: { limit: number; fromSec: number; toSec: number },
  ): Promise<PlanExecution[][]>;
  /** Newest first (by atSec); per book and within [fromSec, toSec] when given. */
  alerts(options: {
    limit: number;
    bookId?: string;
    fromSec?: number;
    toSec?: number;
  }): Promise<AlertHistory[]>;
  /**
   * What a performance report rests on (read-report-samples.ts): a book's samples with every column attribution
   * needs, between two times (inclusive), each the last sample of its equal-width bucket, at most maxPoints.
   */
  reportSamples(bookId: string, range: BucketedTimeRange): Promise<ReportSample[]>;
  /** A book's Aave liquidations between two times (inclusive), oldest first. */
  aaveLiquidations(bookId: string, range: TimeRange): Promise<AaveLiquidationHistory[]>;
  /** A book's recorded funding settlements in blocks [fromBlock, toBlock], oldest first. */
  fundingSettlements(bookId: string, blocks: BlockRange): Promise<PerpFundingSettlementHistory[]>;
  /** A book's recorded perp collateral moves in blocks [fromBlock, toBlock], oldest first. */
  collateralMoves(bookId: string, blocks: BlockRange): Promise<PerpCollateralMoveHistory[]>;
  /** A book's recorded LP principal flows in blocks [fromBlock, toBlock], oldest first. */
  lpPrincipalFlows(bookId: string, blocks: BlockRange): Promise<LpPrincipalFlowHistory[]>;
  /** The Aave leg's health factor over [fromSec, toSec]: its minimum and the time spent under the floor. */
  aaveHealth(bookId: string, range: TimeRange): Promise<AaveHealthSummary | null>;
  /** A book's stablecoin de-peg tier changes between two times (inclusive), oldest first. */
  depegTierChanges(bookId: string, range: TimeRange): Promise<DepegTierChange[]>;
  /** The version recorded last (sha256 hex of its text) and when that text was first recorded. */
  configVersion(): Promise<{ hash: string; atMs: number } | undefined>;

  /** Downsample and delete by the policy, as of `nowSec`; returns rows removed per table. */
  compact(policy: RetentionPolicy, nowSec: number): Promise<Record<string, number>>;
  close(): Promise<void>;
}
