import { keccak256 } from "viem";
import { describe, expect, it, onTestFinished } from "vitest";
import type { TxRecord } from "../../../keeper/plan-store.ts";
import { devnetAccount } from "../../../src/devnet/accounts.ts";
import type { Plan } from "../../../src/engine/plan.ts";
import { planToRolesCall } from "../../../src/execution/plan-batch.ts";
import { chainNowSec, usdcToUsdtPlan } from "../../support/devnet-plans.ts";
import { keeperAddress, waitFor } from "./keeper-harness.ts";
import { useKeeperTestbed } from "./keeper-testbed.ts";

// The end of a transaction's life that is not "mined as sent": cancelled once its plan's deadline passed, and
// a nonce ledger that disagrees with the chain at start (gaps repaired before anything new is sent).
const bed = useKeeperTestbed("keeper-lifecycle");
const { devnet, keeperFor, keeperNonce, storePlan, queuePlan } = bed;

/** The plan's transaction signed by the keeper's key at `nonce`, as submit would sign it, never broadcast. */
async function signedButNeverSent(plan: Plan, nonce: number): Promise<TxRecord> {
  const d = devnet();
  const call = planToRolesCall(plan, bed.setup.targets);
  const gas =
    ((await d.publicClient.estimateGas({ account: keeperAddress(), to: call.to, data: call.data })) * 13n) /
    10n;
  const block = await d.publicClient.getBlock({ blockTag: "latest" });
  const maxPriorityFeePerGas = 10n ** 9n;
  const maxFeePerGas = 2n * (block.baseFeePerGas ?? 0n) + maxPriorityFeePerGas;
  const raw = await devnetAccount(1).signTransaction({
    type: "eip1559",
    chainId: d.manifest.chainId,
    nonce,
    to: call.to,
    data: call.data,
    value: 0n,
    gas,
    maxFeePerGas,
    maxPriorityFeePerGas,
  });
  return {
    hash: keccak256(raw),
    raw,
    nonce,
    kind: "plan",
    to: call.to,
    data: call.data,
    gas,
    maxFeePerGas,
    maxPriorityFeePerGas,
    signedAtMs: Date.now(),
    sentAtBlock: block.number,
  };
}

