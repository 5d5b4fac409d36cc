import {
  type Address,
  decodeFunctionData,
  encodeAbiParameters,
  encodeFunctionData,
  getAddress,
  type Hex,
  keccak256,
  zeroAddress,
} from "viem";
import { callsPlannedForApplyRole, encodeCalls, processPermissions, rolesAbi } from "zodiac-roles-sdk";
import { ROLES_ABI } from "./abis.ts";
import {
  deleveragerPermissions,
  guardianPermissions,
  keeperPermissions,
  MULTI_SEND_SELECTOR,
} from "./permissions.ts";
import {
  aaveBorrowDailyAllowanceKey,
  aaveCollateralDailyAllowanceKey,
  CALLS_HOURLY_ALLOWANCE,
  collateralDailyAllowanceKey,
  DELEVERAGER_ROLE_KEY,
  GUARDIAN_ROLE_KEY,
  KEEPER_ROLE_KEY,
  PERP_BASE_DAILY_ALLOWANCE,
  PERP_OPEN_PER_BLOCK_ALLOWANCE,
  swapDailyAllowanceKey,
  VAULT_DEPOSIT_PER_BLOCK_ALLOWANCE,
} from "./role-keys.ts";
import type { TreasuryScope } from "./treasury-scope.ts";

/**
 * One fact about a Roles modifier's configuration, in the contract's own terms: `key` names the slot
 * (a role's clearance on a target, a function's scope, a membership, an allowance's parameters, an
 * unwrapper) and `value` what it holds (`null` = nothing). Desired facts come from encoding the permission
 * set as the calls that would apply it; deployed facts from folding the modifier's events. Both sides
 * speak the same language, so drift is an exact comparison.
 */
export interface RoleStatement {
  key: string;
  value: string | null;
}

export interface DesiredStatement extends RoleStatement {
  /** The Roles call that sets this fact, for applying it. */
  call: { to: Address; data: Hex };
}

const DAY_SEC = 86_400n;
const HOUR_SEC = 3_600n;

/**
 * A Roles v2 allowance: `balance` starts at `maxRefill`; every `period` seconds `refill` is added, never past
 * `maxRefill`. Within any window of T seconds at most maxRefill + ceil(T / period) × refill can be spent.
 */
export interface AllowanceSpec {
  key: Hex;
  maxRefill: bigint;
  refill: bigint;
  period: bigint;
}

/**
 * Every allowance of the keeper's role. Flow caps refill in small steps (cap × period / 1 day) up to one day's
 * cap, so a burst across a refill boundary moves at most the cap plus one step, never two caps: per hour at most
 * cap + cap/24, per day at most 2 × cap (a full balance spent, then every step of the day). The call allowances
 * refill one call at a time; opens and deposits hold at most one, refilled each second (one per block).
 */
export function keeperAllowances(scope: TreasuryScope): AllowanceSpec[] {
  const period = BigInt(scope.caps.refillPeriodSec);
  const daily = (key: Hex, cap: bigint): AllowanceSpec => ({
    key,
    maxRefill: cap,
    refill: (cap * period) / DAY_SEC,
    period,
  });
  const calls = BigInt(scope.caps.callsPerHour);
  return [
    daily(PERP_BASE_DAILY_ALLOWANCE, scope.caps.perpBasePerDay),
    {
      key: CALLS_HOURLY_ALLOWANCE,
      maxRefill: calls,
      refill: 1n,
      period: calls >= HOUR_SEC ? 1n : HOUR_SEC / calls,
    },
    { key: PERP_OPEN_PER_BLOCK_ALLOWANCE, maxRefill: 1n, refill: 1n, period: 1n },
    { key: VAULT_DEPOSIT_PER_BLOCK_ALLOWANCE, maxRefill: 1n, refill: 1n, period: 1n },
    ...Object.entries(scope.caps.swapAmountInPerDay).map(([token, cap]) =>
      daily(swapDailyAllowanceKey(token as Address), cap),
    ),
    ...Object.entries(scope.caps.collateralPerDay).map(([token, cap]) =>
      daily(collateralDailyAllowanceKey(token as Address), cap),
    ),
    ...Object.entries(scope.aave?.borrowPerDay ?? {}).map(([asset, cap]) =>
      daily(aaveBorrowDailyAllowanceKey(asset as Address), cap),
    ),
    ...Object.entries(scope.aave?.collateralPerDay ?? {}).map(([asset, cap]) =>
      daily(aaveCollateralDailyAllowanceKey(asset as Address), cap),
    ),
  ];
}

/**
 * The full desired configuration for a treasury: every role (keeper, guardian, and the deleverager when one is
 * hired), their members, every allowance, the unwrapper.
 */
