// What the engine reads: plain data an indexer fills from one confirmed block. Integers are raw chain values
// (bigint, in the token's or contract's own units); units and scales are in the field names.
import type { Address, Hex32 } from "./plan.ts";
import type { InitializedTick } from "./v3-swap-walk.ts";

export interface TokenRef {
  address: Address;
  symbol: string;
  decimals: number;
}

/** One Chainlink AggregatorV3 latestRoundData reading, with the feed's own heartbeat. */
export interface OracleReading {
  feed: Address;
  /** e.g. "ETH / USD", "USDC / USD". */
  description: string;
  /** The asset this feed prices in USD. */
  asset: Address;
  answer: bigint;
  decimals: number;
  updatedAtSec: number;
  heartbeatSec: number;
  /** Phase-encoded: (phaseId << 64) | aggregatorRoundId. */
  roundId: bigint;
  /** Set by the indexer when its own checks failed (sequencer down or in grace, round went backwards…). */
  stale: boolean;
  /** Which of the indexer's checks failed (e.g. `sequencer-down`), when it says which. */
  flags?: readonly string[];
}

export interface TickFeeGrowth {
  tick: number;
  /** ticks(tick).feeGrowthOutside0X128 / 1X128 */
  feeGrowthOutside0X128: bigint;
  feeGrowthOutside1X128: bigint;
}

export interface V3PoolSnapshot {
  kind: "uniswap-v3";
  address: Address;
  token0: TokenRef;
  token1: TokenRef;
  /** Fee tier in hundredths of a bip (500 = 0.05%). */
  fee: number;
  tickSpacing: number;
  sqrtPriceX96: bigint;
  tick: number;
  /** In-range liquidity (pool.liquidity()). */
  liquidity: bigint;
  feeGrowthGlobal0X128: bigint;
  feeGrowthGlobal1X128: bigint;
  /** feeGrowthOutside for every tick a tracked position uses as a bound. */
  ticks: TickFeeGrowth[];
}

export interface V2PoolSnapshot {
  kind: "uniswap-v2";
  address: Address;
  token0: TokenRef;
  token1: TokenRef;
  reserve0: bigint;
  reserve1: bigint;
  totalSupply: bigint;
}

/**
 * A Uniswap v4 pool's identity (v4-core types/PoolKey.sol). `currency0` < `currency1`; address(0) is native ETH.
 * `fee` is the LP fee in hundredths of a bip, or the dynamic-fee flag 0x800000 (the fee then lives in slot0).
 */
export interface V4PoolKey {
  currency0: Address;
  currency1: Address;
  fee: number;
  tickSpacing: number;
  /** The hook contract, or address(0); its low 14 bits are its permissions (see v4-hook-flags.ts). */
  hooks: Address;
}

/** Fee growth inside one position range, as StateView.getFeeGrowthInside reports it at the snapshot block. */
export interface V4RangeFeeGrowth {
  tickLower: number;
  tickUpper: number;
  feeGrowthInside0X128: bigint;
  feeGrowthInside1X128: bigint;
}

/** A v4 pool inside the singleton PoolManager, read through StateView at one block. */
export interface V4PoolSnapshot {
  kind: "uniswap-v4";
  /** keccak256(abi.encode(key)), as PoolIdLibrary.toId. */
  poolId: Hex32;
  key: V4PoolKey;
  /** Native ETH (address(0)) as { symbol: "ETH", decimals: 18 }. */
  currency0: TokenRef;
  currency1: TokenRef;
  sqrtPriceX96: bigint;
  tick: number;
  /** slot0's LP fee now, hundredths of a bip: a dynamic-fee pool's hook may change it at any block. */
  lpFee: number;
  /** slot0's protocol fee: 12 bits per direction (zeroForOne in the low bits), pips. */
  protocolFee: number;
  /** In-range liquidity (getLiquidity). */
  liquidity: bigint;
  feeGrowthGlobal0X128: bigint;
  feeGrowthGlobal1X128: bigint;
  /** Fee growth inside every range a tracked position of this pool uses. */
  ranges: V4RangeFeeGrowth[];
}

/** A PositionManager position NFT: its range and liquidity in the PoolManager (owner PositionManager, salt = id). */
export interface V4PositionSnapshot {
  kind: "uniswap-v4";
  tokenId: bigint;
  poolId: Hex32;
  /** ownerOf(tokenId) at the snapshot block. */
  owner: Address;
  tickLower: number;
  tickUpper: number;
  liquidity: bigint;
  feeGrowthInside0LastX128: bigint;
  feeGrowthInside1LastX128: bigint;
  /** PositionInfo's subscriber flag: a subscribed position notifies a contract on every change. */
  hasSubscriber: boolean;
  entry: LpEntry;
}

export type PoolSnapshot = V3PoolSnapshot | V2PoolSnapshot | V4PoolSnapshot;

/** Entry of an LP position: the amounts deposited (from IncreaseLiquidity/Mint events), or the pool price then. */
export type LpEntry =
  | { kind: "amounts"; amount0: bigint; amount1: bigint }
  | { kind: "sqrtPrice"; sqrtPriceX96: bigint };

