// A mainnet-shaped book for tests and the benchmark: a USDC/WETH 0.05% v3 position (USDC is token0 on
// mainnet, so the base is token1), a Perp v2 short, USDC/USDT/DAI balances and their feeds.
import { maxLiquidityForAmounts } from "./liquidity-amounts.ts";
import type { BookParams } from "./params.ts";
import type { Address } from "./plan.ts";
import { encodeSqrtRatioX96 } from "./price-tick.ts";
import type {
  BookSnapshot,
  OracleReading,
  TokenRef,
  V3PoolSnapshot,
  V3PositionSnapshot,
} from "./snapshot.ts";
import { getSqrtRatioAtTick, getTickAtSqrtRatio, nearestUsableTick } from "./tick-math.ts";
import { wholeTickWindow } from "./v3-swap-walk.ts";

export const NOW_SEC = 1_750_000_000;
export const WETH: TokenRef = {
  address: "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2",
  symbol: "WETH",
  decimals: 18,
};
export const USDC: TokenRef = {
  address: "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48",
  symbol: "USDC",
  decimals: 6,
};
export const USDT: TokenRef = {
  address: "0xdAC17F958D2ee523a2206206994597C13D831ec7",
  symbol: "USDT",
  decimals: 6,
};
export const DAI: TokenRef = {
  address: "0x6B175474E89094C44Da98b954EedeAC495271d0F",
  symbol: "DAI",
  decimals: 18,
};
export const ETH_USD_FEED: Address = "0x5f4eC3Df9cbd43714FE2740f5E3616155c5b8419";
export const USDC_USD_FEED: Address = "0x8fFfFfd4AfB6115b954Bd326cbe7B4BA576818f6";
export const USDT_USD_FEED: Address = "0x3E7d1eAB13ad0104d2750B8863b489D65364e32D";
export const DAI_USD_FEED: Address = "0xAed0c38402a5d19df6E4c03F4E2DceD6e29c1ee9";
export const USDC_WETH_POOL: Address = "0x88e6A0c2dDD26FEEb64F039a2c41296FcB3f5640";
export const USDC_USDT_POOL: Address = "0x3416cF6C708Da44DB2624D63ea0AAef7113527C6";
export const DAI_USDC_POOL: Address = "0x5777d92f208679DB4b9778590Fa3CAB3aC9e2168";
export const PERP_BASE: Address = "0x8C835DFaA34e2AE61775e80EE29E2c724c6AE2BB";

function feed(
  address: Address,
  asset: TokenRef,
  description: string,
  usd: number,
  heartbeatSec: number,
): OracleReading {
  return {
    feed: address,
    description,
    asset: asset.address,
    answer: BigInt(Math.round(usd * 1e8)),
    decimals: 8,
    updatedAtSec: NOW_SEC - 60,
    heartbeatSec,
    roundId: (1n << 64n) | 1000n,
    stale: false,
  };
}

/** The perp market's vETH/vUSD pool at `price` (both tokens 18 decimals), spacing 60 as the 0.3% tier. */
function perpMarketDepth(price: number, liquidity: number) {
  const sqrtPriceX96 = encodeSqrtRatioX96(BigInt(Math.round(price * 1e6)), 1_000_000n);
  return {
    pool: "0x000000000000000000000000000000000000a0a0" as Address,
    sqrtPriceX96,
    tick: getTickAtSqrtRatio(sqrtPriceX96),
    liquidity: BigInt(liquidity) * 10n ** 18n,
    tickSpacing: 60,
    // Constant liquidity everywhere: no initialized tick over the whole range.
    feePips: 3000,
    initializedTicks: [],
    knownTicks: wholeTickWindow(60),
  };
}

/** A v3 pool of two tokens at `price` (human, token0 in token1). */
function pool(
  address: Address,
  token0: TokenRef,
  token1: TokenRef,
  fee: number,
  tickSpacing: number,
  price: number,
  liquidity: bigint,
): V3PoolSnapshot {
  // raw amount1 per raw amount0, as an integer ratio with 12 significant digits
  const num = BigInt(Math.round(price * 1e12)) * 10n ** BigInt(token1.decimals);
  const den = 10n ** 12n * 10n ** BigInt(token0.decimals);
  const sqrtPriceX96 = encodeSqrtRatioX96(num, den);
  return {
    kind: "uniswap-v3",
    address,
    token0,
    token1,
    fee,
    tickSpacing,
    sqrtPriceX96,
    tick: getTickAtSqrtRatio(sqrtPriceX96),
    liquidity,
    // ~1,000 USDC and ~0.3 WETH of fees per 1e18 of liquidity
    feeGrowthGlobal0X128: ((10n ** 9n) << 128n) / 10n ** 18n,
    feeGrowthGlobal1X128: ((3n * 10n ** 17n) << 128n) / 10n ** 18n,
    ticks: [],
  };
}