describe("the keeper's transaction lifecycle", () => {
  it("cancels a transaction still pending past its plan's deadline: same nonce, zero-value self-transfer, mined once", async () => {
    const d = devnet();
    const nonceBefore = await keeperNonce();
    await d.testClient.setAutomine(false);
    onTestFinished(() => d.testClient.setAutomine(true));
    const keeper = keeperFor({ role: "worker" });
    const plan = await usdcToUsdtPlan(d, bed.setup, 2_000n * 10n ** 6n);
    plan.premise.deadlineSec = (await chainNowSec(d)) + 60;
    await queuePlan(keeper, plan);
    await keeper.start();
    const first = await waitFor(
      "the first broadcast",
      async () => (await keeper.plans.record(plan.planId))?.txs[0],
    );
    expect(first.kind).toBe("plan");
    // The next block is past the deadline, and every block's base fee is above what the transaction pays: it
    // stays pending until the keeper notices it is stuck (2 blocks), now with a deadline behind it.
    await d.testClient.setNextBlockTimestamp({ timestamp: BigInt(plan.premise.deadlineSec + 1) });
    const stuckBaseFee = first.maxFeePerGas + 1n;
    const record = await waitFor(
      "the plan settled",
      async () => {
        await d.testClient.setNextBlockBaseFeePerGas({ baseFeePerGas: stuckBaseFee });
        await d.testClient.mine({ blocks: 1 });
        const r = await keeper.plans.record(plan.planId);
        return r?.status === "cancelled" || r?.status === "mined" ? r : undefined;
      },
      30_000,
      150,
    );
    expect(record.status).toBe("cancelled");
    const cancels = record.txs.filter((t) => t.kind === "cancel");
    expect(cancels.length).toBeGreaterThanOrEqual(1);
    expect(record.txs.filter((t) => t.kind === "replacement")).toEqual([]);
    expect(new Set(record.txs.map((t) => t.nonce))).toEqual(new Set([first.nonce]));
    const cancel = cancels[0]!;
    expect(cancel.to.toLowerCase()).toBe(keeperAddress().toLowerCase());
    expect(cancel.data).toBe("0x");
    expect(cancel.maxFeePerGas * 100n).toBeGreaterThanOrEqual(first.maxFeePerGas * 110n);
    expect(cancel.maxPriorityFeePerGas * 100n).toBeGreaterThanOrEqual(first.maxPriorityFeePerGas * 110n);
    expect(cancels.map((t) => t.hash)).toContain(record.minedTxHash);

    const mined = await d.publicClient.getTransaction({ hash: record.minedTxHash! });
    expect(mined.to?.toLowerCase()).toBe(keeperAddress().toLowerCase());
    expect(mined.value).toBe(0n);
    expect(mined.nonce).toBe(first.nonce);
    const receipt = await d.publicClient.getTransactionReceipt({ hash: record.minedTxHash! });
    expect(receipt.status).toBe("success");
    await expect(d.publicClient.getTransactionReceipt({ hash: first.hash })).rejects.toThrow();
    expect((await keeperNonce()) - nonceBefore).toBe(1);

    const events = (await keeper.events.recent()).map(
      (e) => JSON.parse(e) as { kind: string; planId?: string },
    );
    expect(events.filter((e) => e.kind === "tx.cancelled" && e.planId === plan.planId).length).toBe(
      cancels.length,
    );
    expect(events.some((e) => e.kind === "tx.replaced")).toBe(false);
    expect((await keeper.health()).transactions.tx_cancelled).toBeGreaterThanOrEqual(1);
    // A few more blocks: nothing else of ours lands (the original can no longer: its nonce is spent).
    for (let i = 0; i < 3; i += 1) await d.testClient.mine({ blocks: 1 });
    expect((await keeperNonce()) - nonceBefore).toBe(1);
  });

  it("repairs a nonce gap at start: the lost transaction re-sent, the hole filled, the next plan mined", async () => {
    const d = devnet();
    const n = await keeperNonce();
    const keeper = keeperFor({ role: "worker" });
    // Before a crash: nonce n reserved and never signed (nothing sent at it), nonce n+1 signed and recorded for
    // a plan, and lost before the node saw it. The ledger stands at n+2; the chain at n.
    const lost = await usdcToUsdtPlan(d, bed.setup, 1_000n * 10n ** 6n);
    const lostTx = await signedButNeverSent(lost, n + 1);
    expect(await keeper.ctx.ledger.reserve(n)).toBe(n);
    expect(await keeper.ctx.ledger.reserve(n)).toBe(n + 1);
    await storePlan(keeper, lost, [lostTx]);
    await expect(d.publicClient.getTransaction({ hash: lostTx.hash })).rejects.toThrow();
    // The next plan, queued before the keeper starts, decided a block later (HedgeGuard admits a book's plans
    // in block order).
    await d.testClient.mine({ blocks: 1 });
    const next = await usdcToUsdtPlan(d, bed.setup, 3_000n * 10n ** 6n);
    await queuePlan(keeper, next);

    await keeper.start();
    const [lostRecord, nextRecord] = await waitFor(
      "both plans mined",
      async () => {
        const records = await Promise.all([
          keeper.plans.record(lost.planId),
          keeper.plans.record(next.planId),
        ]);
        return records.every((r) => r?.status === "mined") ? records : undefined;
      },
      30_000,
    );
    expect(lostRecord!.txs.map((t) => t.hash)).toEqual([lostTx.hash]);
    expect(lostRecord!.minedTxHash).toBe(lostTx.hash);
    expect(nextRecord!.txs.map((t) => t.nonce)).toEqual([n + 2]);
    expect(await keeperNonce()).toBe(n + 3);

    // Contiguous: n is the filler (a zero-value self-transfer), n+1 the lost plan, n+2 the next plan.
    const byNonce = new Map<number, { to: string | null; value: bigint; hash: string }>();
    const head = await d.publicClient.getBlockNumber({ cacheTime: 0 });
    for (let b = head; b >= 0n && byNonce.size < 3; b -= 1n) {
      const block = await d.publicClient.getBlock({ blockNumber: b, includeTransactions: true });
      for (const tx of block.transactions)
        if (tx.from.toLowerCase() === keeperAddress().toLowerCase() && tx.nonce >= n)
          byNonce.set(tx.nonce, { to: tx.to, value: tx.value, hash: tx.hash });
    }
    expect([...byNonce.keys()].sort()).toEqual([n, n + 1, n + 2]);
    expect(byNonce.get(n)!.to?.toLowerCase()).toBe(keeperAddress().toLowerCase());
    expect(byNonce.get(n)!.value).toBe(0n);
    expect(byNonce.get(n + 1)!.hash).toBe(lostTx.hash);
    expect(byNonce.get(n + 2)!.hash).toBe(nextRecord!.minedTxHash);
  });

  it("rewinds a ledger that reserved nonces nothing was sent at: the next plan takes the chain's nonce", async () => {
    const d = devnet();
    const n = await keeperNonce();
    const keeper = keeperFor({ role: "worker" });
    for (let i = 0; i < 3; i += 1) await keeper.ctx.ledger.reserve(n);
    expect(await keeper.ctx.ledger.next()).toBe(n + 3);
    const plan = await usdcToUsdtPlan(d, bed.setup, 1_500n * 10n ** 6n);
    await queuePlan(keeper, plan);
    await keeper.start();
    const record = await waitFor("the plan mined", async () => {
      const r = await keeper.plans.record(plan.planId);
      return r?.status === "mined" ? r : undefined;
    });
    expect(record.txs.map((t) => t.nonce)).toEqual([n]);
    expect(await keeperNonce()).toBe(n + 1);
    expect(await keeper.ctx.ledger.next()).toBe(n + 1);
  });
});
