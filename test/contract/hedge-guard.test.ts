import hre from "hardhat";
import { type Address, getAddress, keccak256, toHex } from "viem";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { expectCustomError } from "../support/custom-error.ts";

const { viem } = await hre.network.connect();
const publicClient = await viem.getPublicClient();
const testClient = await viem.getTestClient();

const planId = keccak256(toHex("plan-1"));
const ETH_USD_2000 = 2_000n * 10n ** 8n;
const HEARTBEAT_SEC = 3_600n;

async function latestTimestamp(): Promise<bigint> {
  return (await publicClient.getBlock()).timestamp;
}

describe("HedgeGuard.checkPremise", () => {
  let guard: Awaited<ReturnType<typeof viem.deployContract<"HedgeGuard">>>;
  let feed: Awaited<ReturnType<typeof viem.deployContract<"MockV3Aggregator">>>;
  let snapshotId: `0x${string}`;

  beforeAll(async () => {
    guard = await viem.deployContract("HedgeGuard");
    feed = await viem.deployContract("MockV3Aggregator", [8, ETH_USD_2000]);
    snapshotId = await testClient.snapshot();
  });

  beforeEach(async () => {
    await testClient.revert({ id: snapshotId });
    snapshotId = await testClient.snapshot();
  });

  const premise = (feedAddress: Address, min: bigint, max: bigint) => ({
    feed: feedAddress,
    heartbeatSec: HEARTBEAT_SEC,
    minAnswer: min,
    maxAnswer: max,
  });

  it("returns the oracle answer when the deadline, freshness and band all hold", async () => {
    const deadline = (await latestTimestamp()) + 600n;
    const answer = await guard.read.checkPremise([
      planId,
      deadline,
      premise(feed.address, 1_900n * 10n ** 8n, 2_100n * 10n ** 8n),
    ]);
    expect(answer).toBe(ETH_USD_2000);
  });

  it("rejects a plan whose deadline has passed, naming the plan", async () => {
    const deadline = (await latestTimestamp()) - 1n;
    const [id, gotDeadline] = await expectCustomError(
      guard.read.checkPremise([planId, deadline, premise(feed.address, 0n, 10n ** 30n)]),
      "HedgeGuardDeadlinePassed",
    );
    expect(id).toBe(planId);
    expect(gotDeadline).toBe(deadline);
  });

  it("rejects a plan whose oracle price left the band", async () => {
    const deadline = (await latestTimestamp()) + 600n;
    await expectCustomError(
      guard.read.checkPremise([
        planId,
        deadline,
        premise(feed.address, 2_050n * 10n ** 8n, 2_100n * 10n ** 8n),
      ]),
      "HedgeGuardPriceOutOfBand",
      [planId, ETH_USD_2000, 2_050n * 10n ** 8n, 2_100n * 10n ** 8n],
    );
  });

  it("rejects a stale oracle answer older than the feed's heartbeat", async () => {
    await testClient.increaseTime({ seconds: Number(HEARTBEAT_SEC) + 1 });
    await testClient.mine({ blocks: 1 });
    const deadline = (await latestTimestamp()) + 600n;
    await expectCustomError(
      guard.read.checkPremise([planId, deadline, premise(feed.address, 0n, 10n ** 30n)]),
      "HedgeGuardOracleStale",
    );
  });

  it("rejects a zero oracle answer instead of acting on it", async () => {
    await feed.write.updateAnswer([0n]);
    const deadline = (await latestTimestamp()) + 600n;
    await expectCustomError(
      guard.read.checkPremise([planId, deadline, premise(feed.address, 0n, 10n ** 30n)]),
      "HedgeGuardOracleInvalidAnswer",
      [planId, getAddress(feed.address), 0n],
    );
  });

  it("rejects an empty band", async () => {
    const deadline = (await latestTimestamp()) + 600n;
    await expectCustomError(
      guard.read.checkPremise([planId, deadline, premise(feed.address, 3n, 2n)]),
      "HedgeGuardInvalidBand",
      [planId, 3n, 2n],
    );
  });
});
