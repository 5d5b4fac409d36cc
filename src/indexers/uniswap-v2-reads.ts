// A Uniswap v2 pair in a book: its reserves, supply and tokens, and the Safe's LP tokens in it, read in the main
// round with everything else. A v2 position's entry is not recoverable from state: the current reserves stand in.
import type { Address } from "viem";
import { UNISWAP_V2_PAIR_ABI } from "../chain/abis/uniswap-v2-abi.ts";
import type { ReadOutcome } from "../chain/read-at-block.ts";
import type { ReadBatch } from "../chain/read-batch.ts";
import { typedRead } from "../chain/typed-read.ts";
import type { V2PoolSnapshot, V2PositionSnapshot } from "../engine/snapshot.ts";
import type { TokenRegistry } from "./token-registry.ts";

export interface V2PairState {
  pool: V2PoolSnapshot;
  /** The Safe's position, when it holds LP tokens of the pair. */
  position: V2PositionSnapshot | null;
}

/** Adds the pair's reads to the round; the returned function decodes them. */
export function planV2PairReads(
  batch: ReadBatch,
  pair: Address,
  safe: Address,
): (outcomes: readonly ReadOutcome[], tokens: TokenRegistry) => V2PairState {
  const read = <name extends "getReserves" | "totalSupply" | "token0" | "token1">(functionName: name) =>
    typedRead({ address: pair, abi: UNISWAP_V2_PAIR_ABI, functionName });
  const reserves = batch.add(read("getReserves"), `${pair}.getReserves`);
  const totalSupply = batch.add(read("totalSupply"), `${pair}.totalSupply`);
  const balance = batch.add(
    typedRead({ address: pair, abi: UNISWAP_V2_PAIR_ABI, functionName: "balanceOf", args: [safe] }),
    `${pair}.balanceOf(safe)`,
  );
  const token0 = batch.add(read("token0"), `${pair}.token0`);
  const token1 = batch.add(read("token1"), `${pair}.token1`);
  return (outcomes, tokens) => {
    const { reserve0, reserve1 } = reserves.value(outcomes);
    const supply = totalSupply.value(outcomes);
    const lpBalance = balance.value(outcomes);
    return {
      pool: {
        kind: "uniswap-v2",
        address: pair,
        token0: tokens.get(token0.value(outcomes)),
        token1: tokens.get(token1.value(outcomes)),
        reserve0,
        reserve1,
        totalSupply: supply,
      },
      position:
        lpBalance > 0n
          ? {
              kind: "uniswap-v2",
              pool: pair,
              lpBalance,
              entry: {
                kind: "amounts",
                amount0: (reserve0 * lpBalance) / supply,
                amount1: (reserve1 * lpBalance) / supply,
              },
            }
          : null,
    };
  };
}