export interface V3PositionSnapshot {
  kind: "uniswap-v3";
  /** NonfungiblePositionManager token id. */
  tokenId: bigint;
  pool: Address;
  tickLower: number;
  tickUpper: number;
  liquidity: bigint;
  feeGrowthInside0LastX128: bigint;
  feeGrowthInside1LastX128: bigint;
  tokensOwed0: bigint;
  tokensOwed1: bigint;
  entry: LpEntry;
}

export interface V2PositionSnapshot {
  kind: "uniswap-v2";
  pool: Address;
  lpBalance: bigint;
  entry: LpEntry;
}

export type LpPositionSnapshot = V3PositionSnapshot | V2PositionSnapshot | V4PositionSnapshot;

/**
 * A Perpetual Protocol v2 (Curie) taker position; all quote figures have 18 decimals as the
 * ClearingHouse/AccountBalance/Vault report them.
 */
export interface PerpPositionSnapshot {
  venue: string;
  baseToken: Address;
  /** getTakerPositionSize: signed, 18 decimals, negative = short. */
  sizeBase: bigint;
  /** getTakerOpenNotional: signed, 18 decimals; negative for a long (quote paid), positive for a short. */
  openNotionalQuote: bigint;
  /** ClearingHouse.getAccountValue: collateral + unrealized PnL − pending funding, 18 decimals. */
  accountValueQuote: bigint;
  /** Vault.getFreeCollateral, in the settlement token's decimals. */
  freeCollateral: bigint;
  markPriceE18: bigint;
  indexPriceE18: bigint;
  /** Exchange.getAllPendingFundingPayment: 18 decimals, positive = the trader owes. */
  pendingFundingQuote: bigint;
  /**
   * AccountBalance.getPnlAndPendingFee, 18 decimals: realized P&L owed to the trader and not yet settled into the
   * vault balance (a withdrawal settles it), unrealized P&L at the mark, pending maker fees. Account value is
   * collateral + owed + pending fee − pending funding + unrealized (Vault._getSettlementTokenBalanceAndUnrealizedPnl).
   */
  owedRealizedPnlQuote: bigint;
  unrealizedPnlQuote: bigint;
  pendingFeeQuote: bigint;
  /** Funding per day as a fraction of notional, positive = longs pay shorts (from the mark/index TWAP gap). */
  fundingRateDaily: number;
  /** ClearingHouseConfig.getMmRatio / 1e6 (e.g. 0.0625). */
  maintenanceMarginRatio: number;
  /** ClearingHouseConfig.getImRatio / 1e6 (e.g. 0.1). */
  initialMarginRatio: number;
  /** Settlement collateral in the vault (Vault.getBalance, token decimals). */
  collateral: { token: TokenRef; balance: bigint };
  /** The market's Uniswap v3 pool as read in the same block: what a taker trade's price impact comes from. */
  marketDepth: PerpMarketDepth;
}

/**
 * The depth of a Perp v2 market: its vBase/vQuote Uniswap v3 pool's slot0 and in-range liquidity. Perp v2 requires
 * the base token to sort below the quote token (MarketRegistry.addPool), so the base is token0 and the price is
 * quote per base.
 */
export interface PerpMarketDepth {
  pool: Address;
  sqrtPriceX96: bigint;
  tick: number;
  /** pool.liquidity(): constant from the price to the next initialized tick. */
  liquidity: bigint;
  tickSpacing: number;
  /** pool.fee(), in pips (3000 = 0.3%): Perp v2 cancels it, but the pool's per-step rounding follows it. */
  feePips: number;
  /** The pool's initialized ticks in `knownTicks`, ascending, with ticks(tick).liquidityNet: all of them. */
  initializedTicks: readonly InitializedTick[];
  /**
   * The inclusive tick window read (multiples of the spacing around the price, as far as a trade can move it in a
   * block: Exchange.getMaxTickCrossedWithinBlock). A trade's cost is exact inside it (perp-trade-cost.ts).
   */
  knownTicks: { lower: number; upper: number };
}

/**
 * One Aave v3 reserve as one account sees it at one block (Pool, AaveProtocolDataProvider, AaveOracle). Amounts
 * are in the reserve token's own units; rates and indexes are rays (1e27 = 100% a year / an index of 1).
 */
export interface AaveReserveSnapshot {
  asset: TokenRef;
  /** The reserve's id (its index in Pool.getReservesList): the account's configuration bits 2·id and 2·id+1. */
  reserveId: number;
  /** AaveOracle.getAssetPrice: the base currency per whole token, BASE_CURRENCY_UNIT per unit (USD × 1e8). */
  priceBase: bigint;
  ltvBps: number;
  liquidationThresholdBps: number;
  /** Includes the principal: 10_500 = a 5% bonus to the liquidator. */
  liquidationBonusBps: number;
  reserveFactorBps: number;
  /** The reserve accepts collateral at all; whether this account uses it is `usedAsCollateral`. */
  collateralEnabled: boolean;
  borrowingEnabled: boolean;
  /** aToken.balanceOf: principal plus supply interest. */
  aTokenBalance: bigint;
  /** variableDebtToken.balanceOf: principal plus borrow interest. */
  variableDebt: bigint;
  scaledVariableDebt: bigint;
  stableDebt: bigint;
  usedAsCollateral: boolean;
  /** Supply APR (linear) and variable borrow APR (compounded per second by the protocol), rays. */
  liquidityRateRay: bigint;
  variableBorrowRateRay: bigint;
  liquidityIndexRay: bigint;
  variableBorrowIndexRay: bigint;
  lastUpdateTimestampSec: number;
  totalAToken: bigint;
  totalVariableDebt: bigint;
  totalStableDebt: bigint;
}

