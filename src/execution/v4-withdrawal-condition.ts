import { type Address, getAddress, type Hex, toHex } from "viem";
import { type Condition, Operator, ParameterType } from "zodiac-roles-sdk";

// V4WithdrawalBounds as a Roles v2 custom condition (contracts/interfaces/IV4WithdrawalBounds.sol): Roles
// STATICCALLs its `check(to, value, data, operation, location, size, extra)` with the whole calldata of the
// scoped call; the condition's compValue is the adapter's 20-byte address followed by 12 bytes of `extra`, here
// `uint96 maxDeadlineSec`.

const UINT96_MAX = (1n << 96n) - 1n;

/** The 12 `extra` bytes: how far ahead a withdrawal's deadline may be, seconds (zero refuses every call). */
export function encodeDeadlineExtra(maxDeadlineSec: number): Hex {
  if (!Number.isInteger(maxDeadlineSec) || maxDeadlineSec <= 0 || BigInt(maxDeadlineSec) > UINT96_MAX) {
    throw new RangeError(
      `a withdrawal's deadline bound must be a positive whole number of seconds, got ${maxDeadlineSec}`,
    );
  }
  return toHex(BigInt(maxDeadlineSec), { size: 12 });
}

/** The V4WithdrawalBounds check on one static parameter of modifyLiquidities (the adapter decodes the whole call). */
export function v4WithdrawalCheck(adapter: Address, maxDeadlineSec: number) {
  return (): Condition => ({
    paramType: ParameterType.Static,
    operator: Operator.Custom,
    compValue: `${getAddress(adapter).toLowerCase()}${encodeDeadlineExtra(maxDeadlineSec).slice(2)}` as Hex,
  });
}
