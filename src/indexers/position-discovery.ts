// Which position NFTs the Safe holds, from the position manager's ERC-721 enumeration. One round reads the balance
// and, speculatively, a few more ids than were there last time: enough to save a second round when few were added.
import type { Address } from "viem";
import { POSITION_MANAGER_ABI } from "../chain/abis/uniswap-v3-abi.ts";
import type { ContractRead, ReadOutcome } from "../chain/read-at-block.ts";
import { createReadBatch } from "../chain/read-batch.ts";
import { typedRead } from "../chain/typed-read.ts";

/** How many token ids past the last known count to read speculatively, saving a round when few were added. */
const DISCOVERY_SLACK = 4;

export function createPositionDiscovery(input: { positionManager: Address; safe: Address }) {
  const { positionManager, safe } = input;
  const tokenIdAt = (index: number) =>
    typedRead({
      address: positionManager,
      abi: POSITION_MANAGER_ABI,
      functionName: "tokenOfOwnerByIndex",
      args: [safe, BigInt(index)],
    });
  let knownCount = 0;
  return {
    async discover(read: (reads: readonly ContractRead[]) => Promise<ReadOutcome[]>): Promise<bigint[]> {
      const speculative = knownCount + DISCOVERY_SLACK;
      const batch = createReadBatch();
      const balance = batch.add(
        typedRead({
          address: positionManager,
          abi: POSITION_MANAGER_ABI,
          functionName: "balanceOf",
          args: [safe],
        }),
        "positionManager.balanceOf(safe)",
      );
      const ids = Array.from({ length: speculative }, (_, i) =>
        batch.add(tokenIdAt(i), `tokenOfOwnerByIndex(${i})`),
      );
      const outcomes = await read(batch.reads);
      const count = Number(balance.value(outcomes));
      let tokenIds: bigint[];
      if (count <= speculative) {
        tokenIds = ids.slice(0, count).map((slot) => slot.value(outcomes));
      } else {
        const rest = createReadBatch();
        const all = Array.from({ length: count }, (_, i) =>
          rest.add(tokenIdAt(i), `tokenOfOwnerByIndex(${i})`),
        );
        const more = await read(rest.reads);
        tokenIds = all.map((slot) => slot.value(more));
      }
      knownCount = count;
      return tokenIds;
    },
  };
}
