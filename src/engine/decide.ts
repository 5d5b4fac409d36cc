// decide(book, params, nowSec): noop with a reason, or a Plan the execution layer turns into one Safe
// transaction (HedgeGuard.checkPremise, the actions, HedgeGuard.checkPost). Check-then-perform after
// Chainlink Automation's checkUpkeep/performUpkeep: the plan carries the premise it was decided on and the
// post-state it promises, and the transaction re-checks both on-chain.
//
// Policy, in order:
//  1. Never act on a stale snapshot; never act on a stale oracle (de-peg sources drop stale feeds).
//  2. De-peg act tier → urgent lane: swap held exposure of the de-pegged stable into the healthiest
//     configured stable. May skip cooldown and hysteresis, never caps or the cost test.
//     Slippage bounds (swap minimum, perp quote bound) come from the Chainlink answers (oracle-bounds.ts);
//     a pool's quote may only tighten them, and a pool paying less than the feeds' minimum is not used.
//  3. Hedge: hysteresis (arm at armBps, stay armed until inside rearmBps), cooldown, caps, minimum trade,
//     then act only when expected risk reduction > expected cost × costMargin.
//  4. Collateral: keep the perp margin ratio in [floor, ceiling] and the liquidation distance above its limit.
import { type BookMetrics, evaluateBook } from "./book-metrics.ts";
import type { DepegReport } from "./depeg.ts";
import { driftBand, isBeyondBand } from "./drift-band.ts";
import { EngineInputError } from "./errors.ts";
import { hedgeDrift } from "./hedge-drift.ts";
import { fail, fromFloat, MAX_UINT128, toFloat } from "./input-guards.ts";
import { oraclePerpQuoteBound, oracleSwapMinOut } from "./oracle-bounds.ts";
import { assertBookParams, type BookParams, type StablecoinParams } from "./params.ts";
import { DUST_NOTIONAL_USD, minAccountValueForDistance } from "./perp-metrics.ts";
import type {
  Decision,
  Noop,
  NoopCode,
  Plan,
  PlanAction,
  PlanCost,
  PlanPostState,
  PlanPremise,
  SwapExactInputSingleAction,
} from "./plan.ts";
import { planId } from "./plan-id.ts";
import type { BookSnapshot, OracleReading, V3PoolSnapshot } from "./snapshot.ts";
import { getAmount0Delta, getAmount1Delta, getNextSqrtPriceFromInput } from "./sqrt-price-math.ts";
import { SECONDS_PER_YEAR } from "./volatility.ts";

/** Smallest perp size tolerance in the premise (1e-6 base), so a rounding wei never fails a check. */
const MIN_SIZE_TOLERANCE = 10n ** 12n;

function noop(
  book: BookSnapshot,
  m: BookMetrics | null,
  code: NoopCode,
  reason: string,
  hedgeTriggered: boolean,
): Noop {
  return {
    kind: "noop",
    bookId: book.bookId,
    reason,
    code,
    driftBps: m?.drift.driftBps ?? 0,
    hedgeTriggered,
  };
}

function bps(x: number): bigint {
  return BigInt(Math.round(x));
}

/** The oracle band premise: the answer may move at most ± bandBps before the plan is void. */
function oraclePremise(reading: OracleReading, bandBps: number): PlanPremise["oracle"] {
  const band = (reading.answer * bps(bandBps)) / 10_000n;
  return {
    feed: reading.feed,
    heartbeatSec: reading.heartbeatSec,
    minAnswer: reading.answer - band,
    maxAnswer: reading.answer + band,
  };
}

function gasUsd(params: BookParams, gasUnits: number, basePriceUsd: number): number {
  // The base asset is the gas token's price proxy (WETH books); gwei → ETH → USD.
  return gasUnits * params.costs.gasPriceGwei * 1e-9 * basePriceUsd;
}

function cost(parts: Omit<PlanCost, "totalUsd">): PlanCost {
  return { ...parts, totalUsd: parts.gasUsd + parts.feesUsd + parts.slippageUsd + parts.fundingUsd };
}

function spotBalance(book: BookSnapshot, token: string): bigint {
  let total = 0n;
  for (const s of book.spot) if (s.token.address.toLowerCase() === token.toLowerCase()) total += s.balance;
  return total;
}

