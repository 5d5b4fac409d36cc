// A small, realistic history written through the store's own write methods: two books on one chain (one inside
// its band, one beyond it), half an hour of samples each, a USDC de-peg reading, each book's detail as the
// keeper writes it (keeper/evaluation-history.ts), decisions, a plan whose transaction was replaced once, and
// alerts. The API and browser suites read it back.
import type {
  BookDetail,
  EffectivenessWindowDetail,
  StressRow,
} from "../../../src/evaluation/book-evaluation.ts";
import type {
  BookStatus,
  DepegSample,
  HistorySample,
  HistoryStore,
  PlanHistory,
  TransactionHistory,
} from "../../../src/store/history-store.ts";

export const CHAIN_ID = 31337;
export const USDC = "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48";

export const STRESS_ROWS: StressRow[] = [
  {
    shock: "price -30.0%",
    lpPnlUsd: -48_210.5,
    hedgePnlUsd: 45_900.25,
    netPnlUsd: -2_310.25,
    netPnlBps: -23.1,
  },
  { shock: "price +30.0%", lpPnlUsd: 41_002, hedgePnlUsd: -45_900.25, netPnlUsd: -4_898.25, netPnlBps: -49 },
  { shock: "USDC at $0.8774", lpPnlUsd: -61_300, hedgePnlUsd: 0, netPnlUsd: -61_300, netPnlBps: -613 },
];

/**
 * Hedge effectiveness of eth-usdc over its last 20 and 60 blocks (the keeper's window reaches back further than
 * the half hour of samples seeded here); the longer one is the status block's effectiveness.
 */
export const ETH_USDC_EFFECTIVENESS: EffectivenessWindowDetail[] = [
  {
    samples: 20,
    fromBlock: "1010",
    toBlock: "1029",
    ederington: 0.951,
    correlation: -0.9752,
    minVarianceHedgeMultiple: 1.018,
    basisMarkIndexBps: { mean: 4.83, std: 1.27 },
    fundingCarryUsdPerYear: 54_210.4,
    varianceRemoved: 0.951,
    costPerUnitRiskRemoved: -0.1184,
  },
  {
    samples: 60,
    fromBlock: "970",
    toBlock: "1029",
    ederington: 0.93,
    correlation: -0.9644,
    minVarianceHedgeMultiple: 0.982,
    basisMarkIndexBps: { mean: 5.12, std: 1.93 },
    fundingCarryUsdPerYear: 53_880.75,
    varianceRemoved: 0.93,
    costPerUnitRiskRemoved: -0.1121,
  },
];

/**
 * The detail the keeper stores with a status. eth-usdc: a 250 ETH short on perp-v2 against a $1M ETH/USDC LP,
 * two effectiveness windows, USDC at its warn tier. wbtc-usdc: its perp closed (hence beyond its band), so no
 * effectiveness window the engine accepts (the hedge series is flat) and no stablecoin reading.
 */
export function bookDetail(bookId: string): BookDetail {
  if (bookId === "wbtc-usdc") {
    return {
      armBps: 400,
      rearmBps: 100,
      driftState: "under",
      netDeltaUsd: 32_005.5,
      basePriceUsd: 64_250.5,
      oracle: { fresh: true, ageSec: 41, problem: null },
      lp: {
        valueUsd: 500_000,
        feesUsd: 612.4,
        hodlValueUsd: 501_870.25,
        expectedIlUsd: -1_690,
        lvrUsdPerYear: 21_400,
      },
      perp: null,
      effectiveness: [],
      stress: STRESS_ROWS,
      stressProblem: null,
      depeg: [],
    };
  }
  return {
    armBps: 500,
    rearmBps: 150,
    driftState: "over",
    netDeltaUsd: -6_012.4,
    basePriceUsd: 2000,
    oracle: { fresh: true, ageSec: 12, problem: null },
    lp: {
      valueUsd: 1_000_000,
      feesUsd: 1_843.27,
      hodlValueUsd: 1_001_234.5,
      expectedIlUsd: -1_410.8,
      lvrUsdPerYear: 38_250,
    },
    perp: {
      venue: "perp-v2",
      sizeBase: -250.1234,
      notionalUsd: -500_246.8,
      markPrice: 2001,
      indexPrice: 2000,
      marginRatio: 0.2,
      leverage: 5,
      liquidationDistanceBps: 7_412,
      fundingCarryUsdPerYear: 54_777.02,
    },
    effectiveness: ETH_USDC_EFFECTIVENESS,
    stress: STRESS_ROWS,
    stressProblem: null,
    depeg: [{ symbol: "USDC", tier: "warn", deviationBps: -60 }],
  };
}

