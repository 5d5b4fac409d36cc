import type { Address, Hex } from "viem";
import { encodeKey } from "zodiac-roles-sdk";

// Roles v2 names roles and allowances by bytes32 keys; these are human-readable strings packed into 32
// bytes (zodiac-roles-sdk encodeKey), so a reviewer reading the chain sees what each one is.
export const KEEPER_ROLE_KEY: Hex = encodeKey("hedgekeeper.keeper");
export const GUARDIAN_ROLE_KEY: Hex = encodeKey("hedgekeeper.guardian");
export const PERP_BASE_DAILY_ALLOWANCE: Hex = encodeKey("hk.perp.base.day");
export const CALLS_HOURLY_ALLOWANCE: Hex = encodeKey("hk.calls.hour");

/** Per-token allowance keys: the token's address prefix keeps them unique and readable within 32 bytes. */
export const swapDailyAllowanceKey = (token: Address): Hex =>
  encodeKey(`hk.swap.${token.slice(2, 14).toLowerCase()}`);
export const collateralDailyAllowanceKey = (token: Address): Hex =>
  encodeKey(`hk.coll.${token.slice(2, 14).toLowerCase()}`);