// ── Urgent lane: de-peg act tier ────────────────────────────────────────────────────────────────────────

interface SwapQuote {
  action: SwapExactInputSingleAction;
  amountInUsd: number;
  feesUsd: number;
  slippageUsd: number;
  riskReductionUsd: number;
  stable: StablecoinParams;
  report: DepegReport;
}

/**
 * Quote an exact-input swap inside the pool's current tick range (liquidity constant: the SwapMath step of
 * v3-core for one range). A trade that would cross ticks is beyond this estimate: the min-out still binds.
 */
function quoteSwap(
  pool: V3PoolSnapshot,
  zeroForOne: boolean,
  amountIn: bigint,
): { amountOut: bigint; spotOut: bigint } | null {
  if (pool.liquidity <= 0n || amountIn <= 0n) return null;
  const amountLessFee = (amountIn * BigInt(1_000_000 - pool.fee)) / 1_000_000n;
  const sqrtP = pool.sqrtPriceX96;
  let next: bigint;
  try {
    next = getNextSqrtPriceFromInput(sqrtP, pool.liquidity, amountLessFee, zeroForOne);
  } catch (error) {
    // The range cannot absorb it (the price update overflows): no quote, no trade. Anything else is a bug.
    if (!(error instanceof EngineInputError)) throw error;
    return null;
  }
  const amountOut = zeroForOne
    ? getAmount1Delta(next, sqrtP, pool.liquidity, false)
    : getAmount0Delta(sqrtP, next, pool.liquidity, false);
  const q192 = 1n << 192n;
  const spotOut = zeroForOne ? (amountIn * sqrtP * sqrtP) / q192 : (amountIn * q192) / (sqrtP * sqrtP);
  return { amountOut, spotOut };
}

/** A configured stable's own feed reading, when its de-peg report found it fresh; null otherwise. */
function freshStableFeed(
  book: BookSnapshot,
  stable: StablecoinParams | undefined,
  report: DepegReport,
): OracleReading | null {
  const feed = stable?.feed?.toLowerCase();
  if (feed === undefined) return null;
  const usable = report.sources.some((s) => s.kind === "chainlink" && s.usable);
  return (usable && book.oracles.find((o) => o.feed.toLowerCase() === feed)) || null;
}

/** Swaps worth making, and why others were not planned (no oracle to bound one, or its pool off the oracle). */
/**
 * The largest input up to `wanted` the pool pays at least `minOut(input)` for, by bisection (the pool's quote
 * is concave in the input, the minimum linear: above dust, what pays for an amount pays for any smaller one);
 * 0 when the pool pays less even at the margin.
 */
function largestSwapPaying(
  pool: V3PoolSnapshot,
  zeroForOne: boolean,
  wanted: bigint,
  minOut: (amountIn: bigint) => bigint,
): bigint {
  const pays = (amountIn: bigint) => {
    const quote = quoteSwap(pool, zeroForOne, amountIn);
    return quote !== null && quote.amountOut >= minOut(amountIn);
  };
  if (pays(wanted)) return wanted;
  let low = 0n; // pays (trivially)
  let high = wanted; // does not
  while (high - low > 1n) {
    const mid = (low + high) / 2n;
    if (pays(mid)) low = mid;
    else high = mid;
  }
  return low;
}

