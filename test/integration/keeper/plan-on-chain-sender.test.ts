import hre from "hardhat";
import {
  createPublicClient,
  createWalletClient,
  http,
  keccak256,
  parseEther,
  toHex,
  zeroAddress,
} from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { planTransactionOnChain } from "../../../keeper/plan-on-chain.ts";
import { MalformedReturnDataError } from "../../../src/chain/errors.ts";
import { bookKey } from "../../../src/execution/book-key.ts";
import { startFaultInjectingRpcProxy } from "../../support/fault-injecting-rpc-proxy.ts";

// Restoring a plan's transaction from the chain after a Redis failover (keeper/plan-on-chain.ts) must not take the
// node's word for who sent it: `from` lies outside the signed bytes. A real in-process chain, a real HedgeGuard
// admitting plans, and a node front that rewrites `from` in eth_getTransactionByHash answers.
const { provider, viem } = await hre.network.connect();
const proxy = await startFaultInjectingRpcProxy(provider);
afterAll(() => proxy.stop());
const testClient = await viem.getTestClient();
const publicClient = await viem.getPublicClient();

const keeper = privateKeyToAccount(generatePrivateKey());
const steward = privateKeyToAccount(generatePrivateKey());
for (const account of [keeper, steward])
  await testClient.setBalance({ address: account.address, value: parseEther("10") });

const [owner] = await viem.getWalletClients();
const positionSource = await viem.deployContract("MockPerpAccountBalance");
const guard = await viem.deployContract("HedgeGuard", [
  owner!.account.address,
  positionSource.address,
  zeroAddress,
  0n,
]);
const feed = await viem.deployContract("MockV3Aggregator", [8, 2_000n * 10n ** 8n]);
await guard.write.setFeedHeartbeat([feed.address, 3_600n]);

const chainId = await publicClient.getChainId();
const chain = { ...hardhat, id: chainId };
const clientThroughProxy = createPublicClient({ chain, transport: http(proxy.url), pollingInterval: 20 });
const ctx = {
  client: clientThroughProxy,
  chainId,
  signer: keeper,
  common: { clock: { nowMs: () => 1_700_000_000_000 } },
};

/** `account` admits a fresh plan through HedgeGuard, signing locally; returns the plan's id and block. */
async function admitPlanAs(account: typeof keeper, label: string) {
  const wallet = createWalletClient({ account, chain, transport: http(proxy.url) });
  const planId = keccak256(toHex(label));
  const planBlock = await publicClient.getBlockNumber({ cacheTime: 0 });
  const deadline = (await publicClient.getBlock()).timestamp + 600n;
  const hash = await wallet.writeContract({
    address: guard.address,
    abi: guard.abi,
    functionName: "checkOraclePremise",
    args: [
      { planId, bookKey: bookKey(`book-${label}`), planBlock },
      deadline,
      { feed: feed.address, minAnswer: 0n, maxAnswer: 10n ** 30n },
    ],
  });
  const receipt = await publicClient.waitForTransactionReceipt({ hash, pollingInterval: 20 });
  expect(receipt.status).toBe("success");
  return { planId, planBlock, hash };
}

/** A node that names the keeper as the sender of every transaction it serves. */
const lieAboutSender = () =>
  proxy.setFaults({
    rewriteResult: (call, result) =>
      call.method === "eth_getTransactionByHash" && result !== null
        ? { ...(result as Record<string, unknown>), from: keeper.address }
        : result,
  });

describe("planTransactionOnChain: the sender comes from the signature", () => {
  beforeEach(() => proxy.setFaults({}));

  it("records the keeper's own admitted plan, its bytes hashing to the mined transaction", async () => {
    const plan = await admitPlanAs(keeper, "keeper-plan");
    const record = await planTransactionOnChain(ctx, { ...plan, hedgeGuard: guard.address });
    expect(record?.hash).toBe(plan.hash);
    expect(keccak256(record!.raw)).toBe(plan.hash);
    // The same answer with the lying front on: the keeper's own transaction is still its own.
    lieAboutSender();
    const again = await planTransactionOnChain(ctx, { ...plan, hedgeGuard: guard.address });
    expect(again?.hash).toBe(plan.hash);
  });

  it("leaves a steward's admitted plan alone when the node tells the truth", async () => {
    const plan = await admitPlanAs(steward, "steward-plan-honest");
    expect(await planTransactionOnChain(ctx, { ...plan, hedgeGuard: guard.address })).toBeUndefined();
  });

  it("refuses a node that names the keeper as the sender of a steward's transaction", async () => {
    const plan = await admitPlanAs(steward, "steward-plan-lied");
    lieAboutSender();
    const error = await planTransactionOnChain(ctx, { ...plan, hedgeGuard: guard.address }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MalformedReturnDataError);
    expect((error as MalformedReturnDataError).details).toEqual({
      tx_hash: plan.hash,
      claimed_from: keeper.address,
      signed_by: steward.address,
    });
  });
});
