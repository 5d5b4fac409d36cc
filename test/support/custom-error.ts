import { type Abi, BaseError, ContractFunctionRevertedError, decodeErrorResult, type Hex, isHex } from "viem";
import { expect } from "vitest";

/**
 * Await `action` and assert it reverted with the custom error `errorName`, optionally with exactly
 * `args`. A plain "it reverted" is not enough: tests name the error. Contract calls are decoded by viem
 * from the contract's ABI; for reverts viem cannot attribute to a function (a deployment), pass `abi`
 * and the raw revert data is decoded with it.
 */
export async function expectCustomError(
  action: Promise<unknown>,
  errorName: string,
  args?: readonly unknown[],
  abi?: Abi,
): Promise<readonly unknown[]> {
  let caught: unknown;
  try {
    await action;
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected a revert with ${errorName}, but the call succeeded`).toBeInstanceOf(BaseError);
  const decoded = decodeRevert(caught as BaseError, abi);
  expect(decoded, `expected ${errorName}, got: ${(caught as Error).message}`).toBeDefined();
  expect(decoded?.errorName, `revert: ${(caught as Error).message.split("\n")[0]}`).toBe(errorName);
  if (args !== undefined) expect(decoded?.args).toEqual(args);
  return decoded?.args ?? [];
}

function decodeRevert(
  error: BaseError,
  abi: Abi | undefined,
): { errorName: string; args: readonly unknown[] } | undefined {
  const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError) as
    | ContractFunctionRevertedError
    | undefined;
  if (reverted?.data) return { errorName: reverted.data.errorName, args: reverted.data.args ?? [] };
  if (abi === undefined) return undefined;
  const withData = error.walk((e) => isHex((e as { data?: unknown }).data)) as { data?: Hex } | undefined;
  if (!withData?.data) return undefined;
  const result = decodeErrorResult({ abi, data: withData.data });
  return { errorName: result.errorName, args: result.args ?? [] };
}
