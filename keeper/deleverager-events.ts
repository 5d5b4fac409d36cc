// What the deleverager reports as it works: every head it reads, every book's health factor at it, and each repay
// transaction's fate. The process maps them to metrics and alerts (deleverager-observers.ts); the loop itself keeps
// nothing of them, so its exactly-once reasoning (chain state only) is unchanged.
import type { Hex } from "viem";
import type { DeleverageDecision } from "../src/engine/deleverage.ts";

export type DeleveragerEvent =
  | { kind: "head"; blockNumber: bigint }
  | {
      kind: "book";
      bookId: string;
      blockNumber: bigint;
      healthFactorWad: bigint;
      floorWad: bigint;
      /** HedgeGuard admitted a keeper plan for the book within the grace (the engine's `keeper-active` test). */
      keeperInGrace: boolean;
      decision: DeleverageDecision;
    }
  | { kind: "repay.sent"; bookId: string; blockNumber: bigint; txHash: Hex; units: bigint; source: string }
  | { kind: "repay.confirmed"; bookId: string; blockNumber: bigint; txHash: Hex; gasUsed: bigint }
  /** A repay the engine decided that did not happen: refused simulation, send error, or a reverted transaction. */
  | { kind: "repay.failed"; bookId: string; blockNumber: bigint; error: string };
