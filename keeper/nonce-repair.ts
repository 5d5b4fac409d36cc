// Reconciling the nonce ledger with the chain (at start and after every error) and repairing gaps at start:
// every plan transaction we signed and the node lost is re-sent (same bytes); a nonce below one of ours that
// nothing holds is filled with a zero-value self-transfer, so our later transactions can be mined.

import { sendRaw } from "./broadcast.ts";
import type { KeeperContext } from "./context.ts";
import { quoteFees } from "./fees.ts";
import { enqueueConfirm, feeCaps, suggestedTip } from "./next-stage.ts";
import type { TxRecord } from "./plan-store.ts";

async function heldTransactions(ctx: KeeperContext): Promise<{ planId: `0x${string}`; tx: TxRecord }[]> {
  const records = await ctx.plans.list();
  return records
    .filter((r) => r.status === "submitted")
    .flatMap((r) => r.txs.map((tx) => ({ planId: r.planId, tx })));
}

export async function reconcileNonces(ctx: KeeperContext) {
  const [pending, held] = await Promise.all([
    ctx.client.getTransactionCount({ address: ctx.signer.address, blockTag: "pending" }),
    heldTransactions(ctx),
  ]);
  const result = await ctx.ledger.reconcile(pending, new Set(held.map((h) => h.tx.nonce)));
  if (result.before !== result.after) {
    await ctx.events.emit({ kind: "nonce.reconciled", ...result });
    ctx.common.logger.info(
      { before: result.before, after: result.after, rewound: result.rewound },
      "nonce ledger reconciled",
    );
  }
  return result;
}

export async function repairAtStart(ctx: KeeperContext): Promise<{ resent: number; filled: number[] }> {
  const held = await heldTransactions(ctx);
  const latest = await ctx.client.getTransactionCount({ address: ctx.signer.address, blockTag: "latest" });
  let resent = 0;
  for (const { planId, tx } of held) {
    if (tx.nonce >= latest) {
      await sendRaw(ctx.client, ctx.sendClient, tx).catch((error: Error) =>
        ctx.common.logger.warn(
          { plan_id: planId, tx_hash: tx.hash, err: error.message },
          "re-send at start failed",
        ),
      );
      resent += 1;
    }
    await enqueueConfirm(ctx, planId);
  }
  const heldNonces = new Set(held.map((h) => h.tx.nonce));
  const highest = Math.max(-1, ...heldNonces);
  const pending = await ctx.client.getTransactionCount({ address: ctx.signer.address, blockTag: "pending" });
  const filled: number[] = [];
  if (highest >= pending) {
    const head = await ctx.client.getBlock({ blockTag: "latest" });
    const fees = quoteFees(head.baseFeePerGas ?? 0n, await suggestedTip(ctx), feeCaps(ctx));
    for (let nonce = pending; nonce < highest; nonce += 1) {
      if (heldNonces.has(nonce)) continue;
      const raw = await ctx.signer.signTransaction({
        type: "eip1559",
        chainId: ctx.chainId,
        nonce,
        to: ctx.signer.address,
        value: 0n,
        gas: 21_000n,
        ...fees,
      });
      await ctx.sendClient.sendRawTransaction({ serializedTransaction: raw });
      filled.push(nonce);
    }
  }
  await reconcileNonces(ctx);
  return { resent, filled };
}
