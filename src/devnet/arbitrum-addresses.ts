import type { Address } from "viem";
import type { MAINNET_FEEDS, MAINNET_TOKENS } from "./mainnet-addresses.ts";

// Arbitrum One addresses the L2 devnet reproduces, checksummed, as their projects publish them (Arbitrum's and the
// issuers' token lists, Chainlink's data-feed directory for Arbitrum, Uniswap's v3 deployments). The devnet's
// deploy-* modules take these in place of the mainnet ones: one address book per chain, one deployment code.

/** Arbitrum One's EIP-155 chain id. */
export const ARBITRUM_CHAIN_ID = 42161;

/** The token address book (same keys as MAINNET_TOKENS). USDC is Circle's native USDC, not the bridged USDC.e. */
export const ARBITRUM_TOKENS = {
  weth: "0x82aF49447D8a07e3bd95BD0d56f35241523fBab1",
  usdc: "0xaf88d065e77c8cC2239327C5EDb3A432268e5831",
  usdt: "0xFd086bC7CD5C481DCC9C85ebE478A1C0b69FCbb9",
  dai: "0xDA10009cBd5D07dd0CeCc66161FC93D7c9000da1",
} as const satisfies Record<keyof typeof MAINNET_TOKENS, Address>;

/**
 * Chainlink proxies on Arbitrum One (8 decimals). Heartbeats are Chainlink's published Arbitrum values: a day for
 * all four (deviation 0.05% for ETH/USD, 0.1-0.25% for the stablecoins), unlike mainnet's hour for ETH/USD.
 */
export const ARBITRUM_FEEDS = {
  ethUsd: {
    address: "0x639Fe6ab55C921f74e7fac1ee960C0B6293ba612",
    description: "ETH / USD",
    heartbeatSec: 86400,
  },
  usdcUsd: {
    address: "0x50834F3163758fcC1Df9973b6e91f0F0F0434aD3",
    description: "USDC / USD",
    heartbeatSec: 86400,
  },
  daiUsd: {
    address: "0xc5C8E77B397E531B8EC06BFb0048328B30E9eCfB",
    description: "DAI / USD",
    heartbeatSec: 86400,
  },
  usdtUsd: {
    address: "0x3f3f5dF88dC9F13eac63DF89EC16ef6e7E25DdE7",
    description: "USDT / USD",
    heartbeatSec: 86400,
  },
} as const satisfies Record<
  keyof typeof MAINNET_FEEDS,
  { address: Address; description: string; heartbeatSec: number }
>;

/**
 * Chainlink's L2 sequencer uptime feed on Arbitrum One (docs.chain.link/data-feeds/l2-sequencer-feeds): answer 0 =
 * up, 1 = down; `startedAt` is when the status last changed.
 */
export const ARBITRUM_SEQUENCER_UPTIME_FEED = {
  address: "0xFdB631F5EE196F0ed6FAa767959853A9F217697D",
  description: "L2 Sequencer Uptime Status Feed",
} as const;

/**
 * Uniswap v3 on Arbitrum One: the factory, SwapRouter, NonfungiblePositionManager and QuoterV2 sit at the same
 * addresses as on mainnet (same deployer, same nonces) and pools share the init-code hash, so `createPool(WETH, USDC,
 * 500)` with Arbitrum's tokens lands at Arbitrum's WETH/USDC 0.05% pool.
 */
export const ARBITRUM_UNISWAP_V3 = {
  wethUsdc500Pool: "0xC6962004f452bE9203591991D15f6b388e09E8D0",
} as const satisfies Record<string, Address>;

/** Chainlink's recommended wait after the sequencer comes back before prices are trusted again (docs, example). */
export const SEQUENCER_GRACE_PERIOD_SEC = 3600;
