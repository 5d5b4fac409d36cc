import type { Address } from "viem";

/**
 * A Chainlink USD feed the on-chain bounds price a token with (HedgeBounds.setPriceSource): an answer older
 * than `heartbeatSec` or not positive fails every bound that needs it, so a stale oracle never lets a trade by.
 */
export interface PriceSource {
  token: Address;
  feed: Address;
  heartbeatSec: number;
  feedDecimals: number;
  tokenDecimals: number;
}

/** What a treasury lets its keeper do: the input to the permission set (permissions as code). */
export interface TreasuryScope {
  safe: Address;
  roles: Address;
  hedgeGuard: Address;
  multiSendCallOnly: Address;
  /** Zodiac's MultiSendUnwrapper adapter: lets Roles check each call inside a MultiSend batch. */
  multiSendUnwrapper: Address;
  keeper: Address;
  /** May only remove the keeper's role (pause); restoring it takes the Safe's owners. */
  guardian: Address;
  /**
   * A second, lower-privilege key that may only repay the Safe's Aave debt (repay, repayWithATokens, the approve a
   * repay needs), so the book can be kept alive while the keeper is down. Needs `aave`.
   */
  deleverager?: Address;
  perp: {
    clearingHouse: Address;
    vault: Address;
    /** Markets the keeper may trade (Perpetual Protocol v2 base tokens, e.g. vETH). */
    baseTokens: readonly Address[];
    /** Collateral the keeper may deposit to / withdraw from the Safe's own vault account. */
    collateralTokens: readonly Address[];
  };
  uniswap: {
    swapRouter: Address;
    positionManager: Address;
    /** Pairs the keeper may swap, in this direction only, at this fee tier. */
    swapPairs: readonly { tokenIn: Address; tokenOut: Address; fee: number }[];
  };
  /** The Aave v3 borrow-short leg: supply collateral, borrow the hedged asset at the variable rate, sell it. */
  aave?: AaveScope;
  /**
   * Optional: withdrawals of the treasury's Uniswap v4 positions (PositionManager.modifyLiquidities), judged by
   * our V4WithdrawalBounds condition: only the treasury's own token ids, paid to the treasury, and a deadline
   * at most `maxDeadlineSec` away.
   */
  uniswapV4?: {
    positionManager: Address;
    withdrawalBounds: Address;
    maxDeadlineSec: number;
  };
  /**
   * Price bounds Roles enforces on every value-moving call, whatever else is in the transaction (a Roles v2
   * custom condition: our view-only HedgeBounds adapter reads the Chainlink feeds and the call's own bound fields).
   */
  bounds: {
    hedgeBounds: Address;
    /** Perp `openPosition`: the quote bound is within this of amount × oracle price. */
    perpSlippageBps: number;
    /** `exactInputSingle`: the minimum out is within this of amount in × the oracles' cross price. */
    swapSlippageBps: number;
    /** `decreaseLiquidity`: the pool's price is within this of the oracles' cross price. */
    lpPriceBandBps: number;
    /** Every token the bounds price, perp base tokens included (priced by their underlying's feed). */
    priceSources: readonly PriceSource[];
  };
  caps: {
    /** Perp trade size per day, base units (18 decimals), summed over opens in either direction. */
    perpBasePerDay: bigint;
    /** The largest |perp position| per market the keeper may build, in whole base units (a reduction always passes). */
    perpMaxAbsBaseUnits: number;
    /** Swap input per day, per input token, in that token's units. */
    swapAmountInPerDay: Readonly<Record<Address, bigint>>;
    /** Collateral moved (deposit + withdraw) per day, per token, in that token's units. */
    collateralPerDay: Readonly<Record<Address, bigint>>;
    /** The most collateral the Safe may hold on the perp vault per token, in whole tokens, after a keeper deposit. */
    collateralMaxTokens: Readonly<Record<Address, number>>;
    /** Venue calls per hour, all kinds together (perp opens and vault deposits: at most one per block instead). */
    callsPerHour: number;
    /** Allowances refill in steps of this period (cap × period / 1 day each), never above one day's cap. */
    refillPeriodSec: number;
  };
}

/**
 * What the keeper may do on one Aave v3 Pool, always on the Safe's own account (`onBehalfOf` and `to` are the Safe).
 * The swap leg (borrowed asset ↔ stablecoin) is an ordinary `uniswap.swapPairs` entry, held by the same swap bound.
 */
export interface AaveScope {
  pool: Address;
  /** Assets the keeper may supply and withdraw (and approve to the Pool). */
  collateralAssets: readonly Address[];
  /** Assets the keeper may borrow at the variable rate and repay (and approve to the Pool). */
  borrowAssets: readonly Address[];
  /** Borrowed per day, per asset, in its own units (a refilling Roles allowance). */
  borrowPerDay: Readonly<Record<Address, bigint>>;
  /** Collateral moved (supply + withdraw) per day, per asset, in its own units. */
  collateralPerDay: Readonly<Record<Address, bigint>>;
}
