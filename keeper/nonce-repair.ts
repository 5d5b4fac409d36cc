// Reconciling the nonce ledger with the chain (at start and after every error) and repairing gaps at start:
// every plan transaction we signed and the node lost is re-sent (same bytes, once shown to be ours and its
// verified plan's); a nonce below one of ours that nothing holds is filled with a zero-value self-transfer, so
// our later transactions can be mined.

import { sendRaw } from "./broadcast.ts";
import type { KeeperContext } from "./context.ts";
import { quoteFees } from "./fees.ts";
import { enqueueConfirm, feeCaps, suggestedTip } from "./next-stage.ts";
import type { TxRecord } from "./plan-store.ts";
import { verifyForSending } from "./verified-plan.ts";

type HeldTransaction = { planId: `0x${string}`; tx: TxRecord };

async function heldTransactions(ctx: KeeperContext): Promise<HeldTransaction[]> {
  const records = await ctx.plans.submitted();
  return records.flatMap((r) => r.txs.map((tx) => ({ planId: r.planId, tx })));
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

/** The held transactions that may be re-sent: each plan verified with all its transactions, or refused. */
async function sendableHeldTransactions(ctx: KeeperContext): Promise<HeldTransaction[]> {
  const sendable: HeldTransaction[] = [];
  for (const record of await ctx.plans.submitted()) {
    if ((await verifyForSending(ctx, record.planId, record, record.txs)) === undefined) continue;
    for (const tx of record.txs) sendable.push({ planId: record.planId, tx });
  }
  return sendable;
}

export async function repairAtStart(ctx: KeeperContext): Promise<{ resent: number; filled: number[] }> {
  const held = await sendableHeldTransactions(ctx);
  const [latest, pending] = await Promise.all([
    ctx.client.getTransactionCount({ address: ctx.signer.address, blockTag: "latest" }),
    ctx.client.getTransactionCount({ address: ctx.signer.address, blockTag: "pending" }),
  ]);
  const heldAt = new Map<number, HeldTransaction[]>();
  for (const h of held) heldAt.set(h.tx.nonce, [...(heldAt.get(h.tx.nonce) ?? []), h]);
  const highest = Math.max(-1, ...heldAt.keys());
  // In nonce order, so every re-sent transaction follows a nonce the node already has: a node that cannot
  // queue a transaction behind a hole (Hardhat automining, some relays) rejects it otherwise.
  let resent = 0;
  const filled: number[] = [];
  let fees: Awaited<ReturnType<typeof quoteFees>> | undefined;
  for (let nonce = latest; nonce <= highest; nonce += 1) {
    const ours = heldAt.get(nonce);
    if (ours !== undefined) {
      for (const { planId, tx } of ours) {
        try {
          await sendRaw(ctx.client, ctx.sendClient, tx);
          resent += 1;
        } catch (error) {
          // A replaced transaction's bytes are refused (underpriced or taken): its confirm job settles it.
          ctx.common.logger.warn(
            { plan_id: planId, tx_hash: tx.hash, err: (error as Error).message },
            "re-send at start failed",
          );
        }
      }
    } else if (nonce >= pending) {
      // A nonce below one of ours that nothing holds, not even the node's pool: fill it.
      if (fees === undefined) {
        const head = await ctx.client.getBlock({ blockTag: "latest" });
        fees = quoteFees(head.baseFeePerGas ?? 0n, await suggestedTip(ctx), feeCaps(ctx));
      }
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
  for (const planId of new Set(held.map((h) => h.planId))) await enqueueConfirm(ctx, planId);
  await reconcileNonces(ctx);
  return { resent, filled };
}