function depegSwaps(
  book: BookSnapshot,
  params: BookParams,
  m: BookMetrics,
): { quotes: SwapQuote[]; refused: { code: NoopCode; reason: string }[] } {
  const quotes: SwapQuote[] = [];
  const refused: { code: NoopCode; reason: string }[] = [];
  const reports = new Map(m.depeg.map((r) => [r.token, r]));
  let budgetUsd = params.caps.maxSwapUsd;
  for (const stable of params.depeg.stablecoins) {
    const report = reports.get(stable.token.toLowerCase());
    if (report?.tier !== "act" || report.priceUsd === null) continue;
    const held = spotBalance(book, stable.token);
    if (held <= 0n) continue;
    // Healthiest reachable stable: tier ok, smallest |deviation|, through a configured v3 pool.
    let best: { pool: V3PoolSnapshot; target: DepegReport } | null = null;
    for (const address of stable.stablePools) {
      const pool = book.pools.find((p) => p.address.toLowerCase() === address.toLowerCase());
      if (pool?.kind !== "uniswap-v3") continue;
      const other =
        pool.token0.address.toLowerCase() === report.token
          ? pool.token1.address.toLowerCase()
          : pool.token0.address.toLowerCase();
      const target = reports.get(other);
      if (target?.tier !== "ok" || target.deviationBps === null) continue;
      if (!best || Math.abs(target.deviationBps) < Math.abs(best.target.deviationBps ?? 0))
        best = { pool, target };
    }
    if (!best) continue;
    const { pool, target } = best;
    const zeroForOne = pool.token0.address.toLowerCase() === report.token;
    const decimalsIn = zeroForOne ? pool.token0.decimals : pool.token1.decimals;
    const decimalsOut = zeroForOne ? pool.token1.decimals : pool.token0.decimals;
    const capUnits = fromFloat("caps.maxSwapUsd", Math.max(0, budgetUsd) / report.priceUsd, decimalsIn);
    // biome-ignore lint/complexity/useMathMinMax: bigint operands
    const wanted = held < capUnits ? held : capUnits;
    if (wanted <= 0n || toFloat(wanted, decimalsIn) * report.priceUsd < params.minTradeUsd) continue;
    // The bound comes from the feeds; the pool's quote (an RPC answer, a market that can be pushed) may only
    // tighten it. The swap takes what the pool pays for at the feeds' minimum: a thin pool sizes it down, a pool
    // that pays less even for the first unit is off the oracle and is not used.
    const feedIn = freshStableFeed(book, stable, report);
    const targetStable = params.depeg.stablecoins.find((s) => s.token.toLowerCase() === target.token);
    const feedOut = freshStableFeed(book, targetStable, target);
    if (feedIn === null || feedOut === null) {
      refused.push({
        code: "oracle-stale",
        reason: `${report.symbol} de-peg swap: no fresh feed of ${feedIn === null ? report.symbol : target.symbol} to bound it`,
      });
      continue;
    }
    const slippageBps = bps(stable.maxSlippageBps);
    const feedsMinOut = (units: bigint) =>
      oracleSwapMinOut({
        amountIn: units,
        tokenInDecimals: decimalsIn,
        tokenOutDecimals: decimalsOut,
        priceIn: feedIn,
        priceOut: feedOut,
        slippageBps,
      });
    const amountIn = largestSwapPaying(pool, zeroForOne, wanted, feedsMinOut);
    const amountInUsd = toFloat(amountIn, decimalsIn) * report.priceUsd;
    const quote = amountIn > 0n ? quoteSwap(pool, zeroForOne, amountIn) : null;
    if (quote === null || amountInUsd < params.minTradeUsd) {
      refused.push({
        code: "pool-off-oracle",
        reason: `${report.symbol} de-peg swap: pool ${pool.address} pays less than the feeds' minimum ${amountIn > 0n ? `beyond ${amountIn} ${report.symbol} units (below minTradeUsd)` : "at any size"}`,
      });
      continue;
    }
    const oracleMinOut = feedsMinOut(amountIn);
    const poolMinOut = (quote.amountOut * (10_000n - slippageBps)) / 10_000n;
    const amountOutMinimum = poolMinOut > oracleMinOut ? poolMinOut : oracleMinOut;
    const outPriceUsd = target.priceUsd ?? 1;
    budgetUsd -= amountInUsd;
    quotes.push({
      action: {
        kind: "swap.exactInputSingle",
        venue: "uniswap-v3",
        tokenIn: stable.token,
        tokenOut: (zeroForOne
          ? pool.token1.address
          : pool.token0.address) as SwapExactInputSingleAction["tokenOut"],
        fee: pool.fee,
        amountIn,
        amountOutMinimum,
      },
      amountInUsd,
      feesUsd: amountInUsd * (pool.fee / 1_000_000),
      slippageUsd: Math.max(
        0,
        toFloat(quote.spotOut - quote.amountOut, decimalsOut) * outPriceUsd -
          amountInUsd * (pool.fee / 1_000_000),
      ),
      // The further loss avoided if the de-peg doubles (USDC/SVB went 3% → 12% overnight).
      riskReductionUsd: amountInUsd * (Math.abs(report.deviationBps ?? 0) / 10_000),
      stable,
      report,
    });
  }
  return { quotes, refused };
}

