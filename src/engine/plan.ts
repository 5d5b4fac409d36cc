// The engine's decision output, shared by execution (plan → calldata), the keeper and the history.
// Amounts are integers in the token's (or venue's) own units; USD figures are floats for reporting only.

/** A 20-byte address, checksummed or not. The engine is pure: no viem import, only the shape. */
export type Address = `0x${string}`;
/** A 32-byte hex string. */
export type Hex32 = `0x${string}`;

/** `urgent` is the de-peg act tier: it may skip cooldown (never caps) and runs ahead of `routine`. */
export const LANES = ["urgent", "routine"] as const;
export type Lane = (typeof LANES)[number];

/** Perpetual Protocol v2 ClearingHouse.openPosition, sized in base units (18 decimals). */
export interface PerpAdjustPositionAction {
  kind: "perp.adjustPosition";
  venue: string;
  baseToken: Address;
  /** true: sell base (grow a short / shrink a long). */
  isBaseToQuote: boolean;
  /** Always exact input in base units here, so the trade size is the plan's decision. */
  amountBase: bigint;
  /** Slippage bound in quote units (18 decimals): min quote out when selling base, max quote in when buying. */
  oppositeAmountBound: bigint;
  expectedSizeBefore: bigint;
  expectedSizeAfter: bigint;
}

/** Perp vault deposit / withdraw of settlement collateral (e.g. USDC, 6 decimals). */
export interface PerpCollateralAction {
  kind: "perp.depositCollateral" | "perp.withdrawCollateral";
  venue: string;
  token: Address;
  amount: bigint;
}

/** Uniswap v3 SwapRouter.exactInputSingle with the treasury as recipient. */
export interface SwapExactInputSingleAction {
  kind: "swap.exactInputSingle";
  venue: "uniswap-v3";
  tokenIn: Address;
  tokenOut: Address;
  fee: number;
  amountIn: bigint;
  amountOutMinimum: bigint;
}

/**
 * Aave v3 Pool calls for a borrow-short hedge leg, always on the treasury's own account: `onBehalfOf` and `to` are
 * the Safe (the Roles scope pins them), the borrow rate mode is variable (2). Amounts in the asset's own units;
 * `repay` / `repayWithATokens` / `withdraw` accept MAX_UINT256 for "all", as the Pool does.
 */
export interface AaveAction {
  kind: "aave.supply" | "aave.withdraw" | "aave.borrow" | "aave.repay" | "aave.repayWithATokens";
  venue: "aave-v3";
  pool: Address;
  asset: Address;
  amount: bigint;
}

/**
 * Uniswap v4 PositionManager.modifyLiquidities: DECREASE_LIQUIDITY of one of the treasury's position NFTs, then
 * TAKE_PAIR of both currencies to the treasury (V4WithdrawalBounds refuses any other recipient or token id).
 */
export interface V4DecreaseLiquidityAction {
  kind: "uniswapV4.decreaseLiquidity";
  venue: "uniswap-v4";
  tokenId: bigint;
  liquidity: bigint;
  /** The PoolManager reverts when a currency pays less than its minimum (raw units). */
  amount0Min: bigint;
  amount1Min: bigint;
  /** The pool key's currencies (address(0) = native ETH): what TAKE_PAIR sends to the treasury. */
  currency0: Address;
  currency1: Address;
}

export type PlanAction =
  | PerpAdjustPositionAction
  | PerpCollateralAction
  | SwapExactInputSingleAction
  | AaveAction
  | V4DecreaseLiquidityAction;

/** What must still be true when the transaction executes (checked on-chain by HedgeGuard.checkPremise). */
export interface PlanPremise {
  deadlineSec: number;
  oracle: {
    feed: Address;
    heartbeatSec: number;
    /** Band in the feed's own decimals (Chainlink USD feeds: 8). */
    minAnswer: bigint;
    maxAnswer: bigint;
  };
  /** The hedge as the plan found it; a plan that already ran no longer matches, so it cannot run twice. */
  perp?: {
    baseToken: Address;
    expectedSize: bigint;
    toleranceBase: bigint;
  };
}

