// The commented configuration files `hedgekeeper init` writes: one for the devnet (addresses from its
// manifest) and one for a user's RPC (Ethereum mainnet addresses; what is not on mainnet is a reference).
// config/devnet.example.yaml and config/mainnet.example.yaml are exactly these files.

import { DEVNET_ACCOUNT_INDEXES } from "../devnet/accounts.ts";
import {
  DEVNET_KEEPER_BOUNDS,
  DEVNET_KEEPER_CAPS,
  DEVNET_V4_WITHDRAWAL_MAX_DEADLINE_SEC,
  devnetDeleverager,
} from "../devnet/devnet-keeper-setup.ts";
import {
  MAINNET_AAVE_V3,
  MAINNET_FEEDS,
  MAINNET_TOKENS,
  MAINNET_UNISWAP_V3,
} from "../devnet/mainnet-addresses.ts";
import type { DevnetManifest } from "../devnet/manifest.ts";
import { MULTI_SEND_UNWRAPPER } from "../execution/multisend-unwrapper.ts";
import { type AaveTreasuryContracts, withAaveTreasury } from "./devnet-aave-treasury-template.ts";

/** Safe 1.4.1 MultiSendCallOnly: the same address on every chain Safe deployed it to. */
const SAFE_MULTI_SEND_CALL_ONLY_1_4_1 = "0x9641d764fc13c8B624c04430C7356C1C7C8102e2";

const HEADER = `# hedgekeeper configuration (docs/config-reference.md lists every key).
# Units are in the names: ...Sec, ...Ms, ...Bps, ...Usd, ...Gwei. Secrets are never written here:
# write \${ENV_VAR} and set the variable; \${NAME:-default} gives a default. \`hedgekeeper check\`
# validates this file, reaches every RPC and Redis, and compares the deployed Roles permissions with it.
version: 1
`;

interface SharedSections {
  redisUrl: string;
  keyPrefix: string;
}

function sharedTail(s: SharedSections): string {
  return `
# Redis holds the job queues and keeper state. A password belongs in the URL via \${REDIS_URL}.
redis:
  url: "${s.redisUrl}"
  keyPrefix: ${s.keyPrefix}

# Transaction lanes: urgent work (de-peg swaps) goes first and never waits behind routine hedging; each lane
# has its own replacement timing, fee bump and fee cap. One transaction is in flight per book at a time.
lanes:
  urgent:
    replaceAfterSec: 30 # bump the fee of a transaction pending this long
    feeBumpBps: 2000 # +20% per replacement (nodes require at least +10%)
  routine:
    replaceAfterSec: 120
    feeBumpBps: 1250
    maxFeePerGasGwei: 60 # routine work waits for cheaper blocks

alerts:
  dedupWindowSec: 900 # the same alert is sent once per window; "resolved" when it clears
  keeperHeartbeatMaxAgeSec: 300
  signerBalanceMinEth: 0.1
  sinks: []
  # sinks:
  #   - kind: webhook # JSON body signed with HMAC-SHA256 (docs/alerts.md)
  #     name: ops
  #     url: "\${HK_ALERT_WEBHOOK_URL}"
  #     hmacSecret: "\${HK_ALERT_WEBHOOK_SECRET}"
  #     minSeverity: warning # info | warning | critical
  #     maxPerMinute: 30
  #   - kind: slack # or discord: the channel's incoming-webhook URL
  #     name: treasury-channel
  #     url: "\${HK_SLACK_WEBHOOK_URL}"
  #     minSeverity: critical
  #   - kind: telegram # Bot API sendMessage
  #     name: treasury-telegram
  #     botToken: "\${HK_TELEGRAM_BOT_TOKEN}"
  #     chatId: "\${HK_TELEGRAM_CHAT_ID}"
  #   - kind: pagerduty # Events API v2: trigger, then resolve when the condition clears
  #     name: on-call
  #     routingKey: "\${HK_PAGERDUTY_ROUTING_KEY}"
  #     minSeverity: critical
  # Hedge-quality alerts (docs/alerts.md) default to: effectiveness.floorRatio 0.5, correlation.floorAbsRho 0.5
  # (both over windows of >= 60 blocks), basis.markIndexMaxBps and basis.indexPoolMaxBps 100,
  # sigmaFallback.maxDurationSec 3600.

# Prometheus scrapes /metrics here; /healthz answers 200 while the process is healthy.
metrics:
  host: 127.0.0.1
  port: 9464
# The read-only JSON API and the stewards' dashboard (http://127.0.0.1:8080/).
api:
  host: 127.0.0.1
  port: 8080
  # token: "\${HK_API_TOKEN}" # bearer token for /api (set one before binding beyond loopback)
# Samples, decisions, plans, transactions and alerts. Without databaseUrl: embedded PGlite in dataDir.
history:
  # databaseUrl: "\${DATABASE_URL}"
  dataDir: .hedgekeeper/history
  downsampleAfterDays: 7
  retainDays: 90
  retainActionsDays: 730
`;
}

