// The configuration file's schema: data with units in every name, validated at start-up.
// Cross-references (a book's treasury, a token symbol, a feed id) are checked here too, so every bad key is
// reported by its path in one pass. Secrets are `${ENV_VAR}` references (checked in load-config.ts, which
// sees the file before substitution). Each field's `.describe()` feeds docs/config-reference.md.
import { z } from "zod";
import { PERP_V2_LIQUIDATION } from "../engine/stress.ts";
import { SIGMA_DEFAULTS } from "../engine/volatility.ts";

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** Chainlink's recommended wait after an L2 sequencer comes back (its examples' GRACE_PERIOD_TIME). */
export const DEFAULT_SEQUENCER_GRACE_PERIOD_SEC = 3_600;

export const address = z
  .string()
  .regex(ADDRESS, "expected a 0x-prefixed 20-byte address")
  .transform((value) => value as `0x${string}`);

const symbol = z.string().min(1).max(32);
const nonNegative = z.number().finite().nonnegative();
const positiveInt = z.number().int().positive();
/** A share in basis points: 10,000 bps is all of it, so every bps field stays below. */
const bps = z.number().finite().nonnegative().lt(10_000, "must be below 10,000 bps (100%)");
/** Book fields a keeper key must not be able to stretch into a bad price: beyond these, the book says `unsafe`. */
const SAFE_MAX_SLIPPAGE_BPS = 500;
const SAFE_MAX_ORACLE_BAND_BPS = 1_000;
const url = z.string().url("expected a URL");
/** An on-chain bound in bps: below 100% (a bound of 10,000 bps lets a trade through at any price). */
const boundBps = z.number().int().nonnegative().max(9_999);
/** Bounds wider than this are refused unless the treasury sets `permissions.bounds.unsafe`. */
export const MAX_SAFE_BOUND_BPS = 500;

export const feeCapsSchema = z
  .object({
    maxFeePerGasGwei: z.number().positive().describe("Never pay more than this per gas (EIP-1559 max fee)."),
    maxPriorityFeePerGasGwei: nonNegative.describe("Tip cap per gas."),
  })
  .strict();

export const tokenSchema = z
  .object({
    address: address.describe("The ERC-20's address on this network."),
    decimals: z.number().int().min(0).max(36).describe("The token's decimals (read once, kept here)."),
  })
  .strict();

export const feedSchema = z
  .object({
    address: address.describe("Chainlink AggregatorV3 proxy."),
    asset: symbol.describe("Symbol (key of `tokens`) of the asset the feed prices in USD."),
    heartbeatSec: positiveInt.describe("Longest time between updates; older answers are stale."),
    decimals: z.number().int().min(0).max(36).describe("Answer decimals (8 for USD feeds)."),
  })
  .strict();

export const networkSchema = z
  .object({
    chainId: positiveInt.describe("EIP-155 chain id; `check` refuses an RPC that answers another."),
    rpcUrls: z
      .array(url)
      .min(1)
      .describe("Tried in order. Put credentials in `${ENV_VAR}` references; they are redacted in logs."),
    confirmations: z.number().int().nonnegative().describe("Blocks behind head before data is acted on."),
    pollIntervalMs: positiveInt.describe("How often to poll for new blocks."),
    rpcTimeoutMs: positiveInt.default(10_000).describe("Per-request timeout."),
    rpcRetryCount: z.number().int().nonnegative().max(10).default(3).describe("Retries of a failed request."),
    getLogsMaxBlocks: positiveInt
      .default(2_000)
      .describe(
        "Blocks one eth_getLogs asks for at most (the RPC provider's range limit); longer spans are split.",
      ),
    resumeScanMaxBlocks: positiveInt
      .default(2_000)
      .describe(
        "After a restart, the Safe's events (funding settlements, vault moves, liquidations, v3 LP flows) are read from the book's last sample when it is at most this many blocks back; a longer stop leaves that step uncovered.",
      ),
    fees: feeCapsSchema.describe("Fee caps for every transaction on this network."),
    privateRelayUrl: url
      .nullable()
      .default(null)
      .describe("Send transactions through this MEV-protected RPC (e.g. Flashbots Protect) instead."),
    tokens: z.record(symbol, tokenSchema).describe("Tokens by symbol; books and permissions refer to them."),
    feeds: z.record(z.string().min(1), feedSchema).describe("Chainlink feeds by id (e.g. `ETH/USD`)."),
    sequencerUptimeFeed: z
      .object({
        address: address.describe("Chainlink L2 sequencer uptime feed proxy (answer 0 = up, 1 = down)."),
        gracePeriodSec: positiveInt
          .default(DEFAULT_SEQUENCER_GRACE_PERIOD_SEC)
          .describe(
            "After the sequencer comes back, prices are not acted on for this long (Chainlink recommends 3600).",
          ),
      })
      .strict()
      .optional()
      .describe(
        "On an L2: while the sequencer is down and during its grace period, no feed of this network is used to act.",
      ),
  })
  .strict();

const swapPairSchema = z
  .object({
    tokenIn: symbol.describe("Symbol of the token the keeper may sell."),
    tokenOut: symbol.describe("Symbol of the token it may buy."),
    fee: z.number().int().nonnegative().describe("Uniswap v3 fee tier, hundredths of a bp (100 = 0.01%)."),
  })
  .strict();

