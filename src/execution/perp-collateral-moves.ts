// What a mined transaction moved into or out of the perp vault for the Safe, read from its receipt: the Vault's
// `Deposited` and `Withdrawn` events (Perp v2 IVault) for the Safe as trader. The report needs it apart from the
// vault balance's change, because a withdrawal also settles the owed realized P&L into that balance
// (Vault.withdraw → AccountBalance.settle): balance change = moved + settled. Pure: the receipt is handed in.
import { type Address, decodeEventLog, type Hex, isAddressEqual } from "viem";
import { PERP_VAULT_ABI } from "../chain/abis/perp-v2-abi.ts";
import type { ExecutionReceipt } from "./realized-execution.ts";

/** Net settlement-token units moved into the vault for `trader` (negative = withdrawn), in the vault's decimals. */
export function perpCollateralMovedUnits(
  receipt: Pick<ExecutionReceipt, "logs">,
  venues: { vault: Address; trader: Address },
): bigint {
  let moved = 0n;
  for (const log of receipt.logs) {
    if (!isAddressEqual(log.address, venues.vault)) continue;
    const event = vaultEventOrUndefined(log);
    if (event === undefined || !isAddressEqual(event.args.trader, venues.trader)) continue;
    moved += event.eventName === "Deposited" ? event.args.amount : -event.args.amount;
  }
  return moved;
}

/** The log as a Deposited or Withdrawn event; undefined for the vault's other events. */
function vaultEventOrUndefined(log: ExecutionReceipt["logs"][number]) {
  try {
    return decodeEventLog({
      abi: PERP_VAULT_ABI,
      topics: [...log.topics] as [Hex, ...Hex[]],
      data: log.data,
      strict: true,
    });
  } catch {
    return undefined;
  }
}