export interface DevnetTemplateOptions {
  /** RPC URL to write (default: the manifest's). */
  rpcUrl?: string;
  /** HedgeGuard, once deployed (`setUpDevnetKeeper` deploys it); else an env reference. */
  hedgeGuard?: string;
  /** HedgeBounds, once deployed (`setUpDevnetKeeper` deploys it); else an env reference. */
  hedgeBounds?: string;
  /** V4WithdrawalBounds, once deployed (`setUpDevnetKeeper` deploys it when the devnet has v4); else an env reference. */
  v4WithdrawalBounds?: string;
  redisUrl?: string;
  /**
   * Watch the Safe's Uniswap v4 positions beside its v3 ones (default: yes, when the manifest has v4). `false` gives the
   * v3-only book of manifests written before the devnet had v4.
   */
  uniswapV4Positions?: boolean;
  /** An L2 devnet's sequencer grace period (default: the schema's, 3600 s). */
  sequencerGracePeriodSec?: number;
  /** The Aave treasury's HedgeGuard and HedgeBounds, once deployed; else env references (devnet-aave-treasury-template.ts). */
  aaveTreasury?: AaveTreasuryContracts;
}

/** The devnet's configuration: one network, one treasury (its Safe), one book (the bootstrapped ETH book). */
export function renderDevnetConfig(manifest: DevnetManifest, options: DevnetTemplateOptions = {}): string {
  const c = manifest.contracts;
  const f = manifest.feeds;
  const p = manifest.pools;
  const a = manifest.accounts;
  const v4 = manifest.uniswapV4;
  // Manifests written before the devnet had Uniswap v4 have no v4 block: the book then has no v4 side either.
  const v4Positions =
    v4 === undefined || options.uniswapV4Positions === false
      ? ""
      : `
      uniswapV4: # the Safe's v4 LP NFTs: candidates from the PositionManager's Transfer logs
        poolManager: "${v4.poolManager}"
        positionManager: "${v4.positionManager}"
        stateView: "${v4.stateView}"
        fromBlock: ${v4.positionManagerBlock}`;
  const text = `${HEADER}
# Chains by name. The devnet is Hardhat's chain 31337 with mainnet-shaped contracts (\`npm run devnet\`;
# addresses below are the ones its manifest, deployments/devnet.json, lists).
networks:
  devnet:
    chainId: ${manifest.chainId}
    rpcUrls: ["\${HK_DEVNET_RPC_URL:-${options.rpcUrl ?? manifest.rpcUrl}}"]
    confirmations: 0 # a local chain does not reorganise
    pollIntervalMs: 250
    rpcTimeoutMs: 10000
    rpcRetryCount: 3
    fees:
      maxFeePerGasGwei: 100
      maxPriorityFeePerGasGwei: 2
    privateRelayUrl: null # on mainnet: an MEV-protected RPC (e.g. https://rpc.flashbots.net)
    tokens: # by symbol: books and permissions refer to these names
      WETH: { address: "${c.weth}", decimals: 18 }
      USDC: { address: "${c.usdc}", decimals: 6 }
      USDT: { address: "${c.usdt}", decimals: 6 }
      DAI: { address: "${c.dai}", decimals: 18 }
      vETH: { address: "${c.perp.baseToken}", decimals: 18 } # Perp v2 virtual base token
    feeds: # Chainlink proxies; heartbeatSec decides staleness
      ETH/USD: { address: "${f.ethUsd.address}", asset: WETH, heartbeatSec: ${f.ethUsd.heartbeatSec}, decimals: ${f.ethUsd.decimals} }
      USDC/USD: { address: "${f.usdcUsd.address}", asset: USDC, heartbeatSec: ${f.usdcUsd.heartbeatSec}, decimals: ${f.usdcUsd.decimals} }
      DAI/USD: { address: "${f.daiUsd.address}", asset: DAI, heartbeatSec: ${f.daiUsd.heartbeatSec}, decimals: ${f.daiUsd.decimals} }
      USDT/USD: { address: "${f.usdtUsd.address}", asset: USDT, heartbeatSec: ${f.usdtUsd.heartbeatSec}, decimals: ${f.usdtUsd.decimals} }${sequencerFeedLine(manifest, options)}

# Safes by name: the keeper acts only through the Safe's Zodiac Roles modifier, within these permissions.
treasuries:
  devnet-treasury:
    network: devnet
    safe: "${c.treasurySafe}"
    roles: "${c.roles}"
    rolesDeployBlock: 0 # \`check\` reads the modifier's permission events from this block
    hedgeGuard: "${options.hedgeGuard ?? "${HK_HEDGE_GUARD}"}" # deployed when the keeper is hired
    hedgeBounds: "${options.hedgeBounds ?? "${HK_HEDGE_BOUNDS}"}" # deployed when the keeper is hired
    multiSendCallOnly: "${c.multiSendCallOnly}"
    multiSendUnwrapper: "${MULTI_SEND_UNWRAPPER}"
    keeper:
      address: "${a.keeper.address}" # devnet mnemonic index ${a.keeper.index}
      privateKey: "\${HK_KEEPER_PRIVATE_KEY}" # never a literal key in this file
    guardian: "${a.guardian.address}" # can pause the keeper, never resume it
${
  manifest.aave === undefined
    ? ""
    : `    deleverager: "${devnetDeleverager()}" # devnet mnemonic index ${DEVNET_ACCOUNT_INDEXES.deleverager}: may only repay Aave debt
`
}    permissions: # the keeper role, as code; \`check\` reports any difference from the chain as drift
      perp:
        clearingHouse: "${c.perp.clearingHouse}"
        vault: "${c.perp.vault}"
        baseTokens: ["${c.perp.baseToken}"]
        collateralTokens: [USDC]
      uniswap:
        swapRouter: "${c.swapRouter}"
        positionManager: "${c.positionManager}"
        swapPairs:
          - { tokenIn: USDC, tokenOut: USDT, fee: 100 }
          - { tokenIn: DAI, tokenOut: USDC, fee: 100 }
${
  manifest.aave === undefined
    ? ""
    : `          - { tokenIn: WETH, tokenOut: USDC, fee: 500 } # the Aave leg: sell the borrowed WETH...
          - { tokenIn: USDC, tokenOut: WETH, fee: 500 } # ...and buy it back to repay
`
}      caps: # refilling Roles allowances: the most a compromised keeper could move
        perpBaseUnitsPerDay: ${DEVNET_KEEPER_CAPS.perpBaseEthPerDay} # ETH of perp size per day
        swapAmountInTokensPerDay: { USDC: ${DEVNET_KEEPER_CAPS.swapUsdPerDay}, DAI: ${DEVNET_KEEPER_CAPS.swapUsdPerDay}${manifest.aave === undefined ? "" : `, WETH: ${DEVNET_KEEPER_CAPS.swapEthPerDay}`} }
        collateralTokensPerDay: { USDC: ${DEVNET_KEEPER_CAPS.collateralUsdPerDay} }
        callsPerHour: ${DEVNET_KEEPER_CAPS.callsPerHour}
        perpMaxAbsBaseUnits: ${DEVNET_KEEPER_CAPS.perpMaxAbsEth} # ceiling on |perp position|, ETH
        collateralMaxTokens: { USDC: ${DEVNET_KEEPER_CAPS.collateralMaxUsdc} } # ceiling on the vault balance
        refillPeriodSec: ${DEVNET_KEEPER_CAPS.refillPeriodSec} # allowances refill cap/24 each hour, up to one day's cap
${
  manifest.aave === undefined
    ? ""
    : `      aave: # the borrow-short leg, always on the Safe's own account (onBehalfOf / to = the Safe), variable rate
        pool: "${manifest.aave.pool}"
        collateralAssets: [USDC]
        borrowAssets: [WETH]
        borrowTokensPerDay: { WETH: ${DEVNET_KEEPER_CAPS.aaveBorrowEthPerDay} }
        collateralTokensPerDay: { USDC: ${DEVNET_KEEPER_CAPS.aaveCollateralUsdcPerDay} } # supplied + withdrawn
`
}${
  v4 === undefined
    ? ""
    : `      uniswapV4Withdrawals: # the de-peg lane withdraws the Safe's own v4 positions, paid to the Safe
        positionManager: "${v4.positionManager}"
        withdrawalBounds: "${options.v4WithdrawalBounds ?? "${HK_V4_WITHDRAWAL_BOUNDS}"}" # deployed when the keeper is hired
        maxDeadlineSec: ${DEVNET_V4_WITHDRAWAL_MAX_DEADLINE_SEC} # latest deadline a withdrawal may carry
`
}      bounds: # enforced on chain for every call the keeper key can make, HedgeGuard or not
        perpSlippageBps: ${DEVNET_KEEPER_BOUNDS.perpSlippageBps} # ≥ the book's perpSlippageBps + oracleBandBps
        swapSlippageBps: ${DEVNET_KEEPER_BOUNDS.swapSlippageBps} # ≥ a de-peg swap's maxSlippageBps + oracleBandBps
        lpPriceBandBps: ${DEVNET_KEEPER_BOUNDS.lpPriceBandBps} # pool price vs oracles for a liquidity removal
        perpBaseFeeds: [{ baseToken: "${c.perp.baseToken}", feed: ETH/USD }] # vETH is priced by ETH/USD

# Books by id: what is hedged, against what, and the policy the engine decides with.
books:
  treasury-eth:
    treasury: devnet-treasury
    mode: execute # shadow: alert only | propose: Safe transaction for the signers | execute: within caps
    base: WETH
    baseFeed: ETH/USD
    feeds: [USDC/USD, DAI/USD, USDT/USD]
    positions:
      uniswapV3: # the Safe's LP NFTs are discovered from the position manager
        factory: "${c.uniswapV3Factory}"
        positionManager: "${c.positionManager}"
        pools: ["${p.usdcWeth500.address}", "${p.daiUsdc100.address}", "${p.usdcUsdt100.address}"]
        twapWindowSec: 300${v4Positions}
      spotTokens: [USDC, DAI, USDT, WETH]
    hedge:
      venue: perp-v2
      contracts:
        clearingHouse: "${c.perp.clearingHouse}"
        clearingHouseConfig: "${c.perp.clearingHouseConfig}"
        accountBalance: "${c.perp.accountBalance}"
        vault: "${c.perp.vault}"
        exchange: "${c.perp.exchange}"
        marketPool: "${c.perp.pool}" # vETH/vUSD; optional: read from the MarketRegistry when absent, checked when set
      market: "${c.perp.baseToken}" # vETH
      settlementToken: USDC
      twapIntervalSec: 900
    targetHedgeRatio: 0.6 # hedge 60% of the LP's ETH delta
    thresholds:
      armBps: 100 # act when |drift| > 1% of book value...
      rearmBps: 25 # ...and keep acting until it is back inside 0.25%
    cooldownSec: 600
    minTradeUsd: 1000
    maxSnapshotAgeSec: 120
    caps: { maxTradeUsd: 5000000, maxHedgeNotionalUsd: 10000000, maxSwapUsd: 250000, maxCollateralMoveUsd: 500000 }
    margin: { floorRatio: 0.5, targetRatio: 1.2, ceilingRatio: 3, minLiquidationDistanceBps: 2000 }
    costMargin: 1.5 # act only when risk removed > 1.5 × gas + fees + slippage + funding
    costs: # gas measured on this path by bench/gas.bench.ts
      gasPriceGwei: 20
      gasBase: 160000
      gasPerPerpTrade: 730000
      gasPerCollateralMove: 150000
      gasPerSwap: 230000
      perpTakerFeeBps: 10
      perpSlippageBps: 100 # the devnet perp is thinner than a live market
    risk: { fallbackSigmaAnnual: 0.6, horizonSec: 86400, confidenceZ: 1.645 }
    premise: { oracleBandBps: 100, deadlineSec: 300, perpSizeToleranceBps: 50 } # re-checked on chain
    depeg:
      defaultTiers: { watchBps: 25, warnBps: 50, actBps: 100 }
      assets:
        USDC: { feed: USDC/USD, limitBps: 50, minSourcesToAct: 2, stablePools: ["${p.usdcUsdt100.address}", "${p.daiUsdc100.address}"], basePool: "${p.usdcWeth500.address}", maxSlippageBps: 50 }
        USDT: { feed: USDT/USD, limitBps: 50, minSourcesToAct: 2, stablePools: ["${p.usdcUsdt100.address}"], basePool: null, maxSlippageBps: 50 }
        DAI: { feed: DAI/USD, limitBps: 50, minSourcesToAct: 2, stablePools: ["${p.daiUsdc100.address}"], basePool: null, maxSlippageBps: 50 }
${sharedTail({ redisUrl: options.redisUrl ?? "${REDIS_URL:-redis://127.0.0.1:6379}", keyPrefix: "hk" })}`;
  return manifest.aaveTreasury === undefined ? text : withAaveTreasury(text, manifest, options.aaveTreasury);
}