export interface FixtureOptions {
  ethUsd?: number;
  /** Perp short as a fraction of the LP's WETH (1 = on target). */
  hedgeRatio?: number;
  usdtUsdOracle?: number;
  usdtUsdPool?: number;
  /** Perp account value / notional. */
  marginRatio?: number;
  positions?: number;
  /** The Safe's USDC, which can top up the perp's collateral (default 200,000). */
  safeUsdc?: number;
  /** Half-width of the LP ranges in ticks (default 500 and up, ±5%: narrow, so drift moves fast). */
  rangeHalfWidthTicks?: number;
  ethUsdStale?: boolean;
  /** The perp market pool's in-range liquidity, whole units (default 100,000,000: about 0.006 bps of impact per ETH). */
  perpLiquidity?: number;
}

export function makeBook(o: FixtureOptions = {}): BookSnapshot {
  const ethUsd = o.ethUsd ?? 3000;
  const usdtOracle = o.usdtUsdOracle ?? 1;
  const usdtPool = o.usdtUsdPool ?? usdtOracle;
  // USDC (token0) priced in WETH (token1)
  const main = pool(USDC_WETH_POOL, USDC, WETH, 500, 10, 1 / ethUsd, 10n ** 22n);
  const usdcUsdt = pool(USDC_USDT_POOL, USDC, USDT, 100, 1, 1 / usdtPool, 10n ** 17n);
  const daiUsdc = pool(DAI_USDC_POOL, DAI, USDC, 100, 1, 1, 10n ** 23n);
  const positions: V3PositionSnapshot[] = [];
  const n = o.positions ?? 1;
  let wethInLp = 0;
  for (let i = 0; i < n; i++) {
    const width = o.rangeHalfWidthTicks ?? 500 + (i % 20) * 100;
    const tickLower = nearestUsableTick(main.tick - width - (i % 7) * 10, 10);
    const tickUpper = nearestUsableTick(main.tick + width + (i % 5) * 10, 10);
    const liquidity = maxLiquidityForAmounts(
      main.sqrtPriceX96,
      getSqrtRatioAtTick(tickLower),
      getSqrtRatioAtTick(tickUpper),
      (500_000n * 10n ** 6n) / BigInt(n),
      (10n ** 18n * BigInt(Math.round(500_000 / ethUsd))) / BigInt(n),
      false,
    );
    for (const tick of [tickLower, tickUpper]) {
      if (!main.ticks.some((t) => t.tick === tick)) {
        main.ticks.push({ tick, feeGrowthOutside0X128: 0n, feeGrowthOutside1X128: 0n });
      }
    }
    positions.push({
      kind: "uniswap-v3",
      tokenId: BigInt(1000 + i),
      pool: USDC_WETH_POOL,
      tickLower,
      tickUpper,
      liquidity,
      feeGrowthInside0LastX128: 0n,
      feeGrowthInside1LastX128: 0n,
      tokensOwed0: 0n,
      tokensOwed1: 0n,
      entry: { kind: "sqrtPrice", sqrtPriceX96: main.sqrtPriceX96 },
    });
    // token1 (WETH) held at the current price: L(√P − √pa) in raw units
    const sp = Number(main.sqrtPriceX96) / 2 ** 96;
    const sa = Number(getSqrtRatioAtTick(tickLower)) / 2 ** 96;
    wethInLp += (Number(liquidity) * (sp - sa)) / 1e18;
  }
  const hedgeRatio = o.hedgeRatio ?? 1;
  const sizeBase = -BigInt(Math.round(wethInLp * hedgeRatio * 1e6)) * 10n ** 12n;
  const notional = (Number(-sizeBase) / 1e18) * ethUsd;
  const accountValue = notional * (o.marginRatio ?? 0.3) + (sizeBase === 0n ? 50_000 : 0);
  const ethFeed = feed(ETH_USD_FEED, WETH, "ETH / USD", ethUsd, 3600);
  if (o.ethUsdStale) ethFeed.updatedAtSec = NOW_SEC - 7200;
  return {
    bookId: "treasury-eth-lp",
    chainId: 1,
    blockNumber: 21_000_000n,
    blockTimestampSec: NOW_SEC - 12,
    safe: "0x1111111111111111111111111111111111111111",
    base: WETH,
    baseOracle: ethFeed,
    oracles: [
      feed(USDC_USD_FEED, USDC, "USDC / USD", 1, 86_400),
      feed(USDT_USD_FEED, USDT, "USDT / USD", usdtOracle, 86_400),
      feed(DAI_USD_FEED, DAI, "DAI / USD", 1, 3600),
    ],
    pools: [main, usdcUsdt, daiUsdc],
    lpPositions: positions,
    perp: {
      venue: "perp-v2",
      baseToken: PERP_BASE,
      sizeBase,
      openNotionalQuote: (-sizeBase * BigInt(Math.round(ethUsd * 1e6))) / 10n ** 6n,
      accountValueQuote: BigInt(Math.round(accountValue)) * 10n ** 18n,
      freeCollateral: BigInt(Math.round(accountValue * 0.5)) * 10n ** 6n,
      markPriceE18: BigInt(Math.round(ethUsd * 1.0005 * 1e6)) * 10n ** 12n,
      indexPriceE18: BigInt(Math.round(ethUsd * 1e6)) * 10n ** 12n,
      pendingFundingQuote: 12n * 10n ** 18n,
      owedRealizedPnlQuote: 0n,
      // Account value = collateral + owed + pending fee − pending funding + unrealized (collateral = account value).
      unrealizedPnlQuote: 12n * 10n ** 18n,
      pendingFeeQuote: 0n,
      fundingRateDaily: 0.0003,
      maintenanceMarginRatio: 0.0625,
      initialMarginRatio: 0.1,
      collateral: { token: USDC, balance: BigInt(Math.round(accountValue)) * 10n ** 6n },
      marketDepth: perpMarketDepth(ethUsd * 1.0005, o.perpLiquidity ?? 100_000_000),
    },
    spot: [
      { token: USDC, balance: BigInt(o.safeUsdc ?? 200_000) * 10n ** 6n },
      { token: USDT, balance: 100_000n * 10n ** 6n },
      { token: DAI, balance: 0n },
      { token: WETH, balance: 0n },
    ],
    keeper: { hedgeTriggered: false, lastPlanAtSec: null },
    samples: [],
  };
}