export function desiredStatements(scope: TreasuryScope): DesiredStatement[] {
  const roleCalls = [
    ...roleApplyCalls(scope.roles, KEEPER_ROLE_KEY, scope.keeper, keeperPermissions(scope)),
    ...roleApplyCalls(scope.roles, GUARDIAN_ROLE_KEY, scope.guardian, guardianPermissions(scope)),
    ...(scope.deleverager === undefined
      ? []
      : roleApplyCalls(scope.roles, DELEVERAGER_ROLE_KEY, scope.deleverager, deleveragerPermissions(scope))),
  ];
  const allowanceCalls = keeperAllowances(scope).map(({ key, maxRefill, refill, period }) => ({
    to: scope.roles,
    // setAllowance(key, balance, maxRefill, refill, period, timestamp): the balance starts full.
    data: encodeFunctionData({
      abi: ROLES_ABI,
      functionName: "setAllowance",
      args: [key, maxRefill, maxRefill, refill, period, 0n],
    }),
  }));
  const unwrapperCall = {
    to: scope.roles,
    data: encodeFunctionData({
      abi: ROLES_ABI,
      functionName: "setTransactionUnwrapper",
      args: [scope.multiSendCallOnly, MULTI_SEND_SELECTOR, scope.multiSendUnwrapper],
    }),
  };
  return [...roleCalls, ...allowanceCalls, unwrapperCall].flatMap((call) =>
    statementsOfCall(call.data).map((statement) => ({ ...statement, call })),
  );
}

/** The SDK's plan for bringing a role from nothing to `permissions` with `member`, as encoded Roles calls. */
function roleApplyCalls(
  roles: Address,
  roleKey: Hex,
  member: Address,
  permissions: ReturnType<typeof keeperPermissions>,
): { to: Address; data: Hex }[] {
  const { targets } = processPermissions(permissions);
  const empty = { key: roleKey, members: [], targets: [], annotations: [], lastUpdate: 0 };
  const calls = callsPlannedForApplyRole(empty, { ...empty, members: [member], targets });
  return encodeCalls(calls, roles).map((call) => ({ to: getAddress(call.to), data: call.data }));
}

/** The facts a Roles call (or the event it emits, which carries the same arguments) establishes. */
export function statementsOfCall(data: Hex): RoleStatement[] {
  const { functionName, args } = decodeFunctionData({ abi: rolesAbi, data });
  return statementsOf(functionName, args as readonly unknown[]);
}

const lower = (value: unknown) => String(value).toLowerCase();

export function statementsOf(name: string, args: readonly unknown[]): RoleStatement[] {
  switch (name) {
    case "allowTarget":
    case "AllowTarget":
      return [{ key: `target:${lower(args[0])}:${lower(args[1])}`, value: `allow:${args[2]}` }];
    case "scopeTarget":
    case "ScopeTarget":
      return [{ key: `target:${lower(args[0])}:${lower(args[1])}`, value: "scoped" }];
    case "revokeTarget":
    case "RevokeTarget":
      return [{ key: `target:${lower(args[0])}:${lower(args[1])}`, value: null }];
    case "allowFunction":
    case "AllowFunction":
      return [
        { key: `function:${lower(args[0])}:${lower(args[1])}:${lower(args[2])}`, value: `allow:${args[3]}` },
      ];
    case "scopeFunction":
    case "ScopeFunction":
      return [
        {
          key: `function:${lower(args[0])}:${lower(args[1])}:${lower(args[2])}`,
          value: `scope:${args[4]}:${conditionsHash(args[3] as readonly FlatCondition[])}`,
        },
      ];
    case "revokeFunction":
    case "RevokeFunction":
      return [{ key: `function:${lower(args[0])}:${lower(args[1])}:${lower(args[2])}`, value: null }];
    case "assignRoles":
    case "AssignRoles": {
      const roleKeys = args[1] as readonly Hex[];
      const memberOf = args[2] as readonly boolean[];
      return roleKeys.map((roleKey, index) => ({
        key: `member:${lower(roleKey)}:${lower(args[0])}`,
        value: memberOf[index] ? "member" : null,
      }));
    }
    case "setAllowance":
    case "SetAllowance":
      // balance and timestamp move as the allowance is spent: the reviewed facts are cap, refill, period.
      return [
        {
          key: `allowance:${lower(args[0])}`,
          value: `maxRefill=${args[2]},refill=${args[3]},period=${args[4]}`,
        },
      ];
    case "setTransactionUnwrapper":
    case "SetUnwrapAdapter":
      return [
        {
          key: `unwrapper:${lower(args[0])}:${lower(args[1])}`,
          value: lower(args[2]) === zeroAddress ? null : lower(args[2]),
        },
      ];
    default:
      return [];
  }
}

interface FlatCondition {
  parent: number;
  paramType: number;
  operator: number;
  compValue: Hex;
}

function conditionsHash(conditions: readonly FlatCondition[]): Hex {
  return keccak256(
    encodeAbiParameters(
      [
        {
          type: "tuple[]",
          components: [{ type: "uint8" }, { type: "uint8" }, { type: "uint8" }, { type: "bytes" }],
        },
      ],
      [conditions.map((c) => [c.parent, c.paramType, c.operator, c.compValue] as const)],
    ),
  );
}
