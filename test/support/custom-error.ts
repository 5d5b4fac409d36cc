import { BaseError, ContractFunctionRevertedError } from "viem";
import { expect } from "vitest";

/**
 * Await `action` and assert it reverted with the custom error `errorName` (decoded by viem from the
 * contract ABI), optionally with exactly `args`. A plain "it reverted" is not enough: tests name the error.
 */
export async function expectCustomError(
  action: Promise<unknown>,
  errorName: string,
  args?: readonly unknown[],
): Promise<readonly unknown[]> {
  let caught: unknown;
  try {
    await action;
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected a revert with ${errorName}, but the call succeeded`).toBeInstanceOf(BaseError);
  const reverted = (caught as BaseError).walk((e) => e instanceof ContractFunctionRevertedError);
  expect(reverted, `expected ${errorName}, got: ${(caught as Error).message}`).toBeInstanceOf(
    ContractFunctionRevertedError,
  );
  const data = (reverted as ContractFunctionRevertedError).data;
  expect(data?.errorName, `revert data: ${(reverted as Error).message}`).toBe(errorName);
  if (args !== undefined) expect(data?.args).toEqual(args);
  return data?.args ?? [];
}
