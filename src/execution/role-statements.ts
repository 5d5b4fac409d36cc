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
import { guardianPermissions, keeperPermissions, MULTI_SEND_SELECTOR } from "./permissions.ts";
import {
  CALLS_HOURLY_ALLOWANCE,
  collateralDailyAllowanceKey,
  GUARDIAN_ROLE_KEY,
  KEEPER_ROLE_KEY,
  PERP_BASE_DAILY_ALLOWANCE,
  swapDailyAllowanceKey,
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

/** The full desired configuration for a treasury: both roles, their members, every allowance, the unwrapper. */
export function desiredStatements(scope: TreasuryScope): DesiredStatement[] {
  const roleCalls = [
    ...roleApplyCalls(scope.roles, KEEPER_ROLE_KEY, scope.keeper, keeperPermissions(scope)),
    ...roleApplyCalls(scope.roles, GUARDIAN_ROLE_KEY, scope.guardian, guardianPermissions(scope)),
  ];
  const allowances: [Hex, bigint, bigint][] = [
    [PERP_BASE_DAILY_ALLOWANCE, scope.caps.perpBasePerDay, DAY_SEC],
    [CALLS_HOURLY_ALLOWANCE, BigInt(scope.caps.callsPerHour), HOUR_SEC],
    ...Object.entries(scope.caps.swapAmountInPerDay).map(
      ([token, cap]) => [swapDailyAllowanceKey(token as Address), cap, DAY_SEC] as [Hex, bigint, bigint],
    ),
    ...Object.entries(scope.caps.collateralPerDay).map(
      ([token, cap]) =>
        [collateralDailyAllowanceKey(token as Address), cap, DAY_SEC] as [Hex, bigint, bigint],
    ),
  ];
  const allowanceCalls = allowances.map(([key, cap, period]) => ({
    to: scope.roles,
    // balance starts full; refills to `cap` every `period` (Roles v2 allowance semantics).
    data: encodeFunctionData({
      abi: ROLES_ABI,
      functionName: "setAllowance",
      args: [key, cap, cap, cap, period, 0n],
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
