import * as AaveV3Ethereum from "@aave-dao/aave-address-book/AaveV3Ethereum";
import type { Address } from "viem";

// Ethereum mainnet addresses the devnet reproduces, checksummed, as their projects publish them (the tokens'
// issuers, Uniswap's v3 deployments, Chainlink's data-feed directory, Safe and Zodiac's deployment packages).

export const MAINNET_TOKENS = {
  weth: "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2",
  usdc: "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48",
  usdt: "0xdAC17F958D2ee523a2206206994597C13D831ec7",
  dai: "0x6B175474E89094C44Da98b954EedeAC495271d0F",
} as const satisfies Record<string, Address>;

export const MAINNET_UNISWAP_V3 = {
  factory: "0x1F98431c8aD98523631AE4a59f267346ea31F984",
  swapRouter: "0xE592427A0AEce92De3Edee1F18E0157C05861564",
  positionManager: "0xC36442b4a4522E871399CD717aBDD847Ab11FE88",
  quoterV2: "0x61fFE014bA17989E743c5F6cB21bF9697530B21e",
  /** The USDC/WETH 0.05% pool: what `createPool(USDC, WETH, 500)` must produce. */
  usdcWeth500Pool: "0x88e6A0c2dDD26FEEb64F039a2c41296FcB3f5640",
  poolInitCodeHash: "0xe34f199b19b2b4f47f68442619d555527d244f78a3297ea89325f843f87b8b54",
} as const;

/** The accounts that deployed these contracts on mainnet, and the nonce of each deployment. */
export const MAINNET_DEPLOYERS = {
  uniswapV3: "0x6C9FC64A53c1b71FB3f9Af64d1ae3A4931A5f4E9",
  weth: "0x4f26FfBe5F04ED43630fdC30A87638d53D0b0876",
} as const satisfies Record<string, Address>;

export const UNISWAP_V3_DEPLOYER_NONCES = {
  factory: 0,
  swapRouter: 4,
  nftDescriptorLibrary: 5,
  positionDescriptor: 6,
  positionManager: 8,
  quoterV2: 13,
} as const;
export const WETH_DEPLOYER_NONCE = 446;

/** Multicall3 and the ERC-2470 SingletonFactory: the chain layer's canonical addresses, deployed by the devnet too. */
export { MULTICALL3_ADDRESS as MULTICALL3 } from "../chain/client.ts";
export { ERC2470_FACTORY } from "../execution/multisend-unwrapper.ts";

/** Chainlink EACAggregatorProxy addresses (8 decimals). Heartbeats are mainnet values at the time of writing. */
export const MAINNET_FEEDS = {
  ethUsd: {
    address: "0x5f4eC3Df9cbd43714FE2740f5E3616155c5b8419",
    description: "ETH / USD",
    heartbeatSec: 3600,
  },
  usdcUsd: {
    address: "0x8fFfFfd4AfB6115b954Bd326cbe7B4BA576818f6",
    description: "USDC / USD",
    heartbeatSec: 86400,
  },
  daiUsd: {
    address: "0xAed0c38402a5d19df6E4c03F4E2DceD6e29c1ee9",
    description: "DAI / USD",
    heartbeatSec: 3600,
  },
  usdtUsd: {
    address: "0x3E7d1eAB13ad0104d2750B8863b489D65364e32D",
    description: "USDT / USD",
    heartbeatSec: 86400,
  },
} as const satisfies Record<string, { address: Address; description: string; heartbeatSec: number }>;

export const SAFE_SINGLETON_FACTORY = "0x914d7Fec6aaC8cd542e72Bca78B30650d45643d7" as const satisfies Address;
/** Runtime of the Safe singleton factory (Arachnid's deterministic deployment proxy): salt ‖ initCode → CREATE2. */
export const SAFE_SINGLETON_FACTORY_RUNTIME =
  "0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe03601600081602082378035828234f58015156039578182fd5b8082525050506014600cf3" as const;