function urgentPlan(book: BookSnapshot, params: BookParams, m: BookMetrics, nowSec: number): Decision | null {
  const { quotes, refused } = depegSwaps(book, params, m);
  if (quotes.length === 0) {
    if (refused.length === 0) return null;
    const offOracle = refused.some((r) => r.code === "pool-off-oracle");
    return noop(
      book,
      m,
      offOracle ? "pool-off-oracle" : "oracle-stale",
      refused.map((r) => r.reason).join("; "),
      book.keeper.hedgeTriggered,
    );
  }
  const gas = gasUsd(params, params.costs.gasBase + quotes.length * params.costs.gasPerSwap, m.basePriceUsd);
  const expectedCost = cost({
    gasUsd: gas,
    feesUsd: quotes.reduce((s, q) => s + q.feesUsd, 0),
    slippageUsd: quotes.reduce((s, q) => s + q.slippageUsd, 0),
    fundingUsd: 0,
  });
  const reduction = quotes.reduce((s, q) => s + q.riskReductionUsd, 0);
  if (!(reduction > expectedCost.totalUsd * params.costMargin)) {
    return noop(
      book,
      m,
      "cost-exceeds-benefit",
      `de-peg swap: risk reduction $${reduction.toFixed(2)} <= cost $${expectedCost.totalUsd.toFixed(2)} × ${params.costMargin}`,
      book.keeper.hedgeTriggered,
    );
  }
  const actions: PlanAction[] = quotes.map((q) => q.action);
  const first = quotes[0]!;
  const feed = first.stable.feed
    ? book.oracles.find((o) => o.feed.toLowerCase() === first.stable.feed!.toLowerCase())
    : undefined;
  const premise: PlanPremise = {
    deadlineSec: nowSec + params.premise.deadlineSec,
    oracle: oraclePremise(feed ?? book.baseOracle, params.premise.oracleBandBps),
  };
  const post: PlanPostState = {
    minBalances: quotes.map((q) => ({
      token: q.action.tokenOut,
      amount: spotBalance(book, q.action.tokenOut) + q.action.amountOutMinimum,
    })),
  };
  const plan: Plan = {
    planId: planId(book.bookId, book.blockNumber, actions),
    bookId: book.bookId,
    blockNumber: book.blockNumber,
    lane: "urgent",
    reason: quotes
      .map(
        (q) =>
          `${q.report.symbol} de-peg ${q.report.deviationBps?.toFixed(0)} bps (act): swap to peg-holding stable`,
      )
      .join("; "),
    actions,
    premise,
    post,
    expectedRiskReductionUsd: reduction,
    expectedCost,
    driftBpsBefore: m.drift.driftBps,
    driftBpsAfter: m.drift.driftBps,
    hedgeTriggered: book.keeper.hedgeTriggered,
  };
  return { kind: "plan", plan };
}

/**
 * Where a perp position of `sizeBase` (signed, base units) with `accountValueUsd` stands against the margin
 * limits: its margin ratio, the account value that keeps it minLiquidationDistanceBps from liquidation, and
 * whether it is below either limit (ratio under the floor, or too close to liquidation).
 */
function marginAgainstLimits(
  sizeBase: number,
  indexPrice: number,
  accountValueUsd: number,
  maintenanceMarginRatio: number,
  margin: BookParams["margin"],
): { notionalUsd: number; ratio: number; minAccountValueUsd: number; below: boolean } {
  const notionalUsd = Math.abs(sizeBase) * indexPrice;
  const minAccountValueUsd = minAccountValueForDistance(
    sizeBase,
    indexPrice,
    maintenanceMarginRatio,
    margin.minLiquidationDistanceBps,
  );
  const ratio = accountValueUsd / notionalUsd;
  return {
    notionalUsd,
    ratio,
    minAccountValueUsd,
    below: ratio < margin.floorRatio || accountValueUsd < minAccountValueUsd,
  };
}