export interface RpcTemplateOptions {
  chainId: number;
  /** Written as the default of `${HK_RPC_URL}` unless it carries credentials (then only the reference). */
  rpcUrl?: string;
  networkName?: string;
}

/**
 * A configuration for a user's RPC, filled with Ethereum mainnet addresses for Uniswap v3, tokens and
 * Chainlink feeds. The treasury's own contracts and the perp venue are `${...}` references to fill in.
 */
export function renderRpcConfig(options: RpcTemplateOptions): string {
  const name = options.networkName ?? (options.chainId === 1 ? "mainnet" : `chain-${options.chainId}`);
  const rpc =
    options.rpcUrl && !/[@?]|\/[A-Za-z0-9_-]{16,}/.test(options.rpcUrl) ? `:-${options.rpcUrl}` : "";
  const t = MAINNET_TOKENS;
  const u = MAINNET_UNISWAP_V3;
  const f = MAINNET_FEEDS;
  const a = MAINNET_AAVE_V3;
  const mainnetNote =
    options.chainId === 1
      ? ""
      : `# NOTE: chain ${options.chainId} is not Ethereum mainnet: replace the mainnet addresses below.\n`;
  return `${HEADER}
${mainnetNote}# Token, Uniswap v3 and Chainlink addresses are Ethereum mainnet's (verify before relying on them).
# Heartbeats and deviation thresholds change over time: check data.chain.link for each feed.
networks:
  ${name}:
    chainId: ${options.chainId}
    rpcUrls: ["\${HK_RPC_URL${rpc}}"] # an API key in the URL stays in the environment
    confirmations: 2 # act on data this many blocks behind head (reorg safety)
    pollIntervalMs: 4000
    rpcTimeoutMs: 10000
    rpcRetryCount: 3
    fees:
      maxFeePerGasGwei: 80
      maxPriorityFeePerGasGwei: 2
    privateRelayUrl: https://rpc.flashbots.net # MEV-protected submission; null sends through rpcUrls
    tokens:
      WETH: { address: "${t.weth}", decimals: 18 }
      USDC: { address: "${t.usdc}", decimals: 6 }
      USDT: { address: "${t.usdt}", decimals: 6 }
      DAI: { address: "${t.dai}", decimals: 18 }
    feeds:
      ETH/USD: { address: "${f.ethUsd.address}", asset: WETH, heartbeatSec: ${f.ethUsd.heartbeatSec}, decimals: 8 }
      USDC/USD: { address: "${f.usdcUsd.address}", asset: USDC, heartbeatSec: ${f.usdcUsd.heartbeatSec}, decimals: 8 }
      DAI/USD: { address: "${f.daiUsd.address}", asset: DAI, heartbeatSec: ${f.daiUsd.heartbeatSec}, decimals: 8 }
      USDT/USD: { address: "${f.usdtUsd.address}", asset: USDT, heartbeatSec: ${f.usdtUsd.heartbeatSec}, decimals: 8 }

# Your treasury: its Safe, the Roles modifier (docs/devnet.md shows how it is deployed and the keeper hired).
treasuries:
  treasury:
    network: ${name}
    safe: "\${HK_SAFE}"
    roles: "\${HK_ROLES}"
    rolesDeployBlock: 0 # set to the modifier's deployment block: \`check\` scans events from here
    hedgeGuard: "\${HK_HEDGE_GUARD}"
    hedgeBounds: "\${HK_HEDGE_BOUNDS}"
    multiSendCallOnly: "${SAFE_MULTI_SEND_CALL_ONLY_1_4_1}" # Safe 1.4.1 MultiSendCallOnly
    multiSendUnwrapper: "${MULTI_SEND_UNWRAPPER}" # Zodiac MultiSendUnwrapper (ERC-2470, salt 0)
    keeper:
      address: "\${HK_KEEPER_ADDRESS}"
      privateKey: "\${HK_KEEPER_PRIVATE_KEY}" # never a literal key in this file
    guardian: "\${HK_GUARDIAN}"
    # deleverager: "\${HK_DELEVERAGER}" # a second key that may only repay the Safe's Aave debt (docs/treasuries.md)
    permissions:
      # Perpetual Protocol v2 is NOT deployed on Ethereum mainnet (it ran on Optimism and is wound down).
      # These references must point to a Perp v2 deployment on the chain this treasury is on.
      perp:
        clearingHouse: "\${HK_PERP_CLEARING_HOUSE}"
        vault: "\${HK_PERP_VAULT}"
        baseTokens: ["\${HK_PERP_BASE_TOKEN}"]
        collateralTokens: [USDC]
      uniswap:
        swapRouter: "${u.swapRouter}"
        positionManager: "${u.positionManager}"
        swapPairs:
          - { tokenIn: USDC, tokenOut: USDT, fee: 100 }
          - { tokenIn: DAI, tokenOut: USDC, fee: 100 }
          - { tokenIn: WETH, tokenOut: USDC, fee: 500 } # the Aave leg: sell the borrowed WETH...
          - { tokenIn: USDC, tokenOut: WETH, fee: 500 } # ...and buy it back to repay
      caps:
        perpBaseUnitsPerDay: 5
        swapAmountInTokensPerDay: { USDC: 250000, DAI: 250000, WETH: 50 }
        collateralTokensPerDay: { USDC: 500000 }
        callsPerHour: 20
        perpMaxAbsBaseUnits: 50 # ceiling on |perp position| in base units, whatever the daily flow
        collateralMaxTokens: { USDC: 1000000 } # ceiling on the Safe's perp vault balance
        refillPeriodSec: 3600 # allowances refill cap/24 each hour, up to one day's cap
      aave: # Aave v3 Ethereum (@aave-dao/aave-address-book): supply USDC, borrow WETH at the variable rate, all on the Safe's own account
        pool: "${MAINNET_AAVE_V3.pool}"
        collateralAssets: [USDC]
        borrowAssets: [WETH]
        borrowTokensPerDay: { WETH: 50 }
        collateralTokensPerDay: { USDC: 250000 } # supplied + withdrawn
      bounds: # enforced on chain (HedgeBounds) for every call the keeper key can make
        perpSlippageBps: 150 # ≥ the book's perpSlippageBps + oracleBandBps
        swapSlippageBps: 150 # ≥ a de-peg swap's maxSlippageBps + oracleBandBps
        lpPriceBandBps: 150
        perpBaseFeeds: [{ baseToken: "\${HK_PERP_BASE_TOKEN}", feed: ETH/USD }]

books:
  treasury-eth:
    treasury: treasury
    mode: shadow # start by alerting only; move to propose, then execute, once the numbers are trusted
    base: WETH
    baseFeed: ETH/USD
    feeds: [USDC/USD, DAI/USD, USDT/USD]
    positions:
      uniswapV3:
        factory: "${u.factory}"
        positionManager: "${u.positionManager}"
        pools: ["${u.usdcWeth500Pool}"] # USDC/WETH 0.05%
        twapWindowSec: 1800
      spotTokens: [USDC, DAI, USDT, WETH]
    hedges:
      # A borrow short on Aave v3 (Ethereum market): supply USDC, borrow WETH at the variable rate, sell it.
      - venue: aave-v3-borrow
        contracts:
          pool: "${a.pool}"
          protocolDataProvider: "${a.protocolDataProvider}"
          oracle: "${a.oracle}"
        collateral: USDC
        healthFactor: { floor: 1.5, target: 1.8, ceiling: 2.5 } # below the floor is urgent
        minLiquidationDistanceBps: 3000 # ETH may rise 30% before liquidation; closer is urgent
        swap: { fee: 500, maxSlippageBps: 30 } # WETH/USDC 0.05%, minimum out from the feeds
        caps: { maxTradeUsd: 1000000, maxDebtUsd: 5000000, maxCollateralMoveUsd: 500000 }
      # Perpetual Protocol v2 is not on Ethereum mainnet. On a chain with it, add a second leg:
      # - venue: perp-v2
      #   contracts: { clearingHouse: "\${HK_PERP_CLEARING_HOUSE}", clearingHouseConfig: "\${HK_PERP_CLEARING_HOUSE_CONFIG}",
      #                accountBalance: "\${HK_PERP_ACCOUNT_BALANCE}", vault: "\${HK_PERP_VAULT}", exchange: "\${HK_PERP_EXCHANGE}" }
      #   # contracts.marketPool is read from the Exchange's MarketRegistry at start-up (set it to have it checked)
      #   market: "\${HK_PERP_BASE_TOKEN}"
      #   settlementToken: USDC
      #   twapIntervalSec: 900
    targetHedgeRatio: 0.6
    thresholds: { armBps: 150, rearmBps: 50 }
    cooldownSec: 1800
    minTradeUsd: 5000
    maxSnapshotAgeSec: 120
    caps: { maxTradeUsd: 1000000, maxHedgeNotionalUsd: 5000000, maxSwapUsd: 250000, maxCollateralMoveUsd: 500000 }
    margin: { floorRatio: 0.5, targetRatio: 1.2, ceilingRatio: 3, minLiquidationDistanceBps: 2000 }
    costMargin: 2
    costs:
      gasPriceGwei: 20
      gasBase: 160000
      gasPerPerpTrade: 730000
      gasPerCollateralMove: 150000
      gasPerSwap: 230000
      perpTakerFeeBps: 10
      perpSlippageBps: 5
    risk: { fallbackSigmaAnnual: 0.6, horizonSec: 86400, confidenceZ: 1.645 }
    premise: { oracleBandBps: 100, deadlineSec: 300, perpSizeToleranceBps: 50 }
    depeg:
      defaultTiers: { watchBps: 25, warnBps: 50, actBps: 100 }
      assets:
        USDC: { feed: USDC/USD, limitBps: 50, minSourcesToAct: 2, stablePools: [], basePool: "${u.usdcWeth500Pool}", maxSlippageBps: 50 }
        USDT: { feed: USDT/USD, limitBps: 50, minSourcesToAct: 2, stablePools: [], basePool: null, maxSlippageBps: 50 }
        DAI: { feed: DAI/USD, limitBps: 50, minSourcesToAct: 2, stablePools: [], basePool: null, maxSlippageBps: 50 }
${sharedTail({ redisUrl: "${REDIS_URL}", keyPrefix: "hk" })}`;
}

/** An L2 devnet's network entry names its sequencer uptime feed; the mainnet-shaped devnet has none. */
function sequencerFeedLine(manifest: DevnetManifest, options: DevnetTemplateOptions): string {
  const uptime = manifest.l2?.sequencerUptimeFeed;
  if (uptime === undefined) return "";
  const grace = options.sequencerGracePeriodSec;
  return `
    sequencerUptimeFeed: # Chainlink's L2 sequencer uptime feed: nothing is acted on while down or in grace
      address: "${uptime.address}"${grace === undefined ? "" : `\n      gracePeriodSec: ${grace}`}`;
}
