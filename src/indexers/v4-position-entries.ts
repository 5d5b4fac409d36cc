// What each v4 position was entered at: the pool's price at the end of the block of its first ModifyLiquidity
// (its mint). v4 emits no amounts for a liquidity change (ModifyLiquidity carries the liquidity delta only), so
// the HODL benchmark is the position's current liquidity at that entry price (lp-metrics: an `sqrtPrice` entry),
// the deposit itself for a position never resized. Found once per position, on the cold path: one getLogs, then
// one pinned getSlot0 read per distinct mint block.
import { getAbiItem, type PublicClient } from "viem";
import { POOL_MANAGER_V4_ABI, STATE_VIEW_ABI } from "../chain/abis/uniswap-v4-abi.ts";
import { classifyChainError } from "../chain/classify-error.ts";
import { MalformedReturnDataError } from "../chain/errors.ts";
import { readAtBlock, requireValue } from "../chain/read-at-block.ts";
import type { Hex32 } from "../engine/plan.ts";
import type { LpEntry } from "../engine/snapshot.ts";
import type { V4PositionStatics } from "./uniswap-v4-reads.ts";
import type { V4Sources } from "./v4-statics.ts";

export function createV4PositionEntries(client: PublicClient, v4: V4Sources) {
  const entries = new Map<bigint, LpEntry>();
  return {
    /** Finds the entry of every position not known yet. */
    async learn(
      positions: readonly V4PositionStatics[],
      toBlock: bigint,
      countRequest: () => void,
    ): Promise<void> {
      const unknown = positions.filter((p) => !entries.has(p.tokenId));
      if (unknown.length === 0) return;
      countRequest();
      const logs = await client
        .getLogs({
          address: v4.poolManager,
          event: getAbiItem({ abi: POOL_MANAGER_V4_ABI, name: "ModifyLiquidity" }),
          args: { id: [...new Set(unknown.map((p) => p.poolId))], sender: v4.positionManager },
          fromBlock: v4.fromBlock,
          toBlock,
          strict: true,
        })
        .catch((error: unknown) => {
          throw classifyChainError(error);
        });
      const mintBlock = new Map<bigint, bigint>();
      for (const log of logs) {
        const tokenId = BigInt(log.args.salt);
        const seen = mintBlock.get(tokenId);
        if (seen === undefined || log.blockNumber < seen) mintBlock.set(tokenId, log.blockNumber);
      }
      const byBlock = new Map<bigint, V4PositionStatics[]>();
      for (const p of unknown) {
        const block = mintBlock.get(p.tokenId);
        if (block === undefined) {
          throw new MalformedReturnDataError(
            `v4 token ${p.tokenId}: no ModifyLiquidity log since block ${v4.fromBlock} (is uniswapV4.fromBlock before its mint?)`,
          );
        }
        byBlock.set(block, [...(byBlock.get(block) ?? []), p]);
      }
      await Promise.all(
        [...byBlock].map(async ([blockNumber, atBlock]) => {
          const poolIds = [...new Set(atBlock.map((p) => p.poolId))];
          countRequest();
          const outcomes = await readAtBlock(
            client,
            poolIds.map((poolId) => ({
              address: v4.stateView,
              abi: STATE_VIEW_ABI,
              functionName: "getSlot0",
              args: [poolId],
            })),
            { blockNumber },
          );
          const price = new Map<Hex32, bigint>(
            poolIds.map((poolId, i) => [
              poolId,
              requireValue<readonly [bigint]>(outcomes[i], `getSlot0(${poolId}) at ${blockNumber}`)[0],
            ]),
          );
          for (const p of atBlock)
            entries.set(p.tokenId, { kind: "sqrtPrice", sqrtPriceX96: price.get(p.poolId)! });
        }),
      );
    },
    entryOf(tokenId: bigint): LpEntry {
      const entry = entries.get(tokenId);
      if (entry === undefined) throw new MalformedReturnDataError(`v4 token ${tokenId}: entry not learned`);
      return entry;
    },
  };
}

export type V4PositionEntries = ReturnType<typeof createV4PositionEntries>;
