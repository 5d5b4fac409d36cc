import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Address } from "viem";
import { z } from "zod";

const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "expected a 0x-prefixed 20-byte address")
  .transform((value) => value as Address);
const account = z.object({ address, index: z.number().int().nonnegative() });
const pool = z.object({
  address,
  token0: address,
  token1: address,
  fee: z.number().int(),
  tickSpacing: z.number().int(),
  base: address,
  quote: address,
  baseIsToken0: z.boolean(),
  baseDecimals: z.number().int(),
  quoteDecimals: z.number().int(),
});
const bytes32 = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, "expected a 0x-prefixed 32-byte hex string")
  .transform((value) => value as `0x${string}`);
/** A Uniswap v4 pool: its key (address(0) = native ETH), its id, and which currency is quoted in the other. */
const v4Pool = z.object({
  poolId: bytes32,
  currency0: address,
  currency1: address,
  /** LP fee in hundredths of a bip, or 8388608 (0x800000): a dynamic fee its hook sets. */
  fee: z.number().int(),
  tickSpacing: z.number().int(),
  hooks: address,
  base: address,
  quote: address,
  baseIsToken0: z.boolean(),
  baseDecimals: z.number().int(),
  quoteDecimals: z.number().int(),
});
const feed = z.object({
  address,
  aggregator: address,
  description: z.string(),
  decimals: z.number().int(),
  heartbeatSec: z.number().int().positive(),
});

const aaveReserve = z.object({
  asset: address,
  aToken: address,
  stableDebtToken: address,
  variableDebtToken: address,
  interestRateStrategy: address,
  /** The AaveOracle's source for the asset (a Chainlink feed proxy of `feeds`). */
  priceFeed: address,
});
/** Aave v3 (core-v3 1.19.3). Which addresses are mainnet's, and why not the others: src/devnet/deploy-aave-v3.ts. */
const aave = z.object({
  /** Owner of the addresses provider, ACL admin, pool admin and emergency admin. */
  admin: account,
  marketId: z.string(),
  poolAddressesProvider: address,
  pool: address,
  poolImpl: address,
  poolConfigurator: address,
  poolConfiguratorImpl: address,
  aclManager: address,
  oracle: address,
  protocolDataProvider: address,
  aTokenImpl: address,
  stableDebtTokenImpl: address,
  variableDebtTokenImpl: address,
  treasury: address,
  libraries: z.record(z.string(), address),
  reserves: z.object({ weth: aaveReserve, usdc: aaveReserve, dai: aaveReserve, usdt: aaveReserve }),
});

