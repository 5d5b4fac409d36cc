import { parseAbi } from "viem";

// Perpetual Protocol v2 (Curie): the functions this project calls, one ABI per contract.

export const PERP_CLEARING_HOUSE_ABI = parseAbi([
  "struct OpenPositionParams { address baseToken; bool isBaseToQuote; bool isExactInput; uint256 amount; uint256 oppositeAmountBound; uint256 deadline; uint160 sqrtPriceLimitX96; bytes32 referralCode; }",
  "function openPosition(OpenPositionParams params) returns (uint256 base, uint256 quote)",
  "function getAccountValue(address trader) view returns (int256)",
  // IClearingHouse: one per taker trade; the notional excludes the fee, which is reported on its own.
  "event PositionChanged(address indexed trader, address indexed baseToken, int256 exchangedPositionSize, int256 exchangedPositionNotional, uint256 fee, int256 openNotional, int256 realizedPnl, uint256 sqrtPriceAfterX96)",
]);

/**
 * IClearingHouse: funding settled into owed realized P&L (18 decimals; positive = the trader paid), per market,
 * whenever the trader's position in it is touched (trade, liquidity change, Vault.withdraw, settleAllFunding). Apart
 * from PERP_CLEARING_HOUSE_ABI: a receipt parser decoding PositionChanged with that ABI must not decode this too.
 */
export const PERP_FUNDING_SETTLED_ABI = parseAbi([
  "event FundingPaymentSettled(address indexed trader, address indexed baseToken, int256 fundingPayment)",
]);

export const PERP_VAULT_ABI = parseAbi([
  "function deposit(address token, uint256 amount)",
  "function withdraw(address token, uint256 amount)",
  "function getFreeCollateral(address trader) view returns (uint256)",
  "function getBalance(address trader) view returns (int256)",
  "function decimals() view returns (uint8)",
  // IVault: the settlement token moved in or out for a trader, in the token's decimals (Vault.decimals()).
  "event Deposited(address indexed collateralToken, address indexed trader, uint256 amount)",
  "event Withdrawn(address indexed collateralToken, address indexed trader, uint256 amount)",
]);

export const PERP_ACCOUNT_BALANCE_ABI = parseAbi([
  "function getTakerPositionSize(address trader, address baseToken) view returns (int256)",
  "function getTakerOpenNotional(address trader, address baseToken) view returns (int256)",
  "function getMarkPrice(address baseToken) view returns (uint256)",
  // Owed realized P&L (not yet settled into the vault), unrealized P&L at the mark, pending maker fees: 18 decimals.
  "function getPnlAndPendingFee(address trader) view returns (int256 owedRealizedPnl, int256 unrealizedPnl, uint256 pendingFee)",
]);

export const PERP_EXCHANGE_ABI = parseAbi([
  "function getAllPendingFundingPayment(address trader) view returns (int256)",
  "function getSqrtMarkTwapX96(address baseToken, uint32 twapInterval) view returns (uint160)",
  "function getMaxTickCrossedWithinBlock(address baseToken) view returns (uint24)",
  "function getMarketRegistry() view returns (address)",
]);

export const PERP_MARKET_REGISTRY_ABI = parseAbi([
  "function getPool(address baseToken) view returns (address)",
]);

export const PERP_BASE_TOKEN_ABI = parseAbi([
  "function getIndexPrice(uint256 interval) view returns (uint256)",
]);

export const PERP_CLEARING_HOUSE_CONFIG_ABI = parseAbi([
  "function getMmRatio() view returns (uint24)",
  "function getImRatio() view returns (uint24)",
]);
