import fc from "fast-check";
import hre from "hardhat";
import { type Address, getAddress, keccak256, toHex, zeroAddress } from "viem";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { expectCustomError } from "../support/custom-error.ts";

// HedgeGuard's oracle, deadline, balance and ownership rules on an in-process chain. The perp-size
// premise (read from Perpetual Protocol's real AccountBalance) is exercised on the devnet, in
// test/integration/execution.
const { viem } = await hre.network.connect();
const publicClient = await viem.getPublicClient();
const testClient = await viem.getTestClient();
const [treasury, stranger] = await viem.getWalletClients();

const planId = keccak256(toHex("plan-1"));
const ETH_USD_2000 = 2_000n * 10n ** 8n;
const HEARTBEAT_SEC = 3_600n;
// Any non-zero address: the oracle and balance checks never call the position source.
const POSITION_SOURCE: Address = "0x00000000000000000000000000000000000000aa";

async function latestTimestamp(): Promise<bigint> {
  return (await publicClient.getBlock()).timestamp;
}

const guard = await viem.deployContract("HedgeGuard", [treasury!.account.address, POSITION_SOURCE]);
const feed = await viem.deployContract("MockV3Aggregator", [8, ETH_USD_2000]);
const usdc = await viem.deployContract("ERC20Mock", [6]);
await guard.write.setFeedHeartbeat([feed.address, HEARTBEAT_SEC]);
await usdc.write.mint([treasury!.account.address, 1_000_000n]);

const band = (min: bigint, max: bigint, feedAddress: Address = feed.address) => ({
  feed: feedAddress,
  minAnswer: min,
  maxAnswer: max,
});

describe("HedgeGuard", () => {
  let snapshotId: `0x${string}`;
  beforeAll(async () => {
    snapshotId = await testClient.snapshot();
  });
  beforeEach(async () => {
    await testClient.revert({ id: snapshotId });
    snapshotId = await testClient.snapshot();
  });

  describe("oracle premise", () => {
    it("returns the oracle answer when the deadline, freshness and band all hold", async () => {
      const deadline = (await latestTimestamp()) + 600n;
      const answer = await guard.read.checkOraclePremise([
        planId,
        deadline,
        band(1_900n * 10n ** 8n, 2_100n * 10n ** 8n),
      ]);
      expect(answer).toBe(ETH_USD_2000);
    });

    it("rejects a plan whose deadline has passed, naming the plan", async () => {
      const deadline = (await latestTimestamp()) - 1n;
      const [id, gotDeadline] = await expectCustomError(
        guard.read.checkOraclePremise([planId, deadline, band(0n, 10n ** 30n)]),
        "HedgeGuardDeadlinePassed",
      );
      expect(id).toBe(planId);
      expect(gotDeadline).toBe(deadline);
    });

    it("rejects a plan whose oracle price left the band", async () => {
      const deadline = (await latestTimestamp()) + 600n;
      await expectCustomError(
        guard.read.checkOraclePremise([planId, deadline, band(2_050n * 10n ** 8n, 2_100n * 10n ** 8n)]),
        "HedgeGuardPriceOutOfBand",
        [planId, ETH_USD_2000, 2_050n * 10n ** 8n, 2_100n * 10n ** 8n],
      );
    });

    it("rejects an answer older than the heartbeat the owner set for that feed", async () => {
      await testClient.increaseTime({ seconds: Number(HEARTBEAT_SEC) + 1 });
      await testClient.mine({ blocks: 1 });
      const deadline = (await latestTimestamp()) + 600n;
      await expectCustomError(
        guard.read.checkOraclePremise([planId, deadline, band(0n, 10n ** 30n)]),
        "HedgeGuardOracleStale",
      );
    });

    it("refuses a feed whose heartbeat was never configured, so a caller cannot choose its own freshness", async () => {
      const otherFeed = await viem.deployContract("MockV3Aggregator", [8, ETH_USD_2000]);
      const deadline = (await latestTimestamp()) + 600n;
      await expectCustomError(
        guard.read.checkOraclePremise([planId, deadline, band(0n, 10n ** 30n, otherFeed.address)]),
        "HedgeGuardFeedNotConfigured",
        [planId, getAddress(otherFeed.address)],
      );
    });

    it("rejects a zero oracle answer instead of acting on it", async () => {
      await feed.write.updateAnswer([0n]);
      const deadline = (await latestTimestamp()) + 600n;
      await expectCustomError(
        guard.read.checkOraclePremise([planId, deadline, band(0n, 10n ** 30n)]),
        "HedgeGuardOracleInvalidAnswer",
        [planId, getAddress(feed.address), 0n],
      );
    });

    it("rejects an empty band", async () => {
      const deadline = (await latestTimestamp()) + 600n;
      await expectCustomError(
        guard.read.checkOraclePremise([planId, deadline, band(3n, 2n)]),
        "HedgeGuardInvalidBand",
        [planId, 3n, 2n],
      );
    });

    it("accepts exactly the answers inside [min, max] for any band (property)", async () => {
      const deadline = (await latestTimestamp()) + 3_000n;
      await fc.assert(
        fc.asyncProperty(
          fc.bigInt({ min: 1n, max: 10n ** 12n }),
          fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }),
          fc.bigInt({ min: 0n, max: 10n ** 12n }),
          async (answer, min, width) => {
            await feed.write.updateAnswer([answer]);
            const max = min + width;
            const call = guard.read.checkOraclePremise([planId, deadline, band(min, max)]);
            if (answer >= min && answer <= max) expect(await call).toBe(answer);
            else await expectCustomError(call, "HedgeGuardPriceOutOfBand", [planId, answer, min, max]);
          },
        ),
        { numRuns: 60, seed: 42 },
      );
    });
  });

  describe("balances", () => {
    it("passes when every balance of the caller is at least its minimum", async () => {
      await guard.read.checkBalances([planId, [{ token: usdc.address, amount: 1_000_000n }]]);
    });

    it("names the token and the shortfall when a balance is below its minimum", async () => {
      await expectCustomError(
        guard.read.checkBalances([planId, [{ token: usdc.address, amount: 1_000_001n }]]),
        "HedgeGuardBalanceTooLow",
        [planId, getAddress(usdc.address), 1_000_000n, 1_000_001n],
      );
    });

    it("judges the caller's own balance, not the treasury's, when someone else calls", async () => {
      await expectCustomError(
        guard.read.checkBalances([planId, [{ token: usdc.address, amount: 1n }]], {
          account: stranger!.account,
        }),
        "HedgeGuardBalanceTooLow",
        [planId, getAddress(usdc.address), 0n, 1n],
      );
    });
  });

  describe("configuration", () => {
    it("lets only the owner set a feed heartbeat, and records it", async () => {
      await expectCustomError(
        guard.write.setFeedHeartbeat([feed.address, 1n], { account: stranger!.account }),
        "OwnableUnauthorizedAccount",
        [getAddress(stranger!.account.address)],
      );
      await guard.write.setFeedHeartbeat([feed.address, 86_400n]);
      expect(await guard.read.feedHeartbeat([feed.address])).toBe(86_400n);
    });

    it("refuses a zero position source at deployment", async () => {
      await expectCustomError(
        viem.deployContract("HedgeGuard", [treasury!.account.address, zeroAddress]),
        "HedgeGuardZeroAddress",
        [],
        guard.abi,
      );
    });
  });
});