export const permissionsSchema = z
  .object({
    perp: z
      .object({
        clearingHouse: address.describe("Perpetual Protocol v2 ClearingHouse."),
        vault: address.describe("Perpetual Protocol v2 Vault."),
        baseTokens: z
          .array(address)
          .min(1)
          .describe("Markets (base tokens, e.g. vETH) the keeper may trade."),
        collateralTokens: z.array(symbol).min(1).describe("Collateral symbols it may deposit and withdraw."),
      })
      .strict(),
    uniswap: z
      .object({
        swapRouter: address.describe("Uniswap v3 SwapRouter."),
        positionManager: address.describe("Uniswap v3 NonfungiblePositionManager."),
        swapPairs: z.array(swapPairSchema).min(1).describe("Pairs the keeper may swap, in this direction."),
      })
      .strict(),
    caps: z
      .object({
        perpBaseUnitsPerDay: z
          .number()
          .positive()
          .describe("Perp size traded per day, in whole base units (e.g. ETH), both directions summed."),
        swapAmountInTokensPerDay: z
          .record(symbol, z.number().positive())
          .describe("Swap input per day per input token, in whole tokens."),
        collateralTokensPerDay: z
          .record(symbol, z.number().positive())
          .describe("Collateral moved per day per token, in whole tokens."),
        callsPerHour: positiveInt
          .max(3_600)
          .describe("Venue calls per hour (perp opens and vault deposits: one per block instead)."),
        perpMaxAbsBaseUnits: positiveInt.describe(
          "Ceiling on |perp position| per market, whole base units: a keeper open may not pass it (reducing always may).",
        ),
        collateralMaxTokens: z
          .record(symbol, positiveInt)
          .describe(
            "Ceiling on the Safe's perp vault balance per token after a keeper deposit, in whole tokens.",
          ),
        refillPeriodSec: positiveInt
          .max(86_400)
          .refine((sec) => 86_400 % sec === 0, { message: "must divide a day (e.g. 3600)" })
          .default(3_600)
          .describe("Allowances refill cap × period / 1 day every period, never above one day's cap."),
      })
      .strict()
      .describe("Refilling Roles allowances: what the keeper can do per period even if compromised."),
    aave: z
      .object({
        pool: address.describe("Aave v3 Pool (the proxy, e.g. AaveV3Ethereum.POOL)."),
        collateralAssets: z
          .array(symbol)
          .min(1)
          .describe("Symbols the keeper may supply and withdraw, always on the Safe's own account."),
        borrowAssets: z
          .array(symbol)
          .min(1)
          .describe(
            "Symbols it may borrow (variable rate only) and repay, always on the Safe's own account.",
          ),
        borrowTokensPerDay: z
          .record(symbol, z.number().positive())
          .describe("Borrowed per day per asset, in whole tokens (a refilling Roles allowance)."),
        collateralTokensPerDay: z
          .record(symbol, z.number().positive())
          .describe("Collateral supplied plus withdrawn per day per asset, in whole tokens."),
      })
      .strict()
      .optional()
      .describe(
        "The Aave v3 borrow-short leg. Its swap leg (borrowed asset ↔ stablecoin) is a `uniswap.swapPairs` entry.",
      ),
    uniswapV4Withdrawals: z
      .object({
        positionManager: address.describe("Uniswap v4 PositionManager holding the Safe's position NFTs."),
        withdrawalBounds: address.describe(
          "V4WithdrawalBounds deployed for this Safe and PositionManager: the Roles custom condition judging each withdrawal.",
        ),
        maxDeadlineSec: positiveInt
          .max(86_400)
          .describe(
            "Latest deadline a withdrawal may carry, seconds from the block: at least every book's premise.deadlineSec.",
          ),
      })
      .strict()
      .optional()
      .describe(
        "Let the keeper withdraw the Safe's own Uniswap v4 positions (modifyLiquidities: DECREASE_LIQUIDITY, then TAKE_PAIR to the Safe), as the de-peg lane does. Absent: no v4 call at all.",
      ),
    bounds: z
      .object({
        perpSlippageBps: boundBps.describe(
          "On chain: a perp open's quote bound is within this of size × Chainlink price.",
        ),
        swapSlippageBps: boundBps.describe(
          "On chain: a swap's minimum out is within this of amount in × the Chainlink cross price.",
        ),
        lpPriceBandBps: boundBps.describe(
          "On chain: a liquidity removal needs the pool's price within this of the Chainlink cross price.",
        ),
        perpBaseFeeds: z
          .array(z.object({ baseToken: address, feed: z.string().min(1) }).strict())
          .describe("The feed id pricing each perp base token (e.g. vETH by `ETH/USD`)."),
        unsafe: z
          .boolean()
          .default(false)
          .describe("Allow bounds above 500 bps. A stolen keeper key may lose up to this much per trade."),
      })
      .strict()
      .describe("Price bounds Roles enforces on every call the keeper key can make (HedgeBounds)."),
  })
  .strict();

export const treasurySchema = z
  .object({
    network: z.string().min(1).describe("Key of `networks`."),
    safe: address.describe("The treasury's Safe."),
    roles: address.describe("Its Zodiac Roles v2 modifier."),
    rolesDeployBlock: z
      .number()
      .int()
      .nonnegative()
      .describe("Block the Roles modifier was deployed at: `check` reads its permission events from here."),
    hedgeGuard: address.describe("HedgeGuard: re-checks the premise and asserts the post-state on chain."),
    hedgeBounds: address.describe(
      "HedgeBounds: the Roles custom condition holding every keeper call to the Chainlink price and ceilings.",
    ),
    multiSendCallOnly: address.describe("Safe MultiSendCallOnly 1.4.1."),
    multiSendUnwrapper: address.describe("Zodiac MultiSendUnwrapper, so Roles checks each call in a batch."),
    keeper: z
      .object({
        address: address.describe("The keeper signer's address (holds the keeper role)."),
        privateKey: z
          .string()
          .describe("`${ENV_VAR}` reference to its private key. A literal key in the file is refused."),
      })
      .strict(),
    guardian: address.describe("May only pause the keeper (revoke its role); restoring takes the owners."),
    deleverager: address
      .optional()
      .describe(
        "A second key that may only repay the Safe's Aave debt (needs `permissions.aave`): keeps the book alive if the keeper is down.",
      ),
    permissions: permissionsSchema.describe(
      "What the keeper role is allowed: compared with chain by `check`.",
    ),
  })
  .strict();

const depegTiersSchema = z
  .object({
    watchBps: bps.describe("|deviation from peg| at or above which the asset is watched."),
    warnBps: bps.describe("… warned about."),
    actBps: bps.describe("… acted on (swapped out), if enough sources agree."),
  })
  .strict()
  .refine((t) => t.watchBps < t.warnBps && t.warnBps < t.actBps, {
    message: "tiers must satisfy watchBps < warnBps < actBps",
  });

const depegAssetSchema = z
  .object({
    feed: z.string().min(1).nullable().describe("Feed id pricing it in USD, or null."),
    tiers: depegTiersSchema.optional().describe("Overrides `defaultTiers` for this asset."),
    limitBps: bps.describe("Limit on exposure × |deviation|, bps of book value."),
    minSourcesToAct: positiveInt.describe("Fresh sources at or beyond the act tier needed to act."),
    stablePools: z.array(address).describe("v3 pools pricing it against other stables."),
    basePool: address.nullable().describe("A v3 pool pricing it against the base asset, or null."),
    maxSlippageBps: bps.describe(
      `Slippage bound on a de-peg swap, below the feeds' value of its input; above ${SAFE_MAX_SLIPPAGE_BPS} needs the book's \`unsafe\`.`,
    ),
  })
  .strict();

