// What each v3 position was entered with: the amounts of its IncreaseLiquidity events, scaled by the share of
// the liquidity still in it (the HODL benchmark for impermanent loss). Logs are read again only for a position
// whose liquidity changed since they were last summed.
import { type Address, getAbiItem, type PublicClient } from "viem";
import { POSITION_MANAGER_ABI } from "../chain/abis/uniswap-v3-abi.ts";
import { classifyChainError } from "../chain/classify-error.ts";
import type { LpEntry } from "../engine/snapshot.ts";

interface Entry {
  liquidity: bigint;
  amount0: bigint;
  amount1: bigint;
}

export function createPositionEntries(client: PublicClient, positionManager: Address) {
  const entries = new Map<bigint, Entry>();
  return {
    /** Re-sums the entries of positions whose liquidity is not the one last summed (one getLogs, if any). */
    async refresh(
      liquidityNow: ReadonlyMap<bigint, bigint>,
      toBlock: bigint,
      countRequest: () => void,
    ): Promise<void> {
      const stale = [...liquidityNow.keys()].filter(
        (id) => entries.get(id)?.liquidity !== liquidityNow.get(id),
      );
      if (stale.length === 0) return;
      countRequest();
      const logs = await client
        .getLogs({
          address: positionManager,
          event: getAbiItem({ abi: POSITION_MANAGER_ABI, name: "IncreaseLiquidity" }),
          args: { tokenId: stale },
          fromBlock: 0n,
          toBlock,
          strict: true,
        })
        .catch((error: unknown) => {
          throw classifyChainError(error);
        });
      const added = new Map<bigint, Entry>();
      for (const { args } of logs) {
        const sum = added.get(args.tokenId) ?? { liquidity: 0n, amount0: 0n, amount1: 0n };
        added.set(args.tokenId, {
          liquidity: sum.liquidity + args.liquidity,
          amount0: sum.amount0 + args.amount0,
          amount1: sum.amount1 + args.amount1,
        });
      }
      for (const id of stale) {
        const sum = added.get(id);
        const now = liquidityNow.get(id) ?? 0n;
        // The principal still in the position: deposits scaled by the share of liquidity that remains.
        entries.set(
          id,
          sum === undefined || sum.liquidity === 0n
            ? { liquidity: now, amount0: 0n, amount1: 0n }
            : {
                liquidity: now,
                amount0: (sum.amount0 * now) / sum.liquidity,
                amount1: (sum.amount1 * now) / sum.liquidity,
              },
        );
      }
    },
    /** The position's entry amounts at `liquidity` (zero for a closed or never-summed position). */
    entryOf(tokenId: bigint, liquidity: bigint): LpEntry {
      const entry = entries.get(tokenId);
      if (entry === undefined || liquidity === 0n) return { kind: "amounts", amount0: 0n, amount1: 0n };
      return { kind: "amounts", amount0: entry.amount0, amount1: entry.amount1 };
    },
  };
}

export type PositionEntries = ReturnType<typeof createPositionEntries>;
