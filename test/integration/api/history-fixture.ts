// A small, realistic history written through the store's own write methods: two books on one chain (one inside
// its band, one beyond it), half an hour of samples each, a USDC de-peg reading, each book's detail as the
// keeper writes it (keeper/evaluation-history.ts), decisions, a plan whose transaction was replaced once, and
// alerts. The API and browser suites read it back.
import type {
  BookDetail,
  EffectivenessWindowDetail,
  StressRow,
  TargetEffectivenessWindowDetail,
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

/** A row's liquidation columns when the shock leaves the hedge alone. */
const NOT_LIQUIDATED = {
  liquidated: false,
  liquidationPriceUsd: 2_635.3,
  liquidationMovePct: 0.31765,
  liquidatedFraction: 0,
  liquidationPenaltyUsd: 0,
  liquidationLossUsd: 0,
  collateralDepegPnlUsd: 0,
};

/** What the published table (/api/stress) serves of each row: its P&L columns. */
export const PUBLISHED_STRESS_ROWS = [
  {
    shock: "price -30.0%",
    lpPnlUsd: -48_210.5,
    hedgePnlUsd: 45_900.25,
    netPnlUsd: -2_310.25,
    netPnlBps: -23.1,
  },
  { shock: "price +30.0%", lpPnlUsd: 41_002, hedgePnlUsd: -45_900.25, netPnlUsd: -4_898.25, netPnlBps: -49 },
  {
    shock: "USDC at $0.8774",
    lpPnlUsd: -61_300,
    hedgePnlUsd: -12_270,
    netPnlUsd: -73_570,
    netPnlBps: -735.7,
  },
];

/**
 * The rows the keeper stores: the +30% rally crosses the short's liquidation price (+31.8% away is not far enough
 * once the margin is counted along the path), half the hedge is taken over; the USDC de-peg costs the venue
 * collateral its discount.
 */
export const STRESS_ROWS: StressRow[] = [
  { ...PUBLISHED_STRESS_ROWS[0]!, spotPnlUsd: 0, marginRatioAfter: 0.3143, ...NOT_LIQUIDATED },
  {
    ...PUBLISHED_STRESS_ROWS[1]!,
    spotPnlUsd: 0,
    marginRatioAfter: 0.0594,
    ...NOT_LIQUIDATED,
    liquidated: true,
    liquidatedFraction: 0.5,
    liquidationPenaltyUsd: 8_236.4,
    liquidationLossUsd: 48_120.75,
  },
  {
    ...PUBLISHED_STRESS_ROWS[2]!,
    spotPnlUsd: 0,
    marginRatioAfter: 0.2,
    ...NOT_LIQUIDATED,
    collateralDepegPnlUsd: -12_270,
  },
];

/** The steward windows of eth-usdc: live, 1 h and 1 d measured; 7 d and 30 d blank, the history too short. */
export const ETH_USDC_TARGET_EFFECTIVENESS: TargetEffectivenessWindowDetail[] = [
  {
    label: "live",
    durationSec: null,
    source: "blocks",
    samples: 240,
    fromSec: 1_700_000_000,
    toSec: 1_700_002_868,
    fromBlock: "790",
    toBlock: "1029",
    reason: null,
    targetHedgeRatio: 1,
    realizedHedgeRatio: 0.9712,
    correlation: -0.9811,
    raw: {
      ederington: 0.9614,
      minVarianceMultiple: 1.012,
      dollarOffset: 0.9533,
      dollarOffsetHighlyEffective: true,
      regressionSlope: -0.9712,
      regressionR2: 0.9626,
      effective: true,
    },
    relative: {
      ederington: 0.9614,
      minVarianceMultiple: 1.012,
      dollarOffset: 0.9533,
      dollarOffsetHighlyEffective: true,
      regressionSlope: -0.9712,
      regressionR2: 0.9626,
      effective: true,
    },
  },
  {
    label: "1h",
    durationSec: 3_600,
    source: "history",
    samples: 241,
    fromSec: 1_699_999_268,
    toSec: 1_700_002_868,
    fromBlock: "730",
    toBlock: "1029",
    reason: null,
    targetHedgeRatio: 1,
    realizedHedgeRatio: 0.9655,
    correlation: -0.9702,
    raw: {
      ederington: 0.9406,
      minVarianceMultiple: 1.0049,
      dollarOffset: 1.0321,
      dollarOffsetHighlyEffective: true,
      regressionSlope: -0.9655,
      regressionR2: 0.9413,
      effective: true,
    },
    relative: {
      ederington: 0.9406,
      minVarianceMultiple: 1.0049,
      dollarOffset: 1.0321,
      dollarOffsetHighlyEffective: true,
      regressionSlope: -0.9655,
      regressionR2: 0.9413,
      effective: true,
    },
  },
  {
    label: "1d",
    durationSec: 86_400,
    source: "history",
    samples: 241,
    fromSec: 1_699_916_468,
    toSec: 1_700_002_868,
    fromBlock: "12",
    toBlock: "1029",
    reason: null,
    targetHedgeRatio: 1,
    realizedHedgeRatio: 0.9301,
    correlation: -0.9649,
    raw: {
      ederington: 0.93,
      minVarianceMultiple: 1.0338,
      dollarOffset: 1.3112,
      dollarOffsetHighlyEffective: false,
      regressionSlope: -0.9301,
      regressionR2: 0.931,
      effective: true,
    },
    relative: {
      ederington: 0.93,
      minVarianceMultiple: 1.0338,
      dollarOffset: 1.3112,
      dollarOffsetHighlyEffective: false,
      regressionSlope: -0.9301,
      regressionR2: 0.931,
      effective: true,
    },
  },
  ...(
    [
      ["7d", 7 * 86_400],
      ["30d", 30 * 86_400],
    ] as const
  ).map(
    ([label, durationSec]): TargetEffectivenessWindowDetail => ({
      label,
      durationSec,
      source: "history",
      samples: 242,
      fromSec: 1_699_916_468,
      toSec: 1_700_002_868,
      fromBlock: "12",
      toBlock: "1029",
      reason: `history covers 86400s of the ${durationSec}s window (need 90%)`,
      targetHedgeRatio: 1,
      realizedHedgeRatio: null,
      correlation: null,
      raw: null,
      relative: null,
    }),
  ),
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
      sigma: {
        annual: 0.55,
        source: "fallback",
        reason:
          "too little price data for a realized σ (oracle: 3 distinct moves (need 20); pool: 7 distinct moves (need 20))",
        series: null,
        observations: 8,
        moves: 7,
        spanSec: 1_740,
        realizedAnnual: null,
      },
      lp: {
        valueUsd: 500_000,
        feesUsd: 612.4,
        hodlValueUsd: 501_870.25,
        expectedIlUsd: -1_690,
        lvrUsdPerYear: 21_400,
        lvrUsdPerYearPerSigma: 77_818.18,
        gammaBase: -0.000_004_1,
        gammaUsdPer1Pct: -169.25,
      },
      perp: null,
      hedgeLegs: [],
      basis: { markIndexBps: null, indexPoolBps: -2.4 },
      residualRisk: {
        confidence: 0.95,
        horizonSec: 3_600,
        samples: 2,
        valueAtRiskUsd: null,
        expectedShortfallUsd: null,
        reason: "2 samples (need 3)",
      },
      effectiveness: [],
      targetEffectiveness: ETH_USDC_TARGET_EFFECTIVENESS.map((w) => ({
        ...w,
        samples: 0,
        fromSec: null,
        toSec: null,
        fromBlock: null,
        toBlock: null,
        reason: w.durationSec === null ? "1 changes (need 20)" : "no history store",
        realizedHedgeRatio: null,
        correlation: null,
        raw: null,
        relative: null,
      })),
      stress: STRESS_ROWS,
      stressProblem: null,
      lpPositions: [],
      depeg: [],
      realizedExecution: {
        windowSec: 2_592_000,
        plans: 0,
        lastPlanId: null,
        lastMinedAtSec: null,
        lastSlippageBps: null,
        averageSlippageBps: null,
        costPerRiskRemoved: null,
        expectedCostPerRiskRemoved: null,
        totals: { gasUsd: 0, feesUsd: 0, slippageUsd: 0, costUsd: 0, expectedCostUsd: 0 },
      },
    };
  }
  return {
    armBps: 500,
    rearmBps: 150,
    driftState: "over",
    netDeltaUsd: -6_012.4,
    basePriceUsd: 2000,
    oracle: { fresh: true, ageSec: 12, problem: null },
    sigma: {
      annual: 0.6234,
      source: "realized",
      reason: null,
      series: "oracle",
      observations: 143,
      moves: 141,
      spanSec: 86_400,
      realizedAnnual: 0.6234,
    },
    lp: {
      valueUsd: 1_000_000,
      feesUsd: 1_843.27,
      hodlValueUsd: 1_001_234.5,
      expectedIlUsd: -1_410.8,
      lvrUsdPerYear: 38_250,
      lvrUsdPerYearPerSigma: 122_714.2,
      gammaBase: -0.3421,
      gammaUsdPer1Pct: -13_684,
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
      liquidationPriceUsd: 2_635.3,
      liquidationMovePct: 0.31765,
      fundingCarryUsdPerYear: 54_777.02,
    },
    hedgeLegs: [
      {
        venue: "perp-v2",
        deltaBase: -250.1234,
        notionalUsd: 500_246.8,
        collateralUsd: 100_049.4,
        healthFactor: null,
        healthFactorBand: null,
        marginRatio: 0.2,
        liquidationPriceUsd: 2_635.3,
        liquidationDistanceBps: 7_412,
        carryUsdPerYear: 54_777.02,
        shortCarryApr: -0.1095,
      },
      {
        venue: "aave-v3-borrow",
        deltaBase: -40,
        notionalUsd: 80_000,
        collateralUsd: 180_000,
        healthFactor: 1.755,
        healthFactorBand: { floor: 1.5, target: 1.8, ceiling: 2.5 },
        marginRatio: null,
        liquidationPriceUsd: 3_510,
        liquidationDistanceBps: 7_550,
        carryUsdPerYear: 5_400,
        shortCarryApr: -0.0125,
      },
    ],
    basis: { markIndexBps: 5, indexPoolBps: 1.35 },
    residualRisk: {
      confidence: 0.95,
      horizonSec: 3_600,
      samples: 240,
      valueAtRiskUsd: 4_312.5,
      expectedShortfallUsd: 5_480.2,
      reason: null,
    },
    effectiveness: ETH_USDC_EFFECTIVENESS,
    targetEffectiveness: ETH_USDC_TARGET_EFFECTIVENESS,
    stress: STRESS_ROWS,
    stressProblem: null,
    lpPositions: V3_AND_HOOKED_V4_POSITIONS,
    depeg: [{ symbol: "USDC", tier: "warn", deviationBps: -60 }],
    realizedExecution: ETH_USDC_REALIZED_EXECUTION,
  };
}

