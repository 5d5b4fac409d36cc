import hre from "hardhat";
import { type Address, getAddress, keccak256, toHex, zeroAddress } from "viem";
import { describe, expect, it } from "vitest";
import { bookKey } from "../../src/execution/book-key.ts";
import { expectCustomError } from "../support/custom-error.ts";

// HedgeGuard's replay protection on Arbitrum. There `block.number` is an estimate of Ethereum's block number
// (~21M while the chain's own blocks are past 300M, and it stands still for many L2 blocks), while the keeper's
// plan blocks are the chain's own (eth_blockNumber = ArbSys.arbBlockNumber). Compared with `block.number`, every
// Arbitrum plan would be "from the future" and refused. An in-process chain with Arbitrum One's chain id and a
// stand-in ArbSys at address 100 (Hardhat has no Arbitrum precompiles) holds the two numbers apart as Arbitrum does.
const ARB_SYS: Address = "0x0000000000000000000000000000000000000064";
const BOOK_KEY = bookKey("treasury-eth");
const ETH_USD_2000 = 2_000n * 10n ** 8n;
/** An Arbitrum One L2 block number of late 2025: far above any L1 block number. */
const L2_BLOCK = 300_000_000n;

/** Chainlink's recommended grace period after the sequencer comes back. */
const GRACE_SEC = 3_600n;

async function guardOn(chainId: number, options: { sequencerFeed?: boolean } = {}) {
  const { viem } = await hre.network.connect({ override: { chainId } });
  const publicClient = await viem.getPublicClient();
  const testClient = await viem.getTestClient();
  const [treasury] = await viem.getWalletClients();
  // The stand-in's code at ArbSys's address; its state is set through that address.
  const template = await viem.deployContract("MockArbSys");
  await testClient.setCode({
    address: ARB_SYS,
    bytecode: (await publicClient.getCode({ address: template.address }))!,
  });
  const arbSys = await viem.getContractAt("MockArbSys", ARB_SYS);
  const positionSource = await viem.deployContract("MockPerpAccountBalance");
  // Chainlink's uptime feeds answer 0 (up) or 1 (down), with `startedAt` the time that status began.
  const sequencer = await viem.deployContract("MockV3Aggregator", [0, 0n]);
  const guard = await viem.deployContract("HedgeGuard", [
    treasury!.account.address,
    positionSource.address,
    options.sequencerFeed === true ? sequencer.address : zeroAddress,
    options.sequencerFeed === true ? GRACE_SEC : 0n,
  ]);
  const feed = await viem.deployContract("MockV3Aggregator", [8, ETH_USD_2000]);
  await guard.write.setFeedHeartbeat([feed.address, 3_600n]);
  const admit = async (planBlock: bigint, label: string) => {
    const deadline = (await publicClient.getBlock()).timestamp + 600n;
    const plan = { planId: keccak256(toHex(label)), bookKey: BOOK_KEY, planBlock };
    const oracle = { feed: feed.address, minAnswer: 0n, maxAnswer: 10n ** 30n };
    await guard.simulate.checkOraclePremise([plan, deadline, oracle]);
    await guard.write.checkOraclePremise([plan, deadline, oracle]);
  };
  /** The sequencer's status (0 up, 1 down) since `startedAt` (unix seconds). */
  const setSequencer = async (answer: bigint, startedAt: bigint) => {
    await sequencer.write.updateRoundData([2n, answer, startedAt, startedAt]);
  };
  const now = async () => (await publicClient.getBlock()).timestamp;
  return {
    publicClient,
    arbSys,
    guard,
    admit,
    sequencer,
    setSequencer,
    now,
    treasury: treasury!.account.address,
  };
}

