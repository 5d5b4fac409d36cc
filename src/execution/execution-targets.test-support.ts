import { keccak256, stringToBytes } from "viem";
import type { ExecutionTargets } from "./execution-targets.ts";

/** A made-up address from a small number: 0x…0n. */
export const address = (n: number) => `0x${n.toString(16).padStart(40, "0")}` as const;

/** Execution targets at addresses 1–8, for unit tests that build a plan's batch without a chain. */
export const TEST_TARGETS: ExecutionTargets = {
  safe: address(1),
  roles: address(2),
  keeperRoleKey: keccak256(stringToBytes("keeper")),
  hedgeGuard: address(3),
  multiSendCallOnly: address(4),
  perp: { clearingHouse: address(5), vault: address(6) },
  uniswap: { swapRouter: address(7), positionManager: address(8) },
};
