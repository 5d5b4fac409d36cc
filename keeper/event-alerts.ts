// Keeper events that are alerts in themselves, in the shape the alert conditions read (src/alerts): a plan the
// keeper refused because what Redis held for it was not what it stored (verified-plan.ts).
import type { AaveLiquidationAlert, TamperedPlan } from "../src/alerts/alert-conditions.ts";
import type { KeeperEvent } from "./events.ts";

export function tamperedPlanOf(event: KeeperEvent): TamperedPlan | undefined {
  if (event.kind !== "plan.tampered") return undefined;
  return { planId: event.planId, bookId: event.bookId, reason: event.reason };
}

export function aaveLiquidationOf(event: KeeperEvent): AaveLiquidationAlert | undefined {
  if (event.kind !== "aave.liquidated") return undefined;
  const { kind: _, ...liquidation } = event;
  return liquidation;
}
