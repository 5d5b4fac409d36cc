import { parseAbi } from "viem";

// The treasury's execution stack (our HedgeGuard, Safe's MultiSendCallOnly, Zodiac Roles): only the functions
// this project calls, each with its published signature; a contract test checks HEDGE_GUARD_ABI against the
// compiled HedgeGuard so the two cannot drift apart. The venues' ABIs (Uniswap, Perp, Chainlink) are in
// src/chain/abis/.

export const HEDGE_GUARD_ABI = parseAbi([
  "struct OraclePremise { address feed; int256 minAnswer; int256 maxAnswer; }",
  "struct PerpSize { address baseToken; int256 size; uint256 tolerance; }",
  "struct MinBalance { address token; uint256 amount; }",
  "function checkPremise(bytes32 planId, uint256 deadline, OraclePremise oracle, PerpSize expectedPreSize) view returns (int256 answer)",
  "function checkPost(bytes32 planId, PerpSize target, MinBalance[] minBalances) view",
  "function checkOraclePremise(bytes32 planId, uint256 deadline, OraclePremise oracle) view returns (int256 answer)",
  "function checkBalances(bytes32 planId, MinBalance[] minBalances) view",
  "function setFeedHeartbeat(address feed, uint256 heartbeatSec)",
  "function feedHeartbeat(address feed) view returns (uint256)",
  "function positionSource() view returns (address)",
  "error HedgeGuardDeadlinePassed(bytes32 planId, uint256 deadline, uint256 nowSec)",
  "error HedgeGuardFeedNotConfigured(bytes32 planId, address feed)",
  "error HedgeGuardOracleStale(bytes32 planId, address feed, uint256 updatedAt, uint256 heartbeatSec)",
  "error HedgeGuardOracleInvalidAnswer(bytes32 planId, address feed, int256 answer)",
  "error HedgeGuardPriceOutOfBand(bytes32 planId, int256 answer, int256 minAnswer, int256 maxAnswer)",
  "error HedgeGuardInvalidBand(bytes32 planId, int256 minAnswer, int256 maxAnswer)",
  "error HedgeGuardUnexpectedPreSize(bytes32 planId, address baseToken, int256 actual, int256 expected, uint256 tolerance)",
  "error HedgeGuardPostSizeMissed(bytes32 planId, address baseToken, int256 actual, int256 target, uint256 tolerance)",
  "error HedgeGuardBalanceTooLow(bytes32 planId, address token, uint256 actual, uint256 minimum)",
  "error HedgeGuardZeroAddress()",
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