/** True when the perp's margin ratio is under its floor or its liquidation distance under its limit. */
function marginBelowLimits(
  book: BookSnapshot,
  params: BookParams,
  accountValueUsd: number,
  indexPrice: number,
): boolean {
  const perp = book.perp;
  if (!perp || perp.sizeBase === 0n) return false;
  return marginAgainstLimits(
    toFloat(perp.sizeBase, 18),
    indexPrice,
    accountValueUsd,
    perp.maintenanceMarginRatio,
    params.margin,
  ).below;
}

// ── Routine lane: hedge resize and collateral ───────────────────────────────────────────────────────────

/** `metrics`: the caller's `evaluateBook(book, params, nowSec)` when it already has it (saves a second pass). */
export function decide(
  book: BookSnapshot,
  params: BookParams,
  nowSec: number,
  metrics?: BookMetrics,
): Decision {
  if (typeof nowSec !== "number" || !Number.isFinite(nowSec))
    fail("nowSec", "must be a finite number", nowSec);
  assertBookParams(params);
  const m = metrics ?? evaluateBook(book, params, nowSec);
  const wasTriggered = book.keeper.hedgeTriggered;
  const snapshotAgeSec = nowSec - book.blockTimestampSec;
  if (snapshotAgeSec > params.maxSnapshotAgeSec) {
    return noop(
      book,
      m,
      "stale-snapshot",
      `snapshot is ${snapshotAgeSec}s old (limit ${params.maxSnapshotAgeSec}s)`,
      wasTriggered,
    );
  }
  const urgent = urgentPlan(book, params, m, nowSec);
  // A de-peg the keeper cannot act on because its market is off the oracle is reported, not hidden behind a
  // routine decision on prices that may be as wrong (a lying RPC, a pushed pool): the keeper waits.
  if (urgent?.kind === "plan" || urgent?.code === "pool-off-oracle") return urgent;
  if (!m.baseOracle.fresh) {
    return noop(book, m, "oracle-stale", `base oracle not usable: ${m.baseOracle.problem}`, wasTriggered);
  }

  const absDrift = Math.abs(m.drift.driftBps);
  // Schmitt trigger: arm beyond armBps; once armed, stay armed until back inside rearmBps.
  const triggered = isBeyondBand(driftBand(absDrift, wasTriggered ? params.rearmBps : params.armBps));
  const perp = book.perp;
  const pm = m.perp;
  if (!perp || !pm) {
    return triggered
      ? noop(book, m, "no-hedge-venue", "drift beyond band but the book has no perp venue", triggered)
      : noop(book, m, "within-band", `drift ${m.drift.driftBps.toFixed(1)} bps within band`, triggered);
  }
  const sinceLastPlanSec =
    book.keeper.lastPlanAtSec === null ? Number.POSITIVE_INFINITY : nowSec - book.keeper.lastPlanAtSec;
  const inCooldown = sinceLastPlanSec < params.cooldownSec;
  if (inCooldown && !marginBelowLimits(book, params, pm.accountValueUsd, pm.indexPrice)) {
    return noop(
      book,
      m,
      "cooldown",
      `cooldown: ${sinceLastPlanSec}s since last plan (< ${params.cooldownSec}s)`,
      triggered,
    );
  }

  const index = pm.indexPrice;
  const S = m.basePriceUsd;
  const sigmaHorizon = m.sigmaAnnual * Math.sqrt(params.risk.horizonSec / SECONDS_PER_YEAR);
  const horizonDays = params.risk.horizonSec / 86_400;

  // Hedge trade towards the target ratio, within caps.
  let tradeBase = 0;
  let hedgeNote = "";
  // During cooldown only a collateral top-up may go through (margin below its floor or the liquidation
  // distance below its limit): it only removes risk, and waiting could cost the position.
  if (triggered && !inCooldown) {
    tradeBase = m.drift.targetHedgeDeltaBase - pm.sizeBase;
    const maxTradeBase = params.caps.maxTradeUsd / index;
    if (Math.abs(tradeBase) > maxTradeBase) {
      tradeBase = Math.sign(tradeBase) * maxTradeBase;
      hedgeNote = " (capped by maxTradeUsd)";
    }
    const maxSizeBase = params.caps.maxHedgeNotionalUsd / index;
    const newSize = pm.sizeBase + tradeBase;
    if (Math.abs(newSize) > maxSizeBase) {
      tradeBase = Math.sign(newSize) * maxSizeBase - pm.sizeBase;
      hedgeNote = " (capped by maxHedgeNotionalUsd)";
    }
    // Never grow the position past what the collateral (with what the Safe can deposit) keeps at least
    // minLiquidationDistanceBps from liquidation.
    const grownSize = pm.sizeBase + tradeBase;
    if (Math.abs(grownSize) > Math.abs(pm.sizeBase)) {
      const perUnitNotional = minAccountValueForDistance(
        Math.sign(grownSize),
        1,
        perp.maintenanceMarginRatio,
        params.margin.minLiquidationDistanceBps,
      );
      const depositableUsd = Math.min(
        toFloat(spotBalance(book, perp.collateral.token.address), perp.collateral.token.decimals),
        params.caps.maxCollateralMoveUsd,
      );
      const maxAbsSize = (pm.accountValueUsd + depositableUsd) / (perUnitNotional * index * (1 + 0.001));
      if (Math.abs(grownSize) > maxAbsSize) {
        const limited = Math.max(maxAbsSize, Math.abs(pm.sizeBase));
        tradeBase = Math.sign(grownSize) * limited - pm.sizeBase;
        hedgeNote = " (limited by liquidation distance)";
      }
    }
    if (Math.abs(tradeBase) * index < params.minTradeUsd) tradeBase = 0;
  }
  let amountBase = tradeBase === 0 ? 0n : fromFloat("tradeBase", Math.abs(tradeBase), 18);
  if (amountBase > MAX_UINT128) fail("tradeBase", "trade too large", amountBase);
  const signedTrade = tradeBase < 0 ? -amountBase : amountBase;

  // Expected cost and risk reduction of the hedge trade.
  const tradeNotional = toFloat(amountBase, 18) * index;
  const feesUsd = tradeNotional * (params.costs.perpTakerFeeBps / 10_000);
  const slippageUsd = tradeNotional * (params.costs.perpSlippageBps / 10_000);
  // Funding over the horizon on the added size: longs pay shorts when the rate is > 0, so growing a short
  // (negative trade) earns, i.e. a negative cost.
  const fundingUsd = toFloat(signedTrade, 18) * index * perp.fundingRateDaily * horizonDays;
  const newSizeBase = perp.sizeBase + signedTrade;
  const driftAfter = (sizeBase: bigint) =>
    hedgeDrift({
      lpDeltaBase: m.drift.lpDeltaBase,
      spotDeltaBase: m.drift.spotDeltaBase,
      hedgeDeltaBase: toFloat(sizeBase, 18),
      basePriceUsd: S,
      bookValueUsd: m.bookValueUsd,
      targetHedgeRatio: params.targetHedgeRatio,
    });
  const after = driftAfter(newSizeBase);
  const riskReductionUsd = Math.max(
    0,
    (Math.abs(m.drift.driftUsd) - Math.abs(after.driftUsd)) * sigmaHorizon * params.risk.confidenceZ,
  );

  // Collateral: margin ratio after the trade within [floor, ceiling], liquidation distance above its limit.
  const collateral = perp.collateral;
  const collateralUsdPerUnit = 1; // settlement collateral is a USD stable (Perp v2: USDC)
  const mmr = perp.maintenanceMarginRatio;
  const marginFor = (trade: bigint) => {
    const tradeCostUsd = trade === 0n ? 0 : feesUsd + slippageUsd;
    const avAfterTrade = pm.accountValueUsd - tradeCostUsd;
    const newSize = toFloat(perp.sizeBase + trade, 18);
    const notionalAfter = Math.abs(newSize) * index;
    let depositUsd = 0;
    let withdrawUsd = 0;
    let note = "";
    if (notionalAfter > 0) {
      const {
        ratio,
        minAccountValueUsd: minAvForDistance,
        below,
      } = marginAgainstLimits(newSize, index, avAfterTrade, mmr, params.margin);
      if (below) {
        const want = Math.max(params.margin.targetRatio * notionalAfter, minAvForDistance) - avAfterTrade;
        const availableUsd =
          toFloat(spotBalance(book, collateral.token.address), collateral.token.decimals) *
          collateralUsdPerUnit;
        depositUsd = Math.max(0, Math.min(want, params.caps.maxCollateralMoveUsd, availableUsd));
        note =
          ratio < params.margin.floorRatio
            ? `; margin ratio ${ratio.toFixed(3)} below floor ${params.margin.floorRatio}: deposit`
            : `; liquidation distance below ${params.margin.minLiquidationDistanceBps} bps: deposit`;
      } else if (ratio > params.margin.ceilingRatio) {
        const keep = Math.max(params.margin.targetRatio * notionalAfter, minAvForDistance);
        const freeUsd = toFloat(perp.freeCollateral, collateral.token.decimals) * collateralUsdPerUnit;
        withdrawUsd = Math.min(avAfterTrade - keep, params.caps.maxCollateralMoveUsd, freeUsd);
        if (withdrawUsd < params.minTradeUsd) withdrawUsd = 0;
        else
          note =
            notionalAfter < DUST_NOTIONAL_USD
              ? "; perp position is dust: withdraw idle collateral"
              : `; margin ratio ${ratio.toFixed(3)} above ceiling ${params.margin.ceilingRatio}: withdraw excess`;
      }
    }
    return {
      depositUsd,
      withdrawUsd,
      note,
      depositUnits:
        depositUsd > 0
          ? fromFloat("deposit", depositUsd / collateralUsdPerUnit, collateral.token.decimals)
          : 0n,
      withdrawUnits:
        withdrawUsd > 0
          ? fromFloat("withdraw", withdrawUsd / collateralUsdPerUnit, collateral.token.decimals)
          : 0n,
    };
  };

  // The cost test applies to the hedge trade; a margin-floor deposit is a safety action and passes regardless.
  const gasHedge = gasUsd(params, params.costs.gasPerPerpTrade, S);
  const hedgeCost = gasHedge + feesUsd + slippageUsd + fundingUsd;
  let hedgeRefused: string | null = null;
  if (
    amountBase > 0n &&
    !(riskReductionUsd > (hedgeCost + gasUsd(params, params.costs.gasBase, S)) * params.costMargin)
  ) {
    hedgeRefused = `risk reduction $${riskReductionUsd.toFixed(2)} <= cost $${(hedgeCost + gasUsd(params, params.costs.gasBase, S)).toFixed(2)} × ${params.costMargin}`;
    amountBase = 0n;
  }
  const margin = marginFor(amountBase === 0n ? 0n : signedTrade);
  const { depositUnits } = margin;
  // A withdrawal is never urgent, and the free collateral it may take is only known after the trade settles
  // (a resize realizes P&L and moves the margin requirement in the same batch): with a trade, it waits for a
  // later plan computed from the post-trade state.
  const deferWithdrawal = amountBase !== 0n && margin.withdrawUnits > 0n;
  const withdrawUnits = deferWithdrawal ? 0n : margin.withdrawUnits;
  const withdrawUsd = deferWithdrawal ? 0 : margin.withdrawUsd;
  const marginNote = deferWithdrawal ? "; excess collateral withdrawn after the trade settles" : margin.note;
  if (amountBase === 0n && depositUnits === 0n && withdrawUnits === 0n) {
    if (hedgeRefused) return noop(book, m, "cost-exceeds-benefit", hedgeRefused, triggered);
    if (triggered)
      return noop(
        book,
        m,
        "below-min-trade",
        `drift ${m.drift.driftBps.toFixed(1)} bps but the trade is below minTradeUsd or capped at zero`,
        triggered,
      );
    return noop(
      book,
      m,
      "within-band",
      `drift ${m.drift.driftBps.toFixed(1)} bps within band (arm ${params.armBps}, re-arm ${params.rearmBps})`,
      triggered,
    );
  }
  if (amountBase === 0n) return collateralOnlyPlan();

  return buildPlan(signedTrade);

  function collateralOnlyPlan(): Decision {
    if (withdrawUnits > 0n && depositUnits === 0n) {
      // A withdrawal is capital efficiency, not risk: only when it pays for its gas.
      const g = gasUsd(params, params.costs.gasBase + params.costs.gasPerCollateralMove, S);
      if (!(withdrawUsd > g * params.costMargin))
        return noop(book, m, "cost-exceeds-benefit", "collateral withdrawal smaller than its gas", triggered);
    }
    return buildPlan(0n);
  }

  function buildPlan(trade: bigint): Decision {
    const actions: PlanAction[] = [];
    const token = collateral.token.address;
    if (depositUnits > 0n)
      actions.push({ kind: "perp.depositCollateral", venue: perp!.venue, token, amount: depositUnits });
    const sizeAfter = perp!.sizeBase + trade;
    if (trade !== 0n) {
      const absTrade = trade < 0n ? -trade : trade;
      actions.push({
        kind: "perp.adjustPosition",
        venue: perp!.venue,
        baseToken: perp!.baseToken,
        isBaseToQuote: trade < 0n,
        amountBase: absTrade,
        // From the base feed's answer, not the venue's index price (an RPC answer that may lie).
        oppositeAmountBound: oraclePerpQuoteBound({
          amountBase: absTrade,
          isBaseToQuote: trade < 0n,
          price: book.baseOracle,
          slippageBps: bps(params.costs.perpSlippageBps),
        }),
        expectedSizeBefore: perp!.sizeBase,
        expectedSizeAfter: sizeAfter,
      });
    }
    if (withdrawUnits > 0n)
      actions.push({ kind: "perp.withdrawCollateral", venue: perp!.venue, token, amount: withdrawUnits });
    const tolerance = (size: bigint) => {
      const abs = size < 0n ? -size : size;
      const t = (abs * bps(params.premise.perpSizeToleranceBps)) / 10_000n;
      return t > MIN_SIZE_TOLERANCE ? t : MIN_SIZE_TOLERANCE;
    };
    const nCollateral = (depositUnits > 0n ? 1 : 0) + (withdrawUnits > 0n ? 1 : 0);
    const gas = gasUsd(
      params,
      params.costs.gasBase +
        (trade !== 0n ? params.costs.gasPerPerpTrade : 0) +
        nCollateral * params.costs.gasPerCollateralMove,
      S,
    );
    const traded = trade !== 0n;
    const expectedCost = cost({
      gasUsd: gas,
      feesUsd: traded ? feesUsd : 0,
      slippageUsd: traded ? slippageUsd : 0,
      fundingUsd: traded ? fundingUsd : 0,
    });
    const afterDrift = traded ? after : m.drift;
    const plan: Plan = {
      planId: planId(book.bookId, book.blockNumber, actions),
      bookId: book.bookId,
      blockNumber: book.blockNumber,
      lane: "routine",
      reason: traded
        ? `hedge ${m.drift.state}: drift ${m.drift.driftBps.toFixed(1)} bps → ${afterDrift.driftBps.toFixed(1)} bps${hedgeNote}${marginNote}`
        : `collateral recalibration${marginNote}${hedgeRefused ? `; hedge trade refused: ${hedgeRefused}` : ""}`,
      actions,
      premise: {
        deadlineSec: nowSec + params.premise.deadlineSec,
        oracle: oraclePremise(book.baseOracle, params.premise.oracleBandBps),
        perp: {
          baseToken: perp!.baseToken,
          expectedSize: perp!.sizeBase,
          toleranceBase: tolerance(perp!.sizeBase),
        },
      },
      post: {
        perp: { baseToken: perp!.baseToken, targetSize: sizeAfter, toleranceBase: tolerance(sizeAfter) },
        minBalances: withdrawUnits > 0n ? [{ token, amount: spotBalance(book, token) + withdrawUnits }] : [],
      },
      expectedRiskReductionUsd: traded ? riskReductionUsd : 0,
      expectedCost,
      driftBpsBefore: m.drift.driftBps,
      driftBpsAfter: afterDrift.driftBps,
      // Acting on the full trade disarms once the book is back inside the re-arm band.
      hedgeTriggered: traded ? Math.abs(afterDrift.driftBps) > params.rearmBps : triggered,
    };
    return { kind: "plan", plan };
  }
}
