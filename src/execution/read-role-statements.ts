import type { AbiEvent, Address, PublicClient } from "viem";
import { rolesAbi } from "zodiac-roles-sdk";
import { classifyChainError } from "../chain/classify-error.ts";
import { foldStatements } from "./permission-drift.ts";
import { statementsOf } from "./role-statements.ts";

const CONFIG_EVENTS = [
  "AllowTarget",
  "ScopeTarget",
  "RevokeTarget",
  "AllowFunction",
  "ScopeFunction",
  "RevokeFunction",
  "AssignRoles",
  "SetAllowance",
  "SetUnwrapAdapter",
] as const;

const events = (rolesAbi as readonly { type: string; name?: string }[]).filter(
  (item) => item.type === "event" && (CONFIG_EVENTS as readonly string[]).includes(item.name ?? ""),
) as unknown as readonly AbiEvent[];

/**
 * The deployed configuration of a Roles modifier, read from its own events (the modifier keeps conditions
 * as contract code, so events are the readable record) and folded in chain order. Logs are fetched in
 * ranges of `chunkBlocks`, which public RPCs limit.
 */
export async function readDeployedRoleState(
  client: PublicClient,
  roles: Address,
  range: { fromBlock: bigint; toBlock: bigint; chunkBlocks?: bigint },
): Promise<Map<string, string>> {
  const chunk = range.chunkBlocks ?? 10_000n;
  const statements = [];
  for (let from = range.fromBlock; from <= range.toBlock; from += chunk) {
    const to = from + chunk - 1n < range.toBlock ? from + chunk - 1n : range.toBlock;
    let logs: Awaited<ReturnType<typeof client.getLogs<undefined, typeof events>>>;
    try {
      logs = await client.getLogs({ address: roles, events, fromBlock: from, toBlock: to, strict: true });
    } catch (error) {
      throw classifyChainError(error);
    }
    for (const log of logs) {
      const args = log.args as Record<string, unknown>;
      const event = events.find((e) => e.name === log.eventName);
      if (event === undefined) continue;
      statements.push(
        ...statementsOf(
          log.eventName,
          event.inputs.map((input) => args[input.name ?? ""]),
        ),
      );
    }
  }
  return foldStatements(statements);
}
