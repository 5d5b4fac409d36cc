import { getAddress, type PublicClient } from "viem";
import { HEDGE_BOUNDS_ABI } from "./abis.ts";
import type { PriceSource, TreasuryScope } from "./treasury-scope.ts";

/**
 * A fact of HedgeBounds that differs from the reviewed configuration: `treasury` (whose positions it judges) or
 * `price-source:<token>` (`deployed` null: no source set).
 */
export interface PriceSourceDrift {
  key: string;
  desired: string;
  deployed: string | null;
}

const render = (s: Omit<PriceSource, "token">) =>
  `feed=${getAddress(s.feed)},heartbeatSec=${s.heartbeatSec},feedDecimals=${s.feedDecimals},tokenDecimals=${s.tokenDecimals}`;

/**
 * Reads HedgeBounds' price source for every token the scope prices and reports each that differs: a feed swapped
 * for another, a longer heartbeat or wrong decimals would move every bound the keeper is held to. Also refuses a
 * HedgeBounds that judges another treasury's positions.
 */
export async function readPriceSourceDrift(
  client: PublicClient,
  scope: TreasuryScope,
): Promise<PriceSourceDrift[]> {
  const bounds = scope.bounds.hedgeBounds;
  const treasury = await client.readContract({
    address: bounds,
    abi: HEDGE_BOUNDS_ABI,
    functionName: "treasury",
  });
  const drift: PriceSourceDrift[] = [];
  if (getAddress(treasury) !== getAddress(scope.safe)) {
    drift.push({ key: "treasury", desired: getAddress(scope.safe), deployed: getAddress(treasury) });
  }
  const deployed = await Promise.all(
    scope.bounds.priceSources.map((source) =>
      client.readContract({
        address: bounds,
        abi: HEDGE_BOUNDS_ABI,
        functionName: "priceSource",
        args: [source.token],
      }),
    ),
  );
  scope.bounds.priceSources.forEach((source, i) => {
    const onChain = deployed[i]!;
    const actual = BigInt(onChain.feed) === 0n ? null : render(onChain);
    const desired = render(source);
    if (actual !== desired)
      drift.push({ key: `price-source:${source.token.toLowerCase()}`, desired, deployed: actual });
  });
  return drift;
}