const perpV2HedgeSchema = z
  .object({
    venue: z.literal("perp-v2").describe("Perpetual Protocol v2 (Curie)."),
    contracts: z
      .object({
        clearingHouse: address,
        clearingHouseConfig: address,
        accountBalance: address,
        vault: address,
        exchange: address,
        marketPool: address
          .optional()
          .describe(
            "The market's Uniswap v3 pool, whose depth prices a trade's impact. Read at start-up from the Exchange's MarketRegistry (getPool(market)) when absent; checked against it when given.",
          ),
      })
      .strict()
      .describe("The venue's contracts."),
    market: address.describe("The base token (market) the hedge trades, e.g. vETH."),
    settlementToken: symbol.describe("Symbol of the collateral token (USDC)."),
    twapIntervalSec: positiveInt.describe("The venue's funding TWAP interval (ClearingHouseConfig)."),
  })
  .strict();

const aaveV3BorrowHedgeSchema = z
  .object({
    venue: z
      .literal("aave-v3-borrow")
      .describe("Aave v3 borrow short: supply collateral, borrow the book's base asset, sell it."),
    contracts: z
      .object({
        pool: address.describe("The market's Pool (proxy)."),
        protocolDataProvider: address.describe("AaveProtocolDataProvider: per-reserve balances and rates."),
        oracle: address.describe("AaveOracle: the prices the health factor is computed with."),
      })
      .strict()
      .describe("The venue's contracts."),
    collateral: symbol.describe(
      "Symbol of the collateral supplied (e.g. USDC); the short asset is the book's `base`.",
    ),
    otherReserves: z
      .array(symbol)
      .default([])
      .describe("Other reserves the Safe's account uses: read too, so its health factor adds up."),
    healthFactor: z
      .object({
        floor: z
          .number()
          .finite()
          .gt(1)
          .describe("Below it is urgent; HedgeGuard refuses a plan that leaves the health factor under it."),
        target: z.number().finite().describe("Recalibrate to this health factor."),
        ceiling: z.number().finite().describe("Withdraw excess collateral above this."),
      })
      .strict()
      .refine((hf) => hf.floor <= hf.target && hf.target <= hf.ceiling, {
        message: "must satisfy floor <= target <= ceiling",
        path: ["target"],
      }),
    minLiquidationDistanceBps: bps.describe(
      "A liquidation price closer than this (bps above the base price) is urgent, like the floor.",
    ),
    swap: z
      .object({
        fee: positiveInt
          .max(999_999)
          .describe("Uniswap v3 fee tier of the base/collateral pool (500 = 0.05%)."),
        maxSlippageBps: bps.describe(
          `Swap minimum out below the feeds' value; above ${SAFE_MAX_SLIPPAGE_BPS} needs \`unsafe\`.`,
        ),
      })
      .strict()
      .describe("The swap leg: borrowed base → collateral, and back to repay."),
    caps: z
      .object({
        maxTradeUsd: nonNegative.describe("Largest borrow or repay per plan."),
        maxDebtUsd: nonNegative.describe("Largest debt the leg may owe."),
        maxCollateralMoveUsd: nonNegative.describe("Largest collateral supply or withdrawal per plan."),
      })
      .strict(),
  })
  .strict();

/** A hedge leg on one venue; a book has at most one per venue. */
const hedgeLegSchema = z.discriminatedUnion("venue", [perpV2HedgeSchema, aaveV3BorrowHedgeSchema]);

