// A Uniswap v4 hook's permissions live in the low 14 bits of its address (v4-core libraries/Hooks.sol): the
// PoolManager calls a hook function only when its bit is set, so the address alone says what the hook can do.
import { fail } from "./input-guards.ts";
import type { Address } from "./plan.ts";

/** Hooks.sol's flags, highest bit first. */
export const HOOK_FLAGS = {
  beforeInitialize: 1 << 13,
  afterInitialize: 1 << 12,
  beforeAddLiquidity: 1 << 11,
  afterAddLiquidity: 1 << 10,
  beforeRemoveLiquidity: 1 << 9,
  afterRemoveLiquidity: 1 << 8,
  beforeSwap: 1 << 7,
  afterSwap: 1 << 6,
  beforeDonate: 1 << 5,
  afterDonate: 1 << 4,
  beforeSwapReturnsDelta: 1 << 3,
  afterSwapReturnsDelta: 1 << 2,
  afterAddLiquidityReturnsDelta: 1 << 1,
  afterRemoveLiquidityReturnsDelta: 1 << 0,
} as const;

export type HookPermission = keyof typeof HOOK_FLAGS;
export type HookPermissions = Readonly<Record<HookPermission, boolean>>;

/** Hooks.ALL_HOOK_MASK: every permission bit. */
export const ALL_HOOK_MASK = (1 << 14) - 1;

/** LPFeeLibrary.DYNAMIC_FEE_FLAG: a key's fee with this value means "the hook sets the LP fee". */
export const DYNAMIC_FEE_FLAG = 0x800000;

export const NO_HOOK: Address = "0x0000000000000000000000000000000000000000";

function addressBits(field: string, address: Address): bigint {
  if (typeof address !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(address)) {
    fail(field, "must be a 0x-prefixed 20-byte address", address);
  }
  return BigInt(address);
}

/** The permission bits of a hook address (its low 14 bits). */
export function hookFlagsOf(hooks: Address): number {
  return Number(addressBits("hooks", hooks) & BigInt(ALL_HOOK_MASK));
}

/** Every permission, decoded from the address bits. */
export function decodeHookPermissions(hooks: Address): HookPermissions {
  const flags = hookFlagsOf(hooks);
  const permissions = {} as Record<HookPermission, boolean>;
  for (const [name, bit] of Object.entries(HOOK_FLAGS) as [HookPermission, number][]) {
    permissions[name] = (flags & bit) !== 0;
  }
  return permissions;
}

/** The permissions set, in Hooks.sol's order (for reports). */
export function hookPermissionNames(hooks: Address): HookPermission[] {
  const flags = hookFlagsOf(hooks);
  return (Object.entries(HOOK_FLAGS) as [HookPermission, number][])
    .filter(([, bit]) => (flags & bit) !== 0)
    .map(([name]) => name);
}

export function isDynamicFee(fee: number): boolean {
  return fee === DYNAMIC_FEE_FLAG;
}

export function hasHook(hooks: Address): boolean {
  return addressBits("hooks", hooks) !== 0n;
}

/**
 * Hooks.isValidHookAddress: whether the PoolManager accepts this hook with this fee. A "returns delta" flag needs
 * its base flag; a hookless pool cannot have a dynamic fee; a hooked one needs a flag or a dynamic fee.
 */
export function isValidHookAddress(hooks: Address, fee: number): boolean {
  const p = decodeHookPermissions(hooks);
  if (!p.beforeSwap && p.beforeSwapReturnsDelta) return false;
  if (!p.afterSwap && p.afterSwapReturnsDelta) return false;
  if (!p.afterAddLiquidity && p.afterAddLiquidityReturnsDelta) return false;
  if (!p.afterRemoveLiquidity && p.afterRemoveLiquidityReturnsDelta) return false;
  if (!hasHook(hooks)) return !isDynamicFee(fee);
  return hookFlagsOf(hooks) > 0 || isDynamicFee(fee);
}
