import { encodeAbiParameters, keccak256 } from "viem";
import { UNISWAP_V3_POOL_ABI } from "../chain/abis/uniswap-v3-abi.ts";
import { getTickAtSqrtRatio } from "../engine/tick-math.ts";
import { perpArtifact } from "./deploy-perp.ts";
import type { DevnetClient } from "./devnet-client.ts";
import type { DevnetManifest } from "./manifest.ts";
import { DevnetTransactionError } from "./transactions.ts";

// Perp v2's price limit, as Exchange 2.6.0 (@perp/curie-contract, the bytecode in @perp/curie-deployments)
// enforces it: a trade reverts with EX_OPLAS when it leaves the pool more than maxTickCrossedWithinBlock ticks from
// a reference tick. The reference is not the tick at the start of each block: settleFunding (the first step of
// every trade) sets it to the pool's tick only when block.timestamp >= the last refresh + _PRICE_LIMIT_INTERVAL
// (15 s), and keeps it otherwise. So whether two trades a block apart share one budget of ticks depends on the
// blocks' timestamps, which on the devnet follow the wall clock: a scenario step that moves the perp market picks
// its block's timestamp here, so the reference its trade is measured against is known when the trade is sized.

/** Exchange._PRICE_LIMIT_INTERVAL: the reference tick is refreshed at most this often. */
export const PERP_PRICE_LIMIT_INTERVAL_SEC = 15;

/**
 * Exchange's storage (ExchangeStorageV1, then V2) starts at this slot, after its upgradeable parents'. Private, so
 * read by slot; `readPerpPriceLimit` checks the layout against the public getMaxTickCrossedWithinBlock first.
 */
const EXCHANGE_STORAGE_BASE_SLOT = 205n;
const LAST_UPDATED_TICK_MAP = EXCHANGE_STORAGE_BASE_SLOT + 3n;
const MAX_TICK_CROSSED_WITHIN_BLOCK_MAP = EXCHANGE_STORAGE_BASE_SLOT + 7n;
const LAST_TICK_UPDATED_TIMESTAMP_MAP = EXCHANGE_STORAGE_BASE_SLOT + 9n;

export interface PerpPriceLimit {
  /** The tick the limit is measured from until the next refresh. */
  referenceTick: number;
  /** When the reference was last refreshed (block timestamp, seconds). */
  referenceTimestampSec: number;
  maxTickCrossedWithinBlock: number;
  /** The pool's tick now: the reference a trade in a refreshing block is measured from. */
  currentTick: number;
  /** The latest block's timestamp: the next block's is later. */
  latestTimestampSec: number;
}

/** Perp's price-limit state for the market's base token, all read at the latest block. */
export async function readPerpPriceLimit(
  client: DevnetClient,
  perp: DevnetManifest["contracts"]["perp"],
): Promise<PerpPriceLimit> {
  const block = await client.publicClient.getBlock({ blockTag: "latest" });
  const slotValue = async (mapSlot: bigint) => {
    const slot = keccak256(
      encodeAbiParameters([{ type: "address" }, { type: "uint256" }], [perp.baseToken, mapSlot]),
    );
    const value = await client.publicClient.getStorageAt({
      address: perp.exchange,
      slot,
      blockNumber: block.number,
    });
    return BigInt(value ?? 0n);
  };
  const [maxTick, storedMaxTick, referenceTick, referenceTimestampSec, slot0] = await Promise.all([
    client.publicClient.readContract({
      address: perp.exchange,
      abi: perpArtifact("Exchange").abi,
      functionName: "getMaxTickCrossedWithinBlock",
      args: [perp.baseToken],
      blockNumber: block.number,
    }) as Promise<number>,
    slotValue(MAX_TICK_CROSSED_WITHIN_BLOCK_MAP),
    slotValue(LAST_UPDATED_TICK_MAP),
    slotValue(LAST_TICK_UPDATED_TIMESTAMP_MAP),
    client.publicClient.readContract({
      address: perp.pool,
      abi: UNISWAP_V3_POOL_ABI,
      functionName: "slot0",
      blockNumber: block.number,
    }),
  ]);
  if (storedMaxTick !== BigInt(maxTick))
    throw new DevnetTransactionError(
      `Perp Exchange ${perp.exchange}: storage slot ${MAX_TICK_CROSSED_WITHIN_BLOCK_MAP} holds ${storedMaxTick}, not getMaxTickCrossedWithinBlock's ${maxTick}: not Exchange 2.6.0's layout`,
    );
  return {
    referenceTick: Number(BigInt.asIntN(24, referenceTick)),
    referenceTimestampSec: Number(referenceTimestampSec),
    maxTickCrossedWithinBlock: maxTick,
    currentTick: slot0[1],
    latestTimestampSec: Number(block.timestamp),
  };
}

/**
 * The timestamp to mine a block at whose only perp trade takes the market to `targetSqrtPriceX96`, so that Perp
 * measures the trade from a reference it fits: undefined when it fits whether or not the block refreshes the
 * reference (any timestamp will do). Otherwise the trader waits out the interval (the block at the refresh, the
 * reference then the tick the step read), or trades before it ends (the next second, the old reference kept).
 * Throws when neither reference leaves room for the move: it needs more than one step.
 */
export function perpMoveBlockTimestamp(
  limit: PerpPriceLimit,
  targetSqrtPriceX96: bigint,
): number | undefined {
  // The swap stops at the price limit: the pool ends at the tick of the target price.
  const targetTick = getTickAtSqrtRatio(targetSqrtPriceX96);
  const fits = (reference: number) => Math.abs(targetTick - reference) <= limit.maxTickCrossedWithinBlock;
  const refreshesAtSec = limit.referenceTimestampSec + PERP_PRICE_LIMIT_INTERVAL_SEC;
  const nextSec = limit.latestTimestampSec + 1;
  const fitsFresh = fits(limit.currentTick);
  const fitsKept = fits(limit.referenceTick);
  if (nextSec >= refreshesAtSec) {
    if (fitsFresh) return undefined;
  } else {
    if (fitsFresh && fitsKept) return undefined;
    if (fitsFresh) return refreshesAtSec;
    if (fitsKept) return nextSec;
  }
  throw new DevnetTransactionError(
    `a perp move to tick ${targetTick} is more than maxTickCrossedWithinBlock (${limit.maxTickCrossedWithinBlock}) from tick ${limit.currentTick} (now)${nextSec < refreshesAtSec ? ` and from Perp's reference tick ${limit.referenceTick}` : ""}: split it across steps`,
  );
}