export const bookSchema = z
  .object({
    treasury: z.string().min(1).describe("Key of `treasuries`: whose Safe holds the book."),
    mode: z
      .enum(["shadow", "propose", "execute"])
      .describe("shadow: alert only; propose: a Safe transaction for the signers; execute: within caps."),
    base: symbol.describe("Symbol of the risk asset the hedge offsets (e.g. WETH)."),
    baseFeed: z.string().min(1).describe("Feed id pricing the base asset in USD."),
    feeds: z.array(z.string().min(1)).default([]).describe("Other feed ids the book reads (stablecoins)."),
    positions: z
      .object({
        uniswapV3: z
          .object({
            factory: address,
            positionManager: address.describe("The Safe's LP NFTs are discovered from it."),
            pools: z.array(address).describe("Pools to read even without a position (de-peg sources)."),
            twapWindowSec: positiveInt.describe("Pool TWAP window for manipulation checks."),
          })
          .strict()
          .optional(),
        uniswapV4: z
          .object({
            poolManager: address,
            positionManager: address.describe("The Safe's v4 LP NFTs: candidates from its Transfer logs."),
            stateView: address.describe("Pool and position state, read by pool id."),
            fromBlock: z
              .number()
              .int()
              .nonnegative()
              .describe("Block to scan the PositionManager's Transfer logs from (its deployment)."),
          })
          .strict()
          .optional(),
        spotTokens: z.array(symbol).default([]).describe("Tokens the Safe holds as spot."),
      })
      .strict(),
    hedge: perpV2HedgeSchema
      .optional()
      .describe("A single Perpetual Protocol v2 hedge (the same as `hedges` with one `perp-v2` leg)."),
    hedges: z
      .array(hedgeLegSchema)
      .optional()
      .describe("The hedge legs, at most one per venue; absent (and no `hedge`) = monitor only."),
    targetHedgeRatio: z.number().finite().min(0).max(2).describe("−hedge delta / exposure delta (1 = full)."),
    thresholds: z
      .object({
        armBps: bps.describe("Act when |drift| exceeds this, bps of book value."),
        rearmBps: bps.describe("Once acting, continue until |drift| is inside this (hysteresis)."),
      })
      .strict()
      .refine((t) => t.rearmBps <= t.armBps, { message: "rearmBps must be <= armBps", path: ["rearmBps"] }),
    cooldownSec: z.number().int().nonnegative().describe("Least time between two plans of this book."),
    minTradeUsd: nonNegative.describe("Ignore adjustments smaller than this."),
    maxSnapshotAgeSec: positiveInt.describe("Refuse to act on a snapshot older than this."),
    caps: z
      .object({
        maxTradeUsd: nonNegative.describe("Largest single perp resize."),
        maxHedgeNotionalUsd: nonNegative.describe("Largest |perp notional| held."),
        maxSwapUsd: nonNegative.describe("Largest de-peg swap per plan."),
        maxCollateralMoveUsd: nonNegative.describe("Largest collateral move per plan."),
      })
      .strict(),
    margin: z
      .object({
        floorRatio: nonNegative.describe("Recalibrate when account value / |notional| falls below."),
        targetRatio: nonNegative.describe("… to this ratio."),
        ceilingRatio: nonNegative.describe("Withdraw when above."),
        minLiquidationDistanceBps: bps.describe("Never leave the mark closer to liquidation than this."),
        targetLiquidationDistanceBps: bps
          .optional()
          .describe(
            "When the liquidation distance is what binds, deposit up to this distance, not just back to the minimum (default 1.5 × minLiquidationDistanceBps).",
          ),
      })
      .strict()
      .refine((m) => m.floorRatio <= m.targetRatio && m.targetRatio <= m.ceilingRatio, {
        message: "must satisfy floorRatio <= targetRatio <= ceilingRatio",
        path: ["targetRatio"],
      })
      .refine(
        (m) =>
          m.targetLiquidationDistanceBps === undefined ||
          m.targetLiquidationDistanceBps >= m.minLiquidationDistanceBps,
        { message: "must be >= minLiquidationDistanceBps", path: ["targetLiquidationDistanceBps"] },
      ),
    costMargin: nonNegative.describe("Act only when risk reduction > cost × costMargin."),
    legShiftHorizonSec: positiveInt
      .optional()
      .describe(
        "With two hedge legs: how long hedge moved to the leg with the cheaper short carry is expected to stay moved; the shift goes when the carry saved over it > both trades' fees, slippage and gas × costMargin. Absent: hedge is never shifted between legs.",
      ),
    costs: z
      .object({
        gasPriceGwei: nonNegative.describe("Gas price assumed in the cost test."),
        gasBase: z
          .number()
          .int()
          .nonnegative()
          .describe("Gas of the Safe + Roles + MultiSend + guard wrapper."),
        gasPerPerpTrade: z.number().int().nonnegative(),
        gasPerCollateralMove: z.number().int().nonnegative(),
        gasPerSwap: z.number().int().nonnegative(),
        perpTakerFeeBps: bps,
        perpSlippageBps: bps.describe(
          `Slippage bound of a perp trade around the base feed's answer; above ${SAFE_MAX_SLIPPAGE_BPS} needs \`unsafe\`.`,
        ),
      })
      .strict(),
    risk: z
      .object({
        fallbackSigmaAnnual: nonNegative.describe("Volatility used when samples are too few."),
        horizonSec: positiveInt.describe("Horizon of the risk and funding in the cost test."),
        confidenceZ: nonNegative.describe(
          "Normal quantile for risk in USD (1.645 = 95%); also the confidence of the residual VaR/ES.",
        ),
        // Optional: the engine applies the defaults (SIGMA_DEFAULTS, PERP_V2_LIQUIDATION); `meta` shows them in
        // docs/config-reference.md.
        sigmaFloorAnnual: nonNegative
          .optional()
          .meta({ default: SIGMA_DEFAULTS.sigmaFloorAnnual })
          .describe("Least volatility ever used, realized or fallback: σ never reads 0."),
        ewmaLambdaDaily: z
          .number()
          .gt(0)
          .max(1)
          .optional()
          .meta({ default: SIGMA_DEFAULTS.ewmaLambdaDaily })
          .describe("RiskMetrics EWMA decay per day of the realized σ (RiskMetrics 1996: 0.94)."),
        minSigmaMoves: z
          .number()
          .int()
          .min(2)
          .optional()
          .meta({ default: SIGMA_DEFAULTS.minSigmaMoves })
          .describe("Fewest distinct price moves a realized σ rests on; fewer → the fallback."),
        minSigmaSpanSec: z
          .number()
          .int()
          .nonnegative()
          .optional()
          .meta({ default: SIGMA_DEFAULTS.minSigmaSpanSec })
          .describe("Shortest span of distinct observations a realized σ rests on; shorter → the fallback."),
      })
      .strict(),
    stress: z
      .object({
        liquidationPenaltyRatio: z
          .number()
          .min(0)
          .lt(1)
          .optional()
          .meta({ default: PERP_V2_LIQUIDATION.liquidationPenaltyRatio })
          .describe("Penalty on the liquidated notional in stress rows (Perp v2 liquidationPenaltyRatio)."),
        maintenanceMarginRatio: z
          .number()
          .gt(0)
          .lt(1)
          .optional()
          .describe("Overrides the maintenance margin ratio read from the venue (Perp v2 mmRatio: 0.0625)."),
      })
      .strict()
      .optional()
      .describe("How stress rows treat the hedge venue's liquidations (defaults: Perpetual Protocol v2)."),
    premise: z
      .object({
        oracleBandBps: bps.describe(
          `The plan holds while the oracle is within ± this of its answer; above ${SAFE_MAX_ORACLE_BAND_BPS} needs \`unsafe\`.`,
        ),
        deadlineSec: positiveInt.describe("The plan expires this long after its block."),
        perpSizeToleranceBps: bps.describe("Perp size may differ this much from the planned one."),
      })
      .strict()
      .describe("What HedgeGuard re-checks on chain in the same transaction."),
    depeg: z
      .object({
        defaultTiers: depegTiersSchema,
        assets: z.record(symbol, depegAssetSchema).describe("Stablecoins by symbol."),
      })
      .strict(),
    unsafe: z
      .boolean()
      .default(false)
      .describe(
        `Allow slippage bounds above ${SAFE_MAX_SLIPPAGE_BPS} bps and an oracle band above ${SAFE_MAX_ORACLE_BAND_BPS} bps: wide bounds let whoever steers the keeper trade far from the oracle.`,
      ),
  })
  .strict()
  .superRefine(checkUnsafeBounds);

const laneSchema = z
  .object({
    replaceAfterSec: positiveInt.describe(
      "Replace (fee bump) a transaction pending longer than this (or `stuckAfterBlocks` blocks, if sooner).",
    ),
    feeBumpBps: z.number().int().min(1000).describe("Fee increase per replacement (nodes need >= 10%)."),
    maxFeePerGasGwei: z.number().positive().optional().describe("Lane-specific cap below the network's."),
  })
  .strict();

export const SEVERITIES = ["info", "warning", "critical"] as const;
export type Severity = (typeof SEVERITIES)[number];

const sinkBase = {
  name: z.string().min(1).describe("Shown in logs and metrics."),
  minSeverity: z.enum(SEVERITIES).default("warning").describe("Alerts below this severity skip the sink."),
  maxPerMinute: positiveInt.default(30).describe("Rate limit; excess alerts are dropped and counted."),
};

