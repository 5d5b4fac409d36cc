// The principal that went into and out of the Safe's v4 PositionManager positions, whoever sent the transaction,
// from the PoolManager's ModifyLiquidity logs the v4 side already fetches for its watched pools (v4-changes.ts): no
// request added. ModifyLiquidity(id, sender, tickLower, tickUpper, liquidityDelta, salt) carries no amounts, so
// they are computed as the PoolManager computes them (v4-core Pool.modifyLiquidity: SqrtPriceMath on the branch
// of slot0's tick, rounded up when liquidity enters, down when it leaves; whitepaper §6.2.3) at the pool's price
// at that moment: the last Swap of the pool before the log among the scanned logs (only a swap moves a pool's
// price), else the cached snapshot's price. The scanned logs cover every block since the cached snapshot, so the
// price is exact, and the pools watched are those of the cached positions, so the cache always has one.
// Fees are not in the event: the PositionManager pays a position all its fees owed on any modification (no
// tokensOwed in v4), so the first change of a position in the span collects what the cached snapshot says it was
// owed; what accrued between that snapshot and the change is not seen (at most one block's when every block is
// read).
import type { Address } from "viem";
import { mintAmounts, positionAmounts } from "../engine/position-amounts.ts";
import type { TokenRef } from "../engine/snapshot.ts";
import type { ChangeLog } from "./book-changes.ts";
import { inChainOrder } from "./log-order.ts";
import { emptyFlowOf, type LpPrincipalFlow } from "./lp-principal-flows.ts";

/** What a v4 flow needs of a Safe position: its pool, range and currencies. */
export interface V4FlowPosition {
  poolId: string;
  tickLower: number;
  tickUpper: number;
  currency0: TokenRef;
  currency1: TokenRef;
}

/** A pool's price at the cached snapshot's block. */
export interface V4PoolPrice {
  sqrtPriceX96: bigint;
  tick: number;
}

/** The flows of the given positions among decoded logs (any addresses, any events), oldest first. */
export function v4PrincipalFlowsAmong(
  logs: readonly ChangeLog[],
  input: {
    poolManager: Address;
    positionManager: Address;
    /** The Safe's positions (at the cached block or this one), by token id. */
    positions: ReadonlyMap<bigint, V4FlowPosition>;
    /** Pool id (lowercase) → its price at the cached block. */
    cachedPrices: ReadonlyMap<string, V4PoolPrice>;
    /** Token id → the fees it was owed at the cached block (absent: unknown, only the principal is recorded). */
    cachedFeesOwed: ReadonlyMap<bigint, { fees0: bigint; fees1: bigint }>;
  },
): LpPrincipalFlow[] {
  const poolManager = input.poolManager.toLowerCase();
  const positionManager = input.positionManager.toLowerCase();
  const ordered = [...logs].sort(inChainOrder);
  const price = new Map(input.cachedPrices);
  const feesPaid = new Set<bigint>();
  const byTxAndPosition = new Map<string, LpPrincipalFlow>();
  for (const log of ordered) {
    if (log.address.toLowerCase() !== poolManager) continue;
    const poolId = String(log.args.id).toLowerCase();
    if (log.eventName === "Swap") {
      price.set(poolId, { sqrtPriceX96: log.args.sqrtPriceX96 as bigint, tick: Number(log.args.tick) });
      continue;
    }
    if (log.eventName !== "ModifyLiquidity") continue;
    if (String(log.args.sender).toLowerCase() !== positionManager) continue;
    const tokenId = BigInt(String(log.args.salt)); // salt = bytes32(tokenId)
    const position = input.positions.get(tokenId);
    if (position === undefined) continue;
    if (position.poolId.toLowerCase() !== poolId)
      throw new TypeError(
        `ModifyLiquidity of v4 position ${tokenId} names pool ${poolId}, not ${position.poolId}`,
      );
    if (log.transactionHash === undefined)
      throw new TypeError(`ModifyLiquidity at block ${log.blockNumber} came without its transaction hash`);
    const at = price.get(poolId);
    if (at === undefined)
      throw new TypeError(
        `no price for v4 pool ${poolId} at block ${log.blockNumber}: its cached snapshot lacks it`,
      );
    const delta = log.args.liquidityDelta as bigint;
    const amounts = (delta >= 0n ? mintAmounts : positionAmounts)({
      sqrtPriceX96: at.sqrtPriceX96,
      tickCurrent: at.tick,
      tickLower: Number(log.args.tickLower),
      tickUpper: Number(log.args.tickUpper),
      liquidity: delta >= 0n ? delta : -delta,
    });
    const sign = delta >= 0n ? -1n : 1n; // a deposit is a negative withdrawal
    const key = `${log.transactionHash.toLowerCase()} ${tokenId}`;
    let flow = byTxAndPosition.get(key);
    if (flow === undefined) {
      // The PositionManager pays whichever recipient the caller's TAKE names, which no PoolManager log shows: the
      // Safe's own transactions (its owners', the keeper's) take to the Safe.
      flow = emptyFlowOf(
        { ...log, transactionHash: log.transactionHash },
        { id: `uniswap-v4:${tokenId}`, token0: position.currency0, token1: position.currency1 },
        true,
      );
      byTxAndPosition.set(key, flow);
    }
    flow.principal0 += sign * amounts.amount0;
    flow.principal1 += sign * amounts.amount1;
    if (!feesPaid.has(tokenId)) {
      feesPaid.add(tokenId);
      const fees = input.cachedFeesOwed.get(tokenId);
      if (fees !== undefined) {
        flow.feesCollected0 += fees.fees0;
        flow.feesCollected1 += fees.fees1;
      }
    }
  }
  return [...byTxAndPosition.values()];
}
