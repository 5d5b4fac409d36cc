// Reads at one block that several readers make alike, sent once. A thousand books on a network belong to a hundred
// treasuries that read the same pools, feeds and perp market at every block (only each Safe's own position and
// balances differ): the node would execute the same calls a hundred times per block. A call pinned to a block is a
// pure function of that block's state, the contract and the calldata (Multicall3 is every sub-call's sender), so the
// first reader of a block sends it within its own round and the others take its outcome: no extra request, and a
// reader alone costs exactly what it did.
//
// The block's header, which every reader reads first, is shared the same way.
//
// A block is keyed by its number and the hash its reader saw before reading: a reader on a replacement block (a
// reorg) never takes the replaced block's outcomes, and every reader still checks afterwards that its block is
// canonical (book-indexer.ts). A failed request fails its waiting readers too (their snapshots are retried) and is
// forgotten, so the retry reads again.
import type { Abi, PublicClient } from "viem";
import { type ContractRead, type ReadOutcome, readAtBlock } from "./read-at-block.ts";

/** Blocks whose outcomes are kept: the newest, for readers of a block that arrive late. */
const BLOCKS_KEPT = 4;

export interface BlockRef {
  blockNumber: bigint;
  blockHash: string;
}

/** What a reader needs of a block's header. */
export interface BlockHeader {
  number: bigint | null;
  hash: `0x${string}` | null;
  parentHash: `0x${string}`;
  timestamp: bigint;
}

export interface SharedBlockReads {
  /**
   * The header of `blockNumber` as the first reader of it read it. A reader that finds the block replaced since
   * (its own header read after its reads differs) calls `forgetHeader`, so that its retry reads the header again.
   */
  headerAt(client: PublicClient, blockNumber: bigint): Promise<BlockHeader>;
  forgetHeader(blockNumber: bigint): void;
  /** readAtBlock(client, reads, { blockNumber }), each read sent only if no reader of this block has sent it. */
  readAtBlock(client: PublicClient, reads: readonly ContractRead[], block: BlockRef): Promise<ReadOutcome[]>;
  /** Reads (headers among them) sent, and those answered from another reader's (for tests and benchmarks). */
  readonly counts: { sent: number; shared: number };
}

export function createSharedBlockReads(): SharedBlockReads {
  const byBlock = new Map<string, Map<string, Promise<ReadOutcome>>>();
  const headers = new Map<bigint, Promise<BlockHeader>>();
  const counts = { sent: 0, shared: 0 };
  // ABIs are module constants: their identity (with the function name) says how a call is encoded and decoded.
  const abiIds = new WeakMap<Abi, number>();
  let abisSeen = 0;
  const idOf = (abi: Abi) => {
    let id = abiIds.get(abi);
    if (id === undefined) {
      abisSeen += 1;
      id = abisSeen;
      abiIds.set(abi, id);
    }
    return id;
  };
  const keyOf = (read: ContractRead) =>
    `${idOf(read.abi)}|${read.address.toLowerCase()}|${read.functionName}|${argsKey(read.args ?? [])}`;

  const blockMemo = ({ blockNumber, blockHash }: BlockRef) => {
    const key = `${blockNumber}:${blockHash.toLowerCase()}`;
    let memo = byBlock.get(key);
    if (memo === undefined) {
      memo = new Map();
      byBlock.set(key, memo);
      for (const old of byBlock.keys()) if (byBlock.size > BLOCKS_KEPT) byBlock.delete(old);
    }
    return memo;
  };

  return {
    counts,
    headerAt(client, blockNumber) {
      let header = headers.get(blockNumber);
      if (header === undefined) {
        counts.sent += 1;
        header = client.getBlock({ blockNumber });
        headers.set(blockNumber, header);
        // A failed read is not kept: the next reader asks again.
        header.catch(() => headers.delete(blockNumber));
        for (const old of headers.keys()) if (headers.size > BLOCKS_KEPT) headers.delete(old);
      } else {
        counts.shared += 1;
      }
      return header;
    },
    forgetHeader(blockNumber) {
      headers.delete(blockNumber);
    },
    async readAtBlock(client, reads, block) {
      const memo = blockMemo(block);
      const own: ContractRead[] = [];
      const settle: { resolve: (o: ReadOutcome) => void; reject: (e: unknown) => void; key: string }[] = [];
      const outcomes = reads.map((read) => {
        const key = keyOf(read);
        const known = memo.get(key);
        if (known !== undefined) {
          counts.shared += 1;
          return known;
        }
        let resolve!: (outcome: ReadOutcome) => void;
        let reject!: (error: unknown) => void;
        const promise = new Promise<ReadOutcome>((res, rej) => {
          resolve = res;
          reject = rej;
        });
        // A waiting reader handles the rejection; this reader does too, through Promise.all below.
        promise.catch(() => {});
        memo.set(key, promise);
        own.push(read);
        settle.push({ resolve, reject, key });
        return promise;
      });
      if (own.length > 0) {
        counts.sent += own.length;
        readAtBlock(client, own, { blockNumber: block.blockNumber }).then(
          (answered) => {
            for (const [i, outcome] of answered.entries()) settle[i]!.resolve(outcome);
          },
          (error: unknown) => {
            for (const { reject, key } of settle) {
              memo.delete(key);
              reject(error);
            }
          },
        );
      }
      return Promise.all(outcomes);
    },
  };
}

/** The arguments as a key (one function's parameter types fix how they encode, so their values say it all). */
function argsKey(args: readonly unknown[]): string {
  return JSON.stringify(args, (_, value) => (typeof value === "bigint" ? value.toString() : value));
}
