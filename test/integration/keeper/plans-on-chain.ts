// What the chain says about plans, independently of Redis: HedgeGuard emits PlanAdmitted once per executed plan
// transaction (contracts/interfaces/IHedgeGuard.sol), so counting its logs per plan id counts the transactions that
// carried each plan out.
import { parseAbiItem } from "viem";
import type { Devnet } from "../../../src/devnet/index.ts";

const PLAN_ADMITTED = parseAbiItem(
  "event PlanAdmitted(address indexed treasury, bytes32 indexed bookKey, bytes32 indexed planId, uint256 planBlock)",
);

/** Mined transactions per plan id since `fromBlock` (every id asked for is present, 0 when never mined). */
export async function minedTransactionsPerPlan(
  devnet: Devnet,
  hedgeGuard: `0x${string}`,
  planIds: readonly `0x${string}`[],
  fromBlock: bigint,
): Promise<Record<string, number>> {
  const logs = await devnet.publicClient.getLogs({
    address: hedgeGuard,
    event: PLAN_ADMITTED,
    fromBlock,
    toBlock: "latest",
  });
  const counts: Record<string, number> = Object.fromEntries(planIds.map((id) => [id, 0]));
  for (const log of logs) {
    const id = log.args.planId!;
    counts[id] = (counts[id] ?? 0) + 1;
  }
  return counts;
}