export const devnetManifestSchema = z.object({
  version: z.literal(1),
  chainId: z.number().int().positive(),
  rpcUrl: z.string().url(),
  /** The block at which the bootstrap finished (the starting book is in place): where indexers start. */
  startBlock: z.number().int().nonnegative(),
  mnemonic: z.string(),
  accounts: z.object({
    deployer: account,
    keeper: account,
    guardian: account,
    owners: z.array(account).length(3),
    maker: account,
    trader: account,
    perpDeployer: account,
  }),
  contracts: z.object({
    multicall3: address,
    weth: address,
    usdc: address,
    usdt: address,
    dai: address,
    uniswapV3Factory: address,
    swapRouter: address,
    positionManager: address,
    quoterV2: address,
    safeSingleton: address,
    safeProxyFactory: address,
    safeFallbackHandler: address,
    multiSend: address,
    multiSendCallOnly: address,
    treasurySafe: address,
    rolesMastercopy: address,
    moduleProxyFactory: address,
    roles: address,
    perp: z.object({
      clearingHouse: address,
      clearingHouseConfig: address,
      marketRegistry: address,
      orderBook: address,
      accountBalance: address,
      exchange: address,
      insuranceFund: address,
      vault: address,
      collateralManager: address,
      quoteToken: address,
      baseToken: address,
      pool: address,
      chainlinkPriceFeed: address,
      priceFeedDispatcher: address,
    }),
  }),
  pools: z.object({ usdcWeth500: pool, daiUsdc100: pool, usdcUsdt100: pool }),
  feeds: z.object({ ethUsd: feed, usdcUsd: feed, daiUsd: feed, usdtUsd: feed }),
  positions: z.object({
    /** The treasury Safe's Uniswap v3 LP NFTs: WETH/USDC 0.05%, then DAI/USDC 0.01%. */
    lpTokenIds: z.array(z.string().regex(/^\d+$/)),
    perpBaseToken: address,
  }),
  /** Optional: manifests written before the devnet had Aave still parse. */
  aave: aave.optional(),
  /**
   * The second treasury, hedged on Aave v3 only (src/devnet/aave-treasury.ts): its own Safe and Roles modifier.
   * Optional: a devnet started without `aaveTreasury` has none.
   */
  aaveTreasury: z.object({ safe: address, roles: address }).optional(),
  /** Uniswap v4 (optional: manifests written before it have none). */
  uniswapV4: z
    .object({
      poolManager: address,
      positionManager: address,
      stateView: address,
      v4Quoter: address,
      permit2: address,
      /** v4-core's PoolSwapTest: the devnet's v4 swap router (not a mainnet contract). */
      poolSwapTest: address,
      /** DevnetDynamicFeeHook: devnet only; permission bits afterInitialize. */
      dynamicFeeHook: address,
      /** The block that created the PositionManager: where position discovery (Transfer logs) starts. */
      positionManagerBlock: z.number().int().nonnegative(),
      pools: z.object({ ethUsdc500: v4Pool, usdcUsdt10: v4Pool, ethUsdcDynamic: v4Pool }),
      /** The treasury Safe's v4 position NFTs: ETH/USDC 0.05%, USDC/USDT 0.001%, ETH/USDC dynamic fee. */
      lpTokenIds: z.array(z.string().regex(/^\d+$/)),
    })
    .optional(),
  /** An L2-shaped devnet (bootstrap-l2.ts): what makes it one, and which addresses are not the real chain's. */
  l2: z
    .object({
      /** The chain it is shaped after (e.g. "arbitrum-one"). */
      shape: z.string(),
      /** Chainlink's L2 sequencer uptime feed at its real address: answer 0 = up, 1 = down. */
      sequencerUptimeFeed: z.object({ address, aggregator: address, description: z.string() }),
      /** Contracts that are not at the real chain's address, and why. */
      notReal: z.record(z.string(), z.string()),
    })
    .optional(),
});

export type DevnetManifest = z.infer<typeof devnetManifestSchema>;

export const DEFAULT_MANIFEST_PATH = "deployments/devnet.json";

/** The manifest is missing, unreadable, malformed, or describes another chain. One line, says what to do. */
export class DevnetManifestError extends Error {
  override name = "DevnetManifestError";
}

export function writeManifest(path: string, manifest: DevnetManifest): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(manifest, null, 2)}\n`);
}

export function parseManifest(json: unknown, source: string): DevnetManifest {
  const parsed = devnetManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join(".") || "(root)";
    throw new DevnetManifestError(
      `${source} is not a devnet manifest: ${where}: ${issue?.message ?? "invalid"}`,
    );
  }
  return parsed.data;
}

export function readManifest(path: string = DEFAULT_MANIFEST_PATH): DevnetManifest {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new DevnetManifestError(
      `no devnet manifest at ${path}: start the devnet with \`npm run devnet\` first`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new DevnetManifestError(`${path} is not valid JSON`);
  }
  return parseManifest(json, path);
}

/** Fails with one line when the node at the manifest's URL is another chain than the manifest describes. */
export function assertManifestChain(manifest: DevnetManifest, nodeChainId: number, source: string): void {
  if (manifest.chainId !== nodeChainId) {
    throw new DevnetManifestError(
      `${source} describes chain ${manifest.chainId} but the node at ${manifest.rpcUrl} is chain ${nodeChainId}: restart the devnet or point to the right manifest`,
    );
  }
}
