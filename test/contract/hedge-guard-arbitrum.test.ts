import hre from "hardhat";
import { type Address, keccak256, toHex } from "viem";
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

async function guardOn(chainId: number) {
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
  const guard = await viem.deployContract("HedgeGuard", [treasury!.account.address, positionSource.address]);
  const feed = await viem.deployContract("MockV3Aggregator", [8, ETH_USD_2000]);
  await guard.write.setFeedHeartbeat([feed.address, 3_600n]);
  const admit = async (planBlock: bigint, label: string) => {
    const deadline = (await publicClient.getBlock()).timestamp + 600n;
    const plan = { planId: keccak256(toHex(label)), bookKey: BOOK_KEY, planBlock };
    const oracle = { feed: feed.address, minAnswer: 0n, maxAnswer: 10n ** 30n };
    await guard.simulate.checkOraclePremise([plan, deadline, oracle]);
    await guard.write.checkOraclePremise([plan, deadline, oracle]);
  };
  return { publicClient, arbSys, guard, admit, treasury: treasury!.account.address };
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
