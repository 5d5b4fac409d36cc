import { type Address, encodeFunctionData, type Hex } from "viem";
import { rolesAbi } from "zodiac-roles-sdk";
import { ROLES_ABI } from "./abis.ts";
import type { DesiredStatement, RoleStatement } from "./role-statements.ts";

export interface PermissionDrift {
  /** Desired facts the deployed modifier lacks or holds differently. */
  missing: { key: string; desired: string | null; deployed: string | null }[];
  /** Facts about our roles, allowances or unwrapper that the deployed modifier holds and config does not want. */
  unexpected: { key: string; deployed: string }[];
}

/** Fold statements in order (later facts replace earlier ones for the same key; `null` clears). */
export function foldStatements(statements: readonly RoleStatement[]): Map<string, string> {
  const state = new Map<string, string>();
  for (const { key, value } of statements) {
    if (value === null) state.delete(key);
    else state.set(key, value);
  }
  return state;
}

/** Compare the desired configuration with the deployed one; only keys in our namespace count as unexpected. */
export function diffPermissions(
  desired: readonly DesiredStatement[],
  deployed: ReadonlyMap<string, string>,
  ownedKeyPrefixes: readonly string[],
): PermissionDrift {
  const wanted = foldStatements(desired);
  const missing: PermissionDrift["missing"] = [];
  for (const [key, value] of wanted) {
    const actual = deployed.get(key) ?? null;
    if (actual !== value) missing.push({ key, desired: value, deployed: actual });
  }
  const unexpected: PermissionDrift["unexpected"] = [];
  for (const [key, value] of deployed) {
    if (!wanted.has(key) && ownedKeyPrefixes.some((prefix) => key.startsWith(prefix))) {
      unexpected.push({ key, deployed: value });
    }
  }
  return { missing, unexpected };
}

/** The Roles calls that remove the drift: desired calls for what is missing, revocations for what is unexpected. */
export function callsToFixDrift(
  drift: PermissionDrift,
  desired: readonly DesiredStatement[],
  roles: Address,
): { to: Address; data: Hex }[] {
  const byKey = new Map(desired.map((statement) => [statement.key, statement.call]));
  const seen = new Set<Hex>();
  const calls: { to: Address; data: Hex }[] = [];
  for (const { key } of drift.missing) {
    const call = byKey.get(key);
    if (call !== undefined && !seen.has(call.data)) {
      seen.add(call.data);
      calls.push(call);
    }
  }
  for (const { key } of drift.unexpected) calls.push({ to: roles, data: revocationFor(key) });
  return calls;
}

function revocationFor(key: string): Hex {
  const [kind, a, b, cPart] = key.split(":");
  switch (kind) {
    case "target":
      return encodeFunctionData({
        abi: rolesAbi,
        functionName: "revokeTarget",
        args: [a as Hex, b as Address],
      });
    case "function":
      return encodeFunctionData({
        abi: rolesAbi,
        functionName: "revokeFunction",
        args: [a as Hex, b as Address, cPart as Hex],
      });
    case "member":
      return encodeFunctionData({
        abi: ROLES_ABI,
        functionName: "assignRoles",
        args: [b as Address, [a as Hex], [false]],
      });
    case "unwrapper":
      return encodeFunctionData({
        abi: ROLES_ABI,
        functionName: "setTransactionUnwrapper",
        args: [a as Address, b as Hex, "0x0000000000000000000000000000000000000000"],
      });
    default:
      throw new Error(`no revocation for ${key}`);
  }
}
