// The book a plan promises: the snapshot with the plan's actions applied as expected (perp size moved at the
// index price, collateral moved between the Safe and the vault, swaps filled at their minimum, v4 liquidity
// withdrawn at its minimums). Used to check plans (the drift after must be inside the band) and to replay decisions
// on scripted scenarios.
import { fail } from "./input-guards.ts";
import type { Plan, V4DecreaseLiquidityAction } from "./plan.ts";
import type { BookSnapshot, LpPositionSnapshot, SpotBalance } from "./snapshot.ts";
import { rangeFeeGrowth } from "./v4-position.ts";

const E18 = 10n ** 18n;

function moveSpot(spot: SpotBalance[], token: string, delta: bigint): SpotBalance[] {
  return spot.map((s) =>
    s.token.address.toLowerCase() === token.toLowerCase() ? { ...s, balance: s.balance + delta } : s,
  );
}

/**
 * A v4 DECREASE_LIQUIDITY + TAKE_PAIR: the position loses the liquidity, and (as v4's PositionManager collects every
 * fee owed on a decrease) its fee checkpoint moves to the range's growth now. The Safe is credited the minimums,
 * as a swap is filled at its minimum; the fees collected are left out, like every fee here. Native ETH is not a spot
 * balance the book tracks (stable-pair withdrawals never pay it).
 */
function withdrawV4(
  book: BookSnapshot,
  positions: LpPositionSnapshot[],
  spot: SpotBalance[],
  action: V4DecreaseLiquidityAction,
): { positions: LpPositionSnapshot[]; spot: SpotBalance[] } {
  const at = positions.findIndex((p) => p.kind === "uniswap-v4" && p.tokenId === action.tokenId);
  const position = positions[at];
  if (position?.kind !== "uniswap-v4")
    fail("action.tokenId", "not a v4 position of the book", action.tokenId);
  if (action.liquidity > position.liquidity)
    fail("action.liquidity", `more than the position's ${position.liquidity}`, action.liquidity);
  const pool = book.pools.find((p) => p.kind === "uniswap-v4" && p.poolId === position.poolId);
  if (pool?.kind !== "uniswap-v4") fail("action.tokenId", `no pool ${position.poolId} in the book`);
  const range = rangeFeeGrowth(position, pool);
  const updated = [...positions];
  updated[at] = {
    ...position,
    liquidity: position.liquidity - action.liquidity,
    feeGrowthInside0LastX128: range.feeGrowthInside0X128,
    feeGrowthInside1LastX128: range.feeGrowthInside1X128,
  };
  return {
    positions: updated,
    spot: moveSpot(moveSpot(spot, action.currency0, action.amount0Min), action.currency1, action.amount1Min),
  };
}

/** Fees and slippage are not applied: this is the state the post-conditions describe. */
export function applyPlan(book: BookSnapshot, plan: Plan, executedAtSec: number): BookSnapshot {
  let perp = book.perp ? { ...book.perp } : null;
  let spot = book.spot;
  let lpPositions = book.lpPositions;
  for (const action of plan.actions) {
    switch (action.kind) {
      case "perp.adjustPosition": {
        if (!perp) break;
        const signed = action.isBaseToQuote ? -action.amountBase : action.amountBase;
        perp.sizeBase += signed;
        perp.openNotionalQuote -= (signed * perp.indexPriceE18) / E18;
        break;
      }
      case "perp.depositCollateral":
      case "perp.withdrawCollateral": {
        if (!perp) break;
        const sign = action.kind === "perp.depositCollateral" ? 1n : -1n;
        const scale = 10n ** BigInt(18 - perp.collateral.token.decimals);
        perp = {
          ...perp,
          accountValueQuote: perp.accountValueQuote + sign * action.amount * scale,
          collateral: { ...perp.collateral, balance: perp.collateral.balance + sign * action.amount },
        };
        spot = moveSpot(spot, action.token, -sign * action.amount);
        break;
      }
      case "swap.exactInputSingle":
        spot = moveSpot(
          moveSpot(spot, action.tokenIn, -action.amountIn),
          action.tokenOut,
          action.amountOutMinimum,
        );
        break;
      case "uniswapV4.decreaseLiquidity":
        ({ positions: lpPositions, spot } = withdrawV4(book, lpPositions, spot, action));
        break;
    }
  }
  return {
    ...book,
    perp,
    spot,
    lpPositions,
    keeper: {
      hedgeTriggered: plan.hedgeTriggered ?? book.keeper.hedgeTriggered,
      lastPlanAtSec: executedAtSec,
    },
  };
}
