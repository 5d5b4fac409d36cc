import type { Address, Hex } from "viem";
import { KEEPER_ROLE_KEY } from "./role-keys.ts";
import { keeperAllowances } from "./role-statements.ts";
import type { TreasuryScope } from "./treasury-scope.ts";

/** The addresses a treasury's keeper batches touch: its Safe and Roles modifier, our guard, the venues. */
export interface ExecutionTargets {
  safe: Address;
  roles: Address;
  /** The keeper's role key in the Roles modifier (see role-keys.ts). */
  keeperRoleKey: Hex;
  hedgeGuard: Address;
  multiSendCallOnly: Address;
  perp: { clearingHouse: Address; vault: Address };
  uniswap: { swapRouter: Address; positionManager: Address };
  /** Present when the treasury lets the keeper withdraw its Uniswap v4 positions. */
  uniswapV4?: { positionManager: Address };
  /**
   * The keeper role's allowance keys (role-statements.ts keeperAllowances): read when Roles refuses a plan, to name
   * an exhausted one (Roles names none when a swap pair's Or fails).
   */
  allowanceKeys?: readonly Hex[];
}

/** The keeper's targets for a treasury whose scope is `scope` (the keeper acts under KEEPER_ROLE_KEY). */
export function executionTargetsOf(scope: TreasuryScope): ExecutionTargets {
  return {
    safe: scope.safe,
    roles: scope.roles,
    keeperRoleKey: KEEPER_ROLE_KEY,
    hedgeGuard: scope.hedgeGuard,
    multiSendCallOnly: scope.multiSendCallOnly,
    perp: { clearingHouse: scope.perp.clearingHouse, vault: scope.perp.vault },
    uniswap: { swapRouter: scope.uniswap.swapRouter, positionManager: scope.uniswap.positionManager },
    ...(scope.uniswapV4 && { uniswapV4: { positionManager: scope.uniswapV4.positionManager } }),
    allowanceKeys: keeperAllowances(scope).map((allowance) => allowance.key),
  };
}
