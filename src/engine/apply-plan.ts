// The book a plan promises: the snapshot with the plan's actions applied as expected (perp size moved at the
// index price, collateral moved between the Safe and the vault, swaps filled at their minimum). Used to check
// plans (the drift after must be inside the band) and to replay decisions on scripted scenarios.
import type { Plan } from "./plan.ts";
import type { BookSnapshot, SpotBalance } from "./snapshot.ts";

const E18 = 10n ** 18n;

function moveSpot(spot: SpotBalance[], token: string, delta: bigint): SpotBalance[] {
  return spot.map((s) =>
    s.token.address.toLowerCase() === token.toLowerCase() ? { ...s, balance: s.balance + delta } : s,
  );
}

/** Fees and slippage are not applied: this is the state the post-conditions describe. */
export function applyPlan(book: BookSnapshot, plan: Plan, executedAtSec: number): BookSnapshot {
  let perp = book.perp ? { ...book.perp } : null;
  let spot = book.spot;
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
    }
  }
  return {
    ...book,
    perp,
    spot,
    keeper: {
      hedgeTriggered: plan.hedgeTriggered ?? book.keeper.hedgeTriggered,
      lastPlanAtSec: executedAtSec,
    },
  };
}