export const alertSinkSchema = z.discriminatedUnion("kind", [
  z
    .object({
      kind: z.literal("webhook"),
      ...sinkBase,
      url: z.string().describe("`${ENV_VAR}` reference to the endpoint (its URL may carry a token)."),
      hmacSecret: z
        .string()
        .min(1)
        .describe("`${ENV_VAR}` reference to the HMAC-SHA256 key signing each body (docs/alerts.md)."),
    })
    .strict(),
  z
    .object({
      kind: z.literal("slack"),
      ...sinkBase,
      url: z.string().describe("`${ENV_VAR}` reference to a Slack incoming-webhook URL."),
    })
    .strict(),
  z
    .object({
      kind: z.literal("discord"),
      ...sinkBase,
      url: z.string().describe("`${ENV_VAR}` reference to a Discord webhook URL."),
    })
    .strict(),
  z
    .object({
      kind: z.literal("telegram"),
      ...sinkBase,
      botToken: z.string().min(1).describe("`${ENV_VAR}` reference to the bot's token (from @BotFather)."),
      chatId: z
        .string()
        .min(1)
        .describe("`${ENV_VAR}` reference to the chat to post in (its numeric id, or `@channel`)."),
      apiBaseUrl: url
        .default("https://api.telegram.org")
        .describe("Bot API base URL; `sendMessage` is posted to `<base>/bot<token>/sendMessage`."),
    })
    .strict(),
  z
    .object({
      kind: z.literal("pagerduty"),
      ...sinkBase,
      routingKey: z
        .string()
        .min(1)
        .describe("`${ENV_VAR}` reference to the Events API v2 integration (routing) key of the service."),
      apiBaseUrl: url
        .default("https://events.pagerduty.com")
        .describe("Events API base URL; events are posted to `<base>/v2/enqueue`."),
    })
    .strict(),
]);

export const alertsSchema = z
  .object({
    dedupWindowSec: z
      .number()
      .int()
      .nonnegative()
      .default(900)
      .describe("Same alert key: sent once per window."),
    keeperHeartbeatMaxAgeSec: positiveInt.default(300).describe("Alert when the keeper is silent longer."),
    signerBalanceMinEth: nonNegative.default(0.1).describe("Alert when the keeper signer holds less."),
    effectiveness: z
      .object({
        floorRatio: z
          .number()
          .finite()
          .max(1)
          .default(0.5)
          .describe("Alert when the hedge removed less than this share of the book's variance (Ederington)."),
        minSamples: z
          .number()
          .int()
          .min(3)
          .default(60)
          .describe("… judged on the longest effectiveness window with at least this many samples (blocks)."),
      })
      .strict()
      .prefault({})
      .describe("Hedge effectiveness below a floor (docs/alerts.md)."),
    correlation: z
      .object({
        floorAbsRho: z
          .number()
          .min(0)
          .max(1)
          .default(0.5)
          .describe("Alert when |ρ(book, hedge)| falls below this: the hedge no longer moves with the book."),
        minSamples: z
          .number()
          .int()
          .min(3)
          .default(60)
          .describe("… judged on the longest window with at least this many samples (blocks)."),
      })
      .strict()
      .prefault({})
      .describe("Correlation between the book and its hedge breaking down."),
    basis: z
      .object({
        markIndexMaxBps: bps
          .default(100)
          .describe("Alert when the perp mark is further than this from its index."),
        indexPoolMaxBps: bps
          .default(100)
          .describe(
            "Alert when the index (the base feed without a perp) is further than this from the book's pool.",
          ),
      })
      .strict()
      .prefault({})
      .describe("Basis bands, bps of the second price."),
    sigmaFallback: z
      .object({
        maxDurationSec: positiveInt
          .default(3_600)
          .describe(
            "Alert when a book's σ has been the configured fallback (not measured) this long, on the evaluations' clock.",
          ),
      })
      .strict()
      .prefault({})
      .describe("Volatility resting on the fallback for too long."),
    supersededPlans: z
      .object({
        count: positiveInt
          .default(3)
          .describe(
            "Alert when this many of a book's plans were superseded (the chain moved from their premise) …",
          ),
        windowSec: positiveInt.default(900).describe("… within this long."),
      })
      .strict()
      .prefault({})
      .describe("A book whose plans keep being superseded: the keeper decides and acts on none of it."),
    sinks: z.array(alertSinkSchema).default([]),
  })
  .strict();

/** How the keeper's jobs run. Every key has a default that suits a mainnet keeper; tests and the demo tighten them. */
export const keeperJobsSchema = z
  .object({
    txConfirmations: positiveInt
      .default(1)
      .describe("Blocks deep a keeper transaction's receipt must be before its plan is final."),
    stuckAfterBlocks: positiveInt
      .default(3)
      .describe("Replace (fee bump) a transaction pending this many blocks, or its lane's replaceAfterSec."),
    confirmPollMs: positiveInt.default(1_000).describe("How often a pending transaction is looked at."),
    gasHeadroomBps: z
      .number()
      .int()
      .nonnegative()
      .default(2_000)
      .describe("Gas limit = the simulation's estimate × (1 + this)."),
    evaluateConcurrency: positiveInt.default(8).describe("Book evaluations run at once per process."),
    lockDurationMs: positiveInt
      .default(30_000)
      .describe("A job's lock: the job of a worker that died is handed to another after this long."),
    stalledIntervalMs: positiveInt
      .default(30_000)
      .describe("How often jobs whose worker died are looked for."),
    attempts: positiveInt
      .default(8)
      .describe(
        "Attempts per send or confirm job on retryable errors (rate limits and a busy signer wait, uncounted).",
      ),
    backoffMs: positiveInt
      .default(500)
      .describe("First retry delay of a send or confirm job, doubling per attempt."),
  })
  .strict();

const listenSchema = z
  .object({
    host: z.string().min(1).default("127.0.0.1").describe("Bind address (loopback unless behind a proxy)."),
    port: z.number().int().min(0).max(65_535).describe("TCP port (0 = any free port)."),
  })
  .strict();

const deleveragerProcessSchema = z
  .object({
    metrics: listenSchema
      .optional()
      .describe(
        "Its `/metrics` and `/healthz`; absent = `metrics` (right on a host of its own; set it when it shares the keeper's).",
      ),
    headStaleSec: positiveInt
      .default(120)
      .describe(
        "`/healthz` answers 503 once the chain head it follows has not advanced for longer than this.",
      ),
  })
  .strict();

const apiSchema = listenSchema
  .extend({
    token: z
      .string()
      .optional()
      .describe(
        "`${ENV_VAR}` reference to a bearer token every `/api` request must carry; absent = no auth.",
      ),
  })
  .strict();

const positiveDays = z.number().finite().positive();