export interface SeededBook {
  bookId: string;
  driftBps: number;
  thresholdBps: number;
  /** The status block: the last of the book's samples. */
  blockNumber: bigint;
  timestampSec: number;
}

export interface SeededHistory {
  startSec: number;
  books: { inside: SeededBook; beyond: SeededBook };
  planId: string;
  txHashes: { first: string; replacement: string };
}

function hash(n: number): string {
  return `0x${n.toString(16).padStart(64, "0")}`;
}

export function historySample(
  blockNumber: bigint,
  timestampSec: number,
  values: Partial<HistorySample> = {},
): HistorySample {
  return {
    blockNumber,
    timestampSec,
    basePriceUsd: 2000,
    lpValueUsd: 1_000_000,
    hedgeValueUsd: 50_000,
    perpMarkPriceUsd: 2001,
    perpIndexPriceUsd: 2000,
    poolPriceUsd: 2000,
    fundingRateDaily: 0.0003,
    perpSizeBase: -250,
    driftBps: 0,
    thresholdBps: 500,
    hedgeRatio: 1,
    targetHedgeRatio: 1,
    impermanentLossUsd: -1200,
    bookValueUsd: 1_050_000,
    ...values,
  };
}

export function usdcReading(priceUsd: number): DepegSample {
  const deviationBps = (priceUsd - 1) * 10_000;
  return {
    token: USDC,
    symbol: "USDC",
    priceUsd,
    deviationBps,
    tier: Math.abs(deviationBps) >= 50 ? "warn" : "ok",
    tierNote: Math.abs(deviationBps) >= 50 ? "below the warn band on 2 sources" : null,
    exposureUsd: 500_000,
    sources: [
      { kind: "chainlink", ref: "USDC/USD", priceUsd, deviationBps, usable: true },
      {
        kind: "pool",
        ref: "USDC/USDT 0.01%",
        priceUsd: priceUsd + 0.0002,
        deviationBps: deviationBps + 2,
        usable: true,
      },
    ],
  };
}

export function bookStatus(book: SeededBook, values: Partial<BookStatus> = {}): BookStatus {
  return {
    chainId: CHAIN_ID,
    bookId: book.bookId,
    blockNumber: book.blockNumber,
    timestampSec: book.timestampSec,
    status: Math.abs(book.driftBps) > book.thresholdBps ? "act" : "ok",
    driftBps: book.driftBps,
    thresholdBps: book.thresholdBps,
    hedgeRatio: 1 - book.driftBps / 10_000,
    targetHedgeRatio: 1,
    impermanentLossUsd: -1234.5,
    bookValueUsd: 1_050_000,
    effectiveness: book.bookId === "eth-usdc" ? 0.93 : null,
    detail: bookDetail(book.bookId),
    ...values,
  };
}

