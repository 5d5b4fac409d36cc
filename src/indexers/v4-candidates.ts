// Which PositionManager token ids may be the Safe's. v4's PositionManager is an ERC-721 without enumeration, so
// the candidates are the ids ever transferred to the Safe (mints included), from its Transfer logs: scanned once
// from the configured start block, then kept up to date from the logs each snapshot reads anyway. Candidates
// only: the snapshot keeps those whose ownerOf is the Safe at its block.
import type { Address, PublicClient } from "viem";
import { classifyChainError } from "../chain/classify-error.ts";
import { discoverV4TokenIds } from "./uniswap-v4-reads.ts";

export function createV4Candidates(
  client: PublicClient,
  input: { positionManager: Address; safe: Address; fromBlock: bigint },
) {
  const candidates = new Set<bigint>();
  /** The last block whose Transfer logs are in `candidates` (scanning resumes after it). */
  let scannedTo = input.fromBlock - 1n;
  return {
    /** Scans the Transfer logs not yet scanned up to `blockNumber` (one request per 50,000 blocks). */
    async scan(blockNumber: bigint, countRequest: () => void): Promise<bigint[]> {
      if (blockNumber > scannedTo) {
        const steps = (blockNumber - scannedTo + 49_999n) / 50_000n;
        for (let i = 0n; i < steps; i++) countRequest();
        const found = await discoverV4TokenIds(client, {
          positionManager: input.positionManager,
          owner: input.safe,
          fromBlock: scannedTo + 1n,
          toBlock: blockNumber,
        }).catch((error: unknown) => {
          throw classifyChainError(error);
        });
        for (const id of found) candidates.add(id);
        scannedTo = blockNumber;
      }
      return this.list();
    },
    /** Ids the logs of (scannedTo, blockNumber] showed arriving at the Safe. */
    received(ids: Iterable<bigint>, blockNumber: bigint): void {
      for (const id of ids) candidates.add(id);
      if (blockNumber > scannedTo) scannedTo = blockNumber;
    },
    list(): bigint[] {
      return [...candidates].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    },
  };
}