export const historySchema = z
  .object({
    databaseUrl: z
      .string()
      .optional()
      .describe("PostgreSQL URL as a `${DATABASE_URL}` reference; absent = embedded PGlite in `dataDir`."),
    dataDir: z
      .string()
      .min(1)
      .default(".hedgekeeper/history")
      .describe("PGlite's data directory (relative to the working directory) when no databaseUrl is set."),
    downsampleAfterDays: positiveDays.default(7).describe("Older samples keep one per book per minute."),
    retainDays: positiveDays
      .default(90)
      .describe("Samples, decisions and alerts older than this are deleted."),
    retainActionsDays: positiveDays
      .default(730)
      .describe("Plans and transactions (the audit trail) are kept this long."),
  })
  .strict()
  .refine((h) => h.downsampleAfterDays <= h.retainDays, {
    path: ["downsampleAfterDays"],
    message: "must not exceed retainDays",
  });

/** `host:port` of one Redis node (a sentinel or a cluster node). */
const redisNode = z
  .string()
  .regex(/^[^\s:/]+:\d{1,5}$/, "expected host:port")
  .refine((node) => Number(node.slice(node.lastIndexOf(":") + 1)) <= 65_535, "port above 65535");

const redisPassword = z
  .string()
  .optional()
  .describe("Password of the Redis servers (an `${ENV_VAR}` reference).");

/** The three ways to reach Redis; exactly one is set, and the refusal names the keys at fault. */
const REDIS_TOPOLOGIES = ["url", "sentinels", "cluster"] as const;

export const redisSchema = z
  .object({
    url: z
      .string()
      .optional()
      .describe("One Redis server's URL; a password belongs in a `${ENV_VAR}` reference."),
    sentinels: z
      .object({
        masterName: z
          .string()
          .min(1)
          .describe("The name the sentinels monitor the primary under (`sentinel monitor <name> ...`)."),
        nodes: z
          .array(redisNode)
          .min(1)
          .describe("The sentinels, `host:port` each; three or more for a quorum."),
        password: redisPassword,
      })
      .strict()
      .optional()
      .describe("Redis Sentinel: the keeper asks the sentinels for the primary and follows its failovers."),
    cluster: z
      .object({
        nodes: z.array(redisNode).min(1).describe("Startup nodes, `host:port` each; the rest is discovered."),
        password: redisPassword,
      })
      .strict()
      .optional()
      .describe("Redis Cluster: every key of one deployment carries the `{keyPrefix}` hash tag (one slot)."),
    keyPrefix: z
      .string()
      .min(1)
      .regex(/^[^{}]+$/, "must not contain { or }: the keeper wraps it in a hash tag itself")
      .default("hk")
      .describe("Prefix of every key and queue, used as the hash tag `{keyPrefix}`."),
  })
  .strict()
  .superRefine((redis, ctx) => {
    const set = REDIS_TOPOLOGIES.filter((key) => redis[key] !== undefined);
    if (set.length === 0)
      ctx.addIssue({ code: "custom", path: ["url"], message: "set one of url, sentinels, cluster" });
    for (const key of set.slice(1))
      ctx.addIssue({
        code: "custom",
        path: [key],
        message: `${set[0]} is set too: use exactly one of url, sentinels, cluster`,
      });
  });

export const configSchema = z
  .object({
    version: z.literal(1).describe("Config format version."),
    networks: z.record(z.string().min(1), networkSchema).describe("Chains by name."),
    redis: redisSchema,
    treasuries: z.record(z.string().min(1), treasurySchema).describe("Safes by name."),
    books: z.record(z.string().min(1), bookSchema).describe("Hedged books by id."),
    lanes: z
      .object({ urgent: laneSchema, routine: laneSchema })
      .strict()
      .describe("Transaction lanes: urgent work never waits behind routine work."),
    alerts: alertsSchema,
    metrics: listenSchema.describe("Prometheus `/metrics` and `/healthz`."),
    deleverager: deleveragerProcessSchema
      .prefault({})
      .describe(
        "The `--role deleverager` process: where it serves `/metrics` and `/healthz`, when it is unhealthy.",
      ),
    api: apiSchema.describe("HTTP API and dashboard."),
    history: historySchema
      .prefault({})
      .describe("The durable history behind the dashboard: PostgreSQL, or embedded PGlite by default."),
    keeper: keeperJobsSchema
      .prefault({})
      .describe("How the keeper's jobs run: confirmations, replacements, retries, locks."),
  })
  .strict()
  .superRefine(checkReferences);

export type HedgekeeperConfig = z.infer<typeof configSchema>;
export type NetworkConfig = HedgekeeperConfig["networks"][string];
export type TreasuryConfig = HedgekeeperConfig["treasuries"][string];
export type BookConfig = HedgekeeperConfig["books"][string];
export type AlertSinkConfig = HedgekeeperConfig["alerts"]["sinks"][number];

type RefinementContext = Parameters<Parameters<z.ZodType["superRefine"]>[0]>[1];

/** Wide slippage bounds and oracle bands only where the book says `unsafe: true`; each reported at its key. */
function checkUnsafeBounds(book: z.output<z.ZodObject>, ctx: RefinementContext): void {
  const b = book as unknown as BookConfig;
  if (b.unsafe) return;
  const atMost = (path: (string | number)[], value: number, limit: number) => {
    if (value > limit)
      ctx.addIssue({
        code: "custom",
        path,
        message: `${value} bps is above ${limit}: refused unless the book sets \`unsafe: true\``,
      });
  };
  atMost(["costs", "perpSlippageBps"], b.costs.perpSlippageBps, SAFE_MAX_SLIPPAGE_BPS);
  for (const [sym, asset] of Object.entries(b.depeg.assets))
    atMost(["depeg", "assets", sym, "maxSlippageBps"], asset.maxSlippageBps, SAFE_MAX_SLIPPAGE_BPS);
  atMost(["premise", "oracleBandBps"], b.premise.oracleBandBps, SAFE_MAX_ORACLE_BAND_BPS);
  (b.hedges ?? []).forEach((leg, i) => {
    if (leg.venue === "aave-v3-borrow")
      atMost(["hedges", i, "swap", "maxSlippageBps"], leg.swap.maxSlippageBps, SAFE_MAX_SLIPPAGE_BPS);
  });
}

export type HedgeLegConfig = NonNullable<BookConfig["hedges"]>[number];
export type PerpV2HedgeConfig = Extract<HedgeLegConfig, { venue: "perp-v2" }>;
export type AaveV3BorrowHedgeConfig = Extract<HedgeLegConfig, { venue: "aave-v3-borrow" }>;

