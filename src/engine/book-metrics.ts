// Full evaluation of a book at one block: every LP position, the perp, spot, hedge drift and de-peg.
// The monitor shows this; decide() acts on it.
import { type AaveLegMetrics, aaveLegMetrics } from "./aave-leg.ts";
import { type DepegReport, depegReport } from "./depeg.ts";
import { type HedgeDrift, hedgeDrift } from "./hedge-drift.ts";
import { type HedgeLeg, hedgeLegsOf } from "./hedge-leg.ts";
import { fail, toFloat } from "./input-guards.ts";
import {
  type LpPositionMetrics,
  type LpValuationContext,
  lpPositionMetrics,
  type PoolView,
} from "./lp-metrics.ts";
import { type OracleHealth, oracleHealth, oraclePrice } from "./oracle.ts";
import type { BookParams } from "./params.ts";
import { type PerpMetrics, perpMetrics } from "./perp-metrics.ts";
import { poolAssets, poolIdOf } from "./pool-identity.ts";
import { sqrtPriceX96ToPrice } from "./price-tick.ts";
import type { BookSnapshot, OracleReading, PoolSnapshot } from "./snapshot.ts";
import { usdPricer } from "./usd-price.ts";
import { estimateSigma, SECONDS_PER_YEAR, type SigmaEstimate, sigmaParamsOf } from "./volatility.ts";

export interface BookMetrics {
  bookId: string;
  blockNumber: bigint;
  basePriceUsd: number;
  baseOracle: OracleHealth;
  sigmaAnnual: number;
  sigmaSource: "realized" | "fallback";
  /** How sigmaAnnual was arrived at: series, observations, and why the fallback or floor was used. */
  sigma: SigmaEstimate;
  lp: LpPositionMetrics[];
  lpValueUsd: number;
  lpFeesUsd: number;
  lpHodlValueUsd: number;
  impermanentLossUsd: number;
  lpGammaBase: number;
  lpGammaUsdPer1Pct: number;
  lvrUsdPerYear: number;
  lvrUsdPerYearPerSigma: number;
  expectedIlUsd: number;
  expectedIlUsdPerSigma: number;
  perp: PerpMetrics | null;
  /** The Aave v3 borrow-short leg against its band, when the book has one. */
  aave: AaveLegMetrics | null;
  /** Every hedge leg through one interface (hedge-leg.ts), perp first. */
  hedgeLegs: HedgeLeg[];
  spotValueUsd: number;
  bookValueUsd: number;
  drift: HedgeDrift;
  depeg: DepegReport[];
}

