import {
  type Address,
  createPublicClient,
  custom,
  encodeAbiParameters,
  numberToHex,
  pad,
  toEventSelector,
} from "viem";
import { describe, expect, it } from "vitest";
import { inChainOrder } from "./log-order.ts";
import { blockRanges, createLogWatch, scanStart } from "./log-watch.ts";
import { FUNDING_PAYMENT_SETTLED_EVENT } from "./perp-funding-settlements.ts";

const CLEARING_HOUSE: Address = "0x82ac2CE43e33683c58BE4cDc40975E73aA50f459";
const SAFE: Address = "0x1111111111111111111111111111111111111111";
const VETH: Address = "0x8C835DFaA34e2AE61775e80EE29E2c724c6AE2BB";

describe("scanStart", () => {
  const max = 2_000n;
  it("continues from the block after the last complete snapshot, and a block read again over the same span", () => {
    const last = { fromBlock: 91n, toBlock: 100n };
    expect(scanStart({ blockNumber: 105n, last, resumeFromBlock: 50n, maxScanBlocks: max })).toBe(101n);
    expect(scanStart({ blockNumber: 100n, last, resumeFromBlock: 50n, maxScanBlocks: max })).toBe(91n);
    // An older block, or one beyond the range from the last look: that block alone.
    expect(scanStart({ blockNumber: 99n, last, resumeFromBlock: 50n, maxScanBlocks: max })).toBe(99n);
    expect(scanStart({ blockNumber: 2_101n, last, resumeFromBlock: 50n, maxScanBlocks: max })).toBe(2_101n);
    expect(scanStart({ blockNumber: 2_100n, last, resumeFromBlock: 50n, maxScanBlocks: max })).toBe(101n);
  });

  it("resumes a cold watch from the resume block when the span is within the limit, else reads the block alone", () => {
    const cold = { last: undefined, maxScanBlocks: max };
    // Positive control: without a resume block a cold watch reads the snapshot's block alone (before the restart).
    expect(scanStart({ ...cold, blockNumber: 500n, resumeFromBlock: undefined })).toBe(500n);
    expect(scanStart({ ...cold, blockNumber: 500n, resumeFromBlock: 401n })).toBe(401n);
    // [1, 2_000] is 2,000 blocks: within; [1, 2_001] is not, and the step stays uncovered.
    expect(scanStart({ ...cold, blockNumber: 2_000n, resumeFromBlock: 1n })).toBe(1n);
    expect(scanStart({ ...cold, blockNumber: 2_001n, resumeFromBlock: 1n })).toBe(2_001n);
    // A resume block after the snapshot's (an older block evaluated again): nothing to resume.
    expect(scanStart({ ...cold, blockNumber: 500n, resumeFromBlock: 501n })).toBe(500n);
  });
});

describe("blockRanges", () => {
  it("cuts a span into consecutive ranges of at most the node's limit, covering every block once", () => {
    expect(blockRanges(10n, 34n, 10n)).toEqual([
      { fromBlock: 10n, toBlock: 19n },
      { fromBlock: 20n, toBlock: 29n },
      { fromBlock: 30n, toBlock: 34n },
    ]);
    expect(blockRanges(7n, 7n, 10n)).toEqual([{ fromBlock: 7n, toBlock: 7n }]);
  });

  it("refuses a non-positive limit and an empty span, naming them", () => {
    expect(() => blockRanges(1n, 2n, 0n)).toThrow(/maxBlocksPerGetLogs must be positive, got 0/);
    expect(() => blockRanges(3n, 2n, 10n)).toThrow(/empty block range \[3, 2\]/);
  });
});

/**
 * A mock node (the unit tier has no chain): answers eth_getLogs with one FundingPaymentSettled for the Safe in each
 * block of the range it holds, and records the ranges asked for.
 */
