// The keeper's allowances as the Roles modifier holds them at a block, each accrued to that block's time
// (allowance-report.ts). Reads `allowances(key)` for every key the configuration gives the keeper's role.
import type { Address, PublicClient } from "viem";
import { rolesAbi } from "zodiac-roles-sdk";
import { type AllowanceNow, allowancesNow } from "./allowance-report.ts";
import { keeperAllowances } from "./role-statements.ts";
import type { TreasuryScope } from "./treasury-scope.ts";

export async function readKeeperAllowances(
  client: PublicClient,
  scope: TreasuryScope,
  blockNumber: bigint,
): Promise<AllowanceNow[]> {
  const roles: Address = scope.roles;
  const [block, stored] = await Promise.all([
    client.getBlock({ blockNumber }),
    Promise.all(
      keeperAllowances(scope).map(async ({ key }) => {
        const [refill, maxRefill, period, balance, timestamp] = await client.readContract({
          address: roles,
          abi: rolesAbi,
          functionName: "allowances",
          args: [key],
          blockNumber,
        });
        return { key, allowance: { refill, maxRefill, period, balance, timestamp } };
      }),
    ),
  ]);
  return allowancesNow(stored, block.timestamp);
}
