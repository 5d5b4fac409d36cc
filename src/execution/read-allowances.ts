// The keeper's allowances as the Roles modifier holds them at a block, each accrued to that block's time
// (allowance-report.ts): `allowances(key)` for each key.
import type { Address, Hex, PublicClient } from "viem";
import { ROLES_ABI } from "./abis.ts";
import { type AllowanceNow, allowancesNow } from "./allowance-report.ts";
import { keeperAllowances } from "./role-statements.ts";
import type { TreasuryScope } from "./treasury-scope.ts";

/** Each allowance of `keys` as stored at `blockNumber`, accrued to that block's time plus `laterSec`. */
export async function readAllowancesAt(
  client: PublicClient,
  roles: Address,
  keys: readonly Hex[],
  blockNumber: bigint,
  laterSec = 0n,
): Promise<AllowanceNow[]> {
  const [block, stored] = await Promise.all([
    client.getBlock({ blockNumber }),
    Promise.all(
      keys.map(async (key) => {
        const [refill, maxRefill, period, balance, timestamp] = await client.readContract({
          address: roles,
          abi: ROLES_ABI,
          functionName: "allowances",
          args: [key],
          blockNumber,
        });
        return { key, allowance: { refill, maxRefill, period, balance, timestamp } };
      }),
    ),
  ]);
  return allowancesNow(stored, block.timestamp + laterSec);
}

/** Every allowance the configuration gives the treasury's keeper role. */
export function readKeeperAllowances(
  client: PublicClient,
  scope: TreasuryScope,
  blockNumber: bigint,
): Promise<AllowanceNow[]> {
  return readAllowancesAt(
    client,
    scope.roles,
    keeperAllowances(scope).map((allowance) => allowance.key),
    blockNumber,
  );
}
