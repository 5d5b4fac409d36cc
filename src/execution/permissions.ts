import type { Address, Hex } from "viem";
import { toFunctionSelector } from "viem";
import { c, type Permission } from "zodiac-roles-sdk";
import { encodeBoundsExtra, hedgeBoundsCheck } from "./hedge-bounds-condition.ts";
import {
  CALLS_HOURLY_ALLOWANCE,
  collateralDailyAllowanceKey,
  KEEPER_ROLE_KEY,
  PERP_BASE_DAILY_ALLOWANCE,
  PERP_OPEN_PER_BLOCK_ALLOWANCE,
  swapDailyAllowanceKey,
  VAULT_DEPOSIT_PER_BLOCK_ALLOWANCE,
} from "./role-keys.ts";
import type { TreasuryScope } from "./treasury-scope.ts";
import { v4WithdrawalCheck } from "./v4-withdrawal-condition.ts";

// Each venue function takes one struct whose fields are all static: the ABI encodes such a tuple inline, exactly
// as the same fields passed as separate parameters. Scoping the fields as flat static parameters is therefore
// the same check on the same bytes, and Roles v2 evaluates it for ~40k less gas than a Tuple node (measured in
// bench/gas.bench.ts's history: 151k vs 193k for one equality on exactInputSingle).
const OPEN_POSITION_FIELDS = [
  "address",
  "bool",
  "bool",
  "uint256",
  "uint256",
  "uint256",
  "uint160",
  "bytes32",
] as const;
const EXACT_INPUT_SINGLE_FIELDS = [
  "address",
  "address",
  "uint24",
  "address",
  "uint256",
  "uint256",
  "uint256",
  "uint160",
] as const;
const COLLECT_FIELDS = ["uint256", "address", "uint128", "uint128"] as const;
const DECREASE_LIQUIDITY_FIELDS = ["uint256", "uint128", "uint256", "uint256", "uint256"] as const;
const tupleSignature = (name: string, fields: readonly string[]) => `${name}((${fields.join(",")}))`;

export const GUARD_SIGNATURES = [
  "checkPremise((bytes32,bytes32,uint64),uint256,(address,int256,int256),(address,int256,uint256))",
  "checkPost(bytes32,(address,int256,uint256),(address,uint256)[])",
  "checkOraclePremise((bytes32,bytes32,uint64),uint256,(address,int256,int256))",
  "checkBalances(bytes32,(address,uint256)[])",
] as const;

/** One of several values: Roles' `Or` needs at least two branches, so a single value is a plain `eq`. */
function oneOf(values: readonly Address[]) {
  if (values.length === 0) throw new RangeError("a permission needs at least one allowed value");
  const [first, second, ...rest] = values.map((value) => c.eq(value));
  return second === undefined ? first! : c.or(first!, second, ...rest);
}

/**
 * The keeper's permission set: HedgeGuard's checks; perp `openPosition` on configured markets within a
 * daily size allowance; vault deposit/withdraw of configured collateral (always the Safe's own account)
 * within a daily allowance; `exactInputSingle` on configured pairs with the Safe as recipient within a
 * daily input allowance per token; LP `decreaseLiquidity` and `collect` to the Safe. Nothing else: no
 * transfer, no approve, no other recipient.
 *
 * Every value-moving call also passes HedgeBounds, on its own or inside any batch, HedgeGuard or not: the
 * perp quote bound, the swap minimum out and the pool price of a liquidity removal are checked against the
 * Chainlink feeds within the configured slippage, a perp open may not take |position| past its ceiling, a
 * deposit may not take the vault balance past its ceiling. Opens and deposits are limited to one per block
 * (so the ceilings, judged on the state before the batch, are exact); every other venue call spends the
 * hourly call allowance.
 */
