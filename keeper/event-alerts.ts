// Keeper events that are alerts in themselves, in the shape the alert conditions read (src/alerts): a plan the
// keeper refused because what Redis held for it was not what it stored (verified-plan.ts).
import type { TamperedPlan } from "../src/alerts/alert-conditions.ts";
import type { KeeperEvent } from "./events.ts";

export function tamperedPlanOf(event: KeeperEvent): TamperedPlan | undefined {
  if (event.kind !== "plan.tampered") return undefined;
  return { planId: event.planId, bookId: event.bookId, reason: event.reason };
}
