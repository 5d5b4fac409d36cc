// Moves a book's snapshot to the next step of a price path, as the chain would show it if the market had moved
// that way: the base feed posts the step's price, every v3 pool pairing the base with a priced token trades to
// it, the pool earns the step's volume in fees, and the perp marks to it and pays or earns funding. The book's
// positions and the keeper's memory are carried unchanged: only plans (apply-plan.ts) change those.
//
// What the path does not say is held at the starting book's figures: stablecoin feeds (re-posted on their
// heartbeat, so they stay fresh), pool depth (in-range liquidity), the perp's basis (mark = index = the path's price).
// The perp market's pool trades to the path's price too; its depth is the path's perp_liquidity where given, else
// the starting book's recorded liquidity (docs/stewards.md says why pool volume does not scale it).
import { fail, fromFloat, toFloat } from "../engine/input-guards.ts";
import { oraclePrice } from "../engine/oracle.ts";
import { positionPoolIdOf } from "../engine/pool-identity.ts";
import type {
  BookSnapshot,
  OracleReading,
  PerpMarketDepth,
  PerpPositionSnapshot,
  PoolSnapshot,
  V3PoolSnapshot,
} from "../engine/snapshot.ts";
import { getTickAtSqrtRatio, MAX_SQRT_RATIO, MIN_SQRT_RATIO } from "../engine/tick-math.ts";
import { wholeTickWindow } from "../engine/v3-swap-walk.ts";
import type { PricePoint } from "./price-path.ts";

const E18 = 10n ** 18n;
const SECONDS_PER_DAY = 86_400;

/** Addresses lower-cased once: a replay moves the same few tokens and pools at every one of its steps. */
const LOWER_CASED = new Map<string, string>();
function lowerCased(address: string): string {
  let lower = LOWER_CASED.get(address);
  if (lower === undefined) {
    lower = address.toLowerCase();
    if (LOWER_CASED.size < 10_000) LOWER_CASED.set(address, lower);
  }
  return lower;
}

/** What one step moved besides prices: the funding the perp paid (negative: earned) and the fees the pools took. */
export interface StepFlows {
  /** Funding the book paid over the step, USD (Perp v2: longs pay shorts when the rate is > 0). */
  fundingPaidUsd: number;
  /** Seconds since the previous step. */
  elapsedSec: number;
}

/**
 * The Q64.96 sqrt price of a human price of token0 in token1, to float precision (the path's own): √(price ×
 * 10^(d1 − d0)) × 2^96, clamped inside v3's [MIN_SQRT_RATIO, MAX_SQRT_RATIO).
 */
export function sqrtPriceX96OfPrice(price: number, decimals0: number, decimals1: number): bigint {
  if (!(price > 0) || !Number.isFinite(price)) fail("price", "must be finite and > 0", price);
  const sqrt = BigInt(Math.round(Math.sqrt(price * 10 ** (decimals1 - decimals0)) * 2 ** 96));
  if (sqrt < MIN_SQRT_RATIO || sqrt >= MAX_SQRT_RATIO)
    fail("price", "outside the prices a v3 pool can hold", price);
  return sqrt;
}

/** Tick.cross of v3-core: crossing a tick flips its fee growth outside to the other side of the price. */
function crossTicks(pool: V3PoolSnapshot, fromTick: number, toTick: number): V3PoolSnapshot["ticks"] {
  if (fromTick === toTick) return pool.ticks;
  const lo = Math.min(fromTick, toTick);
  const hi = Math.max(fromTick, toTick);
  return pool.ticks.map((t) =>
    // A tick is "below the price" when tick <= current tick; it changes side when it lies in (lo, hi].
    t.tick > lo && t.tick <= hi
      ? {
          tick: t.tick,
          feeGrowthOutside0X128: pool.feeGrowthGlobal0X128 - t.feeGrowthOutside0X128,
          feeGrowthOutside1X128: pool.feeGrowthGlobal1X128 - t.feeGrowthOutside1X128,
        }
      : t,
  );
}

/**
 * The pool at the path's price, having earned `volumeUsd` × fee tier during the step: half the volume swapped in
 * each direction, so half the fees are paid in each token (v3 takes the fee from the input), shared over the
 * in-range liquidity (feeGrowthGlobal += fee << 128 / liquidity, v3-core Pool.swap). The fees are earned at the
 * step's starting price (credited before the ticks the move crosses flip), the path saying nothing finer.
 */