export function keeperPermissions(scope: TreasuryScope): Permission[] {
  assertEveryAllowanceHasACap(scope);
  const callsPerHour = { callWithinAllowance: CALLS_HOURLY_ALLOWANCE };
  const { bounds, caps } = scope;
  const guardChecks: Permission[] = GUARD_SIGNATURES.map((signature) => ({
    targetAddress: scope.hedgeGuard,
    signature,
  }));

  const perpBounds = hedgeBoundsCheck(
    bounds.hedgeBounds,
    encodeBoundsExtra(bounds.perpSlippageBps, caps.perpMaxAbsBaseUnits),
  );
  const openPosition: Permission = {
    targetAddress: scope.perp.clearingHouse,
    signature: tupleSignature("openPosition", OPEN_POSITION_FIELDS),
    // (baseToken, isBaseToQuote, isExactInput, amount, oppositeAmountBound, …): the market, the size against the
    // daily allowance, the quote bound and the ceiling against the oracle (HedgeBounds decodes the whole call).
    condition: c.calldataMatches(
      [
        oneOf(scope.perp.baseTokens),
        c.pass,
        c.pass,
        c.withinAllowance(PERP_BASE_DAILY_ALLOWANCE),
        perpBounds,
      ],
      OPEN_POSITION_FIELDS,
      { callWithinAllowance: PERP_OPEN_PER_BLOCK_ALLOWANCE },
    ),
  };

  const deposit: Permission = {
    targetAddress: scope.perp.vault,
    signature: "deposit(address,uint256)",
    condition: perTokenOr(scope.perp.collateralTokens, (token) =>
      c.calldataMatches(
        [
          c.eq(token),
          c.and(
            c.withinAllowance(collateralDailyAllowanceKey(token)),
            hedgeBoundsCheck(bounds.hedgeBounds, encodeBoundsExtra(0, collateralCeiling(scope, token))),
          ),
        ],
        ["address", "uint256"],
        { callWithinAllowance: VAULT_DEPOSIT_PER_BLOCK_ALLOWANCE },
      ),
    ),
  };
  const withdraw: Permission = {
    targetAddress: scope.perp.vault,
    signature: "withdraw(address,uint256)",
    // The vault pays a withdrawal to its caller, the Safe, and only from collateral above the margin requirement.
    condition: perTokenOr(scope.perp.collateralTokens, (token) =>
      c.calldataMatches(
        [c.eq(token), c.withinAllowance(collateralDailyAllowanceKey(token))],
        ["address", "uint256"],
        callsPerHour,
      ),
    ),
  };

  const swap: Permission = {
    targetAddress: scope.uniswap.swapRouter,
    signature: tupleSignature("exactInputSingle", EXACT_INPUT_SINGLE_FIELDS),
    // Each configured pair is a branch: its tokens and fee, the Safe as recipient, the input against the token's
    // daily allowance, the minimum out against the oracles. Roles reports a refused swap as OrViolation when
    // there are several pairs (an Or keeps no reason; Roles' type rules rule out an And beside it):
    // `HedgeBounds.enforce` on the same calldata names the reason.
    condition: perPairOr(scope, callsPerHour),
  };

  const lp: Permission[] = [
    {
      targetAddress: scope.uniswap.positionManager,
      signature: tupleSignature("decreaseLiquidity", DECREASE_LIQUIDITY_FIELDS),
      // The position manager only lets the NFT's owner (the Safe) decrease it; tokens stay in the position
      // until `collect`, whose recipient is pinned to the Safe below. What a removal pays is set by the pool's
      // price, so HedgeBounds holds that price to the oracles (zero minimums cannot be sandwiched).
      condition: c.calldataMatches(
        [c.pass, c.pass, hedgeBoundsCheck(bounds.hedgeBounds, encodeBoundsExtra(bounds.lpPriceBandBps))],
        DECREASE_LIQUIDITY_FIELDS,
        callsPerHour,
      ),
    },
    {
      targetAddress: scope.uniswap.positionManager,
      signature: tupleSignature("collect", COLLECT_FIELDS),
      // (tokenId, recipient, amount0Max, amount1Max)
      condition: c.calldataMatches([c.pass, c.avatar], COLLECT_FIELDS, callsPerHour),
    },
  ];

  return [...guardChecks, openPosition, deposit, withdraw, swap, ...lp, ...v4Withdrawal(scope, callsPerHour)];
}

/**
 * PositionManager.modifyLiquidities(unlockData, deadline): Roles cannot look inside `unlockData`, so the custom
 * condition V4WithdrawalBounds decodes it (only DECREASE_LIQUIDITY of the treasury's own positions, TAKE_PAIR /
 * TAKE to the treasury, CLOSE_CURRENCY) and bounds the deadline. It sits on the deadline parameter; which
 * parameter carries it does not change what is checked (the adapter reads the whole calldata).
 */
function v4Withdrawal(scope: TreasuryScope, options: { callWithinAllowance: Hex }): Permission[] {
  const v4 = scope.uniswapV4;
  if (v4 === undefined) return [];
  return [
    {
      targetAddress: v4.positionManager,
      signature: "modifyLiquidities(bytes,uint256)",
      condition: c.calldataMatches(
        [c.pass, v4WithdrawalCheck(v4.withdrawalBounds, v4.maxDeadlineSec)],
        ["bytes", "uint256"],
        options,
      ),
    },
  ];
}

