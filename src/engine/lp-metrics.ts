// One LP position, valued: exact token amounts and fees (bigint, as the contracts), then USD value at oracle
// prices, HODL value of the entry amounts, impermanent loss, delta/gamma against the base asset's USD price,
// LVR and its sensitivity to volatility.
import { positionFeesOwed, type TickFeeGrowthOutside } from "./fee-growth.ts";
import { lpGreeksV2, lpGreeksV3 } from "./greeks.ts";
import { emit, fail, toFloat } from "./input-guards.ts";
import { getAmountsForLiquidity } from "./liquidity-amounts.ts";
import { lvrRate, lvrVolSensitivity } from "./lvr.ts";
import { positionPoolIdOf } from "./pool-identity.ts";
import { amountsWithinRange, rangeOf } from "./position-amounts.ts";
import { sqrtPriceX96ToPrice } from "./price-tick.ts";
import type {
  LpEntry,
  LpPositionSnapshot,
  PoolSnapshot,
  V2PoolSnapshot,
  V2PositionSnapshot,
  V3PoolSnapshot,
  V3PositionSnapshot,
  V4PoolSnapshot,
  V4PositionSnapshot,
} from "./snapshot.ts";
import { v2LpShareAmounts } from "./v2-math.ts";
import { valueV4Position } from "./v4-position.ts";

export interface LpPositionMetrics {
  id: string;
  pool: string;
  inRange: boolean;
  amount0: bigint;
  amount1: bigint;
  fees0: bigint;
  fees1: bigint;
  valueUsd: number;
  feesUsd: number;
  hodlValueUsd: number;
  /** LP value (without fees) − HODL value, USD. */
  impermanentLossUsd: number;
  /** LP value / HODL value − 1. */
  impermanentLossPct: number;
  /** Base asset held (position + uncollected fees): ∂value/∂basePrice, in base units. */
  deltaBase: number;
  deltaUsd: number;
  /** ∂delta/∂basePrice, base units per USD. */
  gammaBase: number;
  /** Change of USD delta for a 1% base move: Γ·S²/100. */
  gammaUsdPer1Pct: number;
  lvrRateAnnual: number;
  lvrUsdPerYear: number;
  /** ∂(LVR USD/yr)/∂σ per 1.00 of annual σ; LPs are short volatility. */
  lvrUsdPerYearPerSigma: number;
  /** Expected IL over the risk horizon (−LVR·T), USD, and its sensitivity to σ. */
  expectedIlUsd: number;
  expectedIlUsdPerSigma: number;
  /** Lower-cased token addresses and the units held of each, fees included (for de-peg exposure). */
  token0: string;
  token1: string;
  units0: number;
  units1: number;
}

export interface LpValuationContext {
  base: string;
  /** USD per unit, by lower-cased token address. */
  usdPrice: (token: string) => number;
  sigmaAnnual: number;
  horizonYears: number;
  /** What every position of a pool shares, built once per pool and evaluation. */
  poolView: (pool: PoolSnapshot) => PoolView;
}

export interface PoolView {
  token0: string;
  token1: string;
  usd0: number;
  usd1: number;
  /** Human price of token0 in token1 (v3: from sqrtPriceX96). */
  price: number;
  /** v3: tick → fee growth outside. */
  ticks: Map<number, TickFeeGrowthOutside>;
}

function entryAmounts(
  position: { entry: LpEntry; liquidity: bigint },
  sqrtLowerX96: bigint,
  sqrtUpperX96: bigint,
): { amount0: bigint; amount1: bigint } {
  if (position.entry.kind === "amounts") return position.entry;
  // The current liquidity at the entry price (LiquidityAmounts, branching on the sqrt price).
  return getAmountsForLiquidity(position.entry.sqrtPriceX96, sqrtLowerX96, sqrtUpperX96, position.liquidity);
}

/** Greeks of the position against the base asset's USD price (reoriented when the base is token1). */
function baseGreeks(
  baseIs0: boolean,
  liquidityHuman: number,
  price: number,
  priceLower: number,
  priceUpper: number,
  quoteUsd: number,
  v2: boolean,
) {
  const p = baseIs0 ? price : 1 / price;
  const lo = baseIs0 ? priceLower : 1 / priceUpper;
  const hi = baseIs0 ? priceUpper : 1 / priceLower;
  const g = v2
    ? lpGreeksV2({ liquidity: liquidityHuman, price: p })
    : lpGreeksV3({ liquidity: liquidityHuman, price: p, priceLower: lo, priceUpper: hi });
  // Value in quote units per unit of price; the base's USD price is p × quoteUsd, so Γ_S = Γ_p / quoteUsd.
  return { gamma: g.gamma / quoteUsd, lvr: v2 ? null : { p, lo, hi } };
}

