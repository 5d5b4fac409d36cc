import type { Address, Hex } from "viem";
import { toFunctionSelector } from "viem";
import { c, type Permission } from "zodiac-roles-sdk";
import { encodeBoundsExtra, hedgeBoundsCheck } from "./hedge-bounds-condition.ts";
import {
  aaveBorrowDailyAllowanceKey,
  aaveCollateralDailyAllowanceKey,
  CALLS_HOURLY_ALLOWANCE,
  collateralDailyAllowanceKey,
  KEEPER_ROLE_KEY,
  PERP_BASE_DAILY_ALLOWANCE,
  PERP_OPEN_PER_BLOCK_ALLOWANCE,
  swapDailyAllowanceKey,
  VAULT_DEPOSIT_PER_BLOCK_ALLOWANCE,
} from "./role-keys.ts";
import type { AaveScope, TreasuryScope } from "./treasury-scope.ts";
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
  "checkHealthFactor(bytes32,address,uint256)",
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
 * daily input allowance per token; LP `decreaseLiquidity` and `collect` to the Safe; with an Aave scope, the Pool's
 * supply / withdraw / borrow / repay on the Safe's own account and approvals of those assets to the Pool
 * (aaveKeeperPermissions). Nothing else: no transfer, no other approve, no other recipient.
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

  const aave = scope.aave === undefined ? [] : aaveKeeperPermissions(scope.aave, callsPerHour);
  return [
    ...guardChecks,
    openPosition,
    deposit,
    withdraw,
    swap,
    ...lp,
    ...aave,
    ...v4Withdrawal(scope, callsPerHour),
  ];
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

// Aave v3 Pool signatures (IPool, core-v3 1.19.3): supply(asset, amount, onBehalfOf, referralCode),
// withdraw(asset, amount, to), borrow(asset, amount, interestRateMode, referralCode, onBehalfOf),
// repay(asset, amount, interestRateMode, onBehalfOf), repayWithATokens(asset, amount, interestRateMode).
const SUPPLY_PARAMS = ["address", "uint256", "address", "uint16"] as const;
const WITHDRAW_PARAMS = ["address", "uint256", "address"] as const;
const BORROW_PARAMS = ["address", "uint256", "uint256", "uint16", "address"] as const;
const REPAY_PARAMS = ["address", "uint256", "uint256", "address"] as const;
const REPAY_WITH_ATOKENS_PARAMS = ["address", "uint256", "uint256"] as const;
const signatureOf = (name: string, params: readonly string[]) => `${name}(${params.join(",")})`;
/** Variable rate only: stable-rate borrowing is off on Aave v3 Ethereum, and a stable debt is a different hedge. */
const VARIABLE_RATE_MODE = 2;

/**
 * The keeper's Aave v3 permissions: supply and withdraw the configured collateral, borrow (variable rate) and repay
 * the configured assets, always on the Safe's own account (onBehalfOf / to = the Safe, Roles' EqualToAvatar), the
 * borrowed amount and the collateral moved each within a daily allowance per asset; approve those assets to the
 * Pool only. Aave itself refuses a borrow or a withdrawal past the account's LTV, so the allowances bound how far
 * towards it the keeper may walk in a day. Repaying only lowers the debt: it spends the hourly call allowance.
 */