function mockNodeWithSettlementsIn(blocks: readonly bigint[]) {
  const asked: { fromBlock: bigint; toBlock: bigint }[] = [];
  const client = createPublicClient({
    transport: custom({
      async request({ method, params }) {
        if (method !== "eth_getLogs")
          throw new Error(`the mock node answers eth_getLogs only, not ${method}`);
        const [filter] = params as [{ fromBlock: `0x${string}`; toBlock: `0x${string}` }];
        const range = { fromBlock: BigInt(filter.fromBlock), toBlock: BigInt(filter.toBlock) };
        asked.push(range);
        return blocks
          .filter((b) => b >= range.fromBlock && b <= range.toBlock)
          .map((b) => ({
            address: CLEARING_HOUSE,
            topics: [toEventSelector(FUNDING_PAYMENT_SETTLED_EVENT), pad(SAFE), pad(VETH)],
            data: encodeAbiParameters([{ type: "int256" }], [-5n]),
            blockNumber: numberToHex(b),
            blockHash: pad(numberToHex(b)),
            logIndex: "0x0",
            transactionHash: pad(numberToHex(b + 1_000n)),
            transactionIndex: "0x0",
            removed: false,
          }));
      },
    }),
  });
  return { client, asked };
}

describe("createLogWatch", () => {
  const watchOn = (client: ReturnType<typeof mockNodeWithSettlementsIn>["client"]) =>
    createLogWatch({
      client,
      addresses: [CLEARING_HOUSE],
      events: [FUNDING_PAYMENT_SETTLED_EVENT],
      maxScanBlocks: 100n,
      maxBlocksPerGetLogs: 10n,
    });
  let requests = 0;
  const countRequest = () => {
    requests += 1;
  };

  it("reads a cold watch's resumed span in getLogs of at most the node's range, and finds the events in it", async () => {
    const node = mockNodeWithSettlementsIn([1_003n, 1_012n, 1_024n]);
    const watch = watchOn(node.client);
    requests = 0;
    const scan = await watch.scan(1_024n, undefined, countRequest, { resumeFromBlock: 1_001n });
    expect(scan.scannedFromBlock).toBe(1_001n);
    expect(node.asked).toEqual([
      { fromBlock: 1_001n, toBlock: 1_010n },
      { fromBlock: 1_011n, toBlock: 1_020n },
      { fromBlock: 1_021n, toBlock: 1_024n },
    ]);
    expect(requests).toBe(3);
    expect([...scan.logs].sort(inChainOrder).map((l) => [l.eventName, l.blockNumber])).toEqual([
      ["FundingPaymentSettled", 1_003n],
      ["FundingPaymentSettled", 1_012n],
      ["FundingPaymentSettled", 1_024n],
    ]);
    expect(scan.logs[0]!.args).toMatchObject({ trader: SAFE, baseToken: VETH, fundingPayment: -5n });
  });

  it("builds on a snapshot only once it is remembered as complete", async () => {
    const node = mockNodeWithSettlementsIn([1_026n]);
    const watch = watchOn(node.client);
    await watch.scan(1_020n, undefined, countRequest);
    // Not remembered (the snapshot failed after the scan): the next one does not take the span as looked at.
    const afterIncomplete = await watch.scan(1_030n, undefined, countRequest);
    expect(afterIncomplete.scannedFromBlock).toBe(1_030n);
    expect(afterIncomplete.logs).toEqual([]);
    watch.remember(1_020n, 1_020n);
    const afterComplete = await watch.scan(1_030n, undefined, countRequest);
    expect(afterComplete.scannedFromBlock).toBe(1_021n);
    expect(afterComplete.logs.map((l) => l.blockNumber)).toEqual([1_026n]);
    // An older snapshot remembered late does not move the watch back.
    watch.remember(1_030n, 1_021n);
    watch.remember(1_025n, 1_025n);
    expect((await watch.scan(1_031n, undefined, countRequest)).scannedFromBlock).toBe(1_031n);
  });

  it("takes a shared getLogs' logs and span as they are, asking the node nothing", async () => {
    const node = mockNodeWithSettlementsIn([1_026n]);
    const watch = watchOn(node.client);
    requests = 0;
    const scan = await watch.scan(1_030n, { fromBlock: 1_021n, logs: [] }, countRequest, {
      resumeFromBlock: 900n,
    });
    expect(scan).toEqual({ scannedFromBlock: 1_021n, logs: [] });
    expect([node.asked, requests]).toEqual([[], 0]);
  });
});
