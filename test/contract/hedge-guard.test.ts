import fc from "fast-check";
import hre from "hardhat";
import { type Address, getAddress, type Hex, keccak256, parseEventLogs, toHex, zeroAddress } from "viem";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { bookKey } from "../../src/execution/book-key.ts";
import { expectCustomError } from "../support/custom-error.ts";

// HedgeGuard's oracle, deadline, balance, replay and ownership rules on an in-process chain. The perp-size
// premise (read from Perpetual Protocol's real AccountBalance) is exercised on the devnet, in
// test/integration/execution; here the position source is a stand-in holding whatever a test sets. Likewise the
// Aave health factor: the real Pool's is checked on the devnet, here a stand-in pool reports what a test sets.
const { viem } = await hre.network.connect();
const publicClient = await viem.getPublicClient();
const testClient = await viem.getTestClient();
const [treasury, stranger] = await viem.getWalletClients();

const planId = keccak256(toHex("plan-1"));
const ETH_USD_2000 = 2_000n * 10n ** 8n;
const HEARTBEAT_SEC = 3_600n;
const BOOK_KEY = bookKey("treasury-eth");

async function latestTimestamp(): Promise<bigint> {
  return (await publicClient.getBlock()).timestamp;
}

const positionSource = await viem.deployContract("MockPerpAccountBalance");
const guard = await viem.deployContract("HedgeGuard", [
  treasury!.account.address,
  positionSource.address,
  zeroAddress,
  0n,
]);
const feed = await viem.deployContract("MockV3Aggregator", [8, ETH_USD_2000]);
const usdc = await viem.deployContract("ERC20Mock", [6]);
const aavePool = await viem.deployContract("MockAavePool");
await guard.write.setFeedHeartbeat([feed.address, HEARTBEAT_SEC]);
await usdc.write.mint([treasury!.account.address, 1_000_000n]);

const band = (min: bigint, max: bigint, feedAddress: Address = feed.address) => ({
  feed: feedAddress,
  minAnswer: min,
  maxAnswer: max,
});

/** A plan of book `treasury-eth` computed at the latest block (or `planBlock`). */
async function planRef(planBlock?: bigint, id: Hex = planId, key: Hex = BOOK_KEY) {
  return {
    planId: id,
    bookKey: key,
    planBlock: planBlock ?? (await publicClient.getBlockNumber({ cacheTime: 0 })),
  };
}