function movePool(
  pool: V3PoolSnapshot,
  baseIsToken0: boolean,
  basePriceInOther: number,
  usd0: number,
  usd1: number,
  volumeUsd: number,
): V3PoolSnapshot {
  const price0In1 = baseIsToken0 ? basePriceInOther : 1 / basePriceInOther;
  const sqrtPriceX96 = sqrtPriceX96OfPrice(price0In1, pool.token0.decimals, pool.token1.decimals);
  const tick = getTickAtSqrtRatio(sqrtPriceX96);
  let { feeGrowthGlobal0X128, feeGrowthGlobal1X128 } = pool;
  if (volumeUsd > 0 && pool.liquidity > 0n) {
    const feeUsdEachSide = (volumeUsd / 2) * (pool.fee / 1_000_000);
    const fee0 = fromFloat("fee0", feeUsdEachSide / usd0, pool.token0.decimals);
    const fee1 = fromFloat("fee1", feeUsdEachSide / usd1, pool.token1.decimals);
    feeGrowthGlobal0X128 += (fee0 << 128n) / pool.liquidity;
    feeGrowthGlobal1X128 += (fee1 << 128n) / pool.liquidity;
  }
  const moved = { ...pool, sqrtPriceX96, tick, feeGrowthGlobal0X128, feeGrowthGlobal1X128 };
  return { ...moved, ticks: crossTicks(moved, pool.tick, tick) };
}

/**
 * The feed at the step: a new round when the answer changes, or when half its heartbeat has passed since the last
 * (Chainlink posts on a deviation or on its heartbeat, so a quiet feed never goes stale); otherwise unchanged, so
 * a recorded path's repeated prices read as the one round the keeper saw (σ counts one observation per round).
 */
function postAnswer(reading: OracleReading, usd: number, atSec: number): OracleReading {
  const answer = BigInt(Math.round(usd * 10 ** reading.decimals));
  if (answer === reading.answer && atSec - reading.updatedAtSec < reading.heartbeatSec / 2) return reading;
  return { ...reading, answer, updatedAtSec: atSec, roundId: reading.roundId + 1n };
}

/**
 * The perp marked to the new price: the account value moves by size × Δindex and by the funding paid over the
 * step at the rate in force during it (the previous step's); free collateral follows (Perp v2 Vault: collateral
 * or account value, whichever is lower, less the initial margin of the position).
 */
function movePerp(
  perp: PerpPositionSnapshot,
  priceUsd: number,
  elapsedSec: number,
  fundingRateDaily: number,
  perpLiquidity: number | undefined,
): { perp: PerpPositionSnapshot; fundingPaidUsd: number } {
  const indexPriceE18 = fromFloat("basePriceUsd", priceUsd, 18);
  const size = toFloat(perp.sizeBase, 18);
  const pnlQuote = (perp.sizeBase * (indexPriceE18 - perp.indexPriceE18)) / E18;
  const fundingPaidUsd =
    size * toFloat(perp.indexPriceE18, 18) * perp.fundingRateDaily * (elapsedSec / SECONDS_PER_DAY);
  const fundingQuote = fromFloat("fundingPaidUsd", Math.abs(fundingPaidUsd), 18);
  const accountValueQuote =
    perp.accountValueQuote + pnlQuote - (fundingPaidUsd < 0 ? -fundingQuote : fundingQuote);
  const decimals = perp.collateral.token.decimals;
  const collateralQuote = perp.collateral.balance * 10n ** BigInt(18 - decimals);
  const notionalQuote = ((perp.sizeBase < 0n ? -perp.sizeBase : perp.sizeBase) * indexPriceE18) / E18;
  const initialMarginQuote = fromFloat(
    "initialMargin",
    toFloat(notionalQuote, 18) * perp.initialMarginRatio,
    18,
  );
  const available =
    (collateralQuote < accountValueQuote ? collateralQuote : accountValueQuote) - initialMarginQuote;
  return {
    perp: {
      ...perp,
      indexPriceE18,
      markPriceE18: indexPriceE18,
      accountValueQuote,
      freeCollateral: available > 0n ? available / 10n ** BigInt(18 - decimals) : 0n,
      // Funding is settled into the account value each step, so none is pending; the price move is unrealized
      // P&L and the settled funding owed realized P&L (Perp v2 settles funding into owedRealizedPnl).
      pendingFundingQuote: 0n,
      unrealizedPnlQuote: perp.unrealizedPnlQuote + pnlQuote,
      owedRealizedPnlQuote: perp.owedRealizedPnlQuote - (fundingPaidUsd < 0 ? -fundingQuote : fundingQuote),
      fundingRateDaily,
      marketDepth: moveMarketDepth(perp.marketDepth, priceUsd, perpLiquidity),
    },
    fundingPaidUsd,
  };
}

