// Hand-offs between stages, and the fee inputs every sender shares.
import { gweiToWei } from "./config.ts";
import type { KeeperContext } from "./context.ts";
import type { FeeCaps } from "./fees.ts";
import { jobIds } from "./job-ids.ts";
import type { ConfirmPayload } from "./payloads.ts";

export async function enqueueConfirm(ctx: KeeperContext, planId: `0x${string}`, delayMs = 0): Promise<void> {
  const data: ConfirmPayload = { v: 1, chainId: ctx.chainId, planId };
  await ctx.queues.confirm.add("confirm", data, {
    jobId: jobIds.confirm(ctx.chainId, planId),
    delay: delayMs,
  });
}

/** The network's caps, lowered by the lane's own max fee when it has one. */
export function feeCaps(ctx: KeeperContext, lane?: "urgent" | "routine"): FeeCaps {
  const { fees, lanes } = ctx.common.config;
  const laneCap = lane === undefined ? undefined : lanes[lane].maxFeePerGasGwei;
  const maxFeeGwei = laneCap === undefined ? fees.maxFeePerGasGwei : Math.min(laneCap, fees.maxFeePerGasGwei);
  const maxFeePerGas = gweiToWei(maxFeeGwei);
  const tipCap = gweiToWei(fees.maxPriorityFeePerGasGwei);
  return { maxFeePerGas, maxPriorityFeePerGas: tipCap < maxFeePerGas ? tipCap : maxFeePerGas };
}

/** The node's tip suggestion; the configured cap when the node has none. */
export async function suggestedTip(ctx: KeeperContext): Promise<bigint> {
  try {
    return await ctx.client.estimateMaxPriorityFeePerGas();
  } catch {
    return feeCaps(ctx).maxPriorityFeePerGas;
  }
}