function collateralCeiling(scope: TreasuryScope, token: Address): number {
  const ceiling = Object.entries(scope.caps.collateralMaxTokens).find(
    ([address]) => address.toLowerCase() === token.toLowerCase(),
  )?.[1];
  if (ceiling === undefined)
    throw new TreasuryScopeError(`caps.collateralMaxTokens has no ceiling for collateral token ${token}`);
  return ceiling;
}

function perTokenOr(
  tokens: readonly Address[],
  scoping: (token: Address) => ReturnType<typeof c.calldataMatches>,
) {
  if (tokens.length === 0) throw new RangeError("a permission needs at least one allowed token");
  const [first, second, ...rest] = tokens.map(scoping);
  return second === undefined ? first! : c.or(first!, second, ...rest);
}

function perPairOr(scope: TreasuryScope, options: { callWithinAllowance: Hex }) {
  const pairs = scope.uniswap.swapPairs;
  if (pairs.length === 0) throw new RangeError("a swap permission needs at least one configured pair");
  // (tokenIn, tokenOut, fee, recipient, deadline, amountIn, …)
  const [first, second, ...rest] = pairs.map((pair) =>
    c.calldataMatches(
      [
        c.eq(pair.tokenIn),
        c.eq(pair.tokenOut),
        c.eq(pair.fee),
        c.avatar,
        c.pass,
        c.withinAllowance(swapDailyAllowanceKey(pair.tokenIn)),
        hedgeBoundsCheck(scope.bounds.hedgeBounds, encodeBoundsExtra(scope.bounds.swapSlippageBps)),
      ],
      EXACT_INPUT_SINGLE_FIELDS,
      options,
    ),
  );
  return second === undefined ? first! : c.or(first!, second, ...rest);
}

/**
 * The guardian's permission set: exactly one call, `roles.assignRoles(keeper, [keeperRole], [false])`,
 * executed by the Safe (the Roles owner) through the guardian's role. It can pause the keeper at once and
 * can never grant anything: restoring the role takes the Safe's owners.
 */
export function guardianPermissions(scope: TreasuryScope): Permission[] {
  return [
    {
      targetAddress: scope.roles,
      signature: "assignRoles(address,bytes32[],bool[])",
      condition: c.calldataMatches(
        [c.eq(scope.keeper), c.matches([c.eq(KEEPER_ROLE_KEY)]), c.matches([c.eq(false)])],
        ["address", "bytes32[]", "bool[]"],
      ),
    },
  ];
}

/** The selector Roles must unwrap MultiSend batches at. */
export const MULTI_SEND_SELECTOR = toFunctionSelector("multiSend(bytes)");

/** Errors a scope whose allowance keys would have no allowance (Roles would then refuse every such call). */
export class TreasuryScopeError extends Error {
  override name = "TreasuryScopeError";
}

function assertEveryAllowanceHasACap(scope: TreasuryScope): void {
  const lowerKeys = (record: Readonly<Record<string, bigint>>) =>
    new Set(Object.keys(record).map((k) => k.toLowerCase()));
  const swapCaps = lowerKeys(scope.caps.swapAmountInPerDay);
  for (const pair of scope.uniswap.swapPairs) {
    if (!swapCaps.has(pair.tokenIn.toLowerCase())) {
      throw new TreasuryScopeError(`caps.swapAmountInPerDay has no cap for swap input token ${pair.tokenIn}`);
    }
  }
  const collateralCaps = lowerKeys(scope.caps.collateralPerDay);
  for (const token of scope.perp.collateralTokens) {
    if (!collateralCaps.has(token.toLowerCase())) {
      throw new TreasuryScopeError(`caps.collateralPerDay has no cap for collateral token ${token}`);
    }
  }
  if (!Number.isInteger(scope.caps.callsPerHour) || scope.caps.callsPerHour < 1) {
    throw new TreasuryScopeError("caps.callsPerHour must be a positive integer");
  }
  const { refillPeriodSec } = scope.caps;
  if (!Number.isInteger(refillPeriodSec) || refillPeriodSec < 1 || 86_400 % refillPeriodSec !== 0) {
    throw new TreasuryScopeError("caps.refillPeriodSec must be a whole number of seconds that divides a day");
  }
  const priced = new Set(scope.bounds.priceSources.map((source) => source.token.toLowerCase()));
  const needPrices = [
    ...scope.perp.baseTokens,
    ...scope.perp.collateralTokens,
    ...scope.uniswap.swapPairs.flatMap((pair) => [pair.tokenIn, pair.tokenOut]),
  ];
  for (const token of needPrices) {
    if (!priced.has(token.toLowerCase()))
      throw new TreasuryScopeError(`bounds.priceSources has no Chainlink feed for token ${token}`);
  }
}