export function makeParams(overrides: Partial<BookParams> = {}): BookParams {
  return {
    targetHedgeRatio: 1,
    armBps: 100,
    rearmBps: 25,
    cooldownSec: 600,
    minTradeUsd: 1_000,
    caps: {
      maxTradeUsd: 5_000_000,
      maxHedgeNotionalUsd: 10_000_000,
      maxSwapUsd: 1_000_000,
      maxCollateralMoveUsd: 1_000_000,
    },
    margin: { floorRatio: 0.15, ceilingRatio: 0.5, targetRatio: 0.25, minLiquidationDistanceBps: 2_000 },
    costMargin: 1.5,
    costs: {
      gasPriceGwei: 20,
      gasBase: 150_000,
      gasPerPerpTrade: 400_000,
      gasPerCollateralMove: 150_000,
      gasPerSwap: 180_000,
      perpTakerFeeBps: 10,
      perpSlippageBps: 5,
    },
    risk: { fallbackSigmaAnnual: 0.6, horizonSec: 86_400, confidenceZ: 1.645 },
    premise: { oracleBandBps: 100, deadlineSec: 300, perpSizeToleranceBps: 50 },
    depeg: {
      defaultTiers: { watchBps: 25, warnBps: 50, actBps: 100 },
      stablecoins: [
        {
          token: USDC.address,
          symbol: "USDC",
          feed: USDC_USD_FEED,
          limitBps: 50,
          minSourcesToAct: 2,
          stablePools: [USDC_USDT_POOL, DAI_USDC_POOL],
          basePool: USDC_WETH_POOL,
          maxSlippageBps: 30,
        },
        {
          token: USDT.address,
          symbol: "USDT",
          feed: USDT_USD_FEED,
          limitBps: 50,
          minSourcesToAct: 2,
          stablePools: [USDC_USDT_POOL],
          basePool: null,
          maxSlippageBps: 30,
        },
        {
          token: DAI.address,
          symbol: "DAI",
          feed: DAI_USD_FEED,
          limitBps: 50,
          minSourcesToAct: 2,
          stablePools: [DAI_USDC_POOL],
          basePool: null,
          maxSlippageBps: 30,
        },
      ],
    },
    maxSnapshotAgeSec: 120,
    ...overrides,
  };
}

// Mainnet's USDC/USDT 0.001% v4 pool id (hookless): keccak256(abi.encode(key)).
const V4_USDC_USDT_POOL_ID = "0x8aa4e11cbdf30eedc92100f4c8a31ff748e201d44712cc8c90d189edaa8e4e47" as const;
const V4_HOOKLESS = "0x0000000000000000000000000000000000000000" as const;

/** The fixture's book with a v4 USDC/USDT position around the 1:1 tick (token id 42). */
export function withV4StablePosition(book: BookSnapshot, liquidity = 10n ** 14n): BookSnapshot {
  book.pools.push({
    kind: "uniswap-v4",
    poolId: V4_USDC_USDT_POOL_ID,
    key: { currency0: USDC.address, currency1: USDT.address, fee: 10, tickSpacing: 1, hooks: V4_HOOKLESS },
    currency0: USDC,
    currency1: USDT,
    sqrtPriceX96: getSqrtRatioAtTick(0),
    tick: 0,
    lpFee: 10,
    protocolFee: 0,
    liquidity,
    feeGrowthGlobal0X128: 0n,
    feeGrowthGlobal1X128: 0n,
    ranges: [{ tickLower: -50, tickUpper: 50, feeGrowthInside0X128: 0n, feeGrowthInside1X128: 0n }],
  });
  book.lpPositions.push({
    kind: "uniswap-v4",
    tokenId: 42n,
    poolId: V4_USDC_USDT_POOL_ID,
    owner: book.safe,
    tickLower: -50,
    tickUpper: 50,
    liquidity,
    feeGrowthInside0LastX128: 0n,
    feeGrowthInside1LastX128: 0n,
    hasSubscriber: false,
    entry: { kind: "sqrtPrice", sqrtPriceX96: getSqrtRatioAtTick(0) },
  });
  return book;
}