/** What must be true after the actions (checked on-chain by HedgeGuard.checkPost). */
export interface PlanPostState {
  perp?: {
    baseToken: Address;
    targetSize: bigint;
    toleranceBase: bigint;
  };
  /**
   * Aave v3: the treasury's health factor (Pool.getUserAccountData, wad) must be at least this after the batch, so
   * no plan leaves a borrow short closer to liquidation than the configured floor.
   */
  aave?: {
    pool: Address;
    minHealthFactorWad: bigint;
  };
  /** The treasury's balances that must be at least these after the batch. */
  minBalances: { token: Address; amount: bigint }[];
}

export interface PlanCost {
  gasUsd: number;
  feesUsd: number;
  slippageUsd: number;
  fundingUsd: number;
  totalUsd: number;
}

/** A perp resize's quote: the venue's mark price when the engine sized it (its slippage estimate starts there). */
export interface PerpTradeQuote {
  kind: "perp";
  /** The perp.adjustPosition action's index in plan.actions. */
  actionIndex: number;
  /** USD (quote token) per base unit. */
  priceUsd: number;
}

/**
 * A de-peg swap's quote: what the pool would pay per unit in at its spot price, after its fee tier and before
 * price impact (the engine's exact quote adds the impact; the realized fill adds the impact and any move since).
 */
export interface SwapTradeQuote {
  kind: "swap";
  /** The swap.exactInputSingle action's index in plan.actions. */
  actionIndex: number;
  /** The v3 pool the router will route through: its Swap event is the realized fill. */
  pool: Address;
  /** tokenOut per tokenIn, whole units, net of the pool's fee. */
  priceNetOfFee: number;
  tokenInPriceUsd: number;
  tokenOutPriceUsd: number;
  tokenInDecimals: number;
  tokenOutDecimals: number;
}

export type TradeQuote = PerpTradeQuote | SwapTradeQuote;

/** What the engine expected at decision time: the realized cost of the mined plan is measured against it. */
export interface PlanQuote {
  /** The base asset's USD price the plan was decided at: the gas token's price proxy (WETH books) for gas in USD. */
  basePriceUsd: number;
  /** One per trade action (perp resize, swap), in action order; collateral and Aave moves have no quote. */
  legs: TradeQuote[];
}

export interface Plan {
  /** Deterministic: hash of book, block and actions. The keeper's idempotency key. */
  planId: Hex32;
  bookId: string;
  blockNumber: bigint;
  lane: Lane;
  reason: string;
  actions: PlanAction[];
  premise: PlanPremise;
  post: PlanPostState;
  expectedRiskReductionUsd: number;
  expectedCost: PlanCost;
  /** Covered by the plan's MAC with everything else: a forged quote cannot hide a bad fill. */
  quote: PlanQuote;
  driftBpsBefore: number;
  driftBpsAfter: number;
  /** Hysteresis state for the next decision: the keeper stores it with the plan. */
  hedgeTriggered?: boolean;
}

/** Why nothing is done, as a stable code for metrics and alerts (the reason says it in words). */
export type NoopCode =
  | "stale-snapshot"
  | "oracle-stale"
  | "within-band"
  | "cooldown"
  | "below-min-trade"
  | "cost-exceeds-benefit"
  | "no-hedge-venue"
  /** A de-peg swap's pool would pay less than the feeds' minimum: the pool (or the RPC reading it) is off. */
  | "pool-off-oracle";

export interface Noop {
  kind: "noop";
  bookId: string;
  reason: string;
  driftBps: number;
  code?: NoopCode;
  /** Hysteresis state for the next decision: the keeper stores it. */
  hedgeTriggered?: boolean;
}

export type Decision = { kind: "plan"; plan: Plan } | Noop;