/** The perp market's pool at the path's price (vBase and vQuote both have 18 decimals, base is token0). */
function moveMarketDepth(
  depth: PerpMarketDepth,
  priceUsd: number,
  perpLiquidity: number | undefined,
): PerpMarketDepth {
  const sqrtPriceX96 = sqrtPriceX96OfPrice(priceUsd, 18, 18);
  return {
    ...depth,
    sqrtPriceX96,
    tick: getTickAtSqrtRatio(sqrtPriceX96),
    liquidity: perpLiquidity === undefined ? depth.liquidity : fromFloat("perp_liquidity", perpLiquidity, 18),
    // The path gives one depth, not a tick layout: that liquidity holds over the whole range (the recorded ticks
    // describe the pool at the recorded price only).
    initializedTicks: [],
    knownTicks: wholeTickWindow(depth.tickSpacing),
  };
}

/**
 * The book at `point`, one block after `book`. `block` is the step's block number (the path has none; the
 * replay numbers steps from the starting block).
 */
export function moveBook(
  book: BookSnapshot,
  point: PricePoint,
  block: bigint,
): { book: BookSnapshot; flows: StepFlows } {
  const elapsedSec = point.timestampSec - book.blockTimestampSec;
  if (!(elapsedSec >= 0))
    fail("point.timestampSec", `must not be before the book's ${book.blockTimestampSec}`, point.timestampSec);
  const at = point.timestampSec;
  const base = lowerCased(book.base.address);
  const baseOracle = postAnswer(book.baseOracle, point.basePriceUsd, at);
  const oracles = book.oracles.map((o) => postAnswer(o, oraclePrice(o), at));
  // A handful of feeds: a scan is cheaper than a Map built at every step.
  const usdOf = (token: string): number | undefined => {
    if (token === base) return point.basePriceUsd;
    const oracle = oracles.find((o) => lowerCased(o.asset) === token);
    return oracle === undefined ? undefined : oraclePrice(oracle);
  };
  // The main pool (the first LP position's) earns the path's volume; other pools only follow the price.
  const first = book.lpPositions[0];
  const mainPool = first === undefined ? undefined : positionPoolIdOf(first);
  const pools = book.pools.map((pool): PoolSnapshot => {
    if (pool.kind !== "uniswap-v3") return pool;
    const token0 = lowerCased(pool.token0.address);
    const token1 = lowerCased(pool.token1.address);
    if (token0 !== base && token1 !== base) return pool;
    const usd0 = usdOf(token0);
    const usd1 = usdOf(token1);
    if (usd0 === undefined || usd1 === undefined) return pool;
    const baseIsToken0 = token0 === base;
    const other = baseIsToken0 ? usd1 : usd0;
    const volume = lowerCased(pool.address) === mainPool ? (point.poolVolumeUsd ?? 0) : 0;
    return movePool(pool, baseIsToken0, point.basePriceUsd / other, usd0, usd1, volume);
  });
  let perp = book.perp;
  let fundingPaidUsd = 0;
  if (perp) {
    const moved = movePerp(
      perp,
      point.basePriceUsd,
      elapsedSec,
      point.fundingRateDaily ?? perp.fundingRateDaily,
      point.perpLiquidity,
    );
    perp = moved.perp;
    fundingPaidUsd = moved.fundingPaidUsd;
  }
  return {
    book: { ...book, blockNumber: block, blockTimestampSec: at, baseOracle, oracles, pools, perp },
    flows: { fundingPaidUsd, elapsedSec },
  };
}
