// The deleverager's decision for one book at one block: repay the Safe's Aave debt of the short asset, or hold.
// It is the treasury's second line, run with a key that may only repay (execution/permissions.ts,
// deleveragerPermissions), so it acts only when the keeper has not: the health factor is under the leg's floor
// AND no keeper plan for the book was admitted by HedgeGuard within `keeperGraceBlocks` (HedgeGuard.lastPlanBlock,
// read from the chain: neither Redis nor the keeper's own process can vouch for the keeper). Everything is derived
// from chain state at the block, so a restart or a repeated block can never repay twice: a mined repay has already
// raised the health factor the next decision reads.
//
// Sizing: the least repay x that brings the health factor to the target,
//   HF(x) = Σ collateralᵢ·LTᵢ / (debt − x·price)            (Aave v3 GenericLogic.calculateUserAccountData)
// found by bisection on aaveHealthFactorAfter (exact to Aave's rounding), capped by what the Safe can pay with:
// first its wallet balance of the asset (repay), else its aTokens of it (repayWithATokens; if they count as
// collateral, they leave the numerator too, which aaveHealthFactorAfter accounts for). One repay per block; the
// next block re-reads and continues with the other source if the target is still not reached.
import { aaveHealthFactorAfter, reserveOf } from "./aave-leg.ts";
import { fail } from "./input-guards.ts";
import type { Address } from "./plan.ts";
import type { AaveAccountSnapshot } from "./snapshot.ts";

export interface DeleverageInput {
  account: AaveAccountSnapshot;
  /** The borrowed (short) asset whose debt may be repaid. */
  shortAsset: Address;
  /** The Safe's wallet balance of the short asset (repay pays from it). */
  heldShortUnits: bigint;
  floorWad: bigint;
  targetWad: bigint;
  blockNumber: bigint;
  /** HedgeGuard.lastPlanBlock(safe, bookKey): the plan block of the keeper's last admitted plan for the book; 0 = none. */
  keeperLastPlanBlock: bigint;
  keeperGraceBlocks: bigint;
  /** The short asset's feed answered within its heartbeat at this block. */
  oracleFresh: boolean;
}

export type DeleverageHoldReason =
  | "no-debt"
  | "above-floor"
  | "oracle-stale"
  | "keeper-active"
  | "nothing-to-repay-with";

export type DeleverageDecision =
  | { kind: "hold"; reason: DeleverageHoldReason; healthFactorWad: bigint }
  | {
      kind: "repay";
      /** `wallet`: Pool.repay from the Safe's balance; `aTokens`: Pool.repayWithATokens. */
      source: "wallet" | "aTokens";
      units: bigint;
      healthFactorWad: bigint;
      healthFactorAfterWad: bigint;
      /** The repay reaches the target (else it is the most the Safe can pay from this source). */
      reachesTarget: boolean;
    };

export function decideDeleverage(input: DeleverageInput): DeleverageDecision {
  const { account, floorWad, targetWad } = input;
  if (!(floorWad > 0n && floorWad <= targetWad))
    fail("healthFactor", "must satisfy 0 < floor <= target", input);
  const short = reserveOf(account, input.shortAsset);
  if (!short) fail("shortAsset", "is not among the account's reserves", input.shortAsset);
  // Recomputed from the reserves with Aave's own rounding (equal to getUserAccountData to the wei: the indexer's
  // devnet test), so the hold test and the sizing below read one figure.
  const healthFactorWad = aaveHealthFactorAfter(account, []);
  const hold = (reason: DeleverageHoldReason): DeleverageDecision => ({
    kind: "hold",
    reason,
    healthFactorWad,
  });
  if (short.variableDebt === 0n) return hold("no-debt");
  if (healthFactorWad >= floorWad) return hold("above-floor");
  // The feed is the premise of the health factor: a stale price is never acted on (the floor may not be crossed).
  if (!input.oracleFresh) return hold("oracle-stale");
  if (input.blockNumber - input.keeperLastPlanBlock <= input.keeperGraceBlocks) return hold("keeper-active");

  const asset = short.asset.address;
  const fromWallet = min(input.heldShortUnits, short.variableDebt);
  const afterWallet = (x: bigint) =>
    aaveHealthFactorAfter(account, [{ asset, suppliedDelta: 0n, debtDelta: -x }]);
  if (fromWallet > 0n) return sized("wallet", fromWallet, afterWallet);
  const fromATokens = min(short.aTokenBalance, short.variableDebt);
  const afterATokens = (x: bigint) =>
    aaveHealthFactorAfter(account, [{ asset, suppliedDelta: -x, debtDelta: -x }]);
  if (fromATokens > 0n) return sized("aTokens", fromATokens, afterATokens);
  return hold("nothing-to-repay-with");

  function sized(
    source: "wallet" | "aTokens",
    most: bigint,
    after: (x: bigint) => bigint,
  ): DeleverageDecision {
    const units = leastReaching(most, (x) => after(x) >= targetWad);
    const healthFactorAfterWad = after(units);
    return {
      kind: "repay",
      source,
      units,
      healthFactorWad,
      healthFactorAfterWad,
      reachesTarget: healthFactorAfterWad >= targetWad,
    };
  }
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

/** The least x in [1, hi] with `reaches(x)` (monotone in x); hi when even hi does not. */
function leastReaching(hi: bigint, reaches: (x: bigint) => boolean): bigint {
  if (!reaches(hi)) return hi;
  let lo = 0n;
  while (hi - lo > 1n) {
    const mid = (lo + hi) / 2n;
    if (reaches(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}
