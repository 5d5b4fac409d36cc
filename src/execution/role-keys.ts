import type { Address, Hex } from "viem";
import { encodeKey } from "zodiac-roles-sdk";

// Roles v2 names roles and allowances by bytes32 keys; these are human-readable strings packed into 32
// bytes (zodiac-roles-sdk encodeKey), so a reviewer reading the chain sees what each one is.
export const KEEPER_ROLE_KEY: Hex = encodeKey("hedgekeeper.keeper");
export const GUARDIAN_ROLE_KEY: Hex = encodeKey("hedgekeeper.guardian");
/** May only repay the Safe's Aave debt (permissions.ts, deleveragerPermissions). */
export const DELEVERAGER_ROLE_KEY: Hex = encodeKey("hedgekeeper.deleverager");
export const PERP_BASE_DAILY_ALLOWANCE: Hex = encodeKey("hk.perp.base.day");
export const CALLS_HOURLY_ALLOWANCE: Hex = encodeKey("hk.calls.hour");
/**
 * One perp open / one vault deposit per block: Roles checks every call of a batch against the state before the
 * batch, so two opens in one transaction could each pass the position ceiling; a call allowance of one that
 * refills each second makes the ceiling exact.
 */
export const PERP_OPEN_PER_BLOCK_ALLOWANCE: Hex = encodeKey("hk.perp.open.block");
export const VAULT_DEPOSIT_PER_BLOCK_ALLOWANCE: Hex = encodeKey("hk.vault.deposit.block");

/** Per-token allowance keys: the token's address prefix keeps them unique and readable within 32 bytes. */
export const swapDailyAllowanceKey = (token: Address): Hex =>
  encodeKey(`hk.swap.${token.slice(2, 14).toLowerCase()}`);
export const collateralDailyAllowanceKey = (token: Address): Hex =>
  encodeKey(`hk.coll.${token.slice(2, 14).toLowerCase()}`);
export const aaveBorrowDailyAllowanceKey = (asset: Address): Hex =>
  encodeKey(`hk.aave.debt.${asset.slice(2, 14).toLowerCase()}`);
export const aaveCollateralDailyAllowanceKey = (asset: Address): Hex =>
  encodeKey(`hk.aave.coll.${asset.slice(2, 14).toLowerCase()}`);