describe("HedgeGuard on Arbitrum: plan blocks are L2 block numbers (ArbSys), not block.number", () => {
  it("admits a plan of the current L2 block although block.number (L1's estimate) is far below it", async () => {
    const { publicClient, arbSys, guard, admit, treasury } = await guardOn(42_161);
    await arbSys.write.setArbBlockNumber([L2_BLOCK]);
    expect(await publicClient.getBlockNumber()).toBeLessThan(L2_BLOCK);
    await admit(L2_BLOCK, "at the L2 head");
    expect(await guard.read.lastPlanBlock([treasury, BOOK_KEY])).toBe(L2_BLOCK);
  });

  it("refuses a plan from a later L2 block, naming the L2 block it compared with", async () => {
    const { arbSys, admit } = await guardOn(42_161);
    await arbSys.write.setArbBlockNumber([L2_BLOCK]);
    const [, planBlock, current] = await expectCustomError(
      admit(L2_BLOCK + 1n, "ahead"),
      "HedgeGuardPlanFromFuture",
    );
    expect(planBlock).toBe(L2_BLOCK + 1n);
    expect(current).toBe(L2_BLOCK);
  });

  it("admits plans of consecutive L2 blocks, in order, and never one twice (L1's estimate would stand still)", async () => {
    const { arbSys, admit } = await guardOn(42_161);
    await arbSys.write.setArbBlockNumber([L2_BLOCK]);
    await admit(L2_BLOCK, "first");
    await arbSys.write.setArbBlockNumber([L2_BLOCK + 1n]);
    await admit(L2_BLOCK + 1n, "second");
    await expectCustomError(admit(L2_BLOCK + 1n, "second again"), "HedgeGuardPlanNotNewer");
    await expectCustomError(admit(L2_BLOCK, "first again"), "HedgeGuardPlanNotNewer");
  });

  it("on a chain that is not Arbitrum compares with block.number and ignores whatever sits at address 100", async () => {
    const { publicClient, arbSys, admit } = await guardOn(31_337);
    await arbSys.write.setArbBlockNumber([L2_BLOCK]);
    const head = await publicClient.getBlockNumber({ cacheTime: 0 });
    // The plan is mined in the next block, so `head + 1` is current when it runs; `head + 5` is not.
    await expectCustomError(admit(head + 5n, "ahead of block.number"), "HedgeGuardPlanFromFuture");
    await expectCustomError(admit(L2_BLOCK, "ArbSys's number"), "HedgeGuardPlanFromFuture");
    await admit(await publicClient.getBlockNumber({ cacheTime: 0 }), "at block.number");
  });
});

describe("HedgeGuard on an L2 with Chainlink's sequencer uptime feed: no plan while the sequencer is down or in grace", () => {
  const planIdOf = (label: string) => keccak256(toHex(label));

  it("admits a plan once the sequencer has been up for longer than the grace period", async () => {
    const { arbSys, guard, admit, setSequencer, now, sequencer, treasury } = await guardOn(42_161, {
      sequencerFeed: true,
    });
    await arbSys.write.setArbBlockNumber([L2_BLOCK]);
    await setSequencer(0n, (await now()) - GRACE_SEC - 60n);
    await admit(L2_BLOCK, "up past grace");
    expect(await guard.read.lastPlanBlock([treasury, BOOK_KEY])).toBe(L2_BLOCK);
    expect(await guard.read.sequencerUptimeFeed()).toEqual([getAddress(sequencer.address), GRACE_SEC]);
  });

  it("refuses a plan while the feed reports the sequencer down, naming the feed and its round", async () => {
    const { arbSys, guard, admit, setSequencer, now, sequencer, treasury } = await guardOn(42_161, {
      sequencerFeed: true,
    });
    await arbSys.write.setArbBlockNumber([L2_BLOCK]);
    // Down for two hours: past any grace period, still refused.
    const downSince = (await now()) - 2n * GRACE_SEC;
    await setSequencer(1n, downSince);
    await expectCustomError(admit(L2_BLOCK, "while down"), "HedgeGuardSequencerDown", [
      planIdOf("while down"),
      getAddress(sequencer.address),
      1n,
      downSince,
    ]);
    expect(await guard.read.lastPlanBlock([treasury, BOOK_KEY])).toBe(0n);
  });

  it("refuses a plan within the grace period after the sequencer came back, then admits it after", async () => {
    const { arbSys, admit, setSequencer, now } = await guardOn(42_161, { sequencerFeed: true });
    await arbSys.write.setArbBlockNumber([L2_BLOCK]);
    const upSince = (await now()) - GRACE_SEC / 2n;
    await setSequencer(0n, upSince);
    await expectCustomError(admit(L2_BLOCK, "in grace"), "HedgeGuardSequencerGracePeriod", [
      planIdOf("in grace"),
      upSince,
      GRACE_SEC,
    ]);
    await setSequencer(0n, upSince - GRACE_SEC);
    await admit(L2_BLOCK, "after grace");
  });

  it("refuses a plan while the feed has no round yet (startedAt 0 is not proof the sequencer is up)", async () => {
    const { arbSys, admit, setSequencer } = await guardOn(42_161, { sequencerFeed: true });
    await arbSys.write.setArbBlockNumber([L2_BLOCK]);
    await setSequencer(0n, 0n);
    await expectCustomError(admit(L2_BLOCK, "no round"), "HedgeGuardSequencerDown");
  });

  it("without a feed (an L1 deployment) does not consult one", async () => {
    const { arbSys, admit, setSequencer, now } = await guardOn(42_161);
    await arbSys.write.setArbBlockNumber([L2_BLOCK]);
    await setSequencer(1n, await now());
    await admit(L2_BLOCK, "no feed configured");
  });
});
