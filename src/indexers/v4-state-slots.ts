// Where the PoolManager keeps a pool's ticks and positions, so the main round reads them straight from its storage
// in a few PoolManager.extsload(bytes32[]) calls instead of one StateView call per tick and per position (each of
// which is a call into StateView and a call back into the PoolManager). The layout is v4-core's StateLibrary:
// `pools` is the mapping at slot 6; a pool's state struct starts at keccak256(poolId ‖ 6); its `ticks` mapping is
// at that slot + 4 and its `positions` mapping at + 6. A Tick.Info is [liquidityGross ‖ liquidityNet,
// feeGrowthOutside0X128, feeGrowthOutside1X128]; a Position.State is [liquidity, feeGrowthInside0LastX128,
// feeGrowthInside1LastX128], keyed by keccak256(owner ‖ tickLower ‖ tickUpper ‖ salt).
import { type Address, encodeAbiParameters, encodePacked, type Hex, keccak256, numberToHex } from "viem";
import { POOL_MANAGER_V4_ABI } from "../chain/abis/uniswap-v4-abi.ts";
import { MalformedReturnDataError } from "../chain/errors.ts";
import type { ReadOutcome } from "../chain/read-at-block.ts";
import type { ReadBatch, ReadSlot } from "../chain/read-batch.ts";
import { typedRead } from "../chain/typed-read.ts";

const POOLS_SLOT = 6n;
const TICKS_OFFSET = 4n;
const POSITIONS_OFFSET = 6n;

const plus = (slot: Hex, offset: bigint): Hex => numberToHex(BigInt(slot) + offset, { size: 32 });

/** keccak256(abi.encodePacked(poolId, POOLS_SLOT)): where a pool's state struct starts. */
export function poolStateSlot(poolId: Hex): Hex {
  return keccak256(encodeAbiParameters([{ type: "bytes32" }, { type: "uint256" }], [poolId, POOLS_SLOT]));
}

/** The two slots of a tick's fee growth outside (token0, token1): Tick.Info's second and third words. */
export function tickFeeGrowthOutsideSlots(poolId: Hex, tick: number): [Hex, Hex] {
  const ticksMapping = plus(poolStateSlot(poolId), TICKS_OFFSET);
  const info = keccak256(
    encodeAbiParameters([{ type: "int256" }, { type: "bytes32" }], [BigInt(tick), ticksMapping]),
  );
  return [plus(info, 1n), plus(info, 2n)];
}

/** The three slots of a position's state: liquidity, fee growth inside last (token0, token1). */
export function positionStateSlots(
  poolId: Hex,
  position: { owner: Address; tickLower: number; tickUpper: number; salt: Hex },
): [Hex, Hex, Hex] {
  const positionKey = keccak256(
    encodePacked(
      ["address", "int24", "int24", "bytes32"],
      [position.owner, position.tickLower, position.tickUpper, position.salt],
    ),
  );
  const positionsMapping = plus(poolStateSlot(poolId), POSITIONS_OFFSET);
  const state = keccak256(
    encodeAbiParameters([{ type: "bytes32" }, { type: "bytes32" }], [positionKey, positionsMapping]),
  );
  return [state, plus(state, 1n), plus(state, 2n)];
}

/** Slots per extsload call: one cold SLOAD (2,100 gas) each, about 1.2M gas a call, well within a batch. */
export const SLOTS_PER_EXTSLOAD = 512;
const GAS_PER_SLOT = 2_300;
const GAS_PER_EXTSLOAD = 10_000;

/**
 * Adds PoolManager.extsload reads of `slots` (in calls of at most SLOTS_PER_EXTSLOAD) to the round; the function
 * returns each slot's word as an unsigned integer, in the order asked.
 */
export function addSlotReads(
  batch: ReadBatch,
  poolManager: Address,
  slots: readonly Hex[],
): (outcomes: readonly ReadOutcome[]) => bigint[] {
  const chunks: ReadSlot<readonly Hex[]>[] = [];
  const sizes: number[] = [];
  for (let from = 0; from < slots.length; from += SLOTS_PER_EXTSLOAD) {
    const chunk = slots.slice(from, from + SLOTS_PER_EXTSLOAD);
    sizes.push(chunk.length);
    chunks.push(
      batch.add(
        typedRead({
          address: poolManager,
          abi: POOL_MANAGER_V4_ABI,
          functionName: "extsload",
          args: [chunk],
          gasHint: GAS_PER_EXTSLOAD + GAS_PER_SLOT * chunk.length,
        }),
        `PoolManager.extsload(${chunk.length} slots from ${from})`,
      ),
    );
  }
  return (outcomes) =>
    chunks.flatMap((slot, i) => {
      const words = slot.value(outcomes);
      if (words.length !== sizes[i]) {
        throw new MalformedReturnDataError(
          `PoolManager.extsload returned ${words.length} words for ${sizes[i]} slots`,
          { details: { address: poolManager } },
        );
      }
      return words.map((word) => BigInt(word));
    });
}
