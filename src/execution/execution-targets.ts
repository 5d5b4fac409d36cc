import type { Address, Hex } from "viem";

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
}
