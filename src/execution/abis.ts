import { parseAbi } from "viem";

// The treasury's execution stack (our HedgeGuard and HedgeBounds, Safe's MultiSendCallOnly, Zodiac Roles): only
// the functions this project calls, each with its published signature; a contract test checks HEDGE_GUARD_ABI and
// HEDGE_BOUNDS_ABI against the compiled contracts so they cannot drift apart. The venues' ABIs (Uniswap, Perp, Chainlink) are in
// src/chain/abis/.

export const HEDGE_GUARD_ABI = parseAbi([
  "struct PlanRef { bytes32 planId; bytes32 bookKey; uint64 planBlock; }",
  "struct OraclePremise { address feed; int256 minAnswer; int256 maxAnswer; }",
  "struct PerpSize { address baseToken; int256 size; uint256 tolerance; }",
  "struct MinBalance { address token; uint256 amount; }",
  "function checkPremise(PlanRef plan, uint256 deadline, OraclePremise oracle, PerpSize expectedPreSize) returns (int256 answer)",
  "function checkPost(bytes32 planId, PerpSize target, MinBalance[] minBalances) view",
  "function checkOraclePremise(PlanRef plan, uint256 deadline, OraclePremise oracle) returns (int256 answer)",
  "function checkBalances(bytes32 planId, MinBalance[] minBalances) view",
  "function checkHealthFactor(bytes32 planId, address pool, uint256 minHealthFactorWad) view",
  "function setFeedHeartbeat(address feed, uint256 heartbeatSec)",
  "function feedHeartbeat(address feed) view returns (uint256)",
  "function lastPlanBlock(address treasury, bytes32 bookKey) view returns (uint256)",
  "function positionSource() view returns (address)",
  "function sequencerUptimeFeed() view returns (address feed, uint256 gracePeriodSec)",
  "event PlanAdmitted(address indexed treasury, bytes32 indexed bookKey, bytes32 indexed planId, uint256 planBlock)",
  "error HedgeGuardDeadlinePassed(bytes32 planId, uint256 deadline, uint256 nowSec)",
  "error HedgeGuardFeedNotConfigured(bytes32 planId, address feed)",
  "error HedgeGuardOracleStale(bytes32 planId, address feed, uint256 updatedAt, uint256 heartbeatSec)",
  "error HedgeGuardOracleInvalidAnswer(bytes32 planId, address feed, int256 answer)",
  "error HedgeGuardPriceOutOfBand(bytes32 planId, int256 answer, int256 minAnswer, int256 maxAnswer)",
  "error HedgeGuardInvalidBand(bytes32 planId, int256 minAnswer, int256 maxAnswer)",
  "error HedgeGuardUnexpectedPreSize(bytes32 planId, address baseToken, int256 actual, int256 expected, uint256 tolerance)",
  "error HedgeGuardPostSizeMissed(bytes32 planId, address baseToken, int256 actual, int256 target, uint256 tolerance)",
  "error HedgeGuardBalanceTooLow(bytes32 planId, address token, uint256 actual, uint256 minimum)",
  "error HedgeGuardHealthFactorTooLow(bytes32 planId, address pool, uint256 healthFactorWad, uint256 minHealthFactorWad)",
  "error HedgeGuardZeroAddress()",
  "error HedgeGuardPlanFromFuture(bytes32 planId, uint256 planBlock, uint256 blockNumber)",
  "error HedgeGuardPlanNotNewer(bytes32 planId, bytes32 bookKey, uint256 planBlock, uint256 lastPlanBlock)",
  "error HedgeGuardSequencerDown(bytes32 planId, address feed, int256 answer, uint256 startedAt)",
  "error HedgeGuardSequencerGracePeriod(bytes32 planId, uint256 upSince, uint256 gracePeriodSec)",
]);

/**
 * HedgeBounds: the Roles v2 custom condition bounding venue calls by oracle prices and ceilings. `check` is what
 * Roles calls; `enforce` reverts with the refusal's arguments, for diagnosis.
 */