export function v3PositionMetrics(
  position: V3PositionSnapshot,
  pool: V3PoolSnapshot,
  ctx: LpValuationContext,
): LpPositionMetrics {
  const id = `v3:${position.tokenId}`;
  const input = {
    sqrtPriceX96: pool.sqrtPriceX96,
    tickCurrent: pool.tick,
    tickLower: position.tickLower,
    tickUpper: position.tickUpper,
    liquidity: position.liquidity,
  };
  const { sqrtLowerX96, sqrtUpperX96 } = rangeOf(input);
  const amounts = amountsWithinRange(input, sqrtLowerX96, sqrtUpperX96, false);
  const view = ctx.poolView(pool);
  const fees = positionFeesOwed(position, pool, view.ticks);
  const entry = entryAmounts(position, sqrtLowerX96, sqrtUpperX96);
  const d0 = pool.token0.decimals;
  const d1 = pool.token1.decimals;
  const price = view.price;
  const priceLower = sqrtPriceX96ToPrice(sqrtLowerX96, d0, d1);
  const priceUpper = sqrtPriceX96ToPrice(sqrtUpperX96, d0, d1);
  const liquidityHuman = Number(position.liquidity) * 10 ** (-(d0 + d1) / 2);
  return assemble({
    id,
    pool: pool.address,
    inRange: pool.tick >= position.tickLower && pool.tick < position.tickUpper,
    view,
    token0: pool.token0,
    token1: pool.token1,
    amounts,
    fees: { amount0: fees.fees0, amount1: fees.fees1 },
    entry,
    ctx,
    greeks: { liquidityHuman, price, priceLower, priceUpper, v2: false },
  });
}

/**
 * A v4 position: amounts and fees exactly as the PoolManager pays them on withdrawal (v4-position.ts: v3's math,
 * fees from StateView's fee growth inside), then the same valuation as v3. Native ETH is the base asset
 * (the pool view maps it), so its delta, gamma and LVR count toward the hedge.
 */
export function v4PositionMetrics(
  position: V4PositionSnapshot,
  pool: V4PoolSnapshot,
  ctx: LpValuationContext,
): LpPositionMetrics {
  const value = valueV4Position(position, pool, { base: ctx.base as `0x${string}` });
  const { sqrtLowerX96, sqrtUpperX96 } = rangeOf({
    sqrtPriceX96: pool.sqrtPriceX96,
    tickCurrent: pool.tick,
    tickLower: position.tickLower,
    tickUpper: position.tickUpper,
    liquidity: position.liquidity,
  });
  const view = ctx.poolView(pool);
  const d0 = pool.currency0.decimals;
  const d1 = pool.currency1.decimals;
  return assemble({
    id: `v4:${position.tokenId}`,
    pool: pool.poolId,
    inRange: value.inRange,
    view,
    token0: { address: view.token0, decimals: d0 },
    token1: { address: view.token1, decimals: d1 },
    amounts: { amount0: value.amount0, amount1: value.amount1 },
    fees: { amount0: value.fees0, amount1: value.fees1 },
    entry: entryAmounts(position, sqrtLowerX96, sqrtUpperX96),
    ctx,
    greeks: {
      liquidityHuman: Number(position.liquidity) * 10 ** (-(d0 + d1) / 2),
      price: view.price,
      priceLower: sqrtPriceX96ToPrice(sqrtLowerX96, d0, d1),
      priceUpper: sqrtPriceX96ToPrice(sqrtUpperX96, d0, d1),
      v2: false,
    },
  });
}

export function v2PositionMetrics(
  position: V2PositionSnapshot,
  pool: V2PoolSnapshot,
  ctx: LpValuationContext,
): LpPositionMetrics {
  const amounts = v2LpShareAmounts({
    lpBalance: position.lpBalance,
    totalSupply: pool.totalSupply,
    reserve0: pool.reserve0,
    reserve1: pool.reserve1,
  });
  const d0 = pool.token0.decimals;
  const d1 = pool.token1.decimals;
  if (amounts.amount0 === 0n || amounts.amount1 === 0n) {
    fail(
      `pool(${pool.address}).reserves`,
      "a v2 position needs both reserves > 0",
      `${pool.reserve0}/${pool.reserve1}`,
    );
  }
  const x = toFloat(amounts.amount0, d0);
  const y = toFloat(amounts.amount1, d1);
  const price = y / x;
  let entry: { amount0: bigint; amount1: bigint };
  if (position.entry.kind === "amounts") entry = position.entry;
  else {
    // Same liquidity at the entry price: x = L/√P, y = L·√P (raw units).
    const sqrtEntry = Number(position.entry.sqrtPriceX96) / 2 ** 96;
    const lRaw = Math.sqrt(Number(amounts.amount0) * Number(amounts.amount1));
    entry = { amount0: BigInt(Math.floor(lRaw / sqrtEntry)), amount1: BigInt(Math.floor(lRaw * sqrtEntry)) };
  }
  return assemble({
    id: `v2:${pool.address}`,
    pool: pool.address,
    inRange: true,
    view: ctx.poolView(pool),
    token0: pool.token0,
    token1: pool.token1,
    amounts,
    fees: { amount0: 0n, amount1: 0n }, // v2 fees accrue into the reserves: already in `amounts`
    entry,
    ctx,
    greeks: { liquidityHuman: Math.sqrt(x * y), price, priceLower: 0, priceUpper: 0, v2: true },
  });
}

