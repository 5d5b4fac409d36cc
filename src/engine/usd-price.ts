// The USD price the engine values a token at in one snapshot: its feed's answer (reported even when stale: health is
// reported beside it), otherwise $1 for a configured stablecoin. An unpriced token is an error naming it.
import { fail } from "./input-guards.ts";
import { oraclePrice } from "./oracle.ts";
import type { BookParams } from "./params.ts";
import type { BookSnapshot } from "./snapshot.ts";

/** A pricer over the snapshot's feeds: lower-cased token address → USD, cached per token. */
export function usdPricer(
  book: Pick<BookSnapshot, "baseOracle" | "oracles">,
  params: Pick<BookParams, "depeg">,
): (token: string) => number {
  const oraclesByAsset = new Map<string, BookSnapshot["baseOracle"]>();
  for (const reading of [book.baseOracle, ...book.oracles])
    oraclesByAsset.set(reading.asset.toLowerCase(), reading);
  const stables = new Set(params.depeg.stablecoins.map((s) => s.token.toLowerCase()));
  const cache = new Map<string, number>();
  return (key) => {
    let p = cache.get(key);
    if (p !== undefined) return p;
    const reading = oraclesByAsset.get(key);
    if (reading) p = oraclePrice(reading);
    else if (stables.has(key)) p = 1;
    else fail("oracles", `no USD price source for token ${key}`);
    cache.set(key, p);
    return p;
  };
}
