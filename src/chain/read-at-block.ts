import type { Abi, Address, ContractFunctionName, PublicClient } from "viem";
import { classifyChainError } from "./classify-error.ts";
import { ChainConfigurationError, type ChainError } from "./errors.ts";

export interface ContractRead {
  address: Address;
  abi: Abi;
  functionName: string;
  args?: readonly unknown[];
}

export type ReadOutcome = { ok: true; value: unknown } | { ok: false; error: ChainError };

export interface ReadAtBlockOptions {
  blockNumber: bigint;
  /** Calldata bytes per eth_call; large, so a snapshot of thousands of reads takes a handful of requests. */
  batchSizeBytes?: number;
}

/**
 * Every read evaluated at the same block through Multicall3 (one eth_call per batch, all pinned to
 * `blockNumber`). A failing read is reported as its own classified error — a revert or return data that
 * does not decode — never as a zero; a failing request fails the whole read.
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
  let results: readonly ({ status: "success"; result: unknown } | { status: "failure"; error: Error })[];
  try {
    results = (await client.multicall({
      contracts: reads.map((read) => ({
        address: read.address,
        abi: read.abi,
        functionName: read.functionName as ContractFunctionName,
        args: read.args ?? [],
      })),
      allowFailure: true,
      blockNumber: options.blockNumber,
      batchSize: options.batchSizeBytes ?? 256_000,
    })) as typeof results;
  } catch (error) {
    throw classifyChainError(error);
  }
  return results.map((result) =>
    result.status === "success"
      ? { ok: true, value: result.result }
      : { ok: false, error: classifyChainError(result.error) },
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
