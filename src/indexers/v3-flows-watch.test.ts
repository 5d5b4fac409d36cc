import type { Address } from "viem";
import { describe, expect, it } from "vitest";
import type { ChangeLog } from "./book-changes.ts";
import { completeFromBlock } from "./v3-flows-watch.ts";

const NPM: Address = "0xC36442b4a4522E871399CD717aBDD847Ab11FE88";
const SAFE: Address = "0x00000000000000000000000000000000000005aF";
const OTHER: Address = "0x0000000000000000000000000000000000000Bad";
const ZERO: Address = "0x0000000000000000000000000000000000000000";

const transfer = (block: bigint, from: Address, to: Address, address: Address = NPM): ChangeLog => ({
  address,
  eventName: "Transfer",
  args: { from, to, tokenId: 7n },
  blockNumber: block,
  logIndex: 0,
});

describe("completeFromBlock", () => {
  it("keeps the scan's first block when no position left the Safe in the span (a mint or a receipt is held now)", () => {
    const logs = [transfer(1_005n, ZERO, SAFE), transfer(1_006n, OTHER, SAFE)];
    expect(completeFromBlock(logs, NPM, SAFE, 1_001n)).toBe(1_001n);
  });

  it("starts after the last position that left the Safe (sent away or burned): its flows before were not asked for", () => {
    const logs = [transfer(1_004n, SAFE, OTHER), transfer(1_009n, SAFE, ZERO), transfer(1_007n, ZERO, SAFE)];
    expect(completeFromBlock(logs, NPM, SAFE, 1_001n)).toBe(1_010n);
    // Another contract's Transfer from the Safe (an ERC-20) says nothing about its positions.
    expect(completeFromBlock([transfer(1_004n, SAFE, OTHER, OTHER)], NPM, SAFE, 1_001n)).toBe(1_001n);
  });
});