/** A book's hedge legs: `hedges`, or the single perp `hedge` as its one `perp-v2` leg. */
export function hedgeLegsOfBook(book: BookConfig): HedgeLegConfig[] {
  return book.hedges ?? (book.hedge ? [book.hedge] : []);
}

export function perpLegOfBook(book: BookConfig): PerpV2HedgeConfig | undefined {
  return hedgeLegsOfBook(book).find((leg): leg is PerpV2HedgeConfig => leg.venue === "perp-v2");
}

/** The book's perp-v2 leg with the dotted path of its key (`hedge`, or `hedges.<i>`), if it has one. */
export function perpLegWithPath(
  book: BookConfig,
  bookId: string,
): { leg: PerpV2HedgeConfig; path: string } | undefined {
  if (book.hedge?.venue === "perp-v2") return { leg: book.hedge, path: `books.${bookId}.hedge` };
  const index = (book.hedges ?? []).findIndex((leg) => leg.venue === "perp-v2");
  if (index < 0) return undefined;
  return { leg: book.hedges![index] as PerpV2HedgeConfig, path: `books.${bookId}.hedges.${index}` };
}

export function aaveLegOfBook(book: BookConfig): AaveV3BorrowHedgeConfig | undefined {
  return hedgeLegsOfBook(book).find((leg): leg is AaveV3BorrowHedgeConfig => leg.venue === "aave-v3-borrow");
}

/** Every name that refers to another entry must resolve; reported at the referring key's path. */
function checkReferences(config: z.output<z.ZodObject>, ctx: RefinementContext): void {
  const c = config as unknown as HedgekeeperConfig;
  const issue = (path: (string | number)[], message: string) =>
    ctx.addIssue({ code: "custom", path, message });
  const tokenIn = (network: NetworkConfig, path: (string | number)[], sym: string) => {
    if (!(sym in network.tokens)) issue(path, `unknown token "${sym}": add it to the network's tokens`);
  };
  const feedIn = (network: NetworkConfig, path: (string | number)[], id: string) => {
    if (!(id in network.feeds)) issue(path, `unknown feed "${id}": add it to the network's feeds`);
  };

  // Set only to move the deleverager off the keeper's port on a shared host: the keeper's own port would collide.
  const own = c.deleverager?.metrics;
  if (own !== undefined && own.port !== 0 && own.port === c.metrics.port && own.host === c.metrics.host)
    issue(
      ["deleverager", "metrics", "port"],
      `is metrics.port (${own.port}) too: on one host the keeper and the deleverager would collide; remove deleverager.metrics on a host of its own`,
    );
  for (const [name, network] of Object.entries(c.networks)) {
    for (const [id, feed] of Object.entries(network.feeds)) {
      tokenIn(network, ["networks", name, "feeds", id, "asset"], feed.asset);
    }
  }
  for (const [name, treasury] of Object.entries(c.treasuries)) {
    const network = c.networks[treasury.network];
    if (network === undefined) {
      issue(["treasuries", name, "network"], `unknown network "${treasury.network}"`);
      continue;
    }
    const p = treasury.permissions;
    const at = (...rest: (string | number)[]) => ["treasuries", name, "permissions", ...rest];
    p.perp.collateralTokens.forEach((sym, i) => {
      tokenIn(network, at("perp", "collateralTokens", i), sym);
      if (!(sym in p.caps.collateralTokensPerDay)) {
        issue(at("caps", "collateralTokensPerDay"), `no daily cap for collateral ${sym}`);
      }
    });
    p.uniswap.swapPairs.forEach((pair, i) => {
      tokenIn(network, at("uniswap", "swapPairs", i, "tokenIn"), pair.tokenIn);
      tokenIn(network, at("uniswap", "swapPairs", i, "tokenOut"), pair.tokenOut);
      if (!(pair.tokenIn in p.caps.swapAmountInTokensPerDay)) {
        issue(at("caps", "swapAmountInTokensPerDay"), `no daily cap for swap input ${pair.tokenIn}`);
      }
    });
    for (const sym of Object.keys(p.caps.swapAmountInTokensPerDay)) {
      tokenIn(network, at("caps", "swapAmountInTokensPerDay", sym), sym);
    }
    for (const sym of Object.keys(p.caps.collateralTokensPerDay)) {
      tokenIn(network, at("caps", "collateralTokensPerDay", sym), sym);
    }
    checkAave(treasury, at, issue, (path, sym) => tokenIn(network, path, sym));
    checkBounds(network, p, at, issue);
  }
  for (const [id, book] of Object.entries(c.books)) {
    const at = (...rest: (string | number)[]) => ["books", id, ...rest];
    const treasury = c.treasuries[book.treasury];
    if (treasury === undefined) {
      issue(at("treasury"), `unknown treasury "${book.treasury}"`);
      continue;
    }
    const network = c.networks[treasury.network];
    if (network === undefined) continue;
    tokenIn(network, at("base"), book.base);
    feedIn(network, at("baseFeed"), book.baseFeed);
    book.feeds.forEach((feed, i) => {
      feedIn(network, at("feeds", i), feed);
    });
    book.positions.spotTokens.forEach((sym, i) => {
      tokenIn(network, at("positions", "spotTokens", i), sym);
    });
    if (book.hedge) tokenIn(network, at("hedge", "settlementToken"), book.hedge.settlementToken);
    if (book.hedge && book.hedges) issue(at("hedges"), "set either `hedge` or `hedges`, not both");
    (book.hedges ?? []).forEach((leg, i) => {
      if (book.hedges?.findIndex((other) => other.venue === leg.venue) !== i)
        issue(at("hedges", i, "venue"), `a second ${leg.venue} leg: at most one leg per venue`);
      if (leg.venue === "perp-v2") tokenIn(network, at("hedges", i, "settlementToken"), leg.settlementToken);
      if (leg.venue === "aave-v3-borrow") {
        tokenIn(network, at("hedges", i, "collateral"), leg.collateral);
        if (leg.collateral === book.base)
          issue(
            at("hedges", i, "collateral"),
            "the collateral must differ from the book's base (the short asset)",
          );
        leg.otherReserves.forEach((sym, j) => {
          tokenIn(network, at("hedges", i, "otherReserves", j), sym);
        });
        if (!Object.values(network.feeds).some((feed) => feed.asset === leg.collateral))
          issue(at("hedges", i, "collateral"), `no feed prices ${leg.collateral}: the swap bound needs one`);
      }
    });
    for (const [sym, asset] of Object.entries(book.depeg.assets)) {
      tokenIn(network, at("depeg", "assets", sym), sym);
      if (asset.feed !== null) feedIn(network, at("depeg", "assets", sym, "feed"), asset.feed);
    }
    checkBookFitsBounds(book, treasury, at, issue);
  }
}