/** What eth-usdc's mined plans paid over 30 days: two plans, the last 12.5 bps worse than its quote. */
export const ETH_USDC_REALIZED_EXECUTION = {
  windowSec: 2_592_000,
  plans: 2,
  lastPlanId: `0x${"e1".repeat(32)}`,
  lastMinedAtSec: 1_750_000_000,
  lastSlippageBps: 12.5,
  averageSlippageBps: 8.25,
  costPerRiskRemoved: 0.0375,
  expectedCostPerRiskRemoved: 0.03,
  totals: { gasUsd: 4.2, feesUsd: 18, slippageUsd: 15.3, costUsd: 37.5, expectedCostUsd: 30 },
};

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
    effectivenessWindow: book.bookId === "eth-usdc" ? "1d" : null,
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
  // What the mined plan paid: a perp sale 14.2 bps below its quoted mark.
  await store.putExecution({
    planId,
    chainId: CHAIN_ID,
    bookId: books.beyond.bookId,
    blockNumber: lastBlock + 2n,
    txHash: replacement,
    minedAtSec: endSec + 24,
    recordedAtMs: endSec * 1000 + 30_000,
    gasUsed: 187_654n,
    effectiveGasPrice: 3_000_000_000n,
    gasUsd: 1.69,
    feesUsd: 5,
    slippageUsd: 7.1,
    totalCostUsd: 13.79,
    expectedCostUsd: 11,
    quotedPrice: 50_000,
    realizedPrice: 49_929,
    slippageBps: 14.2,
    notionalUsd: 5_000,
    riskRemovedUsd: 420,
    perpCollateralMovedUsd: 0,
    perpFundingSettledUsd: 0,
    lpWithdrawnPrincipalUsd: 0,
    lpFeesCollectedUsd: 0,
    legs: [
      {
        actionIndex: 0,
        kind: "perp",
        venue: "perp-v2",
        side: "sell",
        quotedPrice: 50_000,
        realizedPrice: 49_929,
        slippageBps: 14.2,
        slippageUsd: 7.1,
        notionalUsd: 5_000,
        feesUsd: 5,
      },
    ],
  });

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

/** A v3 position beside a v4 one in a hooked dynamic-fee pool (the devnet's hook: afterInitialize). */
const V3_AND_HOOKED_V4_POSITIONS: BookDetail["lpPositions"] = [
  {
    id: "v3:1",
    protocol: "uniswap-v3",
    pool: "0x88e6A0c2dDD26FEEb64F039a2c41296FcB3f5640",
    inRange: true,
    valueUsd: 1_205_000,
    feesUsd: 3_400,
    deltaBase: 201.5,
    lpFeePips: 500,
    dynamicFee: false,
    hook: null,
  },
  {
    id: "v4:3",
    protocol: "uniswap-v4",
    pool: "0x0d2ab1d1e3d8b0bd4c4c3c1c8b8ba0c2f0d6e7e4f8b9b0c2d6e7f8091a2b3c4d",
    inRange: true,
    valueUsd: 60_000,
    feesUsd: 120,
    deltaBase: 10.1,
    lpFeePips: 10_000,
    dynamicFee: true,
    hook: { address: "0x0000000000000000000000000000000000001000", permissions: ["afterInitialize"] },
  },
];
