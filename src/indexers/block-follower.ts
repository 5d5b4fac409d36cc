import type { PublicClient } from "viem";
import { classifyChainError } from "../chain/classify-error.ts";
import { InconsistentBlockError } from "../chain/errors.ts";
import type { CheckpointStore } from "./checkpoint-store.ts";
import { type BlockHeader, HeaderChain } from "./header-chain.ts";

export interface BlockEvent {
  header: BlockHeader;
  /** The chain head when this block was processed. */
  headNumber: bigint;
  /** At least `confirmations` deep: safe to act on. */
  confirmed: boolean;
  /** First seen when already deeper than `confirmations` (catch-up after downtime): history, not a trigger. */
  backfilled: boolean;
}

export interface ReorgEvent {
  /** Blocks that are no longer canonical, lowest first: anything derived from them must be re-read. */
  orphaned: BlockHeader[];
  /** The highest block both branches share. */
  commonAncestor: bigint;
}

export interface BlockFollowerOptions {
  client: PublicClient;
  checkpoints: CheckpointStore;
  /** Where to begin when there is no checkpoint (defaults to the head at first tick). */
  startBlock?: bigint;
  confirmations: number;
  /** How many recent headers to keep for reorg detection (the deepest reorg survivable). */
  maxReorgDepth: number;
  /** Bound on blocks processed per tick, so catching up never starves the loop. */
  maxBlocksPerTick: number;
  onBlock(event: BlockEvent): Promise<void>;
  onReorg(event: ReorgEvent): Promise<void>;
}

export interface TickResult {
  headNumber: bigint;
  processed: number;
  reorgs: number;
  /** Blocks still to index after this tick (a bounded catch-up continues on the next tick). */
  behind: bigint;
}

/** A reorg deeper than the kept window: the follower cannot tell what to re-read. */
export class DeepReorgError extends InconsistentBlockError {
  override name = "DeepReorgError";
}

/**
 * Follows the chain block by block: every canonical block is delivered once and in order; a reorg is
 * detected from the parent-hash links, reported with the orphaned blocks, and the new branch is read;
 * the last headers are checkpointed after each tick, so a restart resumes where it stopped, back-filling
 * (and flagging) what it missed. Call `tick()` from a poll loop or on each new-head notification.
 */
export function createBlockFollower(options: BlockFollowerOptions) {
  let chain: HeaderChain | undefined;

  const fetchHeader = async (number: bigint): Promise<BlockHeader> => {
    try {
      const block = await options.client.getBlock({ blockNumber: number });
      if (block.hash === null) throw new InconsistentBlockError(`block ${number} has no hash yet`);
      return {
        number: block.number,
        hash: block.hash,
        parentHash: block.parentHash,
        timestamp: block.timestamp,
      };
    } catch (error) {
      throw classifyChainError(error);
    }
  };

  const restore = async (): Promise<HeaderChain> => {
    const saved = await options.checkpoints.load();
    return new HeaderChain(options.maxReorgDepth, saved ?? []);
  };

  /** Walk back from `below` until a fetched header matches what we hold; return orphaned headers. */
  const resolveReorg = async (current: HeaderChain, below: bigint): Promise<ReorgEvent> => {
    let number = below;
    for (;;) {
      const held = current.at(number);
      if (held === undefined) {
        throw new DeepReorgError(`reorg deeper than the ${options.maxReorgDepth}-block window`, {
          details: { at: number.toString() },
        });
      }
      const canonical = await fetchHeader(number);
      if (canonical.hash === held.hash) {
        return { orphaned: current.truncateFrom(number + 1n), commonAncestor: number };
      }
      number -= 1n;
    }
  };

  async function tick(): Promise<TickResult> {
    chain ??= await restore();
    let headNumber: bigint;
    try {
      headNumber = await options.client.getBlockNumber({ cacheTime: 0 });
    } catch (error) {
      throw classifyChainError(error);
    }
    const tip = chain.tip;
    let next = tip === undefined ? (options.startBlock ?? headNumber) : tip.number + 1n;
    let processed = 0;
    let reorgs = 0;

    // A head that went backwards below our tip is itself a reorg to a shorter chain: re-check the tip.
    if (tip !== undefined && headNumber < tip.number) {
      const event = await resolveReorg(chain, headNumber);
      reorgs += 1;
      await options.onReorg(event);
      next = event.commonAncestor + 1n;
    }

    const lastThisTick =
      headNumber < next + BigInt(options.maxBlocksPerTick) - 1n
        ? headNumber
        : next + BigInt(options.maxBlocksPerTick) - 1n;
    while (next <= lastThisTick) {
      const header = await fetchHeader(next);
      const step = chain.classify(header);
      if (step.kind === "reorg") {
        const event = await resolveReorg(chain, header.number - 1n);
        reorgs += 1;
        await options.onReorg(event);
        next = event.commonAncestor + 1n;
        continue;
      }
      if (step.kind === "extends") {
        chain.append(header);
        const depth = headNumber - header.number;
        await options.onBlock({
          header,
          headNumber,
          confirmed: depth >= BigInt(options.confirmations),
          // First seen only after it was already confirmed: the live moment to act on it has passed.
          backfilled: depth > BigInt(options.confirmations),
        });
        processed += 1;
      }
      next += 1n;
    }
    await options.checkpoints.save(chainHeaders(chain));
    return { headNumber, processed, reorgs, behind: headNumber >= next ? headNumber - next + 1n : 0n };
  }

  return {
    tick,
    get tip() {
      return chain?.tip;
    },
  };
}

function chainHeaders(chain: HeaderChain): BlockHeader[] {
  const tip = chain.tip;
  if (tip === undefined) return [];
  const headers: BlockHeader[] = [];
  for (let number = tip.number; ; number -= 1n) {
    const header = chain.at(number);
    if (header === undefined) break;
    headers.unshift(header);
  }
  return headers;
}