/** Libraries the Roles v2 mastercopy was linked against on mainnet. */
export const ROLES_V2_LIBRARIES = {
  integrity: "0x6a6Af4b16458Bc39817e4019fB02BD3b26d41049",
  packer: "0x61C5B1bE435391fDd7bC6703F3740C0d11728a8C",
} as const satisfies Record<string, Address>;

/**
 * Aave v3's Ethereum market, from @aave-dao/aave-address-book (today's addresses: the implementations behind the
 * proxies have since been upgraded past the v3.0 code the devnet runs, so only proxies, the provider, the ACL
 * manager, the oracle, the data provider and the reserves' token proxies are reproduced, not implementations).
 */
export const MAINNET_AAVE_V3 = {
  poolAddressesProvider: AaveV3Ethereum.POOL_ADDRESSES_PROVIDER,
  pool: AaveV3Ethereum.POOL,
  poolConfigurator: AaveV3Ethereum.POOL_CONFIGURATOR,
  aclManager: AaveV3Ethereum.ACL_MANAGER,
  oracle: AaveV3Ethereum.ORACLE,
  protocolDataProvider: AaveV3Ethereum.AAVE_PROTOCOL_DATA_PROVIDER,
  /** The treasury the aTokens mint reserve-factor income to. */
  collector: AaveV3Ethereum.COLLECTOR,
  marketId: "Aave Ethereum Market",
  reserves: {
    weth: AaveV3Ethereum.ASSETS.WETH,
    usdc: AaveV3Ethereum.ASSETS.USDC,
    dai: AaveV3Ethereum.ASSETS.DAI,
    usdt: AaveV3Ethereum.ASSETS.USDT,
  },
} as const;

/**
 * Uniswap v4 on Ethereum mainnet (docs.uniswap.org/contracts/v4/deployments; Uniswap/contracts
 * deployments/json/1.json), and Permit2, which v4's PositionManager pulls ERC-20s through.
 */
export const MAINNET_UNISWAP_V4 = {
  poolManager: "0x000000000004444c5dc75cB358380D2e3dE08A90",
  positionManager: "0xbD216513d74C8cf14cf4747E6AaA6420FF64ee9e",
  stateView: "0x7fFE42C4a5DEeA5b0feC41C94C136Cf115597227",
  v4Quoter: "0x52F0E24D1c21C8A0cB1e5a5dD6198556BD9E1203",
  permit2: "0x000000000022D473030F116dDEE9F6B43aC78BA3",
  /** A proxy to PositionDescriptor (tokenURI). PositionManager's constructor takes it; the devnet leaves it empty. */
  positionDescriptor: "0xd1428Ba554F4C8450b763a0B2040A4935c63f06C",
} as const satisfies Record<string, Address>;

/** How mainnet created them, which the devnet replays (see deploy-uniswap-v4.ts). */
export const UNISWAP_V4_MAINNET_DEPLOYMENT = {
  /** The PoolManager's constructor argument `initialOwner`: Uniswap governance's timelock. */
  poolManagerOwner: "0x1a9C8182C09F50C8318d769245beA52c32BE35BC",
  /** The UniswapV4DeployerCompetition contract: it CREATE2-deployed the PoolManager with the winning salt. */
  poolManagerCreator: "0x48E516B34A1274f49457b9C6182097796D0498Cb",
  poolManagerSalt: "0x72bed203c9a5eff37e1f55be91f742def6e0e5c7bd40398de517b6047b87ee78",
  /** keccak256(init code ‖ abi.encode(owner)): what the competition's miners hashed against. */
  poolManagerInitCodeHash: "0x94d114296a5af85c1fd2dc039cdaa32f1ed4b0fe0868f02d888bfc91feb645d9",
  /** Arachnid's deterministic deployment proxy: PositionManager, StateView and V4Quoter came through it, salt 0. */
  create2Proxy: "0x4e59b44847b379578588920cA78FbF26c0B4956C",
  /** The account that sent those deployments (Uniswap/contracts broadcast Deploy-all.s.sol/1, Jan 2025). */
  peripheryDeployer: "0x2179a60856E37dfeAacA0ab043B931fE224b27B6",
  /** PositionManager's constructor argument on mainnet. */
  unsubscribeGasLimit: 150_000n,
} as const;