export function evaluateBook(book: BookSnapshot, params: BookParams, nowSec: number): BookMetrics {
  if (!Number.isFinite(nowSec)) fail("nowSec", "must be a finite number", nowSec);
  if (!Number.isFinite(book.blockTimestampSec))
    fail("book.blockTimestampSec", "must be a finite number", book.blockTimestampSec);
  const base = book.base.address.toLowerCase();
  const basePriceUsd = oraclePrice(book.baseOracle);
  const pools = new Map<string, PoolSnapshot>();
  for (const pool of book.pools) pools.set(poolIdOf(pool), pool);
  const oraclesByFeed = new Map<string, OracleReading>();
  const oraclesByAsset = new Map<string, OracleReading>();
  for (const reading of [book.baseOracle, ...book.oracles]) {
    oraclesByFeed.set(reading.feed.toLowerCase(), reading);
    oraclesByAsset.set(reading.asset.toLowerCase(), reading);
  }
  const usdPrice = usdPricer(book, params);
  // Distinct observations, EWMA, floor; the fallback when the samples cannot support an estimate (volatility.ts).
  const sigma = estimateSigma(book.samples, sigmaParamsOf(params.risk));
  const sigmaAnnual = sigma.sigmaAnnual;
  const poolViews = new Map<PoolSnapshot, PoolView>();
  const ctx: LpValuationContext = {
    base,
    usdPrice,
    sigmaAnnual,
    horizonYears: params.risk.horizonSec / SECONDS_PER_YEAR,
    poolView: (pool) => {
      let view = poolViews.get(pool);
      if (!view) {
        const assets = poolAssets(pool, book.base);
        const token0 = assets.token0.address.toLowerCase();
        const token1 = assets.token1.address.toLowerCase();
        view = {
          token0,
          token1,
          usd0: usdPrice(token0),
          usd1: usdPrice(token1),
          price:
            pool.kind === "uniswap-v2"
              ? 0
              : sqrtPriceX96ToPrice(pool.sqrtPriceX96, assets.token0.decimals, assets.token1.decimals),
          ticks: pool.kind === "uniswap-v3" ? new Map(pool.ticks.map((t) => [t.tick, t])) : new Map(),
        };
        poolViews.set(pool, view);
      }
      return view;
    },
  };
  const lp: LpPositionMetrics[] = new Array(book.lpPositions.length);
  let lpValueUsd = 0;
  let lpFeesUsd = 0;
  let lpHodlValueUsd = 0;
  let lpDeltaBase = 0;
  let lpGammaBase = 0;
  let lvrUsdPerYear = 0;
  let lvrUsdPerYearPerSigma = 0;
  let expectedIlUsd = 0;
  let expectedIlUsdPerSigma = 0;
  const lpUnits = new Map<string, number>();
  for (let i = 0; i < book.lpPositions.length; i++) {
    const m = lpPositionMetrics(book.lpPositions[i]!, pools, ctx);
    lp[i] = m;
    lpValueUsd += m.valueUsd;
    lpFeesUsd += m.feesUsd;
    lpHodlValueUsd += m.hodlValueUsd;
    lpDeltaBase += m.deltaBase;
    lpGammaBase += m.gammaBase;
    lvrUsdPerYear += m.lvrUsdPerYear;
    lvrUsdPerYearPerSigma += m.lvrUsdPerYearPerSigma;
    expectedIlUsd += m.expectedIlUsd;
    expectedIlUsdPerSigma += m.expectedIlUsdPerSigma;
    lpUnits.set(m.token0, (lpUnits.get(m.token0) ?? 0) + m.units0);
    lpUnits.set(m.token1, (lpUnits.get(m.token1) ?? 0) + m.units1);
  }
  const held = new Map<string, number>();
  let spotValueUsd = 0;
  let spotDeltaBase = 0;
  for (const s of book.spot) {
    const token = s.token.address.toLowerCase();
    if (s.balance < 0n) fail(`spot(${s.token.symbol}).balance`, "must be >= 0", s.balance);
    const units = toFloat(s.balance, s.token.decimals);
    held.set(token, (held.get(token) ?? 0) + units);
    spotValueUsd += units * usdPrice(token);
    if (token === base) spotDeltaBase += units;
  }
  const perp = book.perp ? perpMetrics(book.perp) : null;
  if (book.aave && !params.aave)
    fail("params.aave", "the snapshot has an Aave account but the book no Aave leg");
  if (params.aave && !book.aave)
    fail("book.aave", "the book has an Aave leg but the snapshot no Aave account");
  const aave = book.aave && params.aave ? aaveLegMetrics(book.aave, params.aave) : null;
  const hedgeLegs = hedgeLegsOf({ perp, aave }, params);
  // The Aave account's equity (collateral − debt) is the book's, like the perp's account value.
  const aaveEquityUsd = aave ? aave.totalCollateralUsd - aave.totalDebtUsd : 0;
  const bookValueUsd = lpValueUsd + lpFeesUsd + spotValueUsd + (perp?.accountValueUsd ?? 0) + aaveEquityUsd;
  if (!(bookValueUsd > 0)) fail("book", "book value must be > 0 to measure drift in bps", bookValueUsd);
  const drift = hedgeDrift({
    lpDeltaBase,
    spotDeltaBase,
    hedgeDeltaBase: hedgeLegs.reduce((sum, leg) => sum + leg.deltaBase, 0),
    basePriceUsd,
    bookValueUsd,
    targetHedgeRatio: params.targetHedgeRatio,
  });
  const depeg = params.depeg.stablecoins.map((stable) =>
    depegReport(stable, {
      nowSec,
      pools,
      oraclesByFeed,
      oraclesByAsset,
      baseOracle: book.baseOracle,
      base,
      bookValueUsd,
      defaultTiers: params.depeg.defaultTiers,
      heldUnits: (t) => held.get(t) ?? 0,
      lpUnits: (t) => lpUnits.get(t) ?? 0,
    }),
  );
  return {
    bookId: book.bookId,
    blockNumber: book.blockNumber,
    basePriceUsd,
    baseOracle: oracleHealth(book.baseOracle, nowSec),
    sigmaAnnual,
    sigmaSource: sigma.source,
    sigma,
    lp,
    lpValueUsd,
    lpFeesUsd,
    lpHodlValueUsd,
    impermanentLossUsd: lpValueUsd - lpHodlValueUsd,
    lpGammaBase,
    lpGammaUsdPer1Pct: (lpGammaBase * basePriceUsd * basePriceUsd) / 100,
    lvrUsdPerYear,
    lvrUsdPerYearPerSigma,
    expectedIlUsd,
    expectedIlUsdPerSigma,
    perp,
    aave,
    hedgeLegs,
    spotValueUsd,
    bookValueUsd,
    drift,
    depeg,
  };
}