function aaveKeeperPermissions(aave: AaveScope, callsPerHour: { callWithinAllowance: Hex }): Permission[] {
  const pool = aave.pool;
  return [
    {
      targetAddress: pool,
      signature: signatureOf("supply", SUPPLY_PARAMS),
      condition: perTokenOr(aave.collateralAssets, (asset) =>
        c.calldataMatches(
          [c.eq(asset), c.withinAllowance(aaveCollateralDailyAllowanceKey(asset)), c.avatar],
          SUPPLY_PARAMS,
          callsPerHour,
        ),
      ),
    },
    {
      targetAddress: pool,
      signature: signatureOf("withdraw", WITHDRAW_PARAMS),
      // An exact amount: "all" (type(uint256).max) exceeds any allowance, by design.
      condition: perTokenOr(aave.collateralAssets, (asset) =>
        c.calldataMatches(
          [c.eq(asset), c.withinAllowance(aaveCollateralDailyAllowanceKey(asset)), c.avatar],
          WITHDRAW_PARAMS,
          callsPerHour,
        ),
      ),
    },
    {
      targetAddress: pool,
      signature: signatureOf("borrow", BORROW_PARAMS),
      condition: perTokenOr(aave.borrowAssets, (asset) =>
        c.calldataMatches(
          [
            c.eq(asset),
            c.withinAllowance(aaveBorrowDailyAllowanceKey(asset)),
            c.eq(VARIABLE_RATE_MODE),
            c.pass,
            c.avatar,
          ],
          BORROW_PARAMS,
          callsPerHour,
        ),
      ),
    },
    ...repayPermissions(aave, callsPerHour),
    ...approvalsToPool(aave, [...aave.collateralAssets, ...aave.borrowAssets], callsPerHour),
  ];
}

/** repay and repayWithATokens of the configured borrow assets, variable rate, on the Safe's own debt. */
function repayPermissions(aave: AaveScope, options?: { callWithinAllowance: Hex }): Permission[] {
  return [
    {
      targetAddress: aave.pool,
      signature: signatureOf("repay", REPAY_PARAMS),
      condition: perTokenOr(aave.borrowAssets, (asset) =>
        c.calldataMatches([c.eq(asset), c.pass, c.eq(VARIABLE_RATE_MODE), c.avatar], REPAY_PARAMS, options),
      ),
    },
    {
      targetAddress: aave.pool,
      // Burns the Safe's own aTokens of the asset to repay its own debt of it: there is no onBehalfOf.
      signature: signatureOf("repayWithATokens", REPAY_WITH_ATOKENS_PARAMS),
      condition: perTokenOr(aave.borrowAssets, (asset) =>
        c.calldataMatches(
          [c.eq(asset), c.pass, c.eq(VARIABLE_RATE_MODE)],
          REPAY_WITH_ATOKENS_PARAMS,
          options,
        ),
      ),
    },
  ];
}

/** ERC-20 approve of each asset, to the Pool and nobody else. */
function approvalsToPool(
  aave: AaveScope,
  assets: readonly Address[],
  options?: { callWithinAllowance: Hex },
): Permission[] {
  const unique = [...new Map(assets.map((asset) => [asset.toLowerCase(), asset])).values()];
  return unique.map((asset) => ({
    targetAddress: asset,
    signature: "approve(address,uint256)",
    condition: c.calldataMatches([c.eq(aave.pool), c.pass], ["address", "uint256"], options),
  }));
}

/**
 * The deleverager's permission set: it may only lower the Safe's Aave debt. `repay` (on the Safe's own debt, paid
 * from the Safe's balance of the asset) and `repayWithATokens` of the configured borrow assets, and the approve to
 * the Pool a repay needs. No borrow, supply, withdraw, swap or transfer: a stolen deleverager key can at worst
 * spend the Safe's balance of a borrowed asset on paying down the Safe's own debt of it.
 */
export function deleveragerPermissions(scope: TreasuryScope): Permission[] {
  if (scope.aave === undefined) throw new TreasuryScopeError("a deleverager needs an aave scope to repay on");
  return [...repayPermissions(scope.aave), ...approvalsToPool(scope.aave, scope.aave.borrowAssets)];
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
  assertAaveCaps(scope);
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

function assertAaveCaps(scope: TreasuryScope): void {
  const { aave } = scope;
  if (aave === undefined) return;
  const has = (record: Readonly<Record<string, bigint>>, asset: Address) =>
    Object.keys(record).some((key) => key.toLowerCase() === asset.toLowerCase());
  for (const asset of aave.borrowAssets) {
    if (!has(aave.borrowPerDay, asset))
      throw new TreasuryScopeError(`aave.borrowPerDay has no cap for borrow asset ${asset}`);
  }
  for (const asset of aave.collateralAssets) {
    if (!has(aave.collateralPerDay, asset))
      throw new TreasuryScopeError(`aave.collateralPerDay has no cap for collateral asset ${asset}`);
  }
}