export const HEDGE_BOUNDS_ABI = parseAbi([
  "struct PriceSource { address feed; uint32 heartbeatSec; uint8 feedDecimals; uint8 tokenDecimals; }",
  "function check(address to, uint256 value, bytes data, uint8 operation, uint256 location, uint256 size, bytes12 extra) view returns (bool success, bytes32 reason)",
  "function enforce(address to, bytes data, bytes12 extra) view",
  "function setPriceSource(address token, PriceSource source)",
  "function priceSource(address token) view returns (PriceSource)",
  "function treasury() view returns (address)",
  "function positionSource() view returns (address)",
  "function owner() view returns (address)",
  "event PriceSourceSet(address indexed token, address indexed feed, uint32 heartbeatSec, uint8 feedDecimals, uint8 tokenDecimals)",
  "error HedgeBoundsZeroAddress()",
  "error HedgeBoundsHeartbeatZero(address token)",
  "error HedgeBoundsDecimalsUnsupported(address source, uint8 decimals)",
  "error HedgeBoundsDecimalsMismatch(address source, uint8 configured, uint8 actual)",
  "error HedgeBoundsUnsupportedCall(bytes4 selector)",
  "error HedgeBoundsCallFailed()",
  "error HedgeBoundsSlippageTooHigh(uint256 maxSlippageBps)",
  "error HedgeBoundsNoPriceSource(address token)",
  "error HedgeBoundsOracleStale(address feed, uint256 updatedAt, uint256 heartbeatSec)",
  "error HedgeBoundsOracleInvalidAnswer(address feed, int256 answer)",
  "error HedgeBoundsMinOutBelowOracle(address tokenIn, address tokenOut, uint256 amountOutMinimum, uint256 oracleMinimum)",
  "error HedgeBoundsQuoteDenominatedTrade()",
  "error HedgeBoundsPerpBoundBeyondOracle(address baseToken, bool isBaseToQuote, uint256 bound, uint256 oracleLimit)",
  "error HedgeBoundsPositionAboveCeiling(address baseToken, int256 sizeAfter, uint256 ceiling)",
  "error HedgeBoundsCollateralAboveCeiling(address token, uint256 balanceAfter, uint256 ceiling)",
  "error HedgeBoundsPoolOffOracle(address pool, uint256 poolPriceX128, uint256 oraclePriceX128)",
]);

/** V4WithdrawalBounds (contracts/interfaces/IV4WithdrawalBounds.sol). */
export const V4_WITHDRAWAL_BOUNDS_ABI = parseAbi([
  "function check(address to, uint256 value, bytes data, uint8 operation, uint256 location, uint256 size, bytes12 extra) view returns (bool success, bytes32 reason)",
  "function enforce(address to, bytes data, bytes12 extra) view",
  "function treasury() view returns (address)",
  "function positionManager() view returns (address)",
  "error V4WithdrawalBoundsZeroAddress()",
  "error V4WithdrawalBoundsUnsupportedCall(bytes4 selector)",
  "error V4WithdrawalBoundsWrongTarget(address to)",
  "error V4WithdrawalBoundsNoDeadlineBound()",
  "error V4WithdrawalBoundsDeadlineTooFar(uint256 deadline, uint256 latest)",
  "error V4WithdrawalBoundsLengthMismatch(uint256 actions, uint256 params)",
  "error V4WithdrawalBoundsActionNotAllowed(uint256 index, uint8 action)",
  "error V4WithdrawalBoundsNotTreasuryPosition(uint256 tokenId, address owner)",
  "error V4WithdrawalBoundsHookData(uint256 tokenId)",
  "error V4WithdrawalBoundsRecipientNotTreasury(address recipient)",
  "error V4WithdrawalBoundsCallFailed()",
]);

/** Safe's MultiSendCallOnly 1.4.1. */
export const MULTI_SEND_ABI = parseAbi(["function multiSend(bytes transactions) payable"]);

/** Zodiac Roles v2: the functions this project calls (the SDK's `rolesAbi` has the rest). */
export const ROLES_ABI = parseAbi([
  "function setUp(bytes initParams)",
  "function execTransactionWithRole(address to, uint256 value, bytes data, uint8 operation, bytes32 roleKey, bool shouldRevert) returns (bool success)",
  "function assignRoles(address module, bytes32[] roleKeys, bool[] memberOf)",
  "function setTransactionUnwrapper(address to, bytes4 selector, address adapter)",
  "function setAllowance(bytes32 key, uint128 balance, uint128 maxRefill, uint128 refill, uint64 period, uint64 timestamp)",
  "function allowances(bytes32 key) view returns (uint128 refill, uint128 maxRefill, uint64 period, uint128 balance, uint64 timestamp)",
  "function unwrappers(bytes32) view returns (address)",
]);
