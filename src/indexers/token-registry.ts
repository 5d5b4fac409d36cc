// The metadata (decimals, symbol) of every token a book touches: the configured ones up front, others as the
// book's positions reveal them (read once, kept). A token with no metadata cannot be valued: asking for one is an
// error, never a guess.
import type { Address } from "viem";
import { MalformedReturnDataError } from "../chain/errors.ts";
import type { TokenRef } from "../engine/snapshot.ts";

export function createTokenRegistry(known: readonly TokenRef[]) {
  const tokens = new Map<string, TokenRef>(known.map((t) => [t.address.toLowerCase(), t]));
  return {
    has: (address: Address) => tokens.has(address.toLowerCase()),
    add(token: TokenRef): void {
      tokens.set(token.address.toLowerCase(), token);
    },
    all: (): TokenRef[] => [...tokens.values()],
    get(address: Address): TokenRef {
      const token = tokens.get(address.toLowerCase());
      if (token === undefined) throw new MalformedReturnDataError(`no metadata for token ${address}`);
      return token;
    },
  };
}

export type TokenRegistry = ReturnType<typeof createTokenRegistry>;