/** Writes the fixture; samples are one a minute, the last `endSec` (default: now, so "the last 24 h" holds them). */
export async function seedHistory(
  store: HistoryStore,
  options: { endSec?: number; samples?: number } = {},
): Promise<SeededHistory> {
  const count = options.samples ?? 30;
  const endSec = options.endSec ?? Math.floor(Date.now() / 1000);
  const startSec = endSec - (count - 1) * 60;
  const firstBlock = 1000n;
  const lastBlock = firstBlock + BigInt(count - 1);
  const books = {
    inside: {
      bookId: "eth-usdc",
      driftBps: 120,
      thresholdBps: 500,
      blockNumber: lastBlock,
      timestampSec: endSec,
    },
    beyond: {
      bookId: "wbtc-usdc",
      driftBps: -640,
      thresholdBps: 400,
      blockNumber: lastBlock,
      timestampSec: endSec,
    },
  } satisfies SeededHistory["books"];

  for (let i = 0; i < count; i++) {
    const block = firstBlock + BigInt(i);
    const at = startSec + i * 60;
    const step = i / (count - 1);
    for (const book of [books.inside, books.beyond]) {
      await store.putSample(
        CHAIN_ID,
        book.bookId,
        historySample(block, at, {
          driftBps: book.driftBps * step,
          thresholdBps: book.thresholdBps,
          hedgeRatio: 1 - (book.driftBps * step) / 10_000,
          impermanentLossUsd: -1234.5 * step,
          perpMarkPriceUsd: 2000 + step,
        }),
        book === books.inside ? [usdcReading(1 - 0.006 * step)] : [],
      );
    }
  }
  for (const book of [books.inside, books.beyond]) await store.putBookStatus(bookStatus(book));

  for (let i = 0; i < 3; i++) {
    await store.putDecision({
      chainId: CHAIN_ID,
      bookId: books.inside.bookId,
      blockNumber: lastBlock - BigInt(2 - i),
      atMs: (endSec - (2 - i) * 60) * 1000,
      kind: "noop",
      reason: "drift inside the band",
      planId: null,
      driftBps: books.inside.driftBps,
    });
  }
  const planId = hash(0xa11ce);
  await store.putDecision({
    chainId: CHAIN_ID,
    bookId: books.beyond.bookId,
    blockNumber: lastBlock,
    atMs: endSec * 1000,
    kind: "plan",
    reason: "drift beyond the band: rebalance the perp",
    planId,
    driftBps: books.beyond.driftBps,
  });
  const plan: PlanHistory = {
    planId,
    chainId: CHAIN_ID,
    bookId: books.beyond.bookId,
    lane: "routine",
    mode: "execute",
    status: "mined",
    reason: "drift beyond the band: rebalance the perp",
    blockNumber: lastBlock,
    createdAtMs: endSec * 1000,
    updatedAtMs: endSec * 1000 + 30_000,
  };
  await store.putPlan(plan);
  const first = hash(0xbeef01);
  const replacement = hash(0xbeef02);
  const tx = (values: Partial<TransactionHistory>): TransactionHistory => ({
    txHash: first,
    planId,
    chainId: CHAIN_ID,
    nonce: 7,
    kind: "plan",
    status: "broadcast",
    replaces: null,
    gasUsed: null,
    blockNumber: null,
    atMs: endSec * 1000 + 1000,
    ...values,
  });
  await store.putTransaction(tx({}));
  await store.putTransaction(tx({ status: "replaced" }));
  await store.putTransaction(
    tx({
      txHash: replacement,
      kind: "replacement",
      status: "mined",
      replaces: first,
      gasUsed: 187_654n,
      blockNumber: lastBlock + 2n,
      atMs: endSec * 1000 + 25_000,
    }),
  );

  await store.putAlert({
    key: `drift:${books.beyond.bookId}`,
    severity: "critical",
    status: "firing",
    title: "wbtc-usdc drift beyond its band",
    text: "drift -640 bps, band ±400 bps",
    bookId: books.beyond.bookId,
    atSec: endSec,
  });
  await store.putAlert({
    key: "depeg:USDC",
    severity: "warning",
    status: "resolved",
    title: "USDC back inside its watch band",
    text: "<b>not markup</b>",
    bookId: null,
    atSec: endSec - 120,
  });
  return { startSec, books, planId, txHashes: { first, replacement } };
}
