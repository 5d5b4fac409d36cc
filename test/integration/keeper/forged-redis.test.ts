import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { keccak256 } from "viem";
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished } from "vitest";
import { tamperedPlanOf } from "../../../keeper/event-alerts.ts";
import type { KeeperEvent } from "../../../keeper/events.ts";
import { jobIds } from "../../../keeper/job-ids.ts";
import type { Keeper } from "../../../keeper/keeper.ts";
import { decodeJson, encodeJson } from "../../../keeper/plan-codec.ts";
import type { SealedPlan } from "../../../keeper/plan-integrity.ts";
import type { PlanRecord, TxRecord } from "../../../keeper/plan-store.ts";
import { alertConditions } from "../../../src/alerts/alert-conditions.ts";
import { createAlertRouter } from "../../../src/alerts/alert-router.ts";
import {
  createAlertSink,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  verifyWebhookSignature,
} from "../../../src/alerts/sinks.ts";
import { devnetAccount } from "../../../src/devnet/accounts.ts";
import type { Plan } from "../../../src/engine/plan.ts";
import { planId } from "../../../src/engine/plan-id.ts";
import { planToRolesCall } from "../../../src/execution/plan-batch.ts";
import { usdcToUsdtPlan } from "../../support/devnet-plans.ts";
import { keeperAddress, waitFor } from "./keeper-harness.ts";
import { useKeeperTestbed } from "./keeper-testbed.ts";

// Whoever can write the keeper's Redis must not be able to choose what it signs. Plans and transaction records
// are forged directly in Redis for a running keeper: nothing is sent, the plan fails as tampered, and the
// critical alert reaches a real webhook receiver. The untouched plan, in the same setup, is sent and mined.
const bed = useKeeperTestbed("keeper-forged-redis");
const { devnet, keeperFor, keeperNonce, storePlan, queuePlan } = bed;

// ── A webhook receiver on 127.0.0.1, fed by the keeper's plan.tampered events through the alert router ──────
const SECRET = "forged-redis-receiver-secret";
const received: { key: string; severity: string; status: string; text: string; signatureValid: boolean }[] =
  [];
let hookUrl = "";
const receiver = createServer((request, response) => {
  let body = "";
  request.on("data", (chunk: Buffer) => {
    body += chunk.toString();
  });
  request.on("end", () => {
    const json = JSON.parse(body) as { key: string; severity: string; status: string; text: string };
    received.push({
      ...json,
      signatureValid: verifyWebhookSignature({
        secret: SECRET,
        body,
        timestamp: request.headers[TIMESTAMP_HEADER] as string | undefined,
        signature: request.headers[SIGNATURE_HEADER] as string | undefined,
        nowSec: Math.floor(Date.now() / 1000),
      }),
    });
    response.writeHead(200).end("ok");
  });
});
beforeAll(async () => {
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});
afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));
beforeEach(() => {
  received.length = 0;
});

/** A keeper whose plan.tampered events go through the alert conditions and router to the webhook, as `run` does. */
function alertingKeeper(options: Parameters<typeof keeperFor>[0] = {}): Keeper {
  const router = createAlertRouter({
    sinks: [
      createAlertSink({
        kind: "webhook",
        name: "ops",
        url: hookUrl,
        hmacSecret: SECRET,
        minSeverity: "critical",
        maxPerMinute: 30,
      }),
    ],
    dedupWindowSec: 600,
  });
  const onEvent = (event: KeeperEvent) => {
    const tampered = tamperedPlanOf(event);
    if (tampered === undefined) return;
    void router.update(
      alertConditions({
        nowSec: Math.floor(Date.now() / 1000),
        books: [],
        tamperedPlans: [tampered],
        thresholds: { keeperHeartbeatMaxAgeSec: 300, signerBalanceMinEth: 0 },
      }),
    );
  };
  return keeperFor({ ...options, onEvent });
}

// ── Writing Redis as an attacker would ──────────────────────────────────────────────────────────────────────
const planKey = (id: string) => `${bed.redis.prefix}:plan:${id}`;
const recordKey = (id: string) => `${bed.redis.prefix}:plan-record:${id}`;

async function forgeStored<T>(key: string, edit: (value: T) => void): Promise<void> {
  const text = await bed.redis.redis.get(key);
  if (text === null) throw new Error(`nothing stored at ${key}`);
  const value = decodeJson<T>(text);
  edit(value);
  await bed.redis.redis.set(key, encodeJson(value));
}

async function queueSubmit(keeper: Keeper, id: string): Promise<void> {
  const chainId = devnet().manifest.chainId;
  await keeper.queues.submit.add(
    "submit",
    { v: 1, chainId, planId: id },
    { jobId: jobIds.submit(chainId, id) },
  );
}

const swapOf = (plan: Plan) => {
  const [swap] = plan.actions;
  if (swap?.kind !== "swap.exactInputSingle") throw new Error("expected a swap");
  return swap;
};