function assemble(a: {
  id: string;
  pool: string;
  inRange: boolean;
  view: PoolView;
  token0: { address: string; decimals: number };
  token1: { address: string; decimals: number };
  amounts: { amount0: bigint; amount1: bigint };
  fees: { amount0: bigint; amount1: bigint };
  entry: { amount0: bigint; amount1: bigint };
  ctx: LpValuationContext;
  greeks: { liquidityHuman: number; price: number; priceLower: number; priceUpper: number; v2: boolean };
}): LpPositionMetrics {
  const { token0: t0, token1: t1, usd0, usd1 } = a.view;
  const x = toFloat(a.amounts.amount0, a.token0.decimals);
  const y = toFloat(a.amounts.amount1, a.token1.decimals);
  const fx = toFloat(a.fees.amount0, a.token0.decimals);
  const fy = toFloat(a.fees.amount1, a.token1.decimals);
  const ex = toFloat(a.entry.amount0, a.token0.decimals);
  const ey = toFloat(a.entry.amount1, a.token1.decimals);
  const valueUsd = x * usd0 + y * usd1;
  const feesUsd = fx * usd0 + fy * usd1;
  const hodlValueUsd = ex * usd0 + ey * usd1;
  const baseIs0 = t0 === a.ctx.base;
  const baseIs1 = t1 === a.ctx.base;
  let deltaBase = 0;
  let gammaBase = 0;
  let lvrRateAnnual = 0;
  if (baseIs0 || baseIs1) {
    deltaBase = baseIs0 ? x + fx : y + fy;
    const g = a.greeks;
    const bg = baseGreeks(
      baseIs0,
      g.liquidityHuman,
      g.price,
      g.priceLower,
      g.priceUpper,
      baseIs0 ? usd1 : usd0,
      g.v2,
    );
    gammaBase = bg.gamma;
    lvrRateAnnual = bg.lvr
      ? lvrRate({ sigma: a.ctx.sigmaAnnual, price: bg.lvr.p, priceLower: bg.lvr.lo, priceUpper: bg.lvr.hi })
      : lvrRate({ sigma: a.ctx.sigmaAnnual });
  }
  const basePrice = a.ctx.usdPrice(a.ctx.base);
  const vol = lvrVolSensitivity({
    sigma: a.ctx.sigmaAnnual,
    ratePerUnitTime: lvrRateAnnual,
    horizon: a.ctx.horizonYears,
  });
  return {
    id: a.id,
    pool: a.pool,
    inRange: a.inRange,
    amount0: a.amounts.amount0,
    amount1: a.amounts.amount1,
    fees0: a.fees.amount0,
    fees1: a.fees.amount1,
    valueUsd: emit("valueUsd", valueUsd),
    feesUsd: emit("feesUsd", feesUsd),
    hodlValueUsd: emit("hodlValueUsd", hodlValueUsd),
    impermanentLossUsd: emit("impermanentLossUsd", valueUsd - hodlValueUsd),
    impermanentLossPct: hodlValueUsd > 0 ? emit("impermanentLossPct", valueUsd / hodlValueUsd - 1) : 0,
    deltaBase: emit("deltaBase", deltaBase),
    deltaUsd: emit("deltaUsd", deltaBase * basePrice),
    gammaBase: emit("gammaBase", gammaBase),
    gammaUsdPer1Pct: emit("gammaUsdPer1Pct", (gammaBase * basePrice * basePrice) / 100),
    lvrRateAnnual,
    lvrUsdPerYear: emit("lvrUsdPerYear", lvrRateAnnual * valueUsd),
    lvrUsdPerYearPerSigma: emit("lvrUsdPerYearPerSigma", vol.dRateDSigma * valueUsd),
    expectedIlUsd: emit("expectedIlUsd", vol.expectedIl * valueUsd),
    expectedIlUsdPerSigma: emit("expectedIlUsdPerSigma", vol.dExpectedIlDSigma * valueUsd),
    token0: t0,
    token1: t1,
    units0: x + fx,
    units1: y + fy,
  };
}

export function lpPositionMetrics(
  position: LpPositionSnapshot,
  pools: Map<string, PoolSnapshot>,
  ctx: LpValuationContext,
): LpPositionMetrics {
  const poolId = positionPoolIdOf(position);
  const pool = pools.get(poolId);
  if (!pool) fail("lpPositions.pool", "no snapshot of this pool", poolId);
  if (position.kind === "uniswap-v4") {
    if (pool.kind !== "uniswap-v4") fail("lpPositions.pool", "a v4 position needs a v4 pool", poolId);
    return v4PositionMetrics(position, pool, ctx);
  }
  if (position.kind === "uniswap-v3") {
    if (pool.kind !== "uniswap-v3") fail("lpPositions.pool", "a v3 position needs a v3 pool", position.pool);
    return v3PositionMetrics(position, pool, ctx);
  }
  if (pool.kind !== "uniswap-v2") fail("lpPositions.pool", "a v2 position needs a v2 pool", position.pool);
  return v2PositionMetrics(position, pool, ctx);
}