/** checkOraclePremise as an eth_call: its answer or its revert, nothing recorded. */
async function simulateOraclePremise(deadline: bigint, oracle: ReturnType<typeof band>): Promise<bigint> {
  const { result } = await guard.simulate.checkOraclePremise([await planRef(), deadline, oracle]);
  return result;
}

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
      const answer = await simulateOraclePremise(deadline, band(1_900n * 10n ** 8n, 2_100n * 10n ** 8n));
      expect(answer).toBe(ETH_USD_2000);
    });

    it("rejects a plan whose deadline has passed, naming the plan", async () => {
      const deadline = (await latestTimestamp()) - 1n;
      const [id, gotDeadline] = await expectCustomError(
        simulateOraclePremise(deadline, band(0n, 10n ** 30n)),
        "HedgeGuardDeadlinePassed",
      );
      expect(id).toBe(planId);
      expect(gotDeadline).toBe(deadline);
    });

    it("rejects a plan whose oracle price left the band", async () => {
      const deadline = (await latestTimestamp()) + 600n;
      await expectCustomError(
        simulateOraclePremise(deadline, band(2_050n * 10n ** 8n, 2_100n * 10n ** 8n)),
        "HedgeGuardPriceOutOfBand",
        [planId, ETH_USD_2000, 2_050n * 10n ** 8n, 2_100n * 10n ** 8n],
      );
    });

    it("rejects an answer older than the heartbeat the owner set for that feed", async () => {
      await testClient.increaseTime({ seconds: Number(HEARTBEAT_SEC) + 1 });
      await testClient.mine({ blocks: 1 });
      const deadline = (await latestTimestamp()) + 600n;
      await expectCustomError(simulateOraclePremise(deadline, band(0n, 10n ** 30n)), "HedgeGuardOracleStale");
    });

    it("refuses a feed whose heartbeat was never configured, so a caller cannot choose its own freshness", async () => {
      const otherFeed = await viem.deployContract("MockV3Aggregator", [8, ETH_USD_2000]);
      const deadline = (await latestTimestamp()) + 600n;
      await expectCustomError(
        simulateOraclePremise(deadline, band(0n, 10n ** 30n, otherFeed.address)),
        "HedgeGuardFeedNotConfigured",
        [planId, getAddress(otherFeed.address)],
      );
    });

    it("rejects a zero oracle answer instead of acting on it", async () => {
      await feed.write.updateAnswer([0n]);
      const deadline = (await latestTimestamp()) + 600n;
      await expectCustomError(
        simulateOraclePremise(deadline, band(0n, 10n ** 30n)),
        "HedgeGuardOracleInvalidAnswer",
        [planId, getAddress(feed.address), 0n],
      );
    });

    it("rejects an empty band", async () => {
      const deadline = (await latestTimestamp()) + 600n;
      await expectCustomError(simulateOraclePremise(deadline, band(3n, 2n)), "HedgeGuardInvalidBand", [
        planId,
        3n,
        2n,
      ]);
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
            const call = simulateOraclePremise(deadline, band(min, max));
            if (answer >= min && answer <= max) expect(await call).toBe(answer);
            else await expectCustomError(call, "HedgeGuardPriceOutOfBand", [planId, answer, min, max]);
          },
        ),
        { numRuns: 60, seed: 42 },
      );
    });
  });

  describe("replay protection", () => {
    const wideBand = band(0n, 10n ** 30n);
    const deadlineSoon = async () => (await latestTimestamp()) + 600n;
    const admit = async (plan: Awaited<ReturnType<typeof planRef>>, account = treasury!.account) => {
      const hash = await guard.write.checkOraclePremise([plan, await deadlineSoon(), wideBand], { account });
      return publicClient.waitForTransactionReceipt({ hash });
    };

    it("admits a plan, records its block for its book and reports it with PlanAdmitted", async () => {
      const plan = await planRef();
      const receipt = await admit(plan);
      const [event] = parseEventLogs({ abi: guard.abi, logs: receipt.logs, eventName: "PlanAdmitted" });
      expect(event?.args).toEqual({
        treasury: getAddress(treasury!.account.address),
        bookKey: BOOK_KEY,
        planId,
        planBlock: plan.planBlock,
      });
      expect(await guard.read.lastPlanBlock([treasury!.account.address, BOOK_KEY])).toBe(plan.planBlock);
    });

    it("refuses the same plan a second time", async () => {
      const plan = await planRef();
      await admit(plan);
      await expectCustomError(admit(plan), "HedgeGuardPlanNotNewer", [
        planId,
        BOOK_KEY,
        plan.planBlock,
        plan.planBlock,
      ]);
    });

    it("refuses an older plan of the book after a newer one, and admits a newer one after it", async () => {
      const newer = await planRef();
      const older = await planRef(newer.planBlock - 1n, keccak256(toHex("plan-0")));
      await admit(newer);
      await expectCustomError(admit(older), "HedgeGuardPlanNotNewer", [
        older.planId,
        BOOK_KEY,
        older.planBlock,
        newer.planBlock,
      ]);
      const newest = await planRef(undefined, keccak256(toHex("plan-2")));
      expect(newest.planBlock).toBeGreaterThan(newer.planBlock);
      await admit(newest);
      expect(await guard.read.lastPlanBlock([treasury!.account.address, BOOK_KEY])).toBe(newest.planBlock);
    });

    it("refuses a plan from a future block, which would lock its book until then", async () => {
      const latest = await publicClient.getBlockNumber({ cacheTime: 0 });
      const [id, planBlock, blockNumber] = await expectCustomError(
        admit(await planRef(latest + 1_000n)),
        "HedgeGuardPlanFromFuture",
      );
      expect([id, planBlock]).toEqual([planId, latest + 1_000n]);
      expect(blockNumber).toBeLessThan(latest + 1_000n);
      expect(await guard.read.lastPlanBlock([treasury!.account.address, BOOK_KEY])).toBe(0n);
    });

    it("admits a plan computed at the current block", async () => {
      // The next block is the one the transaction is mined in.
      const next = (await publicClient.getBlockNumber({ cacheTime: 0 })) + 1n;
      await admit(await planRef(next));
      expect(await guard.read.lastPlanBlock([treasury!.account.address, BOOK_KEY])).toBe(next);
    });

    it("keeps a separate record for each book", async () => {
      const otherBook = bookKey("treasury-usdc");
      const ethPlan = await planRef();
      await admit(ethPlan);
      const usdcPlan = await planRef(ethPlan.planBlock - 1n, keccak256(toHex("usdc-plan")), otherBook);
      await admit(usdcPlan);
      expect(await guard.read.lastPlanBlock([treasury!.account.address, BOOK_KEY])).toBe(ethPlan.planBlock);
      expect(await guard.read.lastPlanBlock([treasury!.account.address, otherBook])).toBe(usdcPlan.planBlock);
    });

    it("keeps a separate record for each caller, so no one can block a treasury's book", async () => {
      const plan = await planRef();
      await admit(plan, stranger!.account);
      await admit(plan);
      expect(await guard.read.lastPlanBlock([stranger!.account.address, BOOK_KEY])).toBe(plan.planBlock);
      expect(await guard.read.lastPlanBlock([treasury!.account.address, BOOK_KEY])).toBe(plan.planBlock);
    });

    it("records nothing for a plan whose premise failed, so it can still run once it holds", async () => {
      const plan = await planRef();
      await expectCustomError(
        guard.write.checkOraclePremise([plan, await deadlineSoon(), band(1n, 2n)]),
        "HedgeGuardPriceOutOfBand",
      );
      expect(await guard.read.lastPlanBlock([treasury!.account.address, BOOK_KEY])).toBe(0n);
      await admit(plan);
    });

    it("admits a perp plan through checkPremise once, after its position premise holds", async () => {
      const baseToken: Address = "0x00000000000000000000000000000000000000b1";
      await positionSource.write.setTakerPositionSize([
        treasury!.account.address,
        baseToken,
        -5n * 10n ** 18n,
      ]);
      const expected = { baseToken, size: -5n * 10n ** 18n, tolerance: 0n };
      const plan = await planRef();
      const premise = async () => guard.write.checkPremise([plan, await deadlineSoon(), wideBand, expected]);
      await publicClient.waitForTransactionReceipt({ hash: await premise() });
      expect(await guard.read.lastPlanBlock([treasury!.account.address, BOOK_KEY])).toBe(plan.planBlock);
      await expectCustomError(premise(), "HedgeGuardPlanNotNewer", [
        planId,
        BOOK_KEY,
        plan.planBlock,
        plan.planBlock,
      ]);
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

  describe("Aave health factor", () => {
    const WAD = 10n ** 18n;
    const floor = (15n * WAD) / 10n;

    it("passes when the caller's health factor is at the floor or above, and when it has no debt", async () => {
      await aavePool.write.setHealthFactor([treasury!.account.address, floor]);
      await guard.read.checkHealthFactor([planId, aavePool.address, floor]);
      // Aave reports an account without debt as type(uint256).max.
      await aavePool.write.setHealthFactor([treasury!.account.address, 2n ** 256n - 1n]);
      await guard.read.checkHealthFactor([planId, aavePool.address, floor]);
    });

    it("names the plan, the pool, the health factor and the floor when it is below", async () => {
      await aavePool.write.setHealthFactor([treasury!.account.address, floor - 1n]);
      await expectCustomError(
        guard.read.checkHealthFactor([planId, aavePool.address, floor]),
        "HedgeGuardHealthFactorTooLow",
        [planId, getAddress(aavePool.address), floor - 1n, floor],
      );
    });

    it("judges the caller's own account, not the treasury's, when someone else calls", async () => {
      await aavePool.write.setHealthFactor([treasury!.account.address, 3n * WAD]);
      await guard.read.checkHealthFactor([planId, aavePool.address, floor]);
      await expectCustomError(
        guard.read.checkHealthFactor([planId, aavePool.address, floor], { account: stranger!.account }),
        "HedgeGuardHealthFactorTooLow",
        [planId, getAddress(aavePool.address), 0n, floor],
      );
    });

    it("refuses a zero pool instead of reading nothing", async () => {
      await expectCustomError(
        guard.read.checkHealthFactor([planId, zeroAddress, floor]),
        "HedgeGuardZeroAddress",
        [],
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
        viem.deployContract("HedgeGuard", [treasury!.account.address, zeroAddress, zeroAddress, 0n]),
        "HedgeGuardZeroAddress",
        [],
        guard.abi,
      );
    });
  });
});
