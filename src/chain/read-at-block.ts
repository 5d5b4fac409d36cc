import type { Abi, Address, ContractFunctionName, PublicClient } from "viem";
import { findInChain } from "../runtime/error-chain.ts";
import { classifyChainError } from "./classify-error.ts";
import { ChainConfigurationError, type ChainError } from "./errors.ts";

export interface ContractRead {
  address: Address;
  abi: Abi;
  functionName: string;
  args?: readonly unknown[];
  /** Gas this read may take (cold storage reads dominate); batches are planned against the node's gas cap. */
  gasHint?: number;
}

export type ReadOutcome = { ok: true; value: unknown } | { ok: false; error: ChainError };

export interface ReadAtBlockOptions {
  blockNumber: bigint;
  /**
   * Gas budget per eth_call batch, below the nodes' cap on one call's gas. A batch a node still refuses as out of
   * gas is split in half and retried: the node has then executed it once in vain, so the budget must hold.
   */
  batchGas?: number;
}

/**
 * Below EIP-7825's cap on a transaction's gas (2^24 = 16,777,216), which nodes also apply to eth_call: Hardhat's
 * node (EDR) refuses a larger limit and runs a call without one up to the cap, so a batch planned past it runs
 * out of gas after executing in full, and the halving retry executes it a second time.
 */
export const DEFAULT_BATCH_GAS = 15_000_000;
/** A read without a hint: a view touching a handful of cold slots. */
export const DEFAULT_READ_GAS = 12_000;
const MAX_SPLITS = 8;

/**
 * Every read evaluated at the same block through Multicall3: reads are packed into as few eth_calls as the gas
 * budget allows, all pinned to `blockNumber` and sent concurrently. A failing read is reported as its own
 * classified error (a revert, or return data that does not decode) — never as a zero; a failing request fails
 * the whole read.
 */
export async function readAtBlock(
  client: PublicClient,
  reads: readonly ContractRead[],
  options: ReadAtBlockOptions,
): Promise<ReadOutcome[]> {
  if (reads.length === 0) return [];
  if (client.chain?.contracts?.multicall3 === undefined) {
    throw new ChainConfigurationError("readAtBlock needs a client whose chain declares Multicall3");
  }
  const batches = planBatches(reads, options.batchGas ?? DEFAULT_BATCH_GAS);
  const results = await Promise.all(batches.map((batch) => readBatch(client, batch, options.blockNumber, 0)));
  return results.flat();
}

/** Consecutive reads grouped so that each group's estimated gas stays within the budget (order kept). */
export function planBatches(reads: readonly ContractRead[], batchGas: number): ContractRead[][] {
  const batches: ContractRead[][] = [];
  let current: ContractRead[] = [];
  let gas = 0;
  for (const read of reads) {
    const cost = read.gasHint ?? DEFAULT_READ_GAS;
    if (current.length > 0 && gas + cost > batchGas) {
      batches.push(current);
      current = [];
      gas = 0;
    }
    current.push(read);
    gas += cost;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

async function readBatch(
  client: PublicClient,
  reads: readonly ContractRead[],
  blockNumber: bigint,
  splits: number,
): Promise<ReadOutcome[]> {
  type Result = { status: "success"; result: unknown } | { status: "failure"; error: Error };
  let results: readonly Result[];
  let requestError: unknown;
  try {
    results = (await client.multicall({
      contracts: reads.map((read) => ({
        address: read.address,
        abi: read.abi,
        functionName: read.functionName as ContractFunctionName,
        args: read.args ?? [],
      })),
      allowFailure: true,
      blockNumber,
      batchSize: 0, // batches are planned above, by gas
    })) as readonly Result[];
    // With allowFailure, viem reports a failed request as the same error on every call of the batch.
    const first = results[0];
    if (
      first?.status === "failure" &&
      results.every((r) => r.status === "failure" && r.error === first.error)
    ) {
      requestError = first.error;
    }
  } catch (error) {
    requestError = error;
    results = [];
  }
  if (requestError !== undefined) {
    if (isOutOfGas(requestError) && reads.length > 1 && splits < MAX_SPLITS) {
      const half = Math.ceil(reads.length / 2);
      const [first, second] = await Promise.all([
        readBatch(client, reads.slice(0, half), blockNumber, splits + 1),
        readBatch(client, reads.slice(half), blockNumber, splits + 1),
      ]);
      return [...first, ...second];
    }
    throw classifyChainError(requestError);
  }
  return results.map((result) =>
    result.status === "success"
      ? { ok: true, value: result.result }
      : { ok: false, error: classifyChainError(result.error) },
  );
}

/** The node refused the batch for exceeding its eth_call gas cap (geth "out of gas", Hardhat "ran out of gas"). */
function isOutOfGas(error: unknown): boolean {
  return (
    findInChain(error, (link) => {
      const e = link as { message?: unknown; details?: unknown };
      return /out of gas|gas required exceeds/i.test(`${String(e.message ?? "")} ${String(e.details ?? "")}`);
    }) !== undefined
  );
}

/** The value of a successful read, or its error thrown (for snapshots that need every value). */
export function requireValue<T>(outcome: ReadOutcome | undefined, what: string): T {
  if (outcome === undefined) throw new ChainConfigurationError(`no read result for ${what}`);
  if (!outcome.ok) {
    outcome.error.details.read = what;
    throw outcome.error;
  }
  return outcome.value as T;
}
