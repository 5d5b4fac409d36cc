// The rows reportPointsOf reads (src/store/report-period.ts) as the report-period unit tests build them: a sample of a
// book that holds nothing and an execution that paid nothing, which a test overrides with what it is about. Every
// default is a zero, an empty value or one no attribution term reads (the sample's drift, band and target ratio, the
// execution's ids and clock), so a test's figures come from its own overrides.
import type { PlanExecution, ReportSample, SampleAttributionInputs } from "./history-store.ts";

export const REPORT_CHAIN_ID = 31_337;
export const REPORT_BOOK_ID = "book";
/** The base price of a sample that names none: the base, the perp's mark and index and the pool all read it. */
export const SAMPLE_PRICE_USD = 2_000;
const GENESIS_SEC = 1_700_000_000;
const BLOCK_SEC = 12;

/** A block's timestamp where a test names none: 12 s blocks, as mainnet's. */
export function blockTimeSec(block: bigint): number {
  return GENESIS_SEC + Number(block) * BLOCK_SEC;
}

/** A book with no LP, no hedge, no funding rate and no Aave leg, on target. */
const EMPTY_BOOK = {
  lpValueUsd: 0,
  hedgeValueUsd: 0,
  fundingRateDaily: 0,
  perpSizeBase: 0,
  aaveDeltaBase: null,
  driftBps: 0,
  thresholdBps: 100,
  targetHedgeRatio: 1,
} as const satisfies Partial<ReportSample>;

/** No LP fees or delta, no spot, no pending funding, no perp account, no scans: what a test does not set is not there. */
const EMPTY_ATTRIBUTION = {
  lpFeesOwedUsd: 0,
  lpDeltaBase: 0,
  spotBase: 0,
  pendingFundingUsd: 0,
  perp: null,
} as const satisfies SampleAttributionInputs;

export type ReportSampleFields = Partial<Omit<ReportSample, "blockNumber" | "attribution">> & {
  /** Sets the base price, the perp's mark and index and the pool price at once (each can still be set apart). */
  priceUsd?: number;
  /** Merged over the empty attribution inputs. */
  attribution?: Partial<SampleAttributionInputs>;
};

/** A sample as read-report-samples.ts returns it: the empty book at SAMPLE_PRICE_USD, at blockTimeSec, overridden. */
export function reportSample(blockNumber: bigint, fields: ReportSampleFields = {}): ReportSample {
  const { priceUsd = SAMPLE_PRICE_USD, attribution, ...sample } = fields;
  return {
    blockNumber,
    timestampSec: blockTimeSec(blockNumber),
    basePriceUsd: priceUsd,
    perpMarkPriceUsd: priceUsd,
    perpIndexPriceUsd: priceUsd,
    poolPriceUsd: priceUsd,
    ...EMPTY_BOOK,
    ...sample,
    attribution: { ...EMPTY_ATTRIBUTION, ...attribution },
  };
}

export type PlanExecutionFields = Partial<Omit<PlanExecution, "blockNumber" | "txHash">>;

/**
 * A mined plan's execution as the history stores it: it paid nothing, traded nothing, moved and settled nothing and
 * withdrew nothing, unless overridden. Its total cost is gas + fees + slippage, as RealizedCost defines it.
 */
export function planExecution(
  blockNumber: bigint,
  txHash: string,
  fields: PlanExecutionFields = {},
): PlanExecution {
  const gasUsd = fields.gasUsd ?? 0;
  const feesUsd = fields.feesUsd ?? 0;
  const slippageUsd = fields.slippageUsd ?? 0;
  return {
    planId: `plan-${blockNumber}`,
    chainId: REPORT_CHAIN_ID,
    bookId: REPORT_BOOK_ID,
    blockNumber,
    txHash,
    minedAtSec: blockTimeSec(blockNumber),
    recordedAtMs: 0,
    gasUsed: 0n,
    effectiveGasPrice: 0n,
    expectedCostUsd: 0,
    riskRemovedUsd: 0,
    legs: [],
    gasUsd,
    feesUsd,
    slippageUsd,
    totalCostUsd: gasUsd + feesUsd + slippageUsd,
    notionalUsd: 0,
    slippageBps: null,
    quotedPrice: null,
    realizedPrice: null,
    perpCollateralMovedUsd: 0,
    perpFundingSettledUsd: 0,
    lpWithdrawnPrincipalUsd: 0,
    lpFeesCollectedUsd: 0,
    ...fields,
  };
}

/**
 * Where a log the indexer recorded for the book's Safe stands (a funding settlement, a collateral move, an LP
 * principal flow): its block, at blockTimeSec, its transaction and its index in the block (the order within it).
 */
export function recordedLog(blockNumber: bigint, txHash: string, logIndex: number) {
  return {
    chainId: REPORT_CHAIN_ID,
    bookId: REPORT_BOOK_ID,
    blockNumber,
    txHash,
    logIndex,
    timestampSec: blockTimeSec(blockNumber),
  };
}