/**
 * An Aave v3 account at one block: every reserve it uses, and Pool.getUserAccountData as Aave computed it (in the
 * oracle's base currency). A book's `aave-v3-borrow` hedge leg is the Safe's account (BookSnapshot.aave).
 */
export interface AaveAccountSnapshot {
  venue: string;
  pool: Address;
  account: Address;
  blockNumber: bigint;
  /** AaveOracle.BASE_CURRENCY_UNIT: 1e8 when the base currency is USD. */
  baseCurrencyUnit: bigint;
  /** Pool.getUserEMode; 0 = none. */
  eModeCategory: number;
  reserves: AaveReserveSnapshot[];
  accountData: {
    totalCollateralBase: bigint;
    totalDebtBase: bigint;
    availableBorrowsBase: bigint;
    currentLiquidationThresholdBps: number;
    ltvBps: number;
    /** Wad (1e18 = 1.0); 2^256 − 1 without debt. */
    healthFactorWad: bigint;
  };
}

export interface SpotBalance {
  token: TokenRef;
  balance: bigint;
}

/** One per-block observation, kept by the history store, for effectiveness, volatility and VaR. */
export interface BookSample {
  blockNumber: bigint;
  timestampSec: number;
  /** Oracle price of the base asset, USD. */
  basePriceUsd: number;
  /**
   * The base oracle round behind basePriceUsd (OracleReading.roundId) and the time it was written
   * (updatedAtSec). Optional: with them, volatility counts one observation per oracle round at the round's
   * own time (a heartbeat round at an unchanged price is a real observation); without them, one per price change.
   */
  baseOracleRoundId?: bigint;
  baseOracleUpdatedAtSec?: number;
  /** Value of the LP positions and their fees owed, USD (without spot: see hedgedItemValueUsd). */
  lpValueUsd: number;
  /**
   * The hedged item: everything hedge drift counts as exposure, USD = LP value + LP fees owed + the spot
   * balance of the base asset at the base price (`hedgedItemValueUsd(metrics)` in effectiveness.ts). Optional
   * for samples recorded before it existed; effectiveness windows over samples without it are left blank.
   */
  hedgedItemValueUsd?: number;
  /** Value of the hedge (perp account value), USD. */
  hedgeValueUsd: number;
  perpMarkPriceUsd: number;
  perpIndexPriceUsd: number;
  /** The base asset's price in the book's main pool, USD. */
  poolPriceUsd: number;
  fundingRateDaily: number;
  /**
   * Perp size (signed, base units) at that block: funding carry is rate × size × index. Optional for
   * samples recorded before it existed; without it a window reports no funding carry.
   */
  perpSizeBase?: number;
}

/**
 * What a decision reads of the recent samples: the base price observations σ is estimated from (volatility.ts).
 * The keeper hands its stored samples (a superset); the backtester hands these, built for every step it replays.
 */
export type PriceSample = Pick<
  BookSample,
  | "blockNumber"
  | "timestampSec"
  | "basePriceUsd"
  | "poolPriceUsd"
  | "baseOracleRoundId"
  | "baseOracleUpdatedAtSec"
>;

/** The keeper's memory for this book, from the history store (the engine is stateless). */
export interface KeeperState {
  /** Hysteresis: true once drift crossed the arm band, false again once back inside the re-arm band. */
  hedgeTriggered: boolean;
  lastPlanAtSec: number | null;
}

export interface BookSnapshot {
  bookId: string;
  chainId: number;
  blockNumber: bigint;
  blockTimestampSec: number;
  /** The Safe that holds the book. */
  safe: Address;
  /** The risk asset the hedge offsets (e.g. WETH) and its USD feed. */
  base: TokenRef;
  baseOracle: OracleReading;
  /** Every other oracle reading the book needs (stablecoin feeds), keyed by nothing: matched by `feed`. */
  oracles: OracleReading[];
  pools: PoolSnapshot[];
  lpPositions: LpPositionSnapshot[];
  perp: PerpPositionSnapshot | null;
  /**
   * The Safe's Aave v3 account when the book has an `aave-v3-borrow` hedge leg (read in the same block-pinned batch
   * as everything else); absent otherwise. Borrowed units the Safe still holds unsold are in `spot`.
   */
  aave?: AaveAccountSnapshot;
  spot: SpotBalance[];
  keeper: KeeperState;
  /** Recent per-block samples, oldest first (may be empty: volatility then falls back to params). */
  samples: PriceSample[];
}