/** The plan refused as tampered: failed, nothing signed for it, the alert delivered and signed. */
async function expectRefused(keeper: Keeper, planId: string, nonceBefore: number, why: RegExp) {
  const record = await waitFor("the plan refused", async () => {
    const r = await keeper.plans.record(planId);
    return r?.status === "failed" ? r : undefined;
  });
  expect(record.reason).toMatch(/^tampered: /);
  expect(record.reason).toMatch(why);
  const alert = await waitFor("the alert delivered", async () =>
    received.find((r) => r.key === `plan-tampered:${planId}`),
  );
  expect(alert).toMatchObject({ severity: "critical", status: "firing", signatureValid: true });
  expect(alert.text).toContain("Nothing was sent");
  // Blocks go by: still nothing from the keeper.
  for (let i = 0; i < 3; i += 1) await devnet().testClient.mine({ blocks: 1 });
  expect(await keeperNonce()).toBe(nonceBefore);
  expect((await keeper.health()).transactions.plans_tampered).toBeGreaterThanOrEqual(1);
  return record;
}

describe("a forged Redis", () => {
  it("positive control: the untouched plan, sealed as the keeper stores it, is sent and mined, and nothing alerts", async () => {
    const nonceBefore = await keeperNonce();
    const keeper = alertingKeeper({ role: "worker" });
    const plan = await usdcToUsdtPlan(devnet(), bed.setup, 1_000n * 10n ** 6n);
    await queuePlan(keeper, plan);
    await keeper.start();
    const record = await waitFor("the plan mined", async () => {
      const r = await keeper.plans.record(plan.planId);
      return r?.status === "mined" ? r : undefined;
    });
    expect(record.txs).toHaveLength(1);
    expect(await keeperNonce()).toBe(nonceBefore + 1);
    expect(received).toEqual([]);
  });

  it("refuses a plan whose action amount was changed in Redis", async () => {
    const nonceBefore = await keeperNonce();
    const keeper = alertingKeeper({ role: "worker" });
    const plan = await usdcToUsdtPlan(devnet(), bed.setup, 1_000n * 10n ** 6n);
    await storePlan(keeper, plan);
    await forgeStored<SealedPlan>(planKey(plan.planId), ({ plan: stored }) => {
      const swap = swapOf(stored);
      swap.amountIn *= 50n; // the whole USDC balance, and any price will do
      swap.amountOutMinimum = 0n;
    });
    await queueSubmit(keeper, plan.planId);
    await keeper.start();
    const record = await expectRefused(keeper, plan.planId, nonceBefore, /its id is not the hash/);
    expect(record.txs).toEqual([]);
  });

  it("refuses a changed amount stored under its own recomputed id, with the original's MAC", async () => {
    const nonceBefore = await keeperNonce();
    const keeper = alertingKeeper({ role: "worker" });
    const plan = await usdcToUsdtPlan(devnet(), bed.setup, 1_000n * 10n ** 6n);
    await storePlan(keeper, plan);
    const text = (await bed.redis.redis.get(planKey(plan.planId)))!;
    const sealed = decodeJson<SealedPlan>(text);
    swapOf(sealed.plan).amountOutMinimum = 0n;
    const forgedId = planId(sealed.plan.bookId, sealed.plan.blockNumber, sealed.plan.actions);
    sealed.plan.planId = forgedId;
    const record = decodeJson<PlanRecord>((await bed.redis.redis.get(recordKey(plan.planId)))!);
    await bed.redis.redis.set(planKey(forgedId), encodeJson(sealed));
    await bed.redis.redis.set(recordKey(forgedId), encodeJson({ ...record, planId: forgedId }));
    await queueSubmit(keeper, forgedId);
    await keeper.start();
    await expectRefused(keeper, forgedId, nonceBefore, /MAC does not verify/);
  });

  it("refuses another plan (other calldata, same recipient) written under this plan's id", async () => {
    const nonceBefore = await keeperNonce();
    const keeper = alertingKeeper({ role: "worker" });
    const plan = await usdcToUsdtPlan(devnet(), bed.setup, 1_000n * 10n ** 6n);
    const other = await usdcToUsdtPlan(devnet(), bed.setup, 40_000n * 10n ** 6n);
    expect(planToRolesCall(other, bed.setup.targets).data).not.toBe(
      planToRolesCall(plan, bed.setup.targets).data,
    );
    await storePlan(keeper, plan);
    await storePlan(keeper, other); // sealed by the keeper itself: a genuine plan, under its own id
    await bed.redis.redis.set(planKey(plan.planId), (await bed.redis.redis.get(planKey(other.planId)))!);
    await queueSubmit(keeper, plan.planId);
    await keeper.start();
    await expectRefused(keeper, plan.planId, nonceBefore, /stored under .* but its id is /);
  });

  it("refuses a record that names another genuine plan", async () => {
    const nonceBefore = await keeperNonce();
    const keeper = alertingKeeper({ role: "worker" });
    const plan = await usdcToUsdtPlan(devnet(), bed.setup, 1_000n * 10n ** 6n);
    const other = await usdcToUsdtPlan(devnet(), bed.setup, 40_000n * 10n ** 6n);
    await storePlan(keeper, plan);
    await storePlan(keeper, other);
    await forgeStored<PlanRecord>(recordKey(plan.planId), (r) => {
      r.planId = other.planId;
    });
    await queueSubmit(keeper, plan.planId);
    await keeper.start();
    await expectRefused(keeper, plan.planId, nonceBefore, /its record names plan /);
  });

  it("re-sends no recorded transaction whose bytes are another plan's (the keeper's own signature, copied)", async () => {
    const d = devnet();
    const nonceBefore = await keeperNonce();
    const keeper = alertingKeeper({ role: "worker" });
    const plan = await usdcToUsdtPlan(d, bed.setup, 1_000n * 10n ** 6n);
    const other = await usdcToUsdtPlan(d, bed.setup, 40_000n * 10n ** 6n);
    // The keeper's key signed `other` at the next nonce (e.g. an earlier, legitimate signature): a record of
    // `plan` claims those bytes as its own, lost before the node saw them. The start-up repair would re-send them.
    const call = planToRolesCall(other, bed.setup.targets);
    const block = await d.publicClient.getBlock();
    const fees = {
      maxFeePerGas: 2n * (block.baseFeePerGas ?? 0n) + 10n ** 9n,
      maxPriorityFeePerGas: 10n ** 9n,
    };
    const raw = await devnetAccount(1).signTransaction({
      type: "eip1559",
      chainId: d.manifest.chainId,
      nonce: nonceBefore,
      to: call.to,
      data: call.data,
      value: 0n,
      gas: 1_500_000n,
      ...fees,
    });
    const copied: TxRecord = {
      hash: keccak256(raw),
      raw,
      nonce: nonceBefore,
      kind: "plan",
      to: call.to,
      data: call.data,
      gas: 1_500_000n,
      ...fees,
      signedAtMs: Date.now(),
      sentAtBlock: block.number,
    };
    await storePlan(keeper, plan, [copied]);
    await keeper.start();
    const record = await expectRefused(keeper, plan.planId, nonceBefore, /its calldata is not the plan's/);
    expect(record.txs.map((t) => t.hash)).toEqual([copied.hash]);
    await expect(d.publicClient.getTransaction({ hash: copied.hash })).rejects.toThrow();
  });

  it("replaces no transaction whose record's to and data were changed while it waited: no fee bump signs them", async () => {
    const d = devnet();
    const nonceBefore = await keeperNonce();
    await d.testClient.setAutomine(false);
    onTestFinished(() => d.testClient.setAutomine(true));
    const keeper = alertingKeeper({ role: "worker" });
    const plan = await usdcToUsdtPlan(d, bed.setup, 2_000n * 10n ** 6n);
    await queuePlan(keeper, plan);
    await keeper.start();
    const first = await waitFor("the first broadcast, recorded", async () => {
      const r = await keeper.plans.record(plan.planId);
      return r?.timings.broadcastAtMs !== undefined ? r.txs[0] : undefined;
    });
    onTestFinished(() => d.testClient.dropTransaction({ hash: first.hash }).catch(() => {}));
    // While it is pending, the record is pointed at another call: the next fee bump would have signed it.
    const attacker = planToRolesCall(
      { ...plan, actions: [{ ...swapOf(plan), amountIn: 90_000n * 10n ** 6n, amountOutMinimum: 0n }] },
      bed.setup.targets,
    );
    await forgeStored<PlanRecord>(recordKey(plan.planId), (r) => {
      r.txs[0] = { ...r.txs[0]!, to: attacker.to, data: attacker.data };
    });
    // Blocks whose base fee is above what the transaction pays: stuck, so confirm goes for a replacement.
    const stuckBaseFee = first.maxFeePerGas + 1n;
    const record = await waitFor(
      "the plan refused",
      async () => {
        await d.testClient.setNextBlockBaseFeePerGas({ baseFeePerGas: stuckBaseFee });
        await d.testClient.mine({ blocks: 1 });
        const r = await keeper.plans.record(plan.planId);
        return r?.status === "failed" ? r : undefined;
      },
      20_000,
      150,
    );
    expect(record.reason).toMatch(/^tampered: .*the record's fields do not describe its signed bytes/);
    expect(record.txs.map((t) => t.hash)).toEqual([first.hash]); // no replacement signed
    const alert = await waitFor("the alert delivered", async () =>
      received.find((r) => r.key === `plan-tampered:${plan.planId}`),
    );
    expect(alert).toMatchObject({ severity: "critical", signatureValid: true });
    // Nothing of the keeper's was mined meanwhile: the original is still stuck, and nothing replaced it.
    expect(await keeperNonce()).toBe(nonceBefore);
    const pending = await d.publicClient.getTransactionCount({
      address: keeperAddress(),
      blockTag: "pending",
    });
    expect(pending).toBe(nonceBefore + 1);
  });
});
