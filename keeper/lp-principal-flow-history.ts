// An LP principal flow of a book's Safe as the history records it (migration 11). Pure.
// Each token at the USD price the engine values it at in the snapshot the keeper read the flow at (usd-price.ts: its
// feed's answer, or $1 for a configured stablecoin): the flow's own block when the keeper reads every block.
// The base token's share moved to or from the Safe's own balance (a Collect to the Safe; a deposit, which the Safe
// pays), when the book counts that balance as spot, is kept apart: the sample's spotBase counts it, so the report adds it back to gamma / fees but not to the
// book's value again.
import type { BookParams } from "../src/engine/params.ts";
import type { BookSnapshot, TokenRef } from "../src/engine/snapshot.ts";
import { usdPricer } from "../src/engine/usd-price.ts";
import { v4CurrencyAsset } from "../src/engine/v4-position.ts";
import type { LpPrincipalFlow } from "../src/indexers/lp-principal-flows.ts";
import type { LpPrincipalFlowHistory } from "../src/store/history-store.ts";

export function lpPrincipalFlowHistoryOf(
  chainId: number,
  snapshot: BookSnapshot,
  params: Pick<BookParams, "depeg">,
  flow: LpPrincipalFlow,
): LpPrincipalFlowHistory {
  const price = usdPricer(snapshot, params);
  const base = snapshot.base.address.toLowerCase();
  // The base reaches spotBase only when the book counts the Safe's base balance as spot (book-metrics.ts).
  const baseIsSpot = snapshot.spot.some((s) => s.token.address.toLowerCase() === base);
  // A v4 pool's native ETH (address 0) is the base asset, priced by the base feed as the engine values it.
  const usd = (token: TokenRef, units: bigint) =>
    (Number(units) / 10 ** token.decimals) *
    price(v4CurrencyAsset(token.address, snapshot.base.address).toLowerCase());
  const legs = [
    { token: flow.token0, principal: flow.principal0, fees: flow.feesCollected0 },
    { token: flow.token1, principal: flow.principal1, fees: flow.feesCollected1 },
  ];
  let principalUsd = 0;
  let principalToSpotUsd = 0;
  let feesCollectedUsd = 0;
  let feesToSpotUsd = 0;
  for (const { token, principal, fees } of legs) {
    const principalLegUsd = usd(token, principal);
    const feesLegUsd = usd(token, fees);
    principalUsd += principalLegUsd;
    feesCollectedUsd += feesLegUsd;
    if (!baseIsSpot || token.address.toLowerCase() !== base) continue;
    // A deposit's base came from the Safe's balance; a withdrawal's reached it only through a Collect to the Safe.
    if (principal < 0n || flow.collectedToSafe) principalToSpotUsd += principalLegUsd;
    if (flow.collectedToSafe) feesToSpotUsd += feesLegUsd;
  }
  return {
    chainId,
    bookId: snapshot.bookId,
    blockNumber: flow.blockNumber,
    txHash: flow.transactionHash,
    logIndex: flow.logIndex,
    // The block the keeper read it at; the report places a flow by its block number, never by this time.
    timestampSec: snapshot.blockTimestampSec,
    position: flow.position,
    principalUsd,
    principalToSpotUsd,
    feesCollectedUsd,
    feesToSpotUsd,
  };
}
