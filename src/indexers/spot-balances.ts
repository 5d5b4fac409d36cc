// The Safe's own balances of the book's spot tokens (the base, the stablecoins, the perp's collateral), read in the
// main round.
import { type Address, erc20Abi } from "viem";
import type { ReadOutcome } from "../chain/read-at-block.ts";
import type { ReadBatch } from "../chain/read-batch.ts";
import { typedRead } from "../chain/typed-read.ts";
import type { SpotBalance, TokenRef } from "../engine/snapshot.ts";

/** Adds a balanceOf(safe) per token to the round; the returned function decodes them. */
export function planSpotReads(
  batch: ReadBatch,
  tokens: readonly TokenRef[],
  safe: Address,
): (outcomes: readonly ReadOutcome[]) => SpotBalance[] {
  const slots = tokens.map((token) =>
    batch.add(
      typedRead({ address: token.address, abi: erc20Abi, functionName: "balanceOf", args: [safe] }),
      `${token.symbol}.balanceOf(safe)`,
    ),
  );
  return (outcomes) => tokens.map((token, index) => ({ token, balance: slots[index]!.value(outcomes) }));
}