type Issue = (path: (string | number)[], message: string) => void;

/** Aave assets are the network's tokens, each with its daily cap; a deleverager needs an Aave scope to repay on. */
function checkAave(
  treasury: TreasuryConfig,
  at: (...rest: (string | number)[]) => (string | number)[],
  issue: Issue,
  tokenIn: (path: (string | number)[], sym: string) => void,
): void {
  const aave = treasury.permissions.aave;
  if (aave === undefined) {
    if (treasury.deleverager !== undefined)
      issue(at("aave"), "a deleverager is configured but there is no Aave scope for it to repay on");
    return;
  }
  const sides = [
    ["collateralAssets", "collateralTokensPerDay"],
    ["borrowAssets", "borrowTokensPerDay"],
  ] as const;
  for (const [assets, caps] of sides) {
    aave[assets].forEach((sym, i) => {
      tokenIn(at("aave", assets, i), sym);
      if (!(sym in aave[caps])) issue(at("aave", caps), `no daily cap for ${sym}`);
    });
    for (const sym of Object.keys(aave[caps])) tokenIn(at("aave", caps, sym), sym);
  }
}

/** Every token a bound prices has a feed; collateral has a ceiling; wide bounds need the explicit flag. */
function checkBounds(
  network: NetworkConfig,
  p: TreasuryConfig["permissions"],
  at: (...rest: (string | number)[]) => (string | number)[],
  issue: Issue,
): void {
  const b = p.bounds;
  for (const key of ["perpSlippageBps", "swapSlippageBps", "lpPriceBandBps"] as const) {
    if (b[key] > MAX_SAFE_BOUND_BPS && b[key] < 10_000 && !b.unsafe) {
      issue(
        at("bounds", key),
        `${b[key]} bps is above ${MAX_SAFE_BOUND_BPS}: set bounds.unsafe: true to allow it`,
      );
    }
  }
  const feedOf = (sym: string) => Object.values(network.feeds).some((feed) => feed.asset === sym);
  p.perp.baseTokens.forEach((token, i) => {
    if (!b.perpBaseFeeds.some((entry) => entry.baseToken.toLowerCase() === token.toLowerCase()))
      issue(at("perp", "baseTokens", i), `no feed in bounds.perpBaseFeeds for ${token}`);
  });
  b.perpBaseFeeds.forEach((entry, i) => {
    if (!(entry.feed in network.feeds))
      issue(at("bounds", "perpBaseFeeds", i, "feed"), `unknown feed "${entry.feed}"`);
  });
  p.perp.collateralTokens.forEach((sym, i) => {
    if (!(sym in p.caps.collateralMaxTokens))
      issue(at("caps", "collateralMaxTokens"), `no ceiling for collateral ${sym}`);
    if (sym in network.tokens && !feedOf(sym))
      issue(at("perp", "collateralTokens", i), `no feed prices ${sym}`);
  });
  p.uniswap.swapPairs.forEach((pair, i) => {
    for (const side of ["tokenIn", "tokenOut"] as const) {
      if (pair[side] in network.tokens && !feedOf(pair[side])) {
        issue(at("uniswap", "swapPairs", i, side), `no feed prices ${pair[side]}: the swap bound needs one`);
      }
    }
  });
}

/**
 * The keeper's own bounds must pass the chain's even after the oracle moved within the plan's band: the book's
 * slippage plus its oracle band fit inside the treasury's on-chain bound, or its own plans would be refused.
 */
function checkBookFitsBounds(
  book: BookConfig,
  treasury: TreasuryConfig,
  at: (...rest: (string | number)[]) => (string | number)[],
  issue: Issue,
): void {
  const b = treasury.permissions.bounds;
  const band = book.premise.oracleBandBps;
  for (const [i, leg] of (book.hedges ?? []).entries()) {
    if (leg.venue === "aave-v3-borrow" && leg.swap.maxSlippageBps + band > b.swapSlippageBps)
      issue(
        at("hedges", i, "swap", "maxSlippageBps"),
        `maxSlippageBps ${leg.swap.maxSlippageBps} + oracleBandBps ${band} exceeds the treasury's on-chain bounds.swapSlippageBps ${b.swapSlippageBps}`,
      );
  }
  if (perpLegOfBook(book) && book.costs.perpSlippageBps + band > b.perpSlippageBps) {
    issue(
      at("costs", "perpSlippageBps"),
      `perpSlippageBps ${book.costs.perpSlippageBps} + oracleBandBps ${band} exceeds the treasury's on-chain bounds.perpSlippageBps ${b.perpSlippageBps}`,
    );
  }
  checkBookFitsV4Withdrawals(book, treasury, at, issue);
  for (const [sym, asset] of Object.entries(book.depeg.assets)) {
    if (asset.maxSlippageBps + band > b.swapSlippageBps) {
      issue(
        at("depeg", "assets", sym, "maxSlippageBps"),
        `maxSlippageBps ${asset.maxSlippageBps} + oracleBandBps ${band} exceeds the treasury's on-chain bounds.swapSlippageBps ${b.swapSlippageBps}`,
      );
    }
  }
}

/**
 * A book that watches v4 positions on a treasury that lets the keeper withdraw them: the positions are the ones the
 * permission covers (same PositionManager), and the keeper's own plan deadline fits the permission's, or the de-peg
 * lane's withdrawals would be refused on chain.
 */
function checkBookFitsV4Withdrawals(
  book: BookConfig,
  treasury: TreasuryConfig,
  at: (...rest: (string | number)[]) => (string | number)[],
  issue: Issue,
): void {
  const withdrawals = treasury.permissions.uniswapV4Withdrawals;
  const watched = book.positions.uniswapV4;
  if (withdrawals === undefined || watched === undefined) return;
  if (watched.positionManager.toLowerCase() !== withdrawals.positionManager.toLowerCase()) {
    issue(
      at("positions", "uniswapV4", "positionManager"),
      `${watched.positionManager} is not the PositionManager the treasury's permissions.uniswapV4Withdrawals scope (${withdrawals.positionManager})`,
    );
  }
  if (book.premise.deadlineSec > withdrawals.maxDeadlineSec) {
    issue(
      at("premise", "deadlineSec"),
      `deadlineSec ${book.premise.deadlineSec} exceeds the treasury's permissions.uniswapV4Withdrawals.maxDeadlineSec ${withdrawals.maxDeadlineSec}`,
    );
  }
}
