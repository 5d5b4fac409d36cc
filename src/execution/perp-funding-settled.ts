// The funding a mined transaction settled for the Safe, read from its receipt: the ClearingHouse's
// `FundingPaymentSettled` events (Perp v2 IClearingHouse) for the Safe as trader, every market. Touching a position
// (a trade, Vault.withdraw through AccountBalance.settle) settles its pending funding into owed realized P&L, so
// the pending funding the samples record drops by it: the report adds it back as carry, exactly, where a rate
// estimate was the only way before (src/store/report-period.ts). Pure: the receipt is handed in.
import { type Address, decodeEventLog, type Hex, isAddressEqual } from "viem";
import { PERP_FUNDING_SETTLED_ABI } from "../chain/abis/perp-v2-abi.ts";
import type { ExecutionReceipt } from "./realized-execution.ts";

/** Σ fundingPayment settled for `trader` (18 decimals, positive = the trader paid), 0n when none was. */
export function perpFundingSettledWad(
  receipt: Pick<ExecutionReceipt, "logs">,
  venues: { clearingHouse: Address; trader: Address },
): bigint {
  let settled = 0n;
  for (const log of receipt.logs) {
    if (!isAddressEqual(log.address, venues.clearingHouse)) continue;
    const event = fundingSettledOrUndefined(log);
    if (event === undefined || !isAddressEqual(event.args.trader, venues.trader)) continue;
    settled += event.args.fundingPayment;
  }
  return settled;
}

/** The log as a FundingPaymentSettled event; undefined for the ClearingHouse's other events. */
function fundingSettledOrUndefined(log: ExecutionReceipt["logs"][number]) {
  try {
    return decodeEventLog({
      abi: PERP_FUNDING_SETTLED_ABI,
      eventName: "FundingPaymentSettled",
      topics: [...log.topics] as [Hex, ...Hex[]],
      data: log.data,
      strict: true,
    });
  } catch {
    return undefined;
  }
}
